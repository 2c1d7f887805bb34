"""Stock derived from documents, and the four stock reports (paged and short, changedSince)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, error_codes, position


@pytest.fixture
def cat(api: httpx.Client) -> Catalog:
    return Catalog(api)


def _stocked(emulator: MoySkladEmulator, cat: Catalog, store_index: int = 0, minimum: float = 5) -> dict:
    store_id = cat.stores[store_index]["id"]
    for product in cat.products:
        if emulator.state.stock(product["id"]).get(store_id, {}).get("stock", 0) >= minimum:
            return product
    raise AssertionError("no stocked product in the seed")


def _current(api: httpx.Client, by_store: bool = True, **params: Any) -> list[dict[str, Any]]:
    path = "/report/stock/bystore/current" if by_store else "/report/stock/all/current"
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    rows: list[dict[str, Any]] = response.json()
    return rows


def _find(rows: list[dict[str, Any]], item_id: str, store_id: str | None = "*") -> dict[str, Any] | None:
    for row in rows:
        if row["assortmentId"] == item_id and (store_id == "*" or row.get("storeId") == store_id):
            return row
    return None


def _row(rows: list[dict[str, Any]], item_id: str, store_id: str | None = "*") -> dict[str, Any]:
    found = _find(rows, item_id, store_id)
    assert found is not None, f"no row for {item_id} at {store_id}"
    return found


def test_seeded_stock_matches_the_shop(emulator: MoySkladEmulator, shop: object, api: httpx.Client) -> None:
    rows = _current(api, include="zeroLines")
    stocked = {(k, s) for (k, s), q in shop.stock.items()}  # type: ignore[attr-defined]
    assert len(rows) == sum(1 for offer, _ in stocked if offer in _offer_ids(emulator, shop))
    assert all(set(r) == {"assortmentId", "storeId", "stock"} for r in rows)
    assert all(isinstance(r["stock"], float) for r in rows)


def _offer_ids(emulator: MoySkladEmulator, shop: object) -> set[str]:
    return {o.key for o in shop.offers() if o.in_moysklad}  # type: ignore[attr-defined]


def test_order_reserve_and_demand_move_the_numbers(api: httpx.Client, emulator: MoySkladEmulator,
                                                   cat: Catalog) -> None:
    product = _stocked(emulator, cat)
    store = cat.stores[0]
    start = emulator.state.stock(product["id"])[store["id"]]["stock"]
    order = api.post("/entity/customerorder", json=cat.order([(product, 3, 1000.0, 2)])).json()

    assert _row(_current(api, stockType="reserve"), product["id"], store["id"])["reserve"] == 2.0
    assert _row(_current(api, stockType="freeStock"), product["id"], store["id"])["freeStock"] == start - 2
    assert _row(_current(api), product["id"], store["id"])["stock"] == start
    assert _row(_current(api, by_store=False, stockType="quantity"), product["id"])["quantity"] == \
        sum(v["stock"] for v in emulator.state.stock(product["id"]).values()) - 2

    report = api.get("/report/stock/all", params={"filter": f"product={product['meta']['href']}"}).json()
    assert report["meta"]["type"] == "stock"
    (row,) = report["rows"]
    assert row["reserve"] == 2.0 and row["quantity"] == row["stock"] - 2.0
    assert row["meta"]["href"].endswith("?expand=supplier")
    assert row["name"] == product["name"] and row["article"] == product["article"]

    demand = api.post("/entity/demand", json={
        "organization": {"meta": cat.organization["meta"]}, "agent": {"meta": cat.agents[0]["meta"]},
        "store": {"meta": store["meta"]}, "customerOrder": {"meta": order["meta"]},
        "positions": [position(product, 1, 1000.0)]})
    assert demand.status_code == 200, demand.text
    after = emulator.state.stock(product["id"])[store["id"]]
    assert after == {"stock": start - 1, "reserve": 1.0, "freeStock": start - 2}  # shipping releases reserve

    api.put(f"/entity/demand/{demand.json()['id']}", json={"applicable": False})
    assert emulator.state.stock(product["id"])[store["id"]] == {"stock": start, "reserve": 2.0,
                                                                "freeStock": start - 2}
    api.delete(f"/entity/customerorder/{order['id']}")
    assert emulator.state.stock(product["id"])[store["id"]]["reserve"] == 0.0


def test_storeless_reserve_goes_to_the_null_store(api: httpx.Client, emulator: MoySkladEmulator,
                                                  cat: Catalog) -> None:
    product = _stocked(emulator, cat)
    api.post("/entity/customerorder", json=cat.order([(product, 2, 10.0, 2)], store=None))
    row = _row(_current(api, stockType="reserve"), product["id"], None)
    assert row == {"assortmentId": product["id"], "storeId": None, "reserve": 2.0}
    assert emulator.state.stock(product["id"])[None]["reserve"] == 2.0
    not_applicable = cat.order([(cat.products[-1], 2, 10.0, 2)], applicable=False)
    api.post("/entity/customerorder", json=not_applicable)
    assert _find(_current(api, stockType="reserve"), cat.products[-1]["id"]) is None


def test_stock_type_keys_and_zero_lines(api: httpx.Client, emulator: MoySkladEmulator, cat: Catalog) -> None:
    for stock_type in ("stock", "freeStock", "quantity", "reserve", "inTransit"):
        rows = _current(api, stockType=stock_type, include="zeroLines")
        assert rows and all(stock_type in r and len(r) == 3 for r in rows), stock_type
    zero_key = next(k for k, v in emulator.state.ledger.stock.items() if v == 0 and k[1] is not None)
    assert _find(_current(api), zero_key[0], zero_key[1]) is None
    assert _row(_current(api, include="zeroLines"), zero_key[0], zero_key[1])["stock"] == 0.0
    bad = api.get("/report/stock/all/current", params={"stockType": "available"})
    assert (bad.status_code, error_codes(bad)) == (400, [1084])


def test_items_never_in_an_operation_do_not_appear(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    created = emulator.state.add_product("Новинка без остатков", "NEW-1", price=10000.0)
    assert _find(_current(api, include="zeroLines"), created["id"]) is None
    store_id = emulator.state.stores()[0]["id"]
    emulator.state.set_stock(created["id"], store_id, 7)
    assert _row(_current(api), created["id"], store_id)["stock"] == 7.0


def test_current_filters(api: httpx.Client, emulator: MoySkladEmulator, cat: Catalog) -> None:
    first, second = cat.products[0], cat.products[1]
    store = cat.stores[1]
    rows = _current(api, include="zeroLines", filter=f"assortmentId={first['id']},{second['id']};storeId={store['id']}")
    assert {r["assortmentId"] for r in rows} <= {first["id"], second["id"]}
    assert {r["storeId"] for r in rows} <= {store["id"]}
    repeated = api.get("/report/stock/bystore/current",
                       params=[("filter", f"assortmentId={first['id']}"), ("filter", f"assortmentId={second['id']}"),
                               ("include", "zeroLines")]).json()
    assert {r["assortmentId"] for r in repeated} <= {first["id"], second["id"]}
    assert error_codes(api.get("/report/stock/all/current", params={"filter": "storeId=nope"})) == [1014]
    assert error_codes(api.get("/report/stock/all/current", params={"filter": "colour=red"})) == [1034]


def test_changed_since_window(api: httpx.Client, emulator: MoySkladEmulator, cat: Catalog) -> None:
    state = emulator.state
    now = state.now().replace(microsecond=0) + timedelta(hours=1)
    state.set_clock(now)
    since = (now - timedelta(minutes=10)).strftime("%Y-%m-%d %H:%M:%S")
    assert _current(api, changedSince=since) == []  # seeded stock is two days old

    product = _stocked(emulator, cat)
    store = cat.stores[0]
    state.advance_clock(60)
    api.post("/entity/customerorder", json=cat.order([(product, 1, 1.0, 1)]))
    state.set_stock(cat.products[-1]["id"], store["id"], 0)  # may already be 0: then unchanged
    changed = _current(api, changedSince=since, stockType="reserve")
    assert _row(changed, product["id"], store["id"]) == {"assortmentId": product["id"], "storeId": store["id"],
                                                         "reserve": 1.0}
    state.set_stock(product["id"], cat.stores[1]["id"], 0)
    with_zero = _current(api, changedSince=since)
    zero_row = _row(with_zero, product["id"], cat.stores[1]["id"])
    assert zero_row["stock"] == 0.0  # zero rows always included with changedSince
    totals = _current(api, by_store=False, changedSince=since)
    assert product["id"] in {r["assortmentId"] for r in totals}
    later = (state.now() + timedelta(seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    state.advance_clock(2)
    assert _current(api, changedSince=later) == []

    too_old = (state.now() - timedelta(hours=24, seconds=1)).strftime("%Y-%m-%d %H:%M:%S")
    response = api.get("/report/stock/bystore/current", params={"changedSince": too_old})
    assert (response.status_code, error_codes(response)) == (400, [1040])
    assert response.json()["errors"][0]["parameter"] == "changedSince"
    future = (state.now() + timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    assert api.get("/report/stock/all/current", params={"changedSince": future}).status_code == 400
    just_inside = (state.now() - timedelta(hours=23, minutes=59)).strftime("%Y-%m-%d %H:%M:%S")
    assert api.get("/report/stock/all/current", params={"changedSince": just_inside}).status_code == 200


def test_deleted_items_read_as_zero_within_changed_since(api: httpx.Client, emulator: MoySkladEmulator,
                                                          cat: Catalog) -> None:
    state = emulator.state
    state.set_clock(state.now() + timedelta(hours=1))
    since = (state.now() - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S")
    product = _stocked(emulator, cat)
    assert api.delete(f"/entity/product/{product['id']}").status_code == 200
    rows = [r for r in _current(api, changedSince=since) if r["assortmentId"] == product["id"]]
    assert rows and all(r["stock"] == 0.0 for r in rows)
    assert _find(_current(api), product["id"]) is None


def test_paged_reports(api: httpx.Client, emulator: MoySkladEmulator, cat: Catalog) -> None:
    by_store = api.get("/report/stock/bystore", params={"limit": 5}).json()
    assert by_store["meta"]["type"] == "stockbystore" and len(by_store["rows"]) == 5
    assert by_store["meta"]["size"] > 5 and "nextHref" in by_store["meta"]
    row = by_store["rows"][0]
    assert [s["name"] for s in row["stockByStore"]] == [s["name"] for s in cat.stores]
    item_id = row["meta"]["href"].split("?")[0].rsplit("/", 1)[1]
    expected = emulator.state.stock(item_id)
    for entry in row["stockByStore"]:
        store_id = entry["meta"]["href"].rsplit("/", 1)[1]
        assert entry["stock"] == expected.get(store_id, {"stock": 0.0})["stock"]
    everything = api.get("/report/stock/all", params={"filter": "stockMode=all;quantityMode=all"}).json()
    counts = emulator.state.counts()
    assert everything["meta"]["size"] == counts["product"] + counts["variant"]
    positive = api.get("/report/stock/all", params={"filter": "stockMode=positiveOnly"}).json()["rows"]
    assert positive and all(r["stock"] > 0 for r in positive)
    one_store = api.get("/report/stock/all", params={"filter": f"store={cat.stores[0]['meta']['href']}"}).json()
    for report_row in one_store["rows"]:
        item = report_row["meta"]["href"].split("?")[0].rsplit("/", 1)[1]
        assert report_row["stock"] == emulator.state.stock(item).get(cat.stores[0]["id"], {"stock": 0.0})["stock"]
    folder = api.get("/entity/productfolder", params={"filter": "name=Одежда"}).json()["rows"][0]
    clothes = api.get("/report/stock/all", params={"filter": f"productFolder={folder['meta']['href']}"}).json()
    assert all(r["folder"]["pathName"].startswith("Одежда") or r["folder"]["name"] == "Одежда" for r in clothes["rows"])
    assert error_codes(api.get("/report/stock/all", params={"filter": "stockMode=lots"})) == [1041]
