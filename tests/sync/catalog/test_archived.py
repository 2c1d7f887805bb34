"""Archived and deleted MoySklad goods (issue 16 item 3) and the folder filter (item 5), over HTTP against the
sandbox: a linked item archived or deleted zeroes its offer's stock on every paired store and deactivates its
RetailCRM product (catalog kept through the API), comes back when unarchived; an archived only match is its own
conflict; items of excluded folders are not linked, created or counted."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sync.catalog.retired import DEACTIVATED_TARGET, RETIRED_TARGET
from app.sync.model import Flow, SafetyPolicy
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment(products=40) as env:
        yield env


def _rc_product_of(env: CatEnv, offer_id: int) -> dict[str, Any]:
    for product in env.rc_state.products():
        if any(o["id"] == offer_id for o in product.get("offers", [])):
            return dict(product)
    raise AssertionError(offer_id)


def _simple_linked_with_stock(env: CatEnv, count: int = 1) -> list[tuple[str, int]]:
    """Linked MoySklad products (no variants, one-offer RetailCRM product) with stock at a paired store."""
    paired = {p.ms_store_id for p in env.settings.store_pairs}
    found = []
    for ms_id, offer_id in sorted(env.offer_links().items()):
        if env.ms_state.product(ms_id) is None or len(_rc_product_of(env, offer_id)["offers"]) != 1:
            continue
        stock = env.ms_state.stock(ms_id)
        if any(v.get("stock", 0) > 0 for store, v in stock.items() if store in paired):
            found.append((ms_id, offer_id))
        if len(found) == count:
            return found
    raise AssertionError("not enough linked products with stock")


def _rc_levels(env: CatEnv, offer_id: int) -> dict[str, float]:
    codes = {p.rc_store_code for p in env.settings.store_pairs}
    stock = env.rc_state.stock(offer_id)
    return {code: float(stock.get(code, 0)) for code in codes}


def _ms_levels(env: CatEnv, ms_id: str) -> dict[str, float]:
    stock = env.ms_state.stock(ms_id)
    return {p.rc_store_code: max(float(stock.get(p.ms_store_id, {}).get("stock", 0)), 0.0)
            for p in env.settings.store_pairs}


def _first_run(env: CatEnv) -> None:
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0, report.message
    env.events.clear()


def test_archived_item_zeroes_its_offer_and_deactivates_its_product_then_comes_back(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    [(ms_id, offer_id)] = _simple_linked_with_stock(env)
    assert any(v > 0 for v in _rc_levels(env, offer_id).values())
    product_id = _rc_product_of(env, offer_id)["id"]

    env.moysklad.update("product", ms_id, {"archived": True})  # through MoySklad's API, as a person would
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0, report.message
    assert set(_rc_levels(env, offer_id).values()) == {0.0}
    assert env.rc_state.product(product_id)["active"] is False
    assert env.offer_links()[ms_id] == offer_id  # still linked: orders with it still export
    messages = env.messages()
    assert any("в RetailCRM обнуляется на всех складах: товар в архиве МойСклад" in m for m in messages), messages
    assert any("отключён (active: false)" in m for m in messages), messages
    pushed = env.db.pushed(env.profile_id)
    assert pushed.get_many(RETIRED_TARGET) == {str(offer_id): "archived"}

    # a stock-only run (no catalog read, changes only) keeps it at 0, though MoySklad's stock moves
    store = env.settings.store_pairs[0]
    env.ms_state.set_stock(ms_id, store.ms_store_id, 77)
    env.run(Flow.STOCK)
    assert set(_rc_levels(env, offer_id).values()) == {0.0}

    # back from the archive: the whole stock is read again and the product Svyazka switched off is on again
    env.ms_state.update_entity("product", ms_id, {"archived": False})
    env.events.clear()
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0, report.message
    assert _rc_levels(env, offer_id) == _ms_levels(env, ms_id)
    assert _rc_levels(env, offer_id)[store.rc_store_code] == 77
    assert env.rc_state.product(product_id)["active"] is True
    assert any("снова активен" in m for m in env.messages())
    assert pushed.get_many(RETIRED_TARGET) == {} and pushed.get_many(DEACTIVATED_TARGET) == {}


def test_a_product_a_person_switched_off_is_not_switched_on(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    [(ms_id, offer_id)] = _simple_linked_with_stock(env)
    product_id = _rc_product_of(env, offer_id)["id"]
    env.retailcrm.products_batch_edit([{"id": product_id, "active": False}])  # a person, in RetailCRM
    env.ms_state.update_entity("product", ms_id, {"archived": True})
    env.run(Flow.CATALOG, Flow.STOCK)
    env.ms_state.update_entity("product", ms_id, {"archived": False})
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0
    assert env.rc_state.product(product_id)["active"] is False
    assert env.db.pushed(env.profile_id).get_many(DEACTIVATED_TARGET) == {}


def test_deleted_item_zeroes_its_offer_and_drops_the_link(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    [(ms_id, offer_id)] = _simple_linked_with_stock(env)
    product_id = _rc_product_of(env, offer_id)["id"]

    env.ms_state.delete_entity("product", ms_id)
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0, report.message
    assert ms_id not in env.offer_links()
    assert set(_rc_levels(env, offer_id).values()) == {0.0}
    assert env.rc_state.product(product_id)["active"] is False
    assert any("товар удалён в МойСклад" in m for m in env.messages())

    # the next run sends nothing more for it (nor anything else: nothing changed)
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.plans[Flow.STOCK].counts.updated == 0
    assert report.plans[Flow.CATALOG].counts.updated == 0


def test_icml_catalog_zeroes_but_does_not_deactivate(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    [(ms_id, offer_id)] = _simple_linked_with_stock(env)
    product_id = _rc_product_of(env, offer_id)["id"]
    env.configure(catalog_mode="icml")
    env.clear_log()
    env.ms_state.update_entity("product", ms_id, {"archived": True})
    env.run(Flow.CATALOG, Flow.STOCK)
    assert set(_rc_levels(env, offer_id).values()) == {0.0}
    assert env.rc_state.product(product_id)["active"] is True
    assert env.requests("retailcrm", "POST", "/store/products/batch/edit") == []


def test_archived_only_match_is_its_own_conflict_not_only_in_retailcrm(cat_env: CatEnv) -> None:
    env = cat_env
    work = env.run(Flow.CATALOG, dry_run=True).plans[Flow.CATALOG].work  # nothing linked yet
    ms_id = next(link.ms_id for link in work.new_links if link.ms_type == "product")
    env.ms_state.update_entity("product", ms_id, {"archived": True})
    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    repo = env.db.conflicts(env.profile_id)
    archived = [c for c in repo.list(status="open") if c.kind == "archived_in_moysklad"]
    assert len(archived) == 1, [c.kind for c in repo.list(status="open")]
    conflict = archived[0]
    assert "товар в архиве МойСклад" in conflict.title
    offer_id = conflict.rc_data[0]["id"]
    assert ms_id not in env.offer_links()
    assert not [c for c in repo.list(status="open")
                if c.kind == "only_in_retailcrm" and c.rc_data and c.rc_data[0]["id"] == offer_id]

    # a person links them: the pair is made and the offer's stock goes to 0
    repo.resolve(conflict.id, {"action": "link", "ms_id": ms_id, "rc_id": offer_id})
    env.run(Flow.CATALOG, Flow.STOCK)
    assert env.offer_links().get(ms_id) == offer_id
    assert set(_rc_levels(env, offer_id).values()) == {0.0}


def test_zeroing_many_archived_offers_goes_through_the_safety_check(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    env.run(Flow.CATALOG, Flow.STOCK)  # everything sent: nothing left to change
    for ms_id, _ in _simple_linked_with_stock(env, count=8):
        env.ms_state.update_entity("product", ms_id, {"archived": True})
    env.configure(safety_max_zeroed_percent=1, safety_min_items=1)
    stats = env.run(Flow.CATALOG, Flow.STOCK, dry_run=True).plans[Flow.STOCK].stats.as_dict()
    assert stats["values_zeroed"] >= 8
    before = {o["id"]: env.rc_state.stock(o["id"]) for o in env.rc_state.offers()}
    report = env.engine().run((Flow.CATALOG, Flow.STOCK), safety_policy=SafetyPolicy.REFUSE)
    assert report.held and "zeroed" in [t.guard for t in report.safety]
    assert {o["id"]: env.rc_state.stock(o["id"]) for o in env.rc_state.offers()} == before


def test_excluded_folder_items_are_not_linked_created_or_counted() -> None:
    with cat_environment(products=40) as env:
        folder_of: dict[str, list[str]] = {}
        for product in env.ms_state.products():
            href = (product.get("productFolder") or {}).get("meta", {}).get("href", "")
            folder_of.setdefault(href.rsplit("/", 1)[-1], []).append(product["id"])
        folder_id, members = max(((f, m) for f, m in folder_of.items() if f), key=lambda fm: len(fm[1]))
        variants = {v["id"] for pid in members for v in env.ms_state.variants(pid)}
        excluded_items = set(members) | variants

        before = {p.get("externalId") for p in env.rc_state.products()}
        whole = env.run(Flow.CATALOG, dry_run=True).plans[Flow.CATALOG].stats.ms_items
        env.configure(excluded_folders=(folder_id,))
        report = env.run(Flow.CATALOG, Flow.STOCK)
        assert report.errors == 0, report.message
        assert not excluded_items & set(env.offer_links())
        sellable = len(variants) + sum(1 for m in members if not env.ms_state.variants(m))
        assert report.plans[Flow.CATALOG].stats.ms_items == whole - sellable
        open_ids = {str(d.get("id")) for c in env.db.conflicts(env.profile_id).list(status="open")
                    for d in (c.ms_data or []) if isinstance(d, dict)}
        assert not excluded_items & open_ids  # no "only in MoySklad" conflict, nothing created
        codes = {env.ms_state.product(m)["externalCode"] for m in members}
        created = {p.get("externalId") for p in env.rc_state.products()} - before
        assert not codes & created  # none created in RetailCRM
        assert any(getattr(note, "code", None) == "catalog.note.excluded" for note in report.plans[Flow.CATALOG].notes)
        # the stock report's rows of excluded items are not counted as "without a link"
        assert report.plans[Flow.STOCK].stats.not_linked == 0 or not any(
            getattr(n, "code", None) == "stock.not_linked" and n.params["n"] == len(excluded_items)
            for n in report.plans[Flow.STOCK].notes)

        # without the filter they are linked; putting it back drops their links without zeroing anything
        env.configure(excluded_folders=())
        env.run(Flow.CATALOG, Flow.STOCK)
        linked = excluded_items & set(env.offer_links())
        assert linked
        offers = [env.offer_links()[m] for m in linked]
        levels = {o: _rc_levels(env, o) for o in offers}
        env.configure(excluded_folders=(folder_id,))
        env.run(Flow.CATALOG, Flow.STOCK)
        assert not excluded_items & set(env.offer_links())
        assert {o: _rc_levels(env, o) for o in offers} == levels
