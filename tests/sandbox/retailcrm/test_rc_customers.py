"""customers: list, get, create, edit."""

from __future__ import annotations


def test_list_and_filters(api, emulator) -> None:
    body = api.get("/api/v5/customers", params={"limit": 100}).json()
    customers = emulator.state.customers()
    assert body["pagination"]["totalCount"] == len(customers)
    assert [c["id"] for c in body["customers"]] == sorted((c["id"] for c in customers), reverse=True)[:100]
    sample = customers[3]
    by_email = api.get("/api/v5/customers", params={"filter[email]": sample["email"]}).json()["customers"]
    assert [c["id"] for c in by_email] == [sample["id"]]
    by_name = api.get("/api/v5/customers", params={"filter[name]": sample["lastName"], "limit": 100}).json()
    assert sample["id"] in [c["id"] for c in by_name["customers"]]
    by_ids = api.get("/api/v5/customers", params={"filter[ids][]": [sample["id"], customers[0]["id"]]}).json()
    assert sorted(c["id"] for c in by_ids["customers"]) == sorted([sample["id"], customers[0]["id"]])
    assert api.get("/api/v5/customers", params={"filter[phone]": "1"}).status_code == 400


def test_legal_customers_carry_inn(emulator, shop) -> None:
    legal = [c for c in emulator.state.customers() if c["contragent"]["contragentType"] == "legal-entity"]
    assert len(legal) == sum(1 for c in shop.customers if c.inn)
    assert all(c["contragent"]["INN"] for c in legal)


def test_stats_follow_orders(emulator) -> None:
    order = emulator.state.order(1001)
    customer = emulator.state.customer(order["customer"]["id"])
    mine = [o for o in emulator.state.orders() if o["customer"]["id"] == customer["id"]]
    assert customer["ordersCount"] == len(mine)


def test_create_get_edit(api, emulator) -> None:
    response = api.post("/api/v5/customers/create", customer={
        "externalId": "cust-1", "firstName": "Пётр", "lastName": "Смирнов", "email": "petr@example.ru",
        "phones": [{"number": "+79990000001"}], "contragent": {"contragentType": "individual"}})
    assert response.status_code == 201
    cid = response.json()["id"]
    by_ext = api.get("/api/v5/customers/cust-1").json()["customer"]
    by_id = api.get(f"/api/v5/customers/{cid}", params={"by": "id"}).json()["customer"]
    assert by_ext == by_id
    assert by_id["phones"] == [{"number": "+79990000001"}] and by_id["ordersCount"] == 0
    edited = api.post(f"/api/v5/customers/{cid}/edit", by="id", customer={"lastName": "Смирнов-Щедрин"})
    assert edited.status_code == 200 and edited.json() == {"success": True, "id": cid}
    assert emulator.state.customer(cid)["lastName"] == "Смирнов-Щедрин"
    assert emulator.state.customer(cid)["email"] == "petr@example.ru"


def test_create_validation(api) -> None:
    bad = api.post("/api/v5/customers/create", customer={"email": "no-at-sign", "phones": "+7"})
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"email", "phones"}
    assert api.post("/api/v5/customers/create", customer={"externalId": "twice"}).status_code == 201
    again = api.post("/api/v5/customers/create", customer={"externalId": "twice"})
    assert again.status_code == 400 and again.json()["errorMsg"] == "Customer already exists."


def test_unknown_customer(api) -> None:
    assert api.get("/api/v5/customers/nobody").status_code == 404
    assert api.post("/api/v5/customers/nobody/edit", customer={"firstName": "x"}).status_code == 404
