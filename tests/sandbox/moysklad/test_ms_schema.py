"""Every endpoint the emulator serves answers JSON that validates against MoySklad's official OpenAPI schema.

The schema (``shared/moysklad-openapi/openapi.json``, OAS 3.0.3) is used as published with two mechanical
relaxations, both needed for the spec's *own* fixtures to validate:

* ``discriminator`` is dropped: child schemas ``allOf`` their parent, whose discriminator maps back to the
  children, and openapi-schema-validator recurses forever on that;
* ``oneOf`` becomes ``anyOf``: the branches (product/service/variant/bundle/consignment for an
  ``assortment``) have no required fields, so any entity matches several and ``oneOf`` always fails.

Endpoints the spec does not describe (stock reports, ``/security/token``) are checked for shape elsewhere;
``/context/employee`` is validated against the ``employee`` schema.
"""

from __future__ import annotations

import json
import re
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, position

SPEC_PATH = Path(__file__).resolve().parents[3] / ".." / "shared" / "moysklad-openapi" / "openapi.json"
URN = "urn:moysklad-openapi"

pytestmark = pytest.mark.skipif(not SPEC_PATH.is_file(), reason="shared/moysklad-openapi is not available")


def _relax(node: Any) -> Any:
    if isinstance(node, dict):
        return {("anyOf" if k == "oneOf" else k): _relax(v) for k, v in node.items() if k != "discriminator"}
    if isinstance(node, list):
        return [_relax(v) for v in node]
    return node


class Spec:
    def __init__(self) -> None:
        from openapi_schema_validator import OAS30Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT4

        self.document = _relax(json.loads(SPEC_PATH.read_text(encoding="utf-8")))
        self.registry = Registry().with_resource(URN, Resource.from_contents(self.document,
                                                                             default_specification=DRAFT4))
        self.validator_class = OAS30Validator
        self.templates: list[tuple[re.Pattern[str], str, int]] = []
        for template in self.document["paths"]:
            pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
            self.templates.append((re.compile(pattern), template, template.count("{")))

    def template_for(self, path: str) -> str | None:
        matches = [(params, template) for pattern, template, params in self.templates if pattern.match(path)]
        return min(matches)[1] if matches else None

    def schema_pointer(self, template: str, method: str, status: int) -> str | None:
        operation = self.document["paths"][template].get(method.lower())
        if operation is None:
            return None
        responses = operation["responses"]
        key = str(status) if str(status) in responses else "default" if "default" in responses else None
        if key is None:
            return None
        response = responses[key]
        pointer = "/paths/" + _escape(template) + f"/{method.lower()}/responses/{key}"
        if "$ref" in response:
            pointer = response["$ref"].removeprefix("#")
            response = self.document["components"]["responses"][pointer.rsplit("/", 1)[1]]
        if "application/json" not in response.get("content", {}):
            return None
        return pointer + "/content/application~1json/schema"

    def errors(self, pointer: str, payload: Any) -> list[str]:
        validator = self.validator_class({"$ref": f"{URN}#{pointer}"}, registry=self.registry,
                                         format_checker=self.validator_class.FORMAT_CHECKER)
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(payload)]


def _escape(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


@lru_cache(maxsize=1)
def _spec() -> Spec:
    return Spec()


class Checker:
    """Makes calls and validates each JSON answer against the spec's schema for that path and status."""

    def __init__(self, api: httpx.Client) -> None:
        self.api = api
        self.spec = _spec()
        self.checked: list[str] = []
        self.failures: list[str] = []

    def call(self, method: str, path: str, *, expect: int = 200, **kwargs: Any) -> Any:
        response = self.api.request(method, path, **kwargs)
        assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text[:300]}"
        payload = response.json() if response.content else None
        self.validate(method, path.split("?")[0], response.status_code, payload)
        return payload

    def validate(self, method: str, path: str, status: int, payload: Any, *, schema: str | None = None) -> None:
        if payload is None:
            return
        if schema is not None:
            pointer: str | None = f"/components/schemas/{schema}"
            label = f"{method} {path} as {schema}"
        else:
            template = self.spec.template_for(path)
            assert template is not None, f"no path in the spec for {path}"
            pointer = self.spec.schema_pointer(template, method, status)
            label = f"{method} {template} {status}"
        assert pointer is not None, label
        problems = self.spec.errors(pointer, payload)
        self.checked.append(label)
        self.failures += [f"{label}: {p}" for p in problems[:5]]


