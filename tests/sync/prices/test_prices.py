"""Prices flow against the seeded sandbox: exact kopecks, only changed values, zero prices."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.messages import msg
from app.sync.model import Flow
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _simple_linked_product(env: CatEnv, index: int = 0) -> tuple[str, int]:
    products = {p["id"] for p in env.ms_state.products()}
    found = sorted((ms, rc) for ms, rc in env.offer_links().items() if ms in products)
    return found[index]


def _set_price(env: CatEnv, ms_id: str, price_type_id: str, kopecks: float) -> None:
    product = env.ms_state.product(ms_id)
    prices = [
        {"value": kopecks if p["priceType"]["id"] == price_type_id else p["value"], "priceType": p["priceType"]}
        for p in product["salePrices"]
    ]
    env.ms_state.update_entity("product", ms_id, {"salePrices": prices})


def test_first_run_sends_only_prices_retailcrm_lacks(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    links = env.offer_links()
    expected = set()
    for ms_id, rc_id in links.items():
        item = env.ms_state.product(ms_id) or env.ms_state.variant(ms_id)
        rc_prices = env.rc_state.prices(rc_id)
        for pair in env.settings.price_pairs:
            value = next(Decimal(str(p["value"])) / 100 for p in item["salePrices"]
                         if p["priceType"]["id"] == pair.ms_price_type_id)
            if value and rc_prices.get(pair.rc_price_code) != value:
                expected.add((rc_id, pair.rc_price_code))
    assert expected  # the seed leaves some RetailCRM prices stale
    env.clear_log()
    report = env.run(Flow.CATALOG, Flow.PRICES)
    plan = report.plans[Flow.PRICES]
    assert {(c.payload["offer_id"], c.payload["code"]) for c in plan.changes} == expected
    assert len(env.requests("retailcrm", "POST", "/store/prices/upload")) == -(-len(
        {offer for offer, _ in expected}) // 250)
    for ms_id, rc_id in links.items():
        item = env.ms_state.product(ms_id) or env.ms_state.variant(ms_id)
        for pair in env.settings.price_pairs:
            value = next(Decimal(str(p["value"])) / 100 for p in item["salePrices"]
                         if p["priceType"]["id"] == pair.ms_price_type_id)
            assert env.rc_state.prices(rc_id)[pair.rc_price_code] == value
    assert env.run(Flow.CATALOG, Flow.PRICES).plans[Flow.PRICES].changes == []


def test_exact_kopecks_arrive_and_only_changed_prices_are_resent(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG, Flow.PRICES)
    ms_id, rc_id = _simple_linked_product(env)
    base = env.settings.price_pairs[0]
    _set_price(env, ms_id, base.ms_price_type_id, 199999.0)
    env.clear_log()

    report = env.run(Flow.PRICES)  # without the catalog: MoySklad's goods are read, 1000 a page
    ms_paths = [e.path for e in env.requests("moysklad")]
    goods = ("product", "variant", "service", "bundle")  # services and bundles have prices too
    assert sorted(ms_paths) == sorted(f"/api/remap/1.2/entity/{kind}" for kind in goods)
    # 1000 a page; bundles 100, the most MoySklad expands their components for (shared/docs/moysklad-api.md §4)
    assert all(f"limit={100 if e.path.endswith('/bundle') else 1000}" in e.query for e in env.requests("moysklad"))
    plan = report.plans[Flow.PRICES]
    assert [(c.payload["offer_id"], c.payload["code"], c.payload["price"]) for c in plan.changes] == [
        (rc_id, base.rc_price_code, "1999.99")
    ]
    assert env.rc_state.prices(rc_id)[base.rc_price_code] == Decimal("1999.99")
    assert len(env.requests("retailcrm", "POST", "/store/prices/upload")) == 1
    assert env.db.pushed(env.profile_id).get_many("price")[f"{rc_id}:{base.rc_price_code}"] == "1999.99"

    env.clear_log()
    assert env.run(Flow.PRICES).plans[Flow.PRICES].changes == []
    assert not env.requests("retailcrm", "POST")

    _set_price(env, ms_id, env.settings.price_pairs[1].ms_price_type_id, 100001.0)
    report = env.run(Flow.PRICES)
    assert [c.payload["price"] for c in report.plans[Flow.PRICES].changes] == ["1000.01"]
    assert env.rc_state.prices(rc_id)[env.settings.price_pairs[1].rc_price_code] == Decimal("1000.01")
    assert env.rc_state.prices(rc_id)[base.rc_price_code] == Decimal("1999.99")


def test_zero_price_is_skipped_unless_asked(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG, Flow.PRICES)
    ms_id, rc_id = _simple_linked_product(env, 1)
    wholesale = env.settings.price_pairs[1]
    old = env.rc_state.prices(rc_id)[wholesale.rc_price_code]
    _set_price(env, ms_id, wholesale.ms_price_type_id, 0.0)
    report = env.run(Flow.PRICES)
    plan = report.plans[Flow.PRICES]
    assert plan.changes == []
    assert plan.stats.zero_prices_skipped == 1
    assert any(str(note).startswith("1 цена в МойСклад равна 0") for note in plan.notes)  # rendered, Russian
    assert env.rc_state.prices(rc_id)[wholesale.rc_price_code] == old

    env.configure(extra={"send_zero_prices": True})
    report = env.run(Flow.PRICES)
    assert [c.payload["price"] for c in report.plans[Flow.PRICES].changes] == ["0.00"]
    assert env.rc_state.prices(rc_id)[wholesale.rc_price_code] == Decimal("0")


def test_prices_without_pairs_say_so(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(price_pairs=())
    report = env.run(Flow.PRICES)
    assert report.plans[Flow.PRICES].notes[0] == msg("prices.no_pairs")
    assert not env.requests("moysklad")
