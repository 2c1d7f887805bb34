"""What RetailCRM stores get for MoySklad's figures: an ``available`` store a 0/1 flag, an ``integer`` store
whole units, never a negative (over real HTTP against the sandbox)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.sync.model import Flow
from app.sync.stock.work import stock_for_store
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _set(env: CatEnv, store_index: int, figures: list[float]) -> list[int]:
    """Give the first linked items these MoySklad figures at one paired warehouse; their RetailCRM offer ids."""
    pair = env.settings.store_pairs[store_index]
    chosen = sorted(env.offer_links().items())[: len(figures)]
    for (ms_id, _), figure in zip(chosen, figures, strict=True):
        env.ms_state.set_stock(ms_id, pair.ms_store_id, figure)
    return [rc_id for _, rc_id in chosen]


def _rc(env: CatEnv, offer_ids: list[int], code: str) -> list[Decimal]:
    return [Decimal(str(env.rc_state.stock(offer_id).get(code))) for offer_id in offer_ids]


def test_an_available_store_gets_one_for_stock_and_zero_otherwise(cat_env: CatEnv) -> None:
    env = cat_env
    code = env.settings.store_pairs[0].rc_store_code
    env.rc_state.set_store_inventory_type(code, "available")
    assert env.run(Flow.CATALOG).errors == 0
    offers = _set(env, 0, [5, 0, -2, 0.5])

    report = env.run(Flow.STOCK)

    assert report.errors == 0, report.message
    assert _rc(env, offers, code) == [1, 0, 0, 1]
    # the integer stores next to it still get the units
    other = env.settings.store_pairs[1]
    ms_id = next(ms for ms, rc in env.offer_links().items() if rc == offers[0])
    expected = max(int(env.ms_state.stock(ms_id).get(other.ms_store_id, {}).get("stock", 0)), 0)
    assert _rc(env, offers[:1], other.rc_store_code) == [expected]
    # a figure that stays above 0 is the same flag: nothing to send
    _set(env, 0, [9])
    env.clear_log()
    report = env.run(Flow.STOCK)
    assert report.counts[Flow.STOCK].updated == 0
    assert not env.requests("retailcrm", "POST", "/store/inventories/upload")


def test_an_integer_store_gets_whole_non_negative_units(cat_env: CatEnv) -> None:
    env = cat_env
    code = env.settings.store_pairs[0].rc_store_code
    assert env.run(Flow.CATALOG).errors == 0
    offers = _set(env, 0, [2.5, -2, 7, 0.4])

    assert env.run(Flow.STOCK).errors == 0

    assert _rc(env, offers, code) == [2, 0, 7, 0]
    # whole numbers only (the emulator keeps a fraction such as 2.5 as a Decimal)
    assert all(type(env.rc_state.stock(offer_id)[code]) is int for offer_id in offers)


def test_the_rule() -> None:
    assert stock_for_store(Decimal(5), "available") == 1
    assert stock_for_store(Decimal("0.001"), "available") == 1
    assert stock_for_store(Decimal(0), "available") == 0
    assert stock_for_store(Decimal(-2), "available") == 0
    assert stock_for_store(Decimal("2.9"), "integer") == 2
    assert stock_for_store(Decimal("-0.5"), None) == 0
    assert stock_for_store(Decimal(12), None) == 12
