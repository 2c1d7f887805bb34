"""The Python API tests use to read and change the emulated CRM."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from app.sandbox.retailcrm import RetailCrmEmulator


def test_construction_is_cheap_and_deterministic(shop) -> None:
    first, second = RetailCrmEmulator(shop), RetailCrmEmulator(shop)
    assert first.api_key != second.api_key and len(first.api_key) == 32
    assert first.state.offers() == second.state.offers()
    assert first.state.orders() == second.state.orders()
    assert first.state.history() == second.state.history()
    assert first.service == "retailcrm"


def test_counts(emulator, shop) -> None:
    counts = emulator.state.counts()
    assert counts["orders"] == len(shop.orders)
    assert counts["customers"] == len(shop.customers)
    assert counts["offers"] == sum(1 for o in shop.offers() if o.in_retailcrm)
    assert counts["products"] == sum(1 for p in shop.products if p.in_retailcrm)
    assert counts["product_groups"] == len(shop.folders)
    assert counts["history"] == len(emulator.state.history()) > counts["orders"]


def test_find_order_and_offers(emulator, shop) -> None:
    assert emulator.state.find_order(number="1001C")["id"] == 1001
    assert emulator.state.find_order(number="nope") is None
    seed_offer = next(o for o in shop.offers() if o.in_retailcrm)
    (found,) = emulator.state.find_offers(xml_id=seed_offer.xml_id)
    assert emulator.state.offer(found["id"]) == found
    assert found in emulator.state.find_offers(article=seed_offer.article)
    duplicated = shop.anomalies["duplicate_article_retailcrm"][0]
    assert len(emulator.state.find_offers(article=duplicated)) == 2


def test_stock_prices_purchase(emulator) -> None:
    offer = emulator.state.offers()[0]
    emulator.state.set_stock(offer["id"], emulator.state.stores()[1], 17)
    assert emulator.state.stock(offer["id"])[emulator.state.stores()[1]] == 17
    emulator.state.set_price(offer["id"], "wholesale", "12.30")
    assert emulator.state.prices(offer["id"])["wholesale"] == Decimal("12.30")
    emulator.state.set_price(offer["id"], "wholesale", None)
    assert "wholesale" not in emulator.state.prices(offer["id"])
    assert isinstance(emulator.state.purchase_price(offer["id"]), Decimal)
    with pytest.raises(KeyError):
        emulator.state.stock(1)


def test_add_offer_and_rename_article(api, emulator) -> None:
    offer = emulator.state.add_offer(name="Свеча ароматическая", article="CND-1", xml_id="ms-ext-1",
                                     prices={"base": Decimal("450.00")}, purchase_price=200,
                                     stock={emulator.state.stores()[0]: 5})
    assert offer["xmlId"] == offer["externalId"] == "ms-ext-1" and offer["price"] == 450
    rows = api.get("/api/v5/store/inventories", params={"filter[offerXmlId][]": "ms-ext-1"}).json()["offers"]
    assert rows[0]["quantity"] == 5
    emulator.state.rename_article(offer["id"], " cnd-1")
    assert emulator.state.offer(offer["id"])["article"] == " cnd-1"
    assert emulator.state.find_offers(article="CND-1") == []
    with pytest.raises(ValueError):
        emulator.state.add_offer(name="x", prices={"vip": 1})


def test_create_order_as_a_manager(emulator) -> None:
    offer = emulator.state.offers()[0]
    order = emulator.state.create_order(firstName="Лев", items=[{"offer": {"id": offer["id"]}, "quantity": 2}])
    assert order["number"] == f"{order['id']}C"
    record = emulator.state.history()[-1]
    assert record["created"] is True and record["source"] == "user" and record["order"]["id"] == order["id"]
    with pytest.raises(ValueError, match="status"):
        emulator.state.create_order(status="no-such")


def test_user_edit_order_validates(emulator) -> None:
    before = emulator.state.order(1001)
    with pytest.raises(ValueError):
        emulator.state.user_edit_order(1001, status="no-such")
    assert emulator.state.order(1001) == before
    with pytest.raises(KeyError):
        emulator.state.user_edit_order(1, status="new")


def test_clock_is_configurable_and_monotonic(emulator) -> None:
    emulator.state.set_clock(lambda: datetime(2030, 1, 2, 3, 4, 5))
    order = emulator.state.create_order(firstName="Часы")
    assert order["createdAt"] == "2030-01-02 03:04:05"
    emulator.state.set_clock(lambda: datetime(2020, 1, 1))  # going back is refused: ids follow time
    assert emulator.state.now() == datetime(2030, 1, 2, 3, 4, 5)


def test_scoped_keys(emulator) -> None:
    emulator.state.add_api_key("limited", ["store_read"], sites=["x"])
    record = emulator.state.api_key("limited")
    assert record is not None and record.scopes == frozenset({"store_read"}) and record.sites == ("x",)
    emulator.state.remove_api_key("limited")
    assert emulator.state.api_key("limited") is None