@pytest.fixture(scope="module")
def spec() -> Spec:
    return _spec()


def test_every_served_endpoint_matches_the_official_schema(api: httpx.Client, emulator: MoySkladEmulator,
                                                           spec: Spec) -> None:
    check = Checker(api)
    cat = Catalog(api)
    product, other = cat.products[0], cat.products[1]
    variant = cat.variants[0]

    # lists and single entities of every plain type
    for type_name in ("product", "variant", "productfolder", "store", "organization", "counterparty", "uom",
                      "currency", "employee"):
        listing = check.call("GET", f"/entity/{type_name}?limit=3")
        first = listing["rows"][0]
        check.call("GET", f"/entity/{type_name}/{first['id']}")
    check.call("GET", "/entity/variant?limit=2&expand=product")
    check.call("GET", "/entity/assortment?limit=5")
    check.call("GET", "/entity/assortment?limit=5", headers={"X-Lognex-Remap-Beta-Feature": "assortmentWithoutStock"})
    check.validate("GET", "/context/employee", 200, api.get("/context/employee").json(), schema="employee")

    # metadata
    for type_name in ("product", "counterparty", "store", "variant", "customerorder", "demand", "organization"):
        check.call("GET", f"/entity/{type_name}/metadata")
    characteristics = check.call("GET", "/entity/variant/metadata/characteristics")
    check.call("GET", f"/entity/variant/metadata/characteristics/{characteristics['characteristics'][0]['id']}")
    check.call("GET", f"/entity/customerorder/metadata/states/{cat.states[0]['id']}")
    check.call("GET", f"/entity/demand/metadata/states/{cat.demand_states[0]['id']}")

    # company settings and price types
    check.call("GET", "/context/companysettings")
    price_types = check.call("GET", "/context/companysettings/pricetype")
    check.call("GET", "/context/companysettings/pricetype/default")
    check.call("GET", f"/context/companysettings/pricetype/{price_types[1]['id']}")

    # creates and updates (single, with expand)
    created = check.call("POST", "/entity/product", json={
        "name": "Схема", "article": "SCHEMA-1", "syncId": str(uuid.uuid4()), "barcodes": [{"ean13": "4600000000024"}],
        "salePrices": [{"value": 100.0, "priceType": {"meta": price_types[0]["meta"]}}]})
    check.call("PUT", f"/entity/product/{created['id']}?expand=productFolder", json={"description": "ok"})
    check.call("POST", "/entity/variant", json={"product": {"meta": created["meta"]},
                                                "characteristics": [{"name": "Цвет", "value": "синий"}]})
    counterparty = check.call("POST", "/entity/counterparty", json={"name": "Схемный", "email": "a@b.ru",
                                                                    "companyType": "individual", "tags": ["x"]})
    check.call("PUT", f"/entity/counterparty/{counterparty['id']}", json={"phone": "+79990000000"})
    check.call("POST", "/entity/store", json={"name": "Склад схемы"})
    check.call("POST", "/entity/productfolder", json={"name": "Группа схемы"})

    # services: create, list, read, update, batch, and as assortment rows (the spec has no service metadata)
    service = check.call("POST", "/entity/service", json={
        "name": "Доставка схемы", "code": "SCHEMA-SRV", "syncId": str(uuid.uuid4()), "vat": 20, "vatEnabled": True,
        "barcodes": [{"code128": "SRV-1"}], "buyPrice": {"value": 5000.0},
        "salePrices": [{"value": 30000.0, "priceType": {"meta": price_types[0]["meta"]}}]})
    check.call("GET", "/entity/service?limit=3&filter=code=SCHEMA-SRV")
    check.call("GET", f"/entity/service/{service['id']}")
    check.call("PUT", f"/entity/service/{service['id']}?expand=productFolder", json={"description": "Курьер"})
    services = check.call("POST", "/entity/service/batch", json=[{"name": "Подъём схемы"}, {"code": "no name"}])
    assert "errors" in services[1]
    check.call("GET", "/entity/assortment?filter=type=service")
    check.call("GET", "/entity/assortment?limit=1000",
               headers={"X-Lognex-Remap-Beta-Feature": "assortmentWithoutStock"})

    # documents, positions, templates
    order = check.call("POST", "/entity/customerorder?expand=positions.assortment,agent", json=cat.order(
        [(product, 2, 1000.0, 1), (variant, 1, 500.0, 0), (service, 1, 30000.0, 0)],
        state={"meta": cat.states[0]["meta"]},
        shipmentAddressFull={"city": "Москва", "street": "Тверская"}, syncId=str(uuid.uuid4())))
    check.call("GET", "/entity/customerorder?limit=5&expand=positions")
    check.call("GET", f"/entity/customerorder/{order['id']}?expand=positions,state,demands")
    positions = check.call("GET", f"/entity/customerorder/{order['id']}/positions?limit=10&expand=assortment")
    check.call("GET", f"/entity/customerorder/{order['id']}/positions/{positions['rows'][0]['id']}")
    check.call("POST", f"/entity/customerorder/{order['id']}/positions", json=position(other, 1, 10.0))
    check.call("PUT", f"/entity/customerorder/{order['id']}/positions/{positions['rows'][0]['id']}",
               json={"quantity": 3})
    check.call("PUT", "/entity/customerorder/new", json={})
    template = check.call("PUT", "/entity/demand/new", json={"customerOrder": {"meta": order["meta"]}})
    demand = check.call("POST", "/entity/demand", json=template)
    check.call("GET", "/entity/demand?limit=5")
    check.call("GET", f"/entity/demand/{demand['id']}?expand=positions,customerOrder")
    assert "service" in {r["assortment"]["meta"]["type"] for r in template["positions"]["rows"]}
    demand_positions = check.call("GET", f"/entity/demand/{demand['id']}/positions")
    check.call("GET", f"/entity/demand/{demand['id']}/positions/{demand_positions['rows'][0]['id']}")
    check.call("PUT", f"/entity/demand/{demand['id']}", json={"description": "Отгружено"})

    # money documents linked to the order (operations), the order's payedSum
    money = {"organization": order["organization"], "agent": order["agent"], "sum": 15000.0,
             "operations": [{"meta": order["meta"], "linkedSum": 15000.0}]}
    incoming = check.call("POST", "/entity/paymentin", json={**money, "syncId": str(uuid.uuid4())})
    check.call("GET", f"/entity/paymentin/{incoming['id']}")
    check.call("GET", "/entity/paymentin?limit=5")
    check.call("POST", "/entity/cashin", json={**money, "paymentPurpose": "Оплата заказа"})
    check.call("POST", "/entity/paymentout", json={**money, "sum": 5000.0, "operations": []})
    check.call("POST", "/entity/cashout", json={k: v for k, v in money.items() if k != "operations"})
    assert check.call("GET", f"/entity/customerorder/{order['id']}")["payedSum"] == 30000.0

    # batches and batch deletes (each array element validates as the entity or an error)
    batch = check.call("POST", "/entity/counterparty/batch", json=[{"name": "Пакетный"}, {"inn": "1"}])
    assert "errors" in batch[1]
    plain_batch = api.post("/entity/counterparty", json=[{"name": "Ещё пакетный"}, {"name": 5}]).json()
    for item in plain_batch:
        schema = "error" if "errors" in item else "counterparty"
        check.validate("POST", "/entity/counterparty", 200, item, schema=schema)
    check.call("POST", "/entity/counterparty/delete", json=[{"meta": batch[0]["meta"]}])
    check.call("POST", "/context/companysettings/pricetype", json=[
        {"meta": t["meta"], "name": t["name"]} for t in price_types])

    # errors
    check.call("GET", f"/entity/product/{uuid.uuid4()}", expect=404)
    check.call("POST", "/entity/product", json={"article": "no name"}, expect=412)
    check.call("POST", "/entity/product", json={"name": 1}, expect=400)
    check.call("GET", "/entity/product?filter=updated>=someday", expect=400)
    check.call("GET", "/entity/product?limit=5000", expect=400)
    check.call("POST", "/entity/customerorder", json=cat.order([(product, 1, 1.0, 5)]), expect=412)

    assert not check.failures, "\n".join(check.failures)
    assert len(check.checked) >= 60


