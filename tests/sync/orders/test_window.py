"""The first orders sync takes recent orders only (``first_sync_days``), and older ones never go later."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.messages import msg
from app.sync.model import Flow
from app.sync.orders.cursors import CURSOR_FLOW, FIRST_SYNC_CURSOR
from app.sync.orders.history import MSK, first_sync_start
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment

ORDERS_PATH = "/api/v5/orders"


def _dated_order(env: OrdEnv, days_ago: int, name: str) -> dict[str, Any]:
    """An order in an export status, created ``days_ago`` days before now (Moscow time)."""
    created = datetime.now(UTC).astimezone(MSK) - timedelta(days=days_ago)
    return new_order(env, None, linked_offer_ids(env)[:1], firstName=name, lastName="Датов",
                     createdAt=created.strftime("%Y-%m-%d %H:%M:%S"))


def _exported(env: OrdEnv, order: dict[str, Any]) -> bool:
    return bool(env.ms_state.find_customer_orders(external_code=str(order["id"])))


def test_the_first_run_takes_the_last_days_only_and_never_the_older_orders() -> None:
    with ord_environment(linking="seed", first_sync_days=30) as env:
        old = _dated_order(env, 60, "Старый")
        recent = _dated_order(env, 2, "Новый")
        mark = env.log_size()

        report = env.run()

        assert report.errors == 0
        assert _exported(env, recent) and not _exported(env, old)
        stored = env.db.cursors(env.profile_id).get(CURSOR_FLOW, FIRST_SYNC_CURSOR)
        assert stored is not None
        start = first_sync_start(30)
        assert start is not None and (start - date.fromisoformat(stored)).days in (0, 1)  # (midnight may pass)
        listed = [e.query for e in env.sandbox.log.entries()[mark:] if e.path == ORDERS_PATH]
        assert listed and all(f"filter%5BcreatedAtFrom%5D={stored}" in q for q in listed), listed
        notes = report.plans[Flow.ORDERS].notes
        assert msg("orders.first_sync_window", count=30) in notes
        assert "Первая синхронизация: заказы за последние 30 дней; более ранние не выгружаются." in map(str, notes)

        # a change to the old order later brings it up in the history, and a full run lists everything: it
        # still stays out, because it was created before the first sync's window
        env.rc_state.user_edit_order(old["id"], managerComment="Позвонить")
        env.run()
        assert not _exported(env, old)
        assert any(f"Заказ {old['number']} пропущен: он создан до" in m for m in env.messages())
        full = env.run(full=True)
        assert not _exported(env, old)
        assert any(getattr(n, "code", None) == "orders.created_before" for n in full.plans[Flow.ORDERS].notes)


def test_zero_days_take_every_order() -> None:
    with ord_environment(linking="seed", first_sync_days=0) as env:
        old = _dated_order(env, 400, "Давний")
        mark = env.log_size()

        report = env.run()

        assert _exported(env, old)
        listed = [e.query for e in env.sandbox.log.entries()[mark:] if e.path == ORDERS_PATH]
        assert listed and not any("createdAtFrom" in q for q in listed)
        assert not any(getattr(n, "code", None) == "orders.first_sync_window" for n in report.plans[Flow.ORDERS].notes)
        assert env.db.cursors(env.profile_id).get(CURSOR_FLOW, FIRST_SYNC_CURSOR) is None


def test_a_dry_run_of_the_first_sync_keeps_nothing() -> None:
    with ord_environment(linking="seed", first_sync_days=7) as env:
        report = env.run(dry_run=True)

        assert msg("orders.first_sync_window", count=7) in report.plans[Flow.ORDERS].notes
        assert env.db.cursors(env.profile_id).get(CURSOR_FLOW, FIRST_SYNC_CURSOR) is None


def test_the_start_day_counts_back_from_today() -> None:
    today = datetime(2026, 3, 31).date()
    assert first_sync_start(30, today) == datetime(2026, 3, 1).date()
    assert first_sync_start(1, today) == datetime(2026, 3, 30).date()
    assert first_sync_start(0, today) is None
