"""Documents: customer orders and demands — required fields, numbering, sums, positions, states, templates."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, error_codes, position


@pytest.fixture
def cat(api: httpx.Client) -> Catalog:
    return Catalog(api)


def _error(response: httpx.Response) -> dict:
    error: dict = response.json()["errors"][0]
    return error


def test_order_requires_organization_and_agent(api: httpx.Client, cat: Catalog) -> None:
    body = cat.order([(cat.products[0], 1, 100.0, 0)])
    for missing in ("organization", "agent"):
        response = api.post("/entity/customerorder", json={k: v for k, v in body.items() if k != missing})
        assert (response.status_code, error_codes(response), _error(response)["parameter"]) == (412, [3000], missing)
        assert f"'{missing}'" in _error(response)["error"]


def test_order_numbering_codes_and_sums(api: httpx.Client, cat: Catalog) -> None:
    first = api.post("/entity/customerorder", json=cat.order(
        [(cat.products[0], 2, 1999.0, 0), (cat.products[1], 3, 1000.0, 0)], vatEnabled=False)).json()
    second = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 50.0, 0)])).json()
    assert (first["name"], second["name"]) == ("00001", "00002")
    assert re.fullmatch(r"[A-Za-z0-9]{22}", first["externalCode"])
    assert first["externalCode"] != second["externalCode"]
    assert first["sum"] == 2 * 1999.0 + 3 * 1000.0 and first["vatSum"] == 0.0
    assert first["moment"].endswith(":00.000")  # minute precision
    assert first["applicable"] is True
    assert first["positions"] == {"meta": first["positions"]["meta"]}  # meta only unless expanded
    assert first["positions"]["meta"]["size"] == 2
    assert first["positions"]["meta"]["type"] == "customerorderposition"
    named = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 1.0, 0)], name="RC-1001",
                                                             externalCode="1001")).json()
    assert (named["name"], named["externalCode"]) == ("RC-1001", "1001")


def test_discount_and_vat_sums(api: httpx.Client, cat: Catalog) -> None:
    item = dict(position(cat.products[0], 3, 1000.0), discount=10.0, vat=20)
    included = api.post("/entity/customerorder", json={**cat.order([]), "positions": [item]}).json()
    assert included["sum"] == 2700.0 and included["vatSum"] == 450.0
    on_top = api.post("/entity/customerorder",
                      json={**cat.order([]), "positions": [item], "vatIncluded": False}).json()
    assert on_top["sum"] == 3240.0 and on_top["vatSum"] == 540.0
    no_vat = api.post("/entity/customerorder",
                      json={**cat.order([]), "positions": [item], "vatEnabled": False, "vatIncluded": False}).json()
    assert no_vat["sum"] == 2700.0 and no_vat["vatSum"] == 0.0


def test_a_document_without_vat_included_takes_the_account_default(api: httpx.Client, cat: Catalog,
                                                                    emulator: MoySkladEmulator) -> None:
    """The default is not documented (the docs' example shows true): the switch makes an account that adds VAT
    on top, so a client that relies on the default is caught."""
    item = dict(position(cat.products[0], 3, 1000.0), discount=10.0, vat=20)
    emulator.state.vat_included_default = False
    silent = api.post("/entity/customerorder", json={**cat.order([]), "positions": [item]}).json()
    assert silent["vatIncluded"] is False and silent["sum"] == 3240.0
    said = api.post("/entity/customerorder", json={**cat.order([]), "positions": [item], "vatIncluded": True}).json()
    assert said["vatIncluded"] is True and said["sum"] == 2700.0
    template = api.put("/entity/customerorder/new", json={}).json()
    assert template["vatIncluded"] is False


def test_reserve_cannot_exceed_quantity(api: httpx.Client, cat: Catalog) -> None:
    response = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 2, 100.0, 3)]))
    assert (response.status_code, error_codes(response)) == (412, [17003])
    negative = api.post("/entity/customerorder", json=cat.order([(cat.products[0], -1, 100.0, 0)]))
    assert (negative.status_code, error_codes(negative)) == (412, [3002])
    no_assortment = api.post("/entity/customerorder", json={**cat.order([]), "positions": [{"quantity": 1}]})
    assert (no_assortment.status_code, _error(no_assortment)["parameter"]) == (412, "assortment")


def test_state_must_belong_to_customer_orders(api: httpx.Client, cat: Catalog) -> None:
    ok = api.post("/entity/customerorder", json=cat.order([], state={"meta": cat.states[2]["meta"]}))
    assert ok.status_code == 200 and ok.json()["state"]["meta"]["href"] == cat.states[2]["meta"]["href"]
    foreign = api.post("/entity/customerorder", json=cat.order([], state={"meta": cat.demand_states[0]["meta"]}))
    assert (foreign.status_code, error_codes(foreign)) == (400, [2013])
    expanded = api.get(f"/entity/customerorder/{ok.json()['id']}", params={"expand": "state"}).json()
    assert expanded["state"]["name"] == cat.states[2]["name"]
    assert api.get(cat.states[2]["meta"]["href"]).json()["entityType"] == "customerorder"


def test_metadata_lists_the_shop_states(api: httpx.Client, shop: object) -> None:
    metadata = api.get("/entity/customerorder/metadata").json()
    assert [s["name"] for s in metadata["states"]] == [s.name for s in shop.states]  # type: ignore[attr-defined]
    assert all(s["entityType"] == "customerorder" and s["meta"]["type"] == "state" for s in metadata["states"])


def test_inline_positions_replace_all(api: httpx.Client, cat: Catalog) -> None:
    order = api.post("/entity/customerorder", json=cat.order(
        [(cat.products[0], 1, 100.0, 0), (cat.products[1], 1, 200.0, 0)])).json()
    rows = api.get(f"/entity/customerorder/{order['id']}/positions").json()["rows"]
    keep = {"id": rows[1]["id"], "quantity": 5}
    updated = api.put(f"/entity/customerorder/{order['id']}", params={"expand": "positions"},
                      json={"positions": [keep, position(cat.products[2], 1, 300.0)]}).json()
    new_rows = updated["positions"]["rows"]
    assert new_rows[0]["id"] == rows[1]["id"]  # matched by id: updated in place
    assert new_rows[0]["quantity"] == 5 and new_rows[0]["price"] == 200.0
    assert rows[0]["id"] not in {r["id"] for r in new_rows}  # absent: deleted
    assert updated["sum"] == 5 * 200.0 + 300.0
    emptied = api.put(f"/entity/customerorder/{order['id']}", json={"positions": []}).json()
    assert emptied["positions"]["meta"]["size"] == 0 and emptied["sum"] == 0.0


def test_positions_sub_resource(api: httpx.Client, cat: Catalog) -> None:
    order = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 100.0, 0)])).json()
    path = f"/entity/customerorder/{order['id']}/positions"
    added = api.post(path, json=[position(cat.products[1], 2, 50.0), position(cat.variants[0], 1, 70.0)]).json()
    assert [p["quantity"] for p in added] == [2.0, 1.0]
    listing = api.get(path, params={"limit": 2}).json()
    assert listing["meta"]["size"] == 3 and len(listing["rows"]) == 2 and "nextHref" in listing["meta"]
    assert listing["meta"]["type"] == "customerorderposition"
    one = api.get(f"{path}/{added[0]['id']}", params={"expand": "assortment"}).json()
    assert one["assortment"]["name"] == cat.products[1]["name"]
    changed = api.put(f"{path}/{added[0]['id']}", json={"quantity": 4, "reserve": 1}).json()
    assert (changed["quantity"], changed["reserve"]) == (4.0, 1.0)
    too_much = api.put(f"{path}/{added[0]['id']}", json={"reserve": 9})
    assert error_codes(too_much) == [17003]
    assert api.delete(f"{path}/{added[1]['id']}").status_code == 200
    missing = api.delete(f"{path}/{added[1]['id']}")
    assert (missing.status_code, missing.content) == (404, b"")
    result = api.post(f"{path}/delete", json=[{"meta": added[0]["meta"]}]).json()
    assert "успешно удалена" in result[0]["info"]
    final = api.get(f"/entity/customerorder/{order['id']}").json()
    assert final["positions"]["meta"]["size"] == 1 and final["sum"] == 100.0


def test_expand_positions_and_assortment(api: httpx.Client, cat: Catalog) -> None:
    order = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 100.0, 1)])).json()
    listed = api.get("/entity/customerorder", params={"limit": 100, "expand": "positions.assortment,agent"}).json()
    row = next(r for r in listed["rows"] if r["id"] == order["id"])
    assert row["agent"]["name"] == cat.agents[0]["name"]
    first = row["positions"]["rows"][0]
    assert first["assortment"]["name"] == cat.products[0]["name"]
    assert (first["reserve"], first["shipped"]) == (1.0, 0.0)


def test_update_and_delete_order(api: httpx.Client, cat: Catalog, emulator: MoySkladEmulator) -> None:
    order = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 100.0, 0)])).json()
    changed = api.put(f"/entity/customerorder/{order['id']}", json={
        "description": "Позвонить за час", "shipmentAddress": "Москва, ул. Ленина, 1",
        "shipmentAddressFull": {"city": "Москва", "street": "ул. Ленина", "house": "1"},
        "state": {"meta": cat.states[1]["meta"]}, "applicable": False}).json()
    assert changed["description"] == "Позвонить за час"
    assert changed["shipmentAddressFull"]["city"] == "Москва"
    assert changed["applicable"] is False
    assert emulator.state.find_customer_orders(external_code=order["externalCode"])[0]["id"] == order["id"]
    assert api.delete(f"/entity/customerorder/{order['id']}").status_code == 200
    assert api.get(f"/entity/customerorder/{order['id']}").status_code == 404


def test_demand_requires_store_and_links_to_order(api: httpx.Client, cat: Catalog) -> None:
    order = api.post("/entity/customerorder", json=cat.order(
        [(cat.products[0], 3, 500.0, 3), (cat.products[1], 1, 100.0, 0)])).json()
    body = {"organization": {"meta": cat.organization["meta"]}, "agent": {"meta": cat.agents[0]["meta"]},
            "customerOrder": {"meta": order["meta"]}, "positions": [position(cat.products[0], 2, 500.0)]}
    no_store = api.post("/entity/demand", json=body)
    assert (no_store.status_code, _error(no_store)["parameter"]) == (412, "store")
    demand = api.post("/entity/demand", json={**body, "store": {"meta": cat.stores[0]["meta"]}}).json()
    assert demand["customerOrder"]["meta"]["href"] == order["meta"]["href"]
    assert demand["sum"] == 1000.0
    seen = api.get(f"/entity/customerorder/{order['id']}", params={"expand": "positions"}).json()
    assert [d["meta"]["href"] for d in seen["demands"]] == [demand["meta"]["href"]]
    assert [p["shipped"] for p in seen["positions"]["rows"]] == [2.0, 0.0]
    assert seen["shippedSum"] == 1000.0


def test_demand_template_from_order(api: httpx.Client, cat: Catalog) -> None:
    order = api.post("/entity/customerorder", json=cat.order(
        [(cat.products[0], 3, 500.0, 0), (cat.variants[0], 1, 900.0, 0)], store=1,
        shipmentAddress="Казань, ул. Баумана, 5")).json()
    template = api.put("/entity/demand/new", json={"customerOrder": {"meta": order["meta"]}})
    assert template.status_code == 200
    draft = template.json()
    assert "id" not in draft and "meta" not in draft  # not saved
    assert draft["customerOrder"]["meta"]["href"] == order["meta"]["href"]
    assert draft["store"]["meta"]["href"] == cat.stores[1]["meta"]["href"]
    assert draft["agent"]["meta"]["href"] == cat.agents[0]["meta"]["href"]
    assert [r["quantity"] for r in draft["positions"]["rows"]] == [3.0, 1.0]
    assert draft["sum"] == 3 * 500.0 + 900.0
    assert draft["shipmentAddress"] == "Казань, ул. Баумана, 5"
    demand = api.post("/entity/demand", json=draft)
    assert demand.status_code == 200, demand.text
    assert demand.json()["positions"]["meta"]["size"] == 2
    # everything shipped: a new template has nothing left to ship
    again = api.put("/entity/demand/new", json={"customerOrder": {"meta": order["meta"]}}).json()
    assert again["positions"]["rows"] == []
    plain = api.put("/entity/demand/new").json()
    assert plain["organization"]["meta"]["href"] == cat.organization["meta"]["href"]
    assert error_codes(api.put("/entity/counterparty/new", json={})) == [1029]


def test_document_sync_id(api: httpx.Client, cat: Catalog, emulator: MoySkladEmulator) -> None:
    sync_id = str(uuid.uuid4())
    body = cat.order([(cat.products[0], 1, 100.0, 0)], syncId=sync_id)
    first = api.post("/entity/customerorder", json=body).json()
    second = api.post("/entity/customerorder", json=body).json()
    assert first["id"] == second["id"]
    assert len(emulator.state.customer_orders()) == 1
    assert emulator.state.find_customer_orders(sync_id=sync_id)[0]["name"] == "00001"
