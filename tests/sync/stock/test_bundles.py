"""Bundles and services over HTTP against the sandbox's tidy account (app/sandbox/kits.py): linked by the
catalog flow, a bundle's stock is min ⌊component ÷ quantity⌋ per store, follows a component's change on the next
changes-only pass at one report, and services get no stock."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.sandbox.kits import Kits
from app.sync.model import Flow, Level
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment(kits=True) as env:
        yield env


def _kits(env: CatEnv) -> Kits:
    assert env.sandbox.kits is not None
    return env.sandbox.kits


def _expected_bundle(env: CatEnv, kits: Kits) -> dict[str, Decimal]:
    result = {}
    for pair in env.settings.store_pairs:
        limits = []
        for component, quantity in kits.components:
            stock = env.ms_state.stock(component).get(pair.ms_store_id, {}).get("stock", 0)
            limits.append(Decimal(int(stock // quantity)))
        result[pair.rc_store_code] = max(Decimal(0), min(limits))
    return result


def _rc_stock(env: CatEnv, offer_id: int) -> dict[str, Decimal]:
    return {code: Decimal(str(qty)) for code, qty in env.rc_state.stock(offer_id).items()}


def test_full_sync_links_bundle_and_service_and_bundle_stock_is_the_min_of_its_components(cat_env: CatEnv) -> None:
    env, kits = cat_env, _kits(cat_env)
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0
    links = env.db.links(env.profile_id).all("offer")
    assert links[kits.bundle_id].rc_id == str(kits.bundle_offer_id) and links[kits.bundle_id].ms_type == "bundle"
    assert links[kits.service_id].rc_id == str(kits.service_offer_id) and links[kits.service_id].ms_type == "service"
    # bundles: one page of 100 with their components; services: one page; nothing per bundle
    bundle_reads = env.requests("moysklad", "GET", "/entity/bundle")
    assert len(bundle_reads) == 1
    assert "expand=components" in bundle_reads[0].query and "limit=100" in bundle_reads[0].query
    assert len(env.requests("moysklad", "GET", "/entity/service")) == 1
    expected = _expected_bundle(env, kits)
    assert sorted(expected.values()) != [0, 0, 0]  # the seed makes it mean something
    assert _rc_stock(env, kits.bundle_offer_id) == expected
    # the service gets no stock at all (not even zeros)
    assert env.rc_state.stock(kits.service_offer_id) == {}


def test_changing_a_component_changes_the_bundle_on_the_next_incremental_run_at_one_report(cat_env: CatEnv) -> None:
    env, kits = cat_env, _kits(cat_env)
    assert env.run(Flow.CATALOG, Flow.STOCK).errors == 0
    pair = env.settings.store_pairs[0]
    component, quantity = kits.components[0]
    env.ms_state.set_stock(component, pair.ms_store_id, 41)  # 41 // 2 = 20, but the other component limits
    other, other_quantity = kits.components[1]
    env.ms_state.set_stock(other, pair.ms_store_id, 100)
    env.clear_log()
    report = env.run(Flow.STOCK)
    assert report.errors == 0
    assert report.plans[Flow.STOCK].notes[0].params["head"].code == "stock.head.since"
    assert len(env.requests("moysklad")) == 1  # the changes report only
    expected = Decimal(min(41 // quantity, 100 // other_quantity))
    assert _rc_stock(env, kits.bundle_offer_id)[pair.rc_store_code] == expected

    # only one component changes now: the other's figure comes from what the last pass saw
    env.ms_state.set_stock(other, pair.ms_store_id, 3)
    env.clear_log()
    assert env.run(Flow.STOCK).errors == 0
    assert len(env.requests("moysklad")) == 1
    assert _rc_stock(env, kits.bundle_offer_id) == _expected_bundle(env, kits)
    assert _rc_stock(env, kits.bundle_offer_id)[pair.rc_store_code] == Decimal(3)


def test_a_bundle_with_an_unlinked_component_gets_zero_and_a_log_line(cat_env: CatEnv) -> None:
    env, kits = cat_env, _kits(cat_env)
    assert env.run(Flow.CATALOG, Flow.STOCK).errors == 0
    assert any(v > 0 for v in _rc_stock(env, kits.bundle_offer_id).values())
    component = kits.components[0][0]
    assert env.db.links(env.profile_id).remove("offer", ms_id=component) == 1
    env.clear_log()
    assert env.run(Flow.STOCK, full=True).errors == 0
    assert set(_rc_stock(env, kits.bundle_offer_id).values()) == {Decimal(0)}
    assert any("не связана с RetailCRM" in m for m in env.messages(Flow.STOCK))
    assert any(e.level == Level.WARNING and e.code == "stock.bundle_zero" for e in env.events)

