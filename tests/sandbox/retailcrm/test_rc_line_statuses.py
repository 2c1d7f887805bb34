"""Order line statuses (reference/product-statuses, items[].status) and orders a manager deletes in the web UI."""

from __future__ import annotations

from app.sandbox.retailcrm.seeding import PRODUCT_STATUSES


def _new_order(api, emulator) -> dict:
    offer = emulator.state.offers()[3]
    created = api.post("/api/v5/orders/create", order={"items": [{"offer": {"id": offer["id"]}, "quantity": 2}]})
    return created.json()["order"]


def test_product_statuses_are_keyed_by_code_with_the_cancel_flag(api) -> None:
    body = api.get("/api/v5/reference/product-statuses").json()
    assert body["success"] is True
    statuses = body["productStatuses"]
    assert list(statuses) == [code for code, *_ in PRODUCT_STATUSES]
    for code, entry in statuses.items():
        # the recorded shape (References/testProductStatuses)
        assert set(entry) == {"code", "ordering", "active", "createdAt", "cancelStatus", "name"}
        assert entry["code"] == code and isinstance(entry["cancelStatus"], bool)
    assert statuses["failure"]["cancelStatus"] is True and statuses["new"]["cancelStatus"] is False


def test_a_line_status_is_set_through_edit_and_must_exist(api, emulator) -> None:
    order = _new_order(api, emulator)
    item = order["items"][0]
    assert item["status"] == "new"
    edited = api.post(f"/api/v5/orders/{order['id']}/edit", by="id",
                      order={"items": [{"id": item["id"], "status": "failure"}]})
    assert edited.status_code == 200 and edited.json()["order"]["items"][0]["status"] == "failure"
    history = [h for h in emulator.state.history() if h["order"]["id"] == order["id"]]
    assert history[-1]["field"] == "order_product.status"
    assert (history[-1]["oldValue"], history[-1]["newValue"]) == ({"code": "new"}, {"code": "failure"})
    refused = api.post(f"/api/v5/orders/{order['id']}/edit", by="id",
                       order={"items": [{"id": item["id"], "status": "no-such-status"}]})
    assert refused.status_code == 400
    assert emulator.state.order(order["id"])["items"][0]["status"] == "failure"


def test_a_deleted_order_is_gone_and_history_says_so(api, emulator) -> None:
    order = _new_order(api, emulator)
    emulator.state.user_delete_order(order["id"])
    assert api.get(f"/api/v5/orders/{order['id']}", params={"by": "id"}).status_code == 404
    listed = api.get("/api/v5/orders", params={"filter[ids][]": order["id"]}).json()["orders"]
    assert listed == []
    record = api.get("/api/v5/orders/history", params={"filter[orderId]": order["id"], "limit": 100}
                     ).json()["history"][-1]
    assert record["deleted"] is True and record["source"] == "user"
    assert (record["field"], record["oldValue"], record["newValue"]) == ("id", order["id"], None)
    assert record["order"]["id"] == order["id"] and record["order"]["site"] == order["site"]
