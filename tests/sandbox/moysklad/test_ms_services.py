"""Services (услуги): created, read, filtered and batched like products; positions of documents; never stock."""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, error_codes, position


@pytest.fixture
def cat(api: httpx.Client) -> Catalog:
    return Catalog(api)


def _service(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/entity/service", json={"name": "Доставка", **body})
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _names(api: httpx.Client, params: dict[str, Any]) -> list[str]:
    response = api.get("/entity/service", params=params)
    assert response.status_code == 200, response.text
    return [row["name"] for row in response.json()["rows"]]


def test_create_a_service_with_prices_and_defaults(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    price_types = api.get("/context/companysettings/pricetype").json()
    service = _service(api, code="DLV", salePrices=[{"value": 30000.0, "priceType": {"meta": price_types[0]["meta"]}}],
                       buyPrice={"value": 12000.0}, vat=20, vatEnabled=True, article="ignored", weight=5)

    assert service["meta"]["type"] == "service"
    assert service["meta"]["href"].endswith(f"/entity/service/{service['id']}")
    assert service["name"] == "Доставка" and service["code"] == "DLV"
    assert [p["value"] for p in service["salePrices"]] == [30000.0] + [0.0] * (len(price_types) - 1)
    assert service["buyPrice"]["value"] == 12000.0
    assert service["paymentItemType"] == "SERVICE" and service["archived"] is False
    assert (service["effectiveVat"], service["effectiveVatEnabled"]) == (20, True)
    assert re.fullmatch(r"[A-Za-z0-9]{22}", service["externalCode"])
    # a service has no article, weight, variants or stock
    assert not {"article", "weight", "variantsCount", "stock"} & set(service)
    assert api.get(f"/entity/service/{service['id']}").json() == service
    assert emulator.state.service(service["id"]) == service
    assert emulator.state.counts()["service"] == 1


def test_service_validation_and_partial_update(api: httpx.Client) -> None:
    missing = api.post("/entity/service", json={"code": "X"})
    assert (missing.status_code, error_codes(missing)) == (412, [3000])
    assert missing.json()["errors"][0]["parameter"] == "name"
    wrong = api.post("/entity/service", json={"name": "x", "paymentItemType": "GOOD"})
    assert wrong.status_code == 400
    service = _service(api, description="Курьер")
    updated = api.put(f"/entity/service/{service['id']}", json={"name": "Доставка курьером"}).json()
    assert updated["name"] == "Доставка курьером" and updated["description"] == "Курьер"
    assert updated["updated"] >= service["updated"]


def test_sync_id_makes_a_service_create_idempotent(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    sync_id = str(uuid.uuid4())
    first = _service(api, syncId=sync_id)
    again = _service(api, syncId=sync_id, name="Доставка (повтор)")
    assert again["id"] == first["id"] and again["name"] == "Доставка"
    assert emulator.state.counts()["service"] == 1
    assert api.get(f"/entity/service/syncid/{sync_id}").json()["id"] == first["id"]
    change = api.put(f"/entity/service/{first['id']}", json={"syncId": str(uuid.uuid4())})
    assert (change.status_code, error_codes(change)) == (400, [1047])


def test_filters_search_and_paging(api: httpx.Client) -> None:
    _service(api, name="Доставка", code="D-1", externalCode="ext-d")
    _service(api, name="Подъём на этаж", code="L-1")
    _service(api, name="Сборка", code="A-1", archived=True)

    assert _names(api, {"filter": "name=Доставка"}) == ["Доставка"]
    assert _names(api, {"filter": "code=L-1"}) == ["Подъём на этаж"]
    assert _names(api, {"filter": "externalCode=ext-d"}) == ["Доставка"]
    assert _names(api, {"filter": "name=Доставка;name=Подъём на этаж"}) == ["Доставка", "Подъём на этаж"]
    assert _names(api, {}) == ["Доставка", "Подъём на этаж"]  # archived ones are hidden by default
    assert _names(api, {"filter": "archived=true"}) == ["Сборка"]
    assert _names(api, {"filter": "archived=true;archived=false"}) == ["Доставка", "Подъём на этаж", "Сборка"]
    assert _names(api, {"filter": "updated>=2000-01-01 00:00:00"}) == ["Доставка", "Подъём на этаж"]
    assert _names(api, {"filter": "updated<2000-01-01 00:00:00"}) == []
    assert _names(api, {"search": "подъём"}) == ["Подъём на этаж"]
    page = api.get("/entity/service", params={"limit": 1, "offset": 1}).json()
    assert page["meta"]["size"] == 2 and [r["name"] for r in page["rows"]] == ["Подъём на этаж"]
    assert page["meta"]["type"] == "service"
    bad = api.get("/entity/service", params={"filter": "article=X"})
    assert bad.status_code == 400  # services have no article


def test_batch_post_creates_and_updates_with_errors_in_place(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    existing = _service(api)
    result = api.post("/entity/service", json=[
        {"name": "Упаковка"}, {"code": "no name"}, {"meta": existing["meta"], "code": "DLV-2"}])
    assert result.status_code == 200
    rows = result.json()
    assert rows[0]["name"] == "Упаковка" and rows[0]["meta"]["type"] == "service"
    assert rows[1]["errors"][0]["code"] == 3000
    assert rows[2]["id"] == existing["id"] and rows[2]["code"] == "DLV-2"
    assert emulator.state.counts()["service"] == 2
    deleted = api.post("/entity/service/delete", json=[{"meta": rows[0]["meta"]}]).json()
    assert "успешно удалена" in deleted[0]["info"]
    assert [s["name"] for s in emulator.state.services()] == ["Доставка"]


def test_a_service_in_an_order_and_a_demand_never_touches_stock(api: httpx.Client, emulator: MoySkladEmulator,
                                                                 cat: Catalog) -> None:
    service = _service(api)
    product = cat.products[0]
    store = cat.stores[0]
    stock_before = emulator.state.stock(product["id"])
    report_before = api.get("/report/stock/all/current", params={"include": "zeroLines"}).json()

    order = api.post("/entity/customerorder?expand=positions.assortment", json=cat.order(
        [(product, 1, 1000.0, 1), (service, 1, 30000.0, 1)])).json()

    rows = order["positions"]["rows"]
    assert rows[1]["assortment"]["meta"]["type"] == "service" and rows[1]["assortment"]["name"] == "Доставка"
    assert rows[1]["reserve"] == 0.0  # a service holds no reserve
    assert order["sum"] == 31000.0
    assert emulator.state.stock(service["id"]) == {}

    template = api.put("/entity/demand/new", json={"customerOrder": {"meta": order["meta"]}}).json()
    assert [r["assortment"]["meta"]["type"] for r in template["positions"]["rows"]] == ["product", "service"]
    demand = api.post("/entity/demand", json=template)
    assert demand.status_code == 200, demand.text
    assert demand.json()["sum"] == 31000.0

    after = emulator.state.stock(product["id"])
    assert after[store["id"]]["stock"] == stock_before[store["id"]]["stock"] - 1  # the product left the store
    assert emulator.state.stock(service["id"]) == {}  # the service never did
    report = api.get("/report/stock/all/current", params={"include": "zeroLines"}).json()
    assert service["id"] not in {r["assortmentId"] for r in report}
    assert len(report) == len(report_before)
    shipped = api.get(f"/entity/customerorder/{order['id']}/positions").json()["rows"]
    assert [r["shipped"] for r in shipped] == [1.0, 1.0]
    # a second template has nothing left to ship, the service included
    assert api.put("/entity/demand/new", json={"customerOrder": {"meta": order["meta"]}}).json()[
        "positions"]["rows"] == []
    in_use = api.delete(f"/entity/service/{service['id']}")
    assert (in_use.status_code, error_codes(in_use)) == (409, [1028])


def test_a_service_position_can_be_added_to_an_order(api: httpx.Client, cat: Catalog) -> None:
    service = _service(api)
    order = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 500.0, 0)])).json()
    added = api.post(f"/entity/customerorder/{order['id']}/positions", json=position(service, 1, 20000.0, 1))
    assert added.status_code == 200, added.text
    assert added.json()["assortment"]["meta"]["type"] == "service" and added.json()["reserve"] == 0.0


def test_assortment_lists_services_without_stock_fields(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    service = _service(api)
    counts = emulator.state.counts()

    legacy = api.get("/entity/assortment").json()
    assert legacy["meta"]["size"] == counts["product"] + counts["variant"] + 1
    row = next(r for r in legacy["rows"] if r["meta"]["type"] == "service")
    assert row["id"] == service["id"]
    assert not {"stock", "reserve", "inTransit", "quantity"} & set(row)
    assert all("stock" in r for r in legacy["rows"] if r["meta"]["type"] != "service")
    only = api.get("/entity/assortment", params={"filter": "type=service"}).json()
    assert [r["id"] for r in only["rows"]] == [service["id"]]
    # no stock to compare: a stock filter leaves services out
    positive = api.get("/entity/assortment", params={"filter": "stockMode=positiveOnly"}).json()
    assert all(r["meta"]["type"] != "service" for r in positive["rows"])
    beta = api.get("/entity/assortment", headers={"X-Lognex-Remap-Beta-Feature": "assortmentWithoutStock"},
                   params={"filter": "name=Доставка"}).json()
    assert [r["id"] for r in beta["rows"]] == [service["id"]]
