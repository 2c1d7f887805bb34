"""A plan's typed work and figures (``FlowPlan.work``, ``FlowPlan.stats``) cross from the sync child as the
window reads them: figures by attribute, the work left behind (app/runner/child.py ``slim_report``)."""

from __future__ import annotations

import pickle

import pytest

from app.runner.child import slim_report
from app.sync.catalog.work import CatalogStats
from app.sync.model import Counts, Flow, FlowPlan, RunReport
from app.sync.orders.work import OrdersStats


def _report(plans: dict[Flow, FlowPlan]) -> RunReport:
    return RunReport(ok=True, dry_run=True, status="ok", counts={f: Counts() for f in plans}, conflicts=0, errors=0,
                     requests={}, seconds=0.0, plans=plans)


def test_the_figures_cross_the_pipe_typed_and_the_work_stays_behind() -> None:
    stats = CatalogStats(pairs=12, only_in_moysklad=3, duplicates=1, key_matched=10, ms_items=15, rc_offers=14)
    catalog: FlowPlan[object] = FlowPlan(Flow.CATALOG, notes=["n"], work=object(), stats=stats)
    orders: FlowPlan[object] = FlowPlan(Flow.ORDERS, work=object(), stats=OrdersStats(shipments=4))
    slim = pickle.loads(pickle.dumps(slim_report(_report({Flow.CATALOG: catalog, Flow.ORDERS: orders}))))
    got = slim.plans[Flow.CATALOG]
    assert got.work is None and got.notes == ["n"]
    assert isinstance(got.stats, CatalogStats) and got.stats == stats and got.stats is not stats
    assert got.stats.only_in_moysklad == 3 and got.stats.as_dict()["duplicates"] == 1
    assert slim.plans[Flow.ORDERS].stats == OrdersStats(shipments=4)


def test_figures_are_set_by_their_names_only() -> None:
    stats = CatalogStats()
    stats.update(pairs=2, to_create=1)
    assert (stats.pairs, stats.to_create, stats.get("to_create"), stats.get("shipments")) == (2, 1, 1, None)
    with pytest.raises(AttributeError):
        stats.update(pair=3)  # a typo is an error, not a new figure nobody reads
