"""The safety check's arithmetic (app/sync/safety.py): each guard at its threshold and one step past it, the
minimum size below which shares are not judged, suspect reads, and the settings that hold the thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from app.store import SyncSettings
from app.store.errors import SettingsError
from app.sync import safety
from app.sync.catalog.work import CatalogStats
from app.sync.model import Flow, FlowPlan, PlanStats, SafetyPolicy
from app.sync.orders.work import OrdersStats
from app.sync.prices import PricesStats
from app.sync.stock.work import StockStats

_STATS: dict[Flow, type[PlanStats]] = {
    Flow.CATALOG: CatalogStats, Flow.STOCK: StockStats, Flow.PRICES: PricesStats, Flow.ORDERS: OrdersStats
}


def _plan(flow: Flow, **stats: Any) -> FlowPlan:
    return FlowPlan(flow=flow, stats=_STATS[flow](**stats))


def _guards(flow: Flow, settings: SyncSettings | None = None, seen: dict[str, int] | None = None,
            **stats: Any) -> list[str]:
    return [t.guard for t in safety.check(_plan(flow, **stats), settings or SyncSettings(), seen or {})]


CATALOG_OK = {"ms_items": 100, "rc_offers": 100, "pairs": 100, "links_before": 100, "links_dropped": 0,
              "to_create": 0}


def test_the_defaults_are_the_ones_the_issue_gives() -> None:
    s = SyncSettings()
    assert (s.safety_min_linked_percent, s.safety_max_unlinked_percent, s.safety_max_new_products,
            s.safety_max_shipments, s.safety_max_zeroed_percent, s.safety_min_items) == (50, 20, 50, 50, 20, 20)


def test_linked_trips_below_half_of_either_catalog_and_not_at_half() -> None:
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "pairs": 50}) == []
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "pairs": 49}) == ["linked", "linked"]
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "pairs": 60, "rc_offers": 121}) == ["linked"]  # one side only


def test_linked_is_not_judged_below_the_minimum_size() -> None:
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "pairs": 0, "rc_offers": 19}) == []
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "pairs": 0, "rc_offers": 20}) == ["linked", "linked"]
    assert _guards(Flow.CATALOG, SyncSettings(safety_min_items=5), **{**CATALOG_OK, "pairs": 0, "rc_offers": 5})


def test_unlinked_trips_past_a_fifth_of_the_links_and_not_at_it() -> None:
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "links_dropped": 20}) == []
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "links_dropped": 21}) == ["unlinked"]
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "links_before": 19, "links_dropped": 19}) == []  # too few


def test_new_products_and_shipments_trip_past_fifty_and_not_at_it() -> None:
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "to_create": 50}) == []
    assert _guards(Flow.CATALOG, **{**CATALOG_OK, "to_create": 51}) == ["new_products"]
    assert _guards(Flow.ORDERS, shipments=50) == []
    assert _guards(Flow.ORDERS, shipments=51) == ["shipments"]


def test_zeroed_trips_past_a_fifth_of_the_stock_above_zero_and_not_at_it() -> None:
    assert _guards(Flow.STOCK, full=0, values_above_zero=100, values_zeroed=20) == []
    assert _guards(Flow.STOCK, full=0, values_above_zero=100, values_zeroed=21) == ["zeroed"]
    assert _guards(Flow.STOCK, full=0, values_above_zero=10, values_zeroed=10) == []  # too few to judge
    assert _guards(Flow.STOCK, full=1, values_above_zero=0, values_zeroed=0) == []  # a first run sent nothing


def test_zero_turns_a_guard_off() -> None:
    off = SyncSettings(safety_min_linked_percent=0, safety_max_unlinked_percent=0, safety_max_new_products=0,
                       safety_max_shipments=0, safety_max_zeroed_percent=0)
    worst = {**CATALOG_OK, "pairs": 0, "links_dropped": 100, "to_create": 1000}
    assert _guards(Flow.CATALOG, off, **worst) == []
    assert _guards(Flow.ORDERS, off, shipments=1000) == []
    assert _guards(Flow.STOCK, off, values_above_zero=100, values_zeroed=100) == []


def test_a_near_empty_read_after_a_big_one_is_suspect() -> None:
    seen = {"ms_items": 3000, "rc_offers": 2900, "stock_report_rows": 9000}
    assert _guards(Flow.CATALOG, seen=seen, **CATALOG_OK) == ["suspect_read", "suspect_read"]
    assert _guards(Flow.CATALOG, seen=seen, **{**CATALOG_OK, "ms_items": 300, "rc_offers": 290, "pairs": 290}) == []
    assert _guards(Flow.STOCK, seen=seen, full=1, report_rows=0) == ["suspect_read"]
    assert _guards(Flow.STOCK, seen=seen, full=0, report_rows=0) == []  # changes only: empty is normal
    assert _guards(Flow.STOCK, seen={"stock_report_rows": 19}, full=1, report_rows=0) == []  # last one was tiny


def test_sizes_are_remembered_from_catalogs_and_full_stock_passes_only() -> None:
    assert safety.remembered_sizes(_plan(Flow.CATALOG, **CATALOG_OK)) == {"ms_items": 100, "rc_offers": 100}
    assert safety.remembered_sizes(_plan(Flow.STOCK, full=1, report_rows=7)) == {"stock_report_rows": 7}
    assert safety.remembered_sizes(_plan(Flow.STOCK, full=0, report_rows=7)) == {}


def test_the_policy_follows_who_started_the_run_and_is_never_allow_by_default() -> None:
    assert safety.policy_for_trigger("schedule") is SafetyPolicy.SKIP
    assert safety.policy_for_trigger("cli") is SafetyPolicy.REFUSE
    assert safety.policy_for_trigger("manual") is SafetyPolicy.ASK
    assert safety.policy_for_trigger("something new") is SafetyPolicy.REFUSE


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"safety_min_linked_percent": 101}, "доля связанных товаров, %» должна быть целым числом процентов"),
        ({"safety_max_zeroed_percent": -1}, "от 0 до 100 (0 — проверка выключена)"),
        ({"safety_max_shipments": "50"}, "наибольшее число новых отгрузок» должна быть целым числом не меньше 0"),
        ({"safety_min_items": True}, "(0 — доли проверяются всегда)"),
    ],
)
def test_bad_thresholds_are_refused_with_the_settings_name(values: dict[str, Any], words: str) -> None:
    with pytest.raises(SettingsError, match=words.replace("(", r"\(").replace(")", r"\)")):
        SyncSettings(**values)


def test_thresholds_survive_a_save_and_a_new_suggestion() -> None:
    custom = SyncSettings(safety_max_shipments=500, safety_min_items=0)
    assert SyncSettings.from_json(custom.to_json()) == custom
    assert SyncSettings.from_json({}).safety_max_shipments == 50  # saved by an older version: the default
