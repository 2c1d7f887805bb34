"""orders/history and customers/history: ids, records per change, apiKey.current, sources, paging."""

from __future__ import annotations

from datetime import datetime


def _all_history(api, **filters) -> list[dict]:
    params = {f"filter[{k}]": v for k, v in filters.items()}
    params["limit"] = 100
    return api.get("/api/v5/orders/history", params=params).json()["history"]


def test_seeded_history_is_chronological_and_complete(api, emulator) -> None:
    history = emulator.state.history()
    ids = [h["id"] for h in history]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    stamps = [h["createdAt"] for h in history]
    assert stamps == sorted(stamps)
    created = [h for h in history if h.get("created")]
    assert {h["order"]["id"] for h in created} == {o["id"] for o in emulator.state.orders()}
    for record in created:
        assert record["field"] == "status" and record["oldValue"] is None
        assert isinstance(record["order"]["payments"], list)  # history snapshots carry payments as a list
        assert record["order"]["items"]
    status_changes = [h for h in history if h["field"] == "status" and not h.get("created")]
    assert len(status_changes) > len(created)  # a few status changes per order
    assert {h["source"] for h in history} == {"api", "user"}
    for record in history:
        if record["source"] == "api":
            assert record["apiKey"] == {"current": False}  # made by the web shop's key, not ours
        else:
            assert set(record["user"]) == {"id"}


def test_final_status_matches_the_last_status_record(emulator) -> None:
    last: dict[int, str] = {}
    for record in emulator.state.history():
        if record["field"] == "status":
            last[record["order"]["id"]] = record["newValue"]["code"]
    for order in emulator.state.orders():
        assert last[order["id"]] == order["status"]


def test_api_changes_are_recorded_with_current_for_the_callers_key(api, emulator, make_api) -> None:
    start = emulator.state.last_history_id()
    order = api.post("/api/v5/orders/create", order={"externalId": "h-1", "items": [
        {"offer": {"id": emulator.state.offers()[0]["id"]}, "quantity": 1}]}).json()["order"]
    item_id = order["items"][0]["id"]
    api.post("/api/v5/orders/h-1/edit", order={
        "status": "assembling", "customerComment": "у двери", "managerComment": "срочно",
        "delivery": {"code": "courier", "cost": 300, "address": {"city": "Тула"}},
        "shipmentStore": emulator.state.stores()[1],
        "items": [{"id": item_id, "quantity": 3}, {"offer": {"id": emulator.state.offers()[1]["id"]}}],
    })
    mine = _all_history(api, sinceId=start)
    assert [h["id"] for h in mine] == list(range(start + 1, start + 1 + len(mine)))
    by_field = {h["field"]: h for h in mine}
    assert mine[0]["created"] is True and mine[0]["order"]["externalId"] == "h-1"
    assert by_field["status"]["newValue"] == {"code": "assembling"}
    assert by_field["customer_comment"]["newValue"] == "у двери"
    assert by_field["manager_comment"]["newValue"] == "срочно"
    assert by_field["delivery_cost"] == {**by_field["delivery_cost"], "oldValue": 0, "newValue": 300}
    assert by_field["delivery_type"]["newValue"] == {"code": "courier"}
    assert by_field["delivery_address.city"]["newValue"] == "Тула"
    assert by_field["shipment_store"]["newValue"] == {"code": emulator.state.stores()[1]}
    assert by_field["order_product.quantity"]["oldValue"] == 1 and by_field["order_product.quantity"]["newValue"] == 3
    assert by_field["order_product.quantity"]["item"]["id"] == item_id
    added = by_field["order_product"]
    assert added["oldValue"] is None and added["item"]["offer"]["id"] == emulator.state.offers()[1]["id"]
    for record in mine:
        assert record["source"] == "api" and record["apiKey"] == {"current": True}
        assert record["order"]["id"] == order["id"]
    assert by_field["status"]["order"] == {"id": order["id"], "externalId": "h-1", "site": order["site"],
                                           "status": "assembling"}

    emulator.state.add_api_key("second-key")
    theirs = _all_history(make_api("second-key"), sinceId=start)
    assert [h["id"] for h in theirs] == [h["id"] for h in mine]
    assert all(h["apiKey"] == {"current": False} for h in theirs)


def test_the_other_key_is_someone_elses_to_the_sync(api, emulator, make_api) -> None:
    """other_api_key (the web shop's integration): its edits read back as source api, apiKey.current false to
    the sync's key and true to itself, the shape of the recorded Orders/testHistory.json."""
    other = make_api(emulator.other_api_key)
    order = emulator.state.orders()[0]
    answer = other.post(f"/api/v5/orders/{order['id']}/edit", by="id", order={"status": "assembling"})
    assert answer.status_code == 200, answer.text
    newest = _all_history(api, sinceId=emulator.state.last_history_id() - 1)[-1]
    assert newest["order"]["id"] == order["id"] and newest["field"] == "status"
    assert newest["source"] == "api" and newest["apiKey"] == {"current": False}
    assert "user" not in newest
    own = _all_history(other, sinceId=emulator.state.last_history_id() - 1)[-1]
    assert own["apiKey"] == {"current": True}
    # the seeded shop's own API orders were made with that same key
    created = [h for h in emulator.state.history(api_key=emulator.other_api_key) if h.get("created")]
    assert any(h["source"] == "api" and h["apiKey"]["current"] for h in created)


