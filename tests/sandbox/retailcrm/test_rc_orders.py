"""orders: list filters, get, create, edit, upload, statuses, payments, and the validation that bites."""

from __future__ import annotations

from decimal import Decimal

import pytest


def _some_offer(emulator, index: int = 0) -> dict:
    return emulator.state.offers()[index]


# --- list ------------------------------------------------------------------------------------------------


def test_list_shape(api, emulator) -> None:
    order = api.get("/api/v5/orders", params={"limit": 100}).json()["orders"][-1]
    state_order = emulator.state.order(order["id"])
    assert order == state_order
    assert order["number"] == f"{order['id']}C"
    for key in ("id", "number", "site", "status", "createdAt", "items", "delivery", "customer", "totalSumm",
                "summ", "payments"):
        assert key in order
    assert isinstance(order["payments"], dict)
    for pid, payment in order["payments"].items():
        assert str(payment["id"]) == pid
    item = order["items"][0]
    assert {"id", "externalId", "xmlId"} <= set(item["offer"])
    assert item["offer"]["externalId"] == item["offer"]["xmlId"]


def test_totals_are_computed_in_roubles(api, emulator) -> None:
    for order in emulator.state.orders()[:20]:
        summ = sum(Decimal(str(i["prices"][0]["price"])) * Decimal(str(i["quantity"])) for i in order["items"])
        assert Decimal(str(order["summ"])) == summ
        assert Decimal(str(order["totalSumm"])) == summ + Decimal(str(order["delivery"]["cost"]))


def test_filter_extended_status(api, emulator) -> None:
    wanted = {"complete", "new"}
    orders = api.get("/api/v5/orders", params={"filter[extendedStatus][]": sorted(wanted), "limit": 100}).json()
    expected = [o["id"] for o in emulator.state.orders() if o["status"] in wanted]
    assert expected and sorted(o["id"] for o in orders["orders"]) == sorted(expected)


def test_filter_extended_status_by_group(api, emulator) -> None:
    orders = api.get("/api/v5/orders", params={"filter[extendedStatus][]": "cancel", "limit": 100}).json()["orders"]
    cancel_statuses = {"no-call", "cancel-other", "no-product", "archived-legacy"}
    assert {o["id"] for o in orders} == {o["id"] for o in emulator.state.orders() if o["status"] in cancel_statuses}


def test_unknown_status_filter_is_refused(api) -> None:
    response = api.get("/api/v5/orders", params={"filter[extendedStatus][]": "no-such"})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["statuses", "updatedAtFrom", "status"])
def test_filters_the_real_api_does_not_have_are_refused(api, name: str) -> None:
    response = api.get("/api/v5/orders", params={f"filter[{name}]": "x"})
    assert response.status_code == 400
    assert response.json()["errorMsg"] == "Errors in the input parameters"


def test_real_but_unemulated_filter_is_named(api) -> None:
    response = api.get("/api/v5/orders", params={"filter[customFields][nps]": "5"})
    assert response.status_code == 400
    assert "children[customFields]" in response.json()["errors"]


def test_filter_ids_external_ids_numbers_sites_customer(api, emulator) -> None:
    created = api.post("/api/v5/orders/create", order={"externalId": "filter-ext", "firstName": "Ф"}).json()
    by_ext = api.get("/api/v5/orders", params={"filter[externalIds][]": "filter-ext"}).json()["orders"]
    assert [o["id"] for o in by_ext] == [created["id"]]
    by_number = api.get("/api/v5/orders", params={"filter[numbers][]": ["1003C", "1004C"]}).json()["orders"]
    assert sorted(o["number"] for o in by_number) == ["1003C", "1004C"]
    site = emulator.state.site_code()
    assert api.get("/api/v5/orders", params={"filter[sites][]": site}).json()["pagination"]["totalCount"] == len(
        emulator.state.orders())
    assert api.get("/api/v5/orders", params={"filter[sites][]": "other"}).json()["pagination"]["totalCount"] == 0
    customer_id = emulator.state.order(1001)["customer"]["id"]
    mine = api.get("/api/v5/orders", params={"filter[customerId]": customer_id, "limit": 100}).json()["orders"]
    assert 1001 in [o["id"] for o in mine]
    assert all(o["customer"]["id"] == customer_id for o in mine)


