"""The engine under hostile conditions: a bug in one flow, a disk that fills while the log is flushed.

A bug must never end a run with a traceback: that flow stops, the traceback goes to the technical log, the journal
says so in one sentence naming the file, the next flows still run, and the report says ``crashed`` (the CLI's
exit 4). A full disk stops the run (a write that cannot be recorded must not be made), and ``run`` still
returns its report instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from app.sync.engine import SyncEngine
from app.sync.model import Callbacks, Flow, Level, LogEvent
from app.techlog import close_file_logging, setup_file_logging
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def env() -> Iterator[CatEnv]:
    with cat_environment(products=40) as env:
        yield env


class _Broken:
    """A flow with a bug (the engine takes any runner: this one plans by dividing by zero)."""

    flow = Flow.CATALOG

    def plan(self, ctx):  # type: ignore[no-untyped-def]
        return 1 / 0

    def apply(self, ctx, plan):  # type: ignore[no-untyped-def]
        raise AssertionError("never applied")


def test_a_bug_in_one_flow_stops_that_flow_only_and_names_the_technical_log(env: CatEnv, tmp_path: Path) -> None:
    log_file = setup_file_logging(tmp_path)
    try:
        flows = env.flows()
        flows[Flow.CATALOG] = _Broken()
        events: list[LogEvent] = []
        engine = SyncEngine(env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad, flows,
                            callbacks=Callbacks(on_log=events.append))
        report = engine.run((Flow.CATALOG, Flow.STOCK))
    finally:
        close_file_logging()
    assert report.crashed and not report.ok
    assert report.counts[Flow.CATALOG].failed == 1
    assert report.as_json()["crashed"] is True
    crash = next(e for e in events if e.level is Level.ERROR and e.flow is Flow.CATALOG)
    assert "Поток «Каталог» остановлен" in crash.message and str(log_file) in crash.message
    assert "Traceback" not in crash.message and "ZeroDivisionError" not in crash.message
    assert any(e.flow is Flow.STOCK for e in events)  # the next flow still ran
    assert "ZeroDivisionError" in log_file.read_text(encoding="utf-8")  # the details are for a developer
    run = env.db.runs(env.profile_id).last_finished()
    assert run is not None and run.status != "running"


def test_a_disk_full_while_flushing_the_log_stops_the_run_cleanly(env: CatEnv) -> None:
    # SQLite's own "database or disk is full", made real by capping the file at its size (PRAGMA
    # max_page_count, applied on every connection the store takes from its pool) once the stock flow logs
    limit: dict[str, int] = {}

    def cap(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        if limit:
            dbapi_connection.execute(f"PRAGMA max_page_count={limit['pages']}")

    event.listen(env.db.engine.pool, "checkout", cap)
    events: list[LogEvent] = []

    def on_log(e: LogEvent) -> None:
        events.append(e)
        if e.flow is Flow.STOCK and not limit:
            limit["pages"] = 1  # SQLite keeps it at the file's current size: no page more

    engine = env.engine(callbacks=Callbacks(on_log=on_log))
    report = engine.run((Flow.CATALOG, Flow.STOCK, Flow.PRICES))
    assert limit, "the stock flow never logged"
    assert report.status == "failed" and not report.ok and not report.crashed
    assert "закончилось место" in report.message
    assert report.counts[Flow.CATALOG].created + report.counts[Flow.CATALOG].updated > 0
    assert events[-1].level is Level.ERROR and "закончилось место" in events[-1].message  # said on screen
    limit.clear()  # the disk has room again: the store works, and the run is not left "running" for ever
    env.db.engine.dispose()
    runs = env.db.runs(env.profile_id).recent(limit=1)
    assert runs and runs[0].status in ("running", "failed")
