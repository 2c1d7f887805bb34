"""The official `retailcrm` 5.3.0 Python client works against the emulator unchanged."""

from __future__ import annotations

from decimal import Decimal

import pytest

retailcrm = pytest.importorskip("retailcrm")


@pytest.fixture
def client(server, emulator):
    return retailcrm.v5(server.base_url, emulator.api_key)


def _ok(response):
    assert response.is_successful(), (response.get_status_code(), response.get_response())
    body = response.get_response()
    assert body["success"] is True
    return body


def test_read_methods(client, emulator) -> None:
    creds = _ok(client.api_credentials())
    assert "order_read" in creds["scopes"]
    assert _ok(client.api_versions())["versions"][-1] == "5.0"
    orders = _ok(client.orders())
    assert orders["pagination"]["totalCount"] == len(emulator.state.orders())
    filtered = _ok(client.orders(filters={"extendedStatus": ["complete", "new"]}, limit=100))
    assert filtered["orders"] and {o["status"] for o in filtered["orders"]} <= {"complete", "new"}
    assert len(filtered["orders"]) == sum(1 for o in emulator.state.orders() if o["status"] in ("complete", "new"))
    one = _ok(client.order(1001, "id"))["order"]
    assert one == emulator.state.order(1001)
    statuses = _ok(client.statuses())["statuses"]
    assert statuses["new"]["group"] == "new"
    stores = _ok(client.stores())["stores"]
    assert [s["code"] for s in stores] == emulator.state.stores()
    listed = _ok(client.orders_statuses([1001, 1002], []))["orders"]
    assert sorted(o["id"] for o in listed) == [1001, 1002]


def test_edit_and_history(client, emulator) -> None:
    since = emulator.state.last_history_id()
    site = emulator.state.site_code()
    edited = _ok(client.order_edit({"id": 1001, "status": "complete", "managerComment": "готово"}, "id", site))
    assert edited["order"]["status"] == "complete"
    history = _ok(client.orders_history(filters={"sinceId": since}, limit=100))["history"]
    assert {h["field"] for h in history} >= {"manager_comment"}
    assert all(h["apiKey"]["current"] is True for h in history)
    assert emulator.state.order(1001)["managerComment"] == "готово"
    created = client.order_create({"externalId": "official-1", "firstName": "Зоя",
                                   "items": [{"offer": {"id": emulator.state.offers()[0]["id"]}}]}, site)
    assert created.get_status_code() == 201 and _ok(created)["order"]["number"].endswith("A")


def test_store_methods(client, emulator) -> None:
    site = emulator.state.site_code()
    store = emulator.state.stores()[0]
    offer = emulator.state.offers()[0]
    upload = _ok(client.inventories_upload(
        [{"xmlId": offer["xmlId"], "stores": [{"code": store, "available": 42, "purchasePrice": 10.5}]},
         {"xmlId": "no-such-offer", "stores": [{"code": store, "available": 1}]}], site))
    assert upload["processedOffersCount"] == 1
    assert upload["notFoundOffers"] == [{"xmlId": "no-such-offer"}]
    assert emulator.state.stock(offer["id"])[store] == 42
    inventories = _ok(client.inventories(filters={"offerXmlId": [offer["xmlId"]], "details": 1}))["offers"]
    assert {s["store"]: s["quantity"] for s in inventories[0]["stores"]}[store] == 42
    prices = _ok(client.prices_upload([{"xmlId": offer["xmlId"], "site": site,
                                        "prices": [{"code": "base", "price": 99.9}]}]))
    assert prices["processedOffersCount"] == 1
    assert emulator.state.prices(offer["id"])["base"] == Decimal("99.90")
    products = _ok(client.products(filters={"offerXmlId": offer["xmlId"]}))["products"]
    assert len(products) == 1 and offer["id"] in [o["id"] for o in products[0]["offers"]]
    assert _ok(client.product_groups())["productGroup"]


def test_errors_through_the_official_client(server, emulator) -> None:
    bad = retailcrm.v5(server.base_url, "wrong-key").orders()
    assert not bad.is_successful() and bad.get_error_msg() == 'Wrong "apiKey" value.'
    good = retailcrm.v5(server.base_url, emulator.api_key)
    missing = good.order("no-such-order")
    assert missing.get_status_code() == 404 and missing.get_error_msg() == "Not found"
    invalid = good.order_edit({"id": 1001, "status": "no-such"}, "id")
    assert invalid.get_status_code() == 400 and "status" in invalid.get_errors()
