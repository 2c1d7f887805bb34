"""Entities: products, variants, counterparties and the reference data, with the real validation errors."""

from __future__ import annotations

import re
import uuid

import httpx

from app.sandbox.moysklad import MoySkladEmulator

from .support import error_codes


def _price_types(api: httpx.Client) -> list[dict]:
    rows: list[dict] = api.get("/context/companysettings/pricetype").json()
    return rows


def _error(response: httpx.Response) -> dict:
    error: dict = response.json()["errors"][0]
    return error


# -- products ---------------------------------------------------------------------------------------------

def test_create_product_with_prices_in_kopecks(api: httpx.Client) -> None:
    base_type, wholesale = _price_types(api)[:2]
    body = {"name": "Кружка «Тест»", "article": "MUG-TEST", "code": "T-1",
            "salePrices": [{"value": 49000.0, "priceType": {"meta": base_type["meta"]}}],
            "buyPrice": {"value": 21050.0}, "barcodes": [{"ean13": "4600000000017"}]}
    response = api.post("/entity/product", json=body)
    assert response.status_code == 200, response.text
    product = response.json()
    assert product["salePrices"][0]["value"] == 49000.0
    assert product["salePrices"][0]["priceType"] == base_type  # price types render whole
    assert [p["priceType"]["id"] for p in product["salePrices"]] == [t["id"] for t in _price_types(api)]
    assert product["salePrices"][1]["value"] == 0.0 and product["salePrices"][1]["priceType"]["id"] == wholesale["id"]
    assert product["buyPrice"]["value"] == 21050.0
    assert product["buyPrice"]["currency"]["meta"]["type"] == "currency"
    assert re.fullmatch(r"[A-Za-z0-9]{22}", product["externalCode"])
    assert product["barcodes"] == [{"ean13": "4600000000017"}]
    assert product["variantsCount"] == 0
    assert product["uom"]["meta"]["type"] == "uom"
    assert api.get(f"/entity/product/{product['id']}").json() == product
    # JSON floats on the wire
    assert '"value":49000.0' in api.get(f"/entity/product/{product['id']}").text


def test_product_validation_errors(api: httpx.Client, base: str) -> None:
    missing = api.post("/entity/product", json={"article": "X"})
    assert (missing.status_code, error_codes(missing), _error(missing)["parameter"]) == (412, [3000], "name")
    assert "'name'" in _error(missing)["error"]
    wrong = api.post("/entity/product", json={"name": 12345})
    assert (wrong.status_code, error_codes(wrong), _error(wrong)["parameter"]) == (400, [2016], "name")
    price = api.post("/entity/product", json={"name": "x", "salePrices": [{"value": "10"}]})
    assert (price.status_code, error_codes(price)) == (400, [2016])
    no_href = api.post("/entity/product", json={"name": "x", "productFolder": {"meta": {"type": "productfolder"}}})
    assert (no_href.status_code, error_codes(no_href)) == (400, [2010])
    no_meta = api.post("/entity/product", json={"name": "x", "productFolder": {"href": "x"}})
    assert error_codes(no_meta) == [2014]
    ghost = str(uuid.uuid4())
    unknown = api.post("/entity/product", json={
        "name": "x", "productFolder": {"meta": {"href": f"{base}/entity/productfolder/{ghost}",
                                                "type": "productfolder"}}})
    assert (unknown.status_code, error_codes(unknown)) == (404, [1021])
    mismatch = api.post("/entity/product", json={
        "name": "x", "productFolder": {"meta": {"href": f"{base}/entity/productfolder/{ghost}", "type": "store"}}})
    assert error_codes(mismatch) == [1060]
    wrong_kind = api.post("/entity/product", json={
        "name": "x", "productFolder": {"meta": {"href": f"{base}/entity/store/{ghost}", "type": "store"}}})
    assert error_codes(wrong_kind) == [2027]
    array = api.put(f"/entity/product/{ghost}", json=[{"name": "x"}])
    assert error_codes(array) == [1021]


def test_external_code_is_not_unique(api: httpx.Client) -> None:
    first = api.post("/entity/product", json={"name": "A", "externalCode": "same-code"}).json()
    second = api.post("/entity/product", json={"name": "B", "externalCode": "same-code"}).json()
    assert first["id"] != second["id"]
    found = api.get("/entity/product", params={"filter": "externalCode=same-code"}).json()["rows"]
    assert len(found) == 2


