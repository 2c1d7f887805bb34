"""A first run's thousands of stock figures and links: counted in full, only the first ones kept as changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import app.sync.model as model
from app.sync.model import Action, Change, Flow, FlowPlan
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def capcat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def test_keep_detail_counts_what_it_does_not_keep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model, "DETAILED_CHANGES", 3)
    plan = FlowPlan(Flow.STOCK)
    for i in range(10):
        if plan.keep_detail():
            plan.changes.append(Change(Flow.STOCK, Action.UPDATE, "retailcrm", "stock", str(i), f"№{i}"))
    assert [c.ref for c in plan.changes] == ["0", "1", "2"] and plan.more_changes == 7
    plan.note_more_changes()
    assert plan.notes and "первые 3" in plan.notes[-1] and "и ещё 7" in plan.notes[-1]
    few = FlowPlan(Flow.STOCK)
    few.note_more_changes()
    assert few.notes == []


def test_first_run_keeps_few_changes_but_sends_every_figure(capcat_env: CatEnv,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    env = capcat_env
    monkeypatch.setattr(model, "DETAILED_CHANGES", 5)
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0
    catalog, stock = report.plans[Flow.CATALOG], report.plans[Flow.STOCK]
    links = sum(1 for c in catalog.changes if c.action is Action.LINK)
    assert links <= 5 and links + catalog.more_changes == catalog.stats.new_pairs > 5
    assert len(stock.changes) == 5 and len(stock.changes) + stock.more_changes >= stock.counts.updated > 5
    assert any(f"и ещё {stock.more_changes}" in note for note in stock.notes)
    # every figure went, not only the kept ones
    sent = 0
    for ms_id, rc_id in env.offer_links().items():
        figures = env.ms_state.stock(ms_id)
        rc = env.rc_state.stock(rc_id)
        for pair in env.settings.store_pairs:
            value = max(figures.get(pair.ms_store_id, {}).get("stock", 0), 0)
            assert float(rc.get(pair.rc_store_code, 0)) == float(value)
            sent += 1
    assert sent >= stock.counts.updated