def test_filter_created_and_status_updated_ranges(api, emulator) -> None:
    orders = emulator.state.orders()
    day = sorted(o["createdAt"][:10] for o in orders)[len(orders) // 2]
    body = api.get("/api/v5/orders", params={"filter[createdAtFrom]": day, "filter[createdAtTo]": day,
                                             "limit": 100}).json()
    assert {o["id"] for o in body["orders"]} == {o["id"] for o in orders if o["createdAt"][:10] == day}
    later = api.get("/api/v5/orders", params={"filter[statusUpdatedAtFrom]": day, "limit": 100}).json()
    assert {o["id"] for o in later["orders"]} == {o["id"] for o in orders if o["statusUpdatedAt"][:10] >= day}


# --- get ---------------------------------------------------------------------------------------------------


def test_get_by_id_and_by_external_id(api) -> None:
    created = api.post("/api/v5/orders/create", order={"externalId": "ext-get-1", "firstName": "Г"}).json()
    by_id = api.get(f"/api/v5/orders/{created['id']}", params={"by": "id"}).json()["order"]
    assert by_id["externalId"] == "ext-get-1"
    by_ext = api.get("/api/v5/orders/ext-get-1").json()["order"]  # by=externalId is the default
    with_site = api.get("/api/v5/orders/ext-get-1", params={"by": "externalId", "site": by_id["site"]}).json()
    assert by_ext == by_id == with_site["order"]
    assert api.get("/api/v5/orders/ext-get-1", params={"site": "other-site"}).status_code == 404


def test_get_by_id_without_by_looks_up_external_id(api) -> None:
    # the default `by` is externalId: asking for an internal id without by=id is a classic client bug
    assert api.get("/api/v5/orders/1001").status_code == 404
    assert api.get("/api/v5/orders/1001", params={"by": "id"}).status_code == 200


def test_bad_by(api) -> None:
    response = api.get("/api/v5/orders/1001", params={"by": "number"})
    assert response.status_code == 400 and "by" in response.json()["errors"]


# --- create ------------------------------------------------------------------------------------------------


def test_create_full_order(api, emulator) -> None:
    offer_a, offer_b = _some_offer(emulator, 0), _some_offer(emulator, 1)
    body = {
        "externalId": "web-100",
        "firstName": "Мария", "lastName": "Иванова", "phone": "+79001234567", "email": "m@example.ru",
        "status": "new", "orderMethod": "phone", "customerComment": "позвонить", "managerComment": "VIP",
        "shipmentStore": emulator.state.stores()[0],
        "delivery": {"code": "courier", "cost": 350.5, "address": {"city": "Казань", "text": "ул. Баумана, 1"}},
        "items": [
            {"offer": {"xmlId": offer_a["xmlId"]}, "quantity": 2, "initialPrice": 100.25},
            {"offer": {"id": offer_b["id"]}, "quantity": 1, "discountManualAmount": 10},
        ],
        "payments": [{"type": "cash", "amount": 10}],
    }
    response = api.post("/api/v5/orders/create", order=body)
    assert response.status_code == 201, response.text
    order = response.json()["order"]
    assert order["number"] == f"{order['id']}A"  # made through the API
    assert order["externalId"] == "web-100" and order["status"] == "new"
    assert order["delivery"] == {"code": "courier", "cost": 350.5, "netCost": 0,
                                 "address": {"city": "Казань", "text": "ул. Баумана, 1"}}
    first, second = order["items"]
    assert first["offer"]["id"] == offer_a["id"] and first["initialPrice"] == 100.25 and first["quantity"] == 2
    assert second["initialPrice"] == offer_b["price"]
    assert second["discountTotal"] == 10
    expected_summ = Decimal("200.50") + Decimal(str(offer_b["price"])) - 10
    assert Decimal(str(order["summ"])) == expected_summ
    assert Decimal(str(order["totalSumm"])) == expected_summ + Decimal("350.5")
    # a create answers with the payments as a list (recorded Orders/testCreate); orders/{id} keys them by id
    assert [p["amount"] for p in order["payments"]] == [10] and order["applyRound"] is True
    assert order["customer"]["firstName"] == "Мария"  # a customer was made from the order
    assert emulator.state.find_order(external_id="web-100")["id"] == order["id"]


def test_create_with_existing_customer(api, emulator) -> None:
    customer = emulator.state.customers()[0]
    order = api.post("/api/v5/orders/create", order={"customer": {"id": customer["id"]}}).json()["order"]
    assert order["customer"]["id"] == customer["id"]
    assert order["firstName"] == customer["firstName"]  # contact fields come from the customer
    missing = api.post("/api/v5/orders/create", order={"customer": {"externalId": "nobody"}})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"customer.externalId": "Customer with externalId=nobody not found."}