def test_the_relaxations_do_not_hide_real_mismatches(spec: Spec) -> None:
    """The checker still fails wrong shapes: a string price, a non-UUID id, a list where an object goes."""
    pointer = "/components/schemas/product"
    assert spec.errors(pointer, {"id": "not-a-uuid"})
    assert spec.errors(pointer, {"salePrices": [{"value": "3353", "priceType": {}}]})
    assert spec.errors("/components/schemas/customerOrder", {"positions": []})
    assert spec.errors("/components/schemas/error", {"errors": [{"code": 1}]})  # "error" text is required
    assert not spec.errors(pointer, {"id": str(uuid.uuid4()), "salePrices": [{"value": 3353.0, "priceType": {}}]})


# The docs' attribute table for variants (DOC:dictionaries/_variant) lists ``article`` too; the OAS variant schema
# misses it. Nothing else: no owner, shared or group (a variant belongs to its product).
VARIANT_DOC_ONLY = frozenset({"article"})


def test_variants_carry_only_the_fields_the_spec_gives(api: httpx.Client, spec: Spec) -> None:
    """The schema allows any extra key, so validation alone never noticed variants with owner/shared/group."""
    allowed = set(spec.document["components"]["schemas"]["variant"]["properties"]) | VARIANT_DOC_ONLY
    assert {"owner", "shared", "group"}.isdisjoint(allowed)
    fixture = json.loads((SPEC_PATH.parent / "fixtures" / "variant.json").read_text(encoding="utf-8"))
    assert set(fixture) <= allowed  # the spec's own example variant
    cat = Catalog(api)
    seeded = cat.variants[0]
    product = api.get("/entity/product", params={"filter": f"id={seeded['product']['meta']['href'].rsplit('/', 1)[1]}"})
    created = api.post("/entity/variant", json={
        "product": {"meta": product.json()["rows"][0]["meta"]}, "article": "KEYS-1",
        "characteristics": [{"name": "Цвет", "value": "ключевой"}]})
    assert created.status_code == 200, created.text
    variant_id = created.json()["id"]
    updated = api.put(f"/entity/variant/{variant_id}", json={"description": "без владельца", "shared": True})
    shapes = {
        "seeded, listed": api.get("/entity/variant", params={"limit": 5}).json()["rows"],
        "seeded, by id": [api.get(f"/entity/variant/{seeded['id']}").json()],
        "listed with expand": api.get("/entity/variant", params={"limit": 5, "expand": "product"}).json()["rows"],
        "created": [created.json()],
        "updated": [updated.json()] if updated.status_code == 200 else [],
    }
    for label, rows in shapes.items():
        for row in rows:
            assert set(row) <= allowed, f"{label}: {sorted(set(row) - allowed)}"
    assert shapes["created"][0]["article"] == "KEYS-1"