def test_item_removal_is_recorded(api, emulator) -> None:
    order = api.post("/api/v5/orders/create", order={"items": [{"offer": {"id": emulator.state.offers()[2]["id"]}}]})
    oid = order.json()["id"]
    start = emulator.state.last_history_id()
    api.post(f"/api/v5/orders/{oid}/edit", by="id", order={"items": []})
    (record,) = _all_history(api, sinceId=start)
    assert record["field"] == "order_product" and record["newValue"] is None
    assert record["item"]["offer"]["id"] == emulator.state.offers()[2]["id"]


def test_user_edits_are_source_user(api, emulator) -> None:
    start = emulator.state.last_history_id()
    current = emulator.state.find_order(number="1001C")["status"]
    status = "no-product" if current == "cancel-other" else "cancel-other"
    emulator.state.user_edit_order(1001, user_id=12, status=status, managerComment="клиент передумал")
    records = _all_history(api, sinceId=start)
    assert {r["field"] for r in records} == {"status", "manager_comment"}
    for record in records:
        assert record["source"] == "user" and record["user"] == {"id": 12} and "apiKey" not in record


def test_payment_history(api, emulator) -> None:
    order = emulator.state.create_order(items=[{"productName": "Сборка", "initialPrice": 100}],
                                        payments=[{"type": "cash"}])
    pid = int(next(iter(order["payments"])))
    start = emulator.state.last_history_id()
    emulator.state.user_edit_order(order["id"], payments=[{"id": pid, "status": "paid"}])
    (record,) = _all_history(api, sinceId=start)
    assert record["field"] == "payments.status"
    assert (record["oldValue"], record["newValue"]) == ({"code": "not-paid"}, {"code": "paid"})
    assert record["payment"] == {"id": pid, "type": "cash"}


def test_since_id_paging_with_limit_100_reaches_everything(api, emulator) -> None:
    for i in range(3):  # more journal so paging needs several pages
        emulator.state.user_edit_order(1001 + i, managerComment=f"m{i}")
    expected = [h["id"] for h in emulator.state.history()]
    assert len(expected) > 200
    collected: list[int] = []
    since = 0
    while True:
        body = api.get("/api/v5/orders/history", params={"filter[sinceId]": since, "limit": 100, "page": 1}).json()
        batch = body["history"]
        if not batch:
            break
        assert len(batch) <= 100
        collected.extend(h["id"] for h in batch)
        since = batch[-1]["id"]
    assert collected == expected


def test_since_id_is_exclusive(api) -> None:
    body = api.get("/api/v5/orders/history", params={"filter[sinceId]": 10, "limit": 20}).json()
    assert body["history"][0]["id"] == 11
    assert "generatedAt" in body and datetime.strptime(body["generatedAt"], "%Y-%m-%d %H:%M:%S")


def test_date_and_order_filters(api, emulator) -> None:
    history = emulator.state.history()
    middle = history[len(history) // 2]["createdAt"]
    after = api.get("/api/v5/orders/history", params={"filter[startDate]": middle, "limit": 100}).json()
    assert after["pagination"]["totalCount"] == sum(1 for h in history if h["createdAt"] >= middle)
    before = api.get("/api/v5/orders/history", params={"filter[endDate]": middle, "limit": 100}).json()
    assert before["pagination"]["totalCount"] == sum(1 for h in history if h["createdAt"] <= middle)
    one = api.get("/api/v5/orders/history", params={"filter[orderId]": 1005, "limit": 100}).json()["history"]
    assert one and all(h["order"]["id"] == 1005 for h in one)
    api.post("/api/v5/orders/create", order={"externalId": "hist-ext"})
    by_ext = api.get("/api/v5/orders/history", params={"filter[orderExternalId]": "hist-ext"}).json()["history"]
    assert len(by_ext) == 1 and by_ext[0]["created"] is True
    bad = api.get("/api/v5/orders/history", params={"filter[startDate]": "yesterday"})
    assert bad.status_code == 400


def test_customers_history(api, emulator) -> None:
    start = emulator.state.counts()["customer_history"]
    created = api.post("/api/v5/customers/create", customer={"externalId": "c-1", "firstName": "Ян"}).json()
    api.post("/api/v5/customers/c-1/edit", customer={"email": "yan@example.ru", "address": {"city": "Омск"}})
    body = api.get("/api/v5/customers/history", params={"filter[sinceId]": start, "limit": 100}).json()
    records = body["history"]
    assert records[0]["created"] is True and records[0]["field"] == "id"
    assert records[0]["newValue"] == created["id"] and records[0]["customer"]["id"] == created["id"]
    fields = {r["field"]: r for r in records[1:]}
    assert fields["email"]["newValue"] == "yan@example.ru"
    assert fields["address.city"]["newValue"] == "Омск" and fields["address.city"]["address"]["isMain"] is True
    assert all(r["apiKey"] == {"current": True} for r in records)
    assert fields["email"]["customer"] == {"id": created["id"], "externalId": "c-1", "site": records[0]["customer"][
        "site"]}