def test_unknown_offer_is_refused_and_nothing_is_created(api, emulator) -> None:
    before = emulator.state.counts()
    response = api.post("/api/v5/orders/create", order={"items": [{"offer": {"xmlId": "no-such-offer"}}]})
    assert response.status_code == 400
    assert response.json()["errors"] == {"items[0].offer": "Offer with xmlId=no-such-offer not found."}
    assert emulator.state.counts()["orders"] == before["orders"]


def test_status_must_exist_and_be_active(api) -> None:
    for status, word in (("no-such", "does not exist"), ("archived-legacy", "is not active")):
        response = api.post("/api/v5/orders/create", order={"status": status})
        assert response.status_code == 400
        assert word in response.json()["errors"]["status"]


def test_duplicate_external_id(api, emulator) -> None:
    assert api.post("/api/v5/orders/create", order={"externalId": "dup-1"}).status_code == 201
    count = emulator.state.counts()["orders"]
    again = api.post("/api/v5/orders/create", order={"externalId": "dup-1"})
    assert again.status_code == 400
    assert again.json()["errorMsg"] == "Order already exists."
    assert emulator.state.counts()["orders"] == count


def test_same_offer_twice_is_merged_keeping_the_last(api, emulator) -> None:
    offer = _some_offer(emulator, 3)
    order = api.post("/api/v5/orders/create", order={"items": [
        {"offer": {"id": offer["id"]}, "quantity": 1},
        {"offer": {"id": offer["id"]}, "quantity": 5},
    ]}).json()["order"]
    assert [(i["offer"]["id"], i["quantity"]) for i in order["items"]] == [(offer["id"], 5)]


def test_unknown_references_are_refused(api) -> None:
    response = api.post("/api/v5/orders/create", order={
        "orderMethod": "pigeon", "shipmentStore": "nowhere", "delivery": {"code": "teleport"},
        "items": [{"productName": "Услуга", "priceType": {"code": "nope"}}], "payments": [{"type": "barter"}]})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"orderMethod", "shipmentStore", "delivery.code", "items[0].priceType",
                                              "payments[0].type"}


# --- edit --------------------------------------------------------------------------------------------------


def test_edit_by_id_partial(api, emulator) -> None:
    before = emulator.state.order(1002)
    response = api.post("/api/v5/orders/1002/edit", by="id", order={"managerComment": "перезвонить"})
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == 1002 and body["order"]["managerComment"] == "перезвонить"
    after = emulator.state.order(1002)
    assert after["items"] == before["items"] and after["status"] == before["status"]


def test_edit_by_external_id_with_site(api, emulator) -> None:
    api.post("/api/v5/orders/create", order={"externalId": "edit-ext"})
    response = api.post("/api/v5/orders/edit-ext/edit", site=emulator.state.site_code(),
                        order={"status": "client-confirmed"})
    assert response.status_code == 200
    assert emulator.state.find_order(external_id="edit-ext")["status"] == "client-confirmed"


