"""The lived-in account (``--account lived-in``): what it holds, read over HTTP as a client would see it, and the
MoySklad emulator's rules it needs (bundles, a required additional field on customer orders)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.sandbox.__main__ import build_parser
from app.sandbox.sandbox import Sandbox, SandboxOptions
from tests.sandbox.moysklad.support import client, error_codes, ref


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(account="lived-in", products=60, orders=40, rate_limit=False)) as sb:
        yield sb


@pytest.fixture(scope="module")
def ms(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with client(sandbox.moysklad_server.base_url, sandbox.moysklad.token) as http:
        yield http


@pytest.fixture(scope="module")
def rc(sandbox: Sandbox) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.retailcrm_url + "/api/v5",
                      headers={"X-API-KEY": sandbox.retailcrm.api_key}) as http:
        yield http


def facts(sandbox: Sandbox) -> Any:
    assert sandbox.lived_in is not None
    return sandbox.lived_in


def test_the_account_is_chosen_by_option_and_flag_and_tidy_stays_the_default():
    assert build_parser().parse_args(["--account", "lived-in"]).account == "lived-in"
    assert build_parser().parse_args([]).account == "tidy"
    tidy = Sandbox(SandboxOptions(products=20, orders=5))
    assert tidy.options.account == "tidy" and tidy.lived_in is None
    assert tidy.moysklad.state.attributes("customerorder") == [] and not tidy.moysklad.state.bundles()
    assert len(tidy.retailcrm.state.db.sites) == 1
    with pytest.raises(ValueError, match="lived-in"):
        Sandbox(SandboxOptions(account="messy"))


def test_statuses_are_numbered_per_group_with_custom_and_inactive_ones(sandbox, rc):
    statuses = rc.get("/reference/statuses").json()["statuses"]
    groups = {g["code"]: g["ordering"] for g in rc.get("/reference/status-groups").json()["statusGroups"].values()}
    # the recorded groups' orderings (References/testStatusGroups.json)
    assert groups == {"new": 10, "approval": 20, "assembling": 30, "delivery": 40, "complete": 50, "cancel": 60}
    by_group: dict[str, list[int]] = defaultdict(list)
    for status in statuses.values():
        by_group[status["group"]].append(status["ordering"])
    assert min(by_group["delivery"]) == 10 and min(by_group["approval"]) == 10  # ordering restarts per group
    custom = [s for s in statuses.values() if s["ordering"] == 990 and s["active"]]
    inactive = [s for s in statuses.values() if not s["active"]]
    assert len({s["group"] for s in custom}) >= 4 and len(inactive) >= 3  # more than the tidy account's one each
    assert statuses["no-call"]["group"] == "cancel"
    tidy = Sandbox(SandboxOptions(products=20, orders=5)).retailcrm.state.db.statuses
    assert len(statuses) > len(tidy)
    # some recent orders sit in the shop's own statuses and in a retired one
    moved = facts(sandbox).moved_orders
    assert {"waiting-packing", "courier-handed"} <= set(moved.values())
    assert any(status in facts(sandbox).inactive_statuses for status in moved.values())


def test_two_sites_one_with_a_word_catalog_id_and_a_store_counted_by_availability(sandbox, rc):
    sites = rc.get("/reference/sites").json()["sites"]
    assert len(sites) == 2
    assert sites[facts(sandbox).word_catalog_site]["catalogId"] == "catalog"
    second = facts(sandbox).second_site
    assert sites[second]["catalogId"].isdigit()
    orders = rc.get("/orders", params={"filter[sites][]": second, "limit": 20}).json()["orders"]
    assert sorted(o["id"] for o in orders) == sorted(facts(sandbox).second_site_orders)
    stores = {s["code"]: s for s in rc.get("/reference/stores").json()["stores"]}
    assert stores[facts(sandbox).available_store]["inventoryType"] == "available"
    assert sum(s["inventoryType"] == "integer" for s in stores.values()) >= 3


def test_archived_counterparties_and_products_are_hidden_unless_asked(sandbox, ms):
    f = facts(sandbox)
    listed = {c["id"] for c in ms.get("/entity/counterparty").json()["rows"]}
    assert not listed & set(f.archived_counterparty_ids)  # MoySklad hides archived rows by default
    archived = ms.get("/entity/counterparty", params={"filter": "archived=true"}).json()["rows"]
    assert set(f.archived_counterparty_ids) <= {c["id"] for c in archived}
    returning = next(c for c in archived if c["id"] == f.archived_counterparty_id)
    assert returning["email"].casefold() == f.returning_customer_email.casefold()
    products = {p["id"] for p in ms.get("/entity/product").json()["rows"]}
    assert not products & set(f.archived_product_ids)
    every = ms.get("/entity/product", params={"filter": "archived=true;archived=false"}).json()["rows"]
    assert set(f.archived_product_ids) <= {p["id"] for p in every}


def test_variants_without_a_code_and_offers_without_an_article(sandbox, ms):
    f = facts(sandbox)
    for variant_id in f.no_code_variant_ids:
        variant = ms.get(f"/entity/variant/{variant_id}").json()
        assert "code" not in variant and "article" not in variant
        assert set(variant) <= {"meta", "id", "accountId", "updated", "name", "externalCode", "archived",
                                "product", "salePrices", "buyPrice", "barcodes", "discountProhibited",
                                "characteristics", "code", "description", "article", "minPrice", "images",
                                "packs", "things"}  # the spec's variant fields only (no owner/shared/group)
    articles = [sandbox.retailcrm.state.offer(o).get("article") for o in f.no_article_offer_ids]
    assert articles.count(None) == 2 and "SOK-BASE" in articles  # one has the parent product's article


def test_a_bundle_and_a_service_sold_in_retailcrm_and_ordered(sandbox, ms, rc):
    f = facts(sandbox)
    bundle = ms.get(f"/entity/bundle/{f.bundle_id}", params={"expand": "components"}).json()
    assert bundle["meta"]["type"] == "bundle" and len(bundle["components"]["rows"]) == 2
    assert {r["assortment"]["meta"]["type"] for r in bundle["components"]["rows"]} == {"product"}
    types = {r["meta"]["type"] for r in ms.get("/entity/assortment", params={"limit": 1000}).json()["rows"]}
    assert {"product", "variant", "bundle", "service"} <= types
    stocked = ms.get("/entity/assortment", params={"limit": 1000}).json()["rows"]
    assert all("stock" not in r for r in stocked if r["meta"]["type"] in ("bundle", "service"))
    for order_id, offer_id in ((f.bundle_order, f.bundle_offer_id), (f.service_order, f.service_offer_id)):
        order = rc.get(f"/orders/{order_id}", params={"by": "id"}).json()["order"]
        assert offer_id in [i["offer"]["id"] for i in order["items"]]
        assert order["status"] == "new"


def test_a_shipped_bundle_writes_its_components_off(sandbox, ms):
    f = facts(sandbox)
    state = sandbox.moysklad.state
    bundle = state.bundles()[0]
    components = {r["assortment"]["meta"]["href"].rsplit("/", 1)[1]: r["quantity"]
                  for r in bundle["components"]["rows"]}
    store = state.stores()[0]["id"]
    before = {c: state.stock(c).get(store, {}).get("stock", 0.0) for c in components}
    base = str(ms.base_url).rstrip("/")
    org = ms.get("/entity/organization").json()["rows"][0]
    agent = ms.get("/entity/counterparty").json()["rows"][0]
    demand = ms.post("/entity/demand", json={
        "organization": ref(base, f"entity/organization/{org['id']}", "organization"),
        "agent": ref(base, f"entity/counterparty/{agent['id']}", "counterparty"),
        "store": ref(base, f"entity/store/{store}", "store"),
        "positions": [{"assortment": ref(base, f"entity/bundle/{f.bundle_id}", "bundle"), "quantity": 2,
                       "price": 199000.0}]})
    assert demand.status_code == 200, demand.text
    for component, per_bundle in components.items():
        assert state.stock(component)[store]["stock"] == before[component] - 2 * per_bundle
    assert ms.delete(f"/entity/demand/{demand.json()['id']}").status_code == 200
    assert all(state.stock(c)[store]["stock"] == before[c] for c in components)


def test_a_customer_order_without_the_required_field_is_refused_as_moysklad_does(sandbox, ms):
    f = facts(sandbox)
    base = str(ms.base_url).rstrip("/")
    metadata = ms.get("/entity/customerorder/metadata/attributes").json()
    required = [a for a in metadata["rows"] if a["required"]]
    assert [a["name"] for a in required] == [f.required_attribute]
    assert ms.get("/entity/customerorder/metadata").json()["attributes"]["meta"]["size"] == len(metadata["rows"])
    org = ms.get("/entity/organization").json()["rows"][0]
    assert org["payerVat"] is True  # an organization with VAT
    agent = ms.get("/entity/counterparty").json()["rows"][0]
    body: dict[str, Any] = {"organization": ref(base, f"entity/organization/{org['id']}", "organization"),
                            "agent": ref(base, f"entity/counterparty/{agent['id']}", "counterparty")}
    refused = ms.post("/entity/customerorder", json=body)
    assert refused.status_code == 412 and error_codes(refused) == [3000]
    assert refused.json()["errors"][0]["parameter"] == f.required_attribute  # the field's name, as real accounts
    assert sandbox.moysklad.state.customer_orders() == []

    attribute = {"meta": required[0]["meta"], "value": "Сайт"}
    created = ms.post("/entity/customerorder", json={**body, "attributes": [attribute]})
    assert created.status_code == 200, created.text
    assert [(a["name"], a["value"]) for a in created.json()["attributes"]] == [(f.required_attribute, "Сайт")]
    order_id = created.json()["id"]
    # a PUT without attributes keeps them; clearing the required one is refused
    assert ms.put(f"/entity/customerorder/{order_id}", json={"description": "ok"}).status_code == 200
    cleared = ms.put(f"/entity/customerorder/{order_id}",
                     json={"attributes": [{"meta": required[0]["meta"], "value": None}]})
    assert cleared.status_code == 412 and error_codes(cleared) == [3000]
    assert ms.delete(f"/entity/customerorder/{order_id}").status_code == 200
