"""reference/*: objects keyed by code, except stores and priceTypes (arrays), as the PHP fixtures show."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("statuses", "statuses"),
        ("status-groups", "statusGroups"),
        ("sites", "sites"),
        ("delivery-types", "deliveryTypes"),
        ("payment-types", "paymentTypes"),
        ("payment-statuses", "paymentStatuses"),
        ("product-statuses", "productStatuses"),
        ("order-methods", "orderMethods"),
        ("order-types", "orderTypes"),
    ],
)
def test_keyed_by_code(api, path: str, key: str) -> None:
    body = api.get(f"/api/v5/reference/{path}").json()
    assert body["success"] is True
    entries = body[key]
    assert isinstance(entries, dict) and entries
    for code, entry in entries.items():
        assert entry["code"] == code and entry["name"]


def test_stores_and_price_types_are_arrays(api, shop) -> None:
    stores = api.get("/api/v5/reference/stores").json()["stores"]
    assert [s["code"] for s in stores] == [s.rc_code for s in shop.stores]
    assert {s["type"] for s in stores} <= {"store-type-warehouse", "store-type-retail"}
    assert all(s["inventoryType"] == "integer" and s["active"] for s in stores)
    price_types = api.get("/api/v5/reference/price-types").json()["priceTypes"]
    assert [p["code"] for p in price_types] == [p.rc_code for p in shop.price_types]
    assert [p["code"] for p in price_types if p["default"]] == ["base"]


def test_statuses_match_the_shop(api, shop) -> None:
    statuses = api.get("/api/v5/reference/statuses").json()["statuses"]
    assert set(statuses) == {s.code for s in shop.statuses}
    assert statuses["archived-legacy"]["active"] is False
    groups = api.get("/api/v5/reference/status-groups").json()["statusGroups"]
    assert list(groups) == [code for code, _, _ in shop.status_groups]
    assert "complete" in groups["complete"]["statuses"]
    assert all(statuses[s]["group"] == code for code, g in groups.items() for s in g["statuses"])


def test_statuses_are_numbered_like_a_real_account(api) -> None:
    """As recorded from real accounts (retailcrm-fixtures References/testStatuses.json, testStatusGroups.json):
    ``ordering`` restarts inside every group, a shop's own status is 990, «Недозвон» is in the cancel group,
    and the groups carry the process order."""
    statuses = api.get("/api/v5/reference/statuses").json()["statuses"]
    groups = api.get("/api/v5/reference/status-groups").json()["statusGroups"]
    assert {code: g["ordering"] for code, g in groups.items()} == {
        "new": 10, "approval": 20, "assembling": 30, "delivery": 40, "complete": 50, "cancel": 60}
    assert [code for code, g in groups.items() if g["process"]] == ["approval", "assembling", "delivery"]
    for code, group in groups.items():
        orderings = [statuses[s]["ordering"] for s in group["statuses"]]
        assert orderings == sorted(orderings) and orderings[0] <= 20, code  # restarts low in every group
    assert statuses["new"]["ordering"] == statuses["send-to-delivery"]["ordering"] == 10
    assert statuses["no-call"]["group"] == "cancel"
    own = [s for s in statuses.values() if s["ordering"] == 990 and s["active"]]
    assert [s["code"] for s in own] == ["waiting-supply"]
    assert [s["code"] for s in statuses.values() if not s["active"]] == ["archived-legacy"]


def test_site_and_catalog_mode(api, emulator, shop) -> None:
    site = api.get("/api/v5/reference/sites").json()["sites"][shop.site_code]
    # catalogId is a string (recorded References/testSites has "catalog" and "81"); a catalog URL is listed
    # even for a site whose catalog is not loaded from it (the recorded "test-ru")
    assert site["loadFromYml"] is False and site["catalogId"] == "1" and site["ymlUrl"].endswith(".xml")
    emulator.state.set_catalog_mode("icml")
    site = api.get("/api/v5/reference/sites").json()["sites"][shop.site_code]
    assert site["loadFromYml"] is True and site["ymlUrl"].endswith(".xml")


def test_a_site_catalog_id_may_be_a_word(api, emulator, shop) -> None:
    emulator.state.set_catalog_id("catalog")
    site = api.get("/api/v5/reference/sites").json()["sites"][shop.site_code]
    assert site["catalogId"] == "catalog"


def test_stores_say_how_they_count_stock(api, emulator) -> None:
    code = emulator.state.stores()[0]
    stores = {s["code"]: s for s in api.get("/api/v5/reference/stores").json()["stores"]}
    assert {s["inventoryType"] for s in stores.values()} == {"integer"}
    emulator.state.set_store_inventory_type(code, "available")
    stores = {s["code"]: s for s in api.get("/api/v5/reference/stores").json()["stores"]}
    assert stores[code]["inventoryType"] == "available"


def test_delivery_types_carry_default_cost_in_roubles(api, shop) -> None:
    types = api.get("/api/v5/reference/delivery-types").json()["deliveryTypes"]
    for code, _name, kopecks in shop.delivery_types:
        assert types[code]["defaultCost"] * 100 == kopecks