def test_edit_items_replaces_the_list(api, emulator) -> None:
    a, b = _some_offer(emulator, 5), _some_offer(emulator, 6)
    order = api.post("/api/v5/orders/create", order={"items": [{"offer": {"id": a["id"]}, "quantity": 1}]}).json()
    item_id = order["order"]["items"][0]["id"]
    edited = api.post(f"/api/v5/orders/{order['id']}/edit", by="id", order={"items": [
        {"id": item_id, "quantity": 4}, {"offer": {"externalId": b["externalId"]}, "quantity": 1}]}).json()["order"]
    assert [(i["id"] == item_id, i["quantity"]) for i in edited["items"]] == [(True, 4), (False, 1)]
    dropped = api.post(f"/api/v5/orders/{order['id']}/edit", by="id", order={"items": [
        {"id": edited["items"][1]["id"]}]}).json()["order"]
    assert [i["offer"]["id"] for i in dropped["items"]] == [b["id"]]
    foreign = api.post(f"/api/v5/orders/{order['id']}/edit", by="id", order={"items": [{"id": 1}]})
    assert foreign.status_code == 400


def test_invalid_edit_changes_nothing(api, emulator) -> None:
    before = emulator.state.order(1003)
    last = emulator.state.last_history_id()
    response = api.post("/api/v5/orders/1003/edit", by="id",
                        order={"managerComment": "x", "status": "no-such", "delivery": {"cost": -5}})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "delivery.cost"}
    assert emulator.state.order(1003) == before
    assert emulator.state.last_history_id() == last


def test_edit_unknown_order(api) -> None:
    assert api.post("/api/v5/orders/999999/edit", by="id", order={"status": "new"}).status_code == 404


# --- upload, statuses, payments --------------------------------------------------------------------------------


def test_upload_all_good_is_201(api) -> None:
    response = api.post("/api/v5/orders/upload", orders=[{"externalId": "up-1"}, {"externalId": "up-2"}])
    assert response.status_code == 201
    body = response.json()
    assert [o["externalId"] for o in body["uploadedOrders"]] == ["up-1", "up-2"]
    assert len(body["orders"]) == 2


def test_upload_partial_failure_is_460(api, emulator) -> None:
    response = api.post("/api/v5/orders/upload", orders=[
        {"externalId": "up-ok"}, {"externalId": "up-bad", "status": "no-such"}])
    assert response.status_code == 460
    body = response.json()
    assert body["success"] is False
    assert [o["externalId"] for o in body["uploadedOrders"]] == ["up-ok"]
    assert body["failedOrders"] == [{"externalId": "up-bad"}]
    assert isinstance(body["errors"], list) and "orders[1]" in body["errors"][0]
    assert emulator.state.find_order(external_id="up-ok") is not None
    assert emulator.state.find_order(external_id="up-bad") is None


def test_upload_limit(api, emulator) -> None:
    limit = emulator.config.orders_upload_limit
    response = api.post("/api/v5/orders/upload", orders=[{"firstName": str(i)} for i in range(limit + 1)])
    assert response.status_code == 400
    assert str(limit) in response.json()["errorMsg"]


def test_statuses(api, emulator) -> None:
    api.post("/api/v5/orders/create", order={"externalId": "st-1", "status": "assembling"})
    response = api.get("/api/v5/orders/statuses", params={"ids[]": ["1001", "999999"], "externalIds[]": "st-1"})
    rows = {r["id"]: r for r in response.json()["orders"]}
    assert rows[1001]["status"] == emulator.state.order(1001)["status"]
    st = next(r for r in rows.values() if r.get("externalId") == "st-1")
    assert st["status"] == "assembling" and st["group"] == "assembling"
    assert 999999 not in rows
    assert api.get("/api/v5/orders/statuses").status_code == 400


def test_payments_create_edit_delete(api, emulator) -> None:
    order = api.post("/api/v5/orders/create", order={"items": [{"productName": "Услуга", "initialPrice": 500}]})
    oid = order.json()["id"]
    created = api.post("/api/v5/orders/payments/create", payment={"order": {"id": oid}, "type": "bank-card"})
    assert created.status_code == 201
    pid = created.json()["id"]
    assert emulator.state.order(oid)["payments"][str(pid)]["amount"] == 500
    edited = api.post(f"/api/v5/orders/payments/{pid}/edit", by="id", payment={"status": "paid"})
    assert edited.status_code == 200
    assert emulator.state.order(oid)["prepaySum"] == 500
    assert api.post(f"/api/v5/orders/payments/{pid}/delete").status_code == 200
    assert emulator.state.order(oid)["payments"] == {}
    assert api.post("/api/v5/orders/payments/1/delete").status_code == 404