def test_sync_id_makes_create_idempotent(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    sync_id = str(uuid.uuid4())
    before = emulator.state.counts()["product"]
    first = api.post("/entity/product", json={"name": "Идемпотентный", "syncId": sync_id}).json()
    again = api.post("/entity/product", json={"name": "Идемпотентный (повтор)", "syncId": sync_id}).json()
    assert again["id"] == first["id"] and again["name"] == "Идемпотентный"
    assert emulator.state.counts()["product"] == before + 1
    assert api.get(f"/entity/product/syncid/{sync_id}").json()["id"] == first["id"]
    bad = api.post("/entity/product", json={"name": "x", "syncId": "not-a-uuid"})
    assert (bad.status_code, error_codes(bad)) == (400, [1052])
    change = api.put(f"/entity/product/{first['id']}", json={"syncId": str(uuid.uuid4())})
    assert (change.status_code, error_codes(change)) == (400, [1047])
    same = api.put(f"/entity/product/{first['id']}", json={"syncId": sync_id, "article": "SYNC-1"})
    assert same.status_code == 200 and same.json()["article"] == "SYNC-1"


def test_put_is_a_partial_update(api: httpx.Client) -> None:
    types = _price_types(api)
    product = api.get("/entity/product", params={"limit": 1}).json()["rows"][0]
    response = api.put(f"/entity/product/{product['id']}", json={
        "article": "NEW-ART", "barcodes": [{"code128": "ABC"}],
        "salePrices": [{"value": 12345.0, "priceType": {"meta": types[1]["meta"]}}]})
    updated = response.json()
    assert updated["article"] == "NEW-ART"
    assert updated["name"] == product["name"]  # untouched
    assert updated["barcodes"] == [{"code128": "ABC"}]  # replaced as a whole
    prices = {p["priceType"]["id"]: p["value"] for p in updated["salePrices"]}
    assert prices[types[1]["id"]] == 12345.0
    assert prices[types[0]["id"]] == product["salePrices"][0]["value"]  # other price types kept
    assert updated["updated"] >= product["updated"]
    cleared = api.put(f"/entity/product/{product['id']}", json={"productFolder": None}).json()
    assert "productFolder" not in cleared and cleared["pathName"] == ""


def test_delete_product_and_its_variants(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    variant = api.get("/entity/variant", params={"limit": 1}).json()["rows"][0]
    product_id = variant["product"]["meta"]["href"].rsplit("/", 1)[1]
    siblings = emulator.state.variants(product_id)
    response = api.delete(f"/entity/product/{product_id}")
    assert response.status_code == 200 and response.content == b""
    assert api.get(f"/entity/product/{product_id}").status_code == 404
    for sibling in siblings:
        assert api.get(f"/entity/variant/{sibling['id']}").status_code == 404


def test_batch_delete(api: httpx.Client) -> None:
    rows = api.get("/entity/counterparty", params={"limit": 2}).json()["rows"]
    ghost = rows[0]["meta"]["href"].rsplit("/", 1)[0] + "/" + str(uuid.uuid4())
    result = api.post("/entity/counterparty/delete",
                      json=[{"meta": rows[0]["meta"]}, {"meta": {"href": ghost, "type": "counterparty"}},
                            {"meta": rows[1]["meta"]}]).json()
    assert "успешно удалена" in result[0]["info"] and "успешно удалена" in result[2]["info"]
    assert result[1]["errors"][0]["code"] == 1021
    assert api.get(f"/entity/counterparty/{rows[0]['id']}").status_code == 404


# -- variants ---------------------------------------------------------------------------------------------

def test_variant_metadata_lists_characteristics(api: httpx.Client) -> None:
    metadata = api.get("/entity/variant/metadata").json()
    names = {c["name"] for c in metadata["characteristics"]}
    assert {"Размер", "Цвет"} <= names
    char = metadata["characteristics"][0]
    assert char["meta"]["type"] == "attributemetadata"
    assert api.get(f"/entity/variant/metadata/characteristics/{char['id']}").json()["name"] == char["name"]


def test_create_variant(api: httpx.Client) -> None:
    product = api.post("/entity/product", json={"name": "Носки «Тест»", "article": "SOCK"}).json()
    size = next(c for c in api.get("/entity/variant/metadata").json()["characteristics"] if c["name"] == "Размер")
    body = {"product": {"meta": product["meta"]},
            "characteristics": [{"id": size["id"], "value": "42"}, {"name": "Узор", "value": "полоска"}],
            "salePrices": [{"value": 30000.0}], "code": "SOCK-42"}
    response = api.post("/entity/variant", json=body)
    assert response.status_code == 200, response.text
    variant = response.json()
    assert variant["name"] == "Носки «Тест» (42, полоска)"
    assert [c["name"] for c in variant["characteristics"]] == ["Размер", "Узор"]
    char_href = variant["characteristics"][0]["meta"]["href"]
    assert char_href.endswith(f"/entity/variant/metadata/characteristics/{size['id']}")
    assert variant["salePrices"][0]["value"] == 30000.0
    assert api.get(f"/entity/product/{product['id']}").json()["variantsCount"] == 1
    assert "Узор" in {c["name"] for c in api.get("/entity/variant/metadata").json()["characteristics"]}
    duplicate = api.post("/entity/variant", json=body)
    assert (duplicate.status_code, error_codes(duplicate)) == (412, [3006])


def test_variant_requires_product_and_characteristics(api: httpx.Client) -> None:
    product = api.get("/entity/product", params={"limit": 1}).json()["rows"][0]
    no_product = api.post("/entity/variant", json={"characteristics": [{"name": "Цвет", "value": "red"}]})
    assert (no_product.status_code, _error(no_product)["parameter"]) == (412, "product")
    no_chars = api.post("/entity/variant", json={"product": {"meta": product["meta"]}})
    assert (no_chars.status_code, error_codes(no_chars), _error(no_chars)["parameter"]) == (
        412, [3000], "characteristics")


# -- counterparties ---------------------------------------------------------------------------------------

def test_counterparty_fields_and_validation(api: httpx.Client) -> None:
    body = {"name": "ООО «Ромашка»", "inn": "7701234567", "email": "info@romashka.ru", "phone": "+79161234567",
            "companyType": "legal", "tags": ["Опт", "retailcrm"], "syncId": str(uuid.uuid4())}
    created = api.post("/entity/counterparty", json=body).json()
    for key in ("name", "inn", "email", "phone", "companyType", "syncId"):
        assert created[key] == body[key]
    assert created["tags"] == ["retailcrm", "опт"]
    assert created["accounts"]["meta"]["href"].endswith(f"/counterparty/{created['id']}/accounts")
    found = api.get("/entity/counterparty", params={"filter": "inn=7701234567"}).json()["rows"]
    assert [r["id"] for r in found] == [created["id"]]
    assert api.get("/entity/counterparty", params={"filter": "tags=опт"}).json()["meta"]["size"] == 1
    bad_email = api.post("/entity/counterparty", json={"name": "x", "email": "not-an-email"})
    assert (bad_email.status_code, error_codes(bad_email)) == (412, [3015])
    bad_type = api.post("/entity/counterparty", json={"name": "x", "companyType": "company"})
    assert (bad_type.status_code, error_codes(bad_type)) == (400, [2029])
    no_name = api.post("/entity/counterparty", json={"inn": "1"})
    assert (no_name.status_code, _error(no_name)["parameter"]) == (412, "name")


def test_seeded_counterparties_from_the_shop(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    rows = api.get("/entity/counterparty").json()["rows"]
    assert "Розничный покупатель" in {r["name"] for r in rows}
    assert any(r.get("inn") for r in rows) and any(r.get("email") for r in rows) and any(r.get("phone") for r in rows)


# -- reference data ---------------------------------------------------------------------------------------

def test_organization_store_folder_uom_currency_employee(api: httpx.Client, shop: object) -> None:
    organization = api.get("/entity/organization").json()["rows"][0]
    assert organization["name"] == shop.organization_name  # type: ignore[attr-defined]
    assert organization["inn"] == shop.organization_inn  # type: ignore[attr-defined]
    stores = [s["name"] for s in api.get("/entity/store").json()["rows"]]
    assert stores == [s.ms_name for s in shop.stores]  # type: ignore[attr-defined]
    folders = api.get("/entity/productfolder", params={"filter": "name=Футболки"}).json()["rows"]
    assert folders[0]["pathName"] == "Одежда"
    assert [u["name"] for u in api.get("/entity/uom").json()["rows"]] == ["шт"]
    currency = api.get("/entity/currency").json()["rows"][0]
    assert (currency["isoCode"], currency["default"]) == ("RUB", True)
    employee = api.get("/context/employee").json()
    assert employee["meta"]["type"] == "employee"
    assert api.get(f"/entity/employee/{employee['id']}").json()["uid"] == employee["uid"]


def test_company_settings_and_price_types(api: httpx.Client, shop: object) -> None:
    settings = api.get("/context/companysettings").json()
    assert settings["currency"]["meta"]["type"] == "currency"
    types = _price_types(api)
    assert [t["name"] for t in types] == [p.ms_name for p in shop.price_types]  # type: ignore[attr-defined]
    assert settings["priceTypes"] == types
    assert api.get("/context/companysettings/pricetype/default").json()["name"] == "Цена продажи"
    assert api.get(f"/context/companysettings/pricetype/{types[1]['id']}").json() == types[1]


def test_posting_price_types_replaces_the_list(api: httpx.Client) -> None:
    types = _price_types(api)
    product = api.get("/entity/product", params={"limit": 1}).json()["rows"][0]
    new_list = [{"meta": types[1]["meta"], "name": types[1]["name"]}, {"meta": types[0]["meta"], "name": "Розница"},
                {"name": "Цена Ozon"}]
    response = api.post("/context/companysettings/pricetype", json=new_list)
    assert response.status_code == 200, response.text
    result = response.json()
    assert [t["name"] for t in result] == [types[1]["name"], "Розница", "Цена Ozon"]
    assert api.get("/context/companysettings/pricetype/default").json()["id"] == types[1]["id"]
    assert types[2]["id"] not in {t["id"] for t in _price_types(api)}
    prices = api.get(f"/entity/product/{product['id']}").json()["salePrices"]
    assert types[2]["id"] not in {p["priceType"]["id"] for p in prices}
    duplicate = api.post("/context/companysettings/pricetype", json=[{"name": "A"}, {"name": "A"}])
    assert (duplicate.status_code, error_codes(duplicate)) == (412, [3006])


# -- assortment -------------------------------------------------------------------------------------------

def test_assortment_legacy_and_new_modes(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    legacy = api.get("/entity/assortment").json()
    counts = emulator.state.counts()
    assert legacy["meta"]["size"] == counts["product"] + counts["variant"]
    assert {r["meta"]["type"] for r in legacy["rows"]} == {"product", "variant"}
    assert all({"stock", "reserve", "inTransit", "quantity"} <= set(r) for r in legacy["rows"])
    beta = {"X-Lognex-Remap-Beta-Feature": "assortmentWithoutStock"}
    fresh = api.get("/entity/assortment", headers=beta).json()
    assert fresh["meta"]["size"] == legacy["meta"]["size"]
    assert not any("stock" in r for r in fresh["rows"])
    store = api.get("/entity/store").json()["rows"][0]
    rejected = api.get("/entity/assortment", headers=beta, params={"filter": f"stockStore={store['meta']['href']}"})
    assert (rejected.status_code, error_codes(rejected)) == (400, [1034])
    in_store = api.get("/entity/assortment",
                       params={"filter": f"stockStore={store['meta']['href']};stockMode=positiveOnly"})
    assert in_store.status_code == 200
    assert all(r["stock"] > 0 for r in in_store.json()["rows"])
    only_variants = api.get("/entity/assortment", params={"filter": "type=variant"}).json()
    assert only_variants["meta"]["size"] == counts["variant"]


def test_stock_in_legacy_assortment_matches_state(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    row = next(r for r in api.get("/entity/assortment").json()["rows"] if r["stock"] > 0)
    per_store = emulator.state.stock(row["id"])
    assert row["stock"] == sum(v["stock"] for v in per_store.values())
