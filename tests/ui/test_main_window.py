"""The main window against the emulators: Sync now with progress and a live journal, Stop, the schedule."""

from __future__ import annotations

import collections

import pytest

from app.sandbox.sandbox import Sandbox
from app.store.run_lock import RunLock
from app.sync.model import Flow, Progress, RunReport
from app.ui.context import AppContext
from app.ui.main_window import MainWindow

from .conftest import wait_for_run

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, context: AppContext):
    win = MainWindow(context)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.refreshed, timeout=10_000):
        win.show()
    yield win
    if win.controller.running:
        win.controller.stop()
        win.controller.wait()
    win._quitting = True


def ms_orders_by_external_code(sandbox: Sandbox) -> collections.Counter[str]:
    orders = sandbox.moysklad.state.table("customerorder").values()
    return collections.Counter(str(o.get("externalCode")) for o in orders if o.get("externalCode"))


def test_sync_now_shows_progress_per_flow_and_a_live_journal(qtbot, window: MainWindow, sandbox: Sandbox):
    sandbox.set_latency(10)  # long enough that lines appear while the run is still going
    progress: list[Progress] = []
    rows_while_running: list[int] = []
    window.controller.progress.connect(progress.append)
    model = window.log_tab.model
    model.rowsInserted.connect(
        lambda *_: rows_while_running.append(model.rowCount()) if window.controller.running else None
    )

    def click() -> None:
        qtbot.mouseClick(window.panel.sync_button, qtbot_button())
        assert window.panel.stop_button.isEnabled() and not window.panel.sync_button.isEnabled()

    report: RunReport = wait_for_run(qtbot, window.controller, click)

    assert not report.cancelled and report.errors == 0
    assert rows_while_running, "the journal did not update while the sync was running"
    flows_with_totals = {p.flow for p in progress if p.total > 0}
    assert {Flow.CATALOG, Flow.STOCK, Flow.PRICES, Flow.ORDERS} <= {p.flow for p in progress}
    assert Flow.CATALOG in flows_with_totals
    for flow, bar in window.panel.bars.items():
        assert bar.value() == bar.maximum() and bar.maximum() > 0, flow
    assert window.panel.sync_button.isEnabled() and not window.panel.stop_button.isEnabled()

    # after the run: its summary line is in the journal, the panel and the history show it
    qtbot.waitUntil(lambda: any(r.message == report.message for r in model.records()), timeout=10_000)
    qtbot.waitUntil(lambda: window.history_tab.table.rowCount() == 1, timeout=10_000)
    assert report.message_msg is not None and report.message_msg.code == "engine.summary"
    assert report.message_text("en") in window.panel.last_label.text()  # the app runs in English here

    # the journal shows converted lines in the UI's language (English), rendered from their stored codes
    shown = {model.records()[row].code: model.data(model.index(row, model.COL_MESSAGE))
             for row in range(model.rowCount()) if model.records()[row].code}
    assert shown["engine.summary"].startswith("Done: created ")
    assert shown["engine.run_started"] == "Sync started: Catalog, Stock, Prices, Orders."
    assert not any("а" <= ch <= "я" for ch in shown["engine.summary"].lower())

    # History → "show this run's journal" filters the journal to that run
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        window.history_tab.run_chosen.emit(report.run_id)
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)
    assert window.tabs.currentWidget() is window.log_tab
    assert {r.run_id for r in model.records()} == {report.run_id}
    assert window.history_tab.chart.points[0].changes > 0


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_stop_really_stops_and_the_next_run_finishes_the_job(qtbot, window: MainWindow, sandbox: Sandbox):
    sandbox.set_latency(40)
    stopped = False

    def stop_once_writing(p: Progress) -> None:
        nonlocal stopped
        if not stopped and p.stage == "apply":
            stopped = True
            qtbot.mouseClick(window.panel.stop_button, qtbot_button())

    window.controller.progress.connect(stop_once_writing)
    first: RunReport = wait_for_run(qtbot, window.controller, window.sync_now)
    assert stopped and first.cancelled
    assert first.status == "cancelled"
    assert "Stopped" in window.panel.state_label.text()
    run = window.context.db.runs(window.profile_id).get(first.run_id)
    assert run is not None and run.status == "cancelled"
    assert Flow.ORDERS not in first.counts or first.counts[Flow.ORDERS].created == 0, "Stop came too late to test"

    sandbox.set_latency(0)
    window.controller.progress.disconnect(stop_once_writing)
    second: RunReport = wait_for_run(qtbot, window.controller, window.sync_now)
    assert not second.cancelled and second.errors == 0
    assert second.counts[Flow.ORDERS].created > 0
    codes = ms_orders_by_external_code(sandbox)
    assert codes and max(codes.values()) == 1, "an order reached MoySklad twice"


def test_the_schedule_skips_a_run_while_one_is_going(qtbot, window: MainWindow, sandbox: Sandbox):
    sandbox.set_latency(20)
    skipped: list[str] = []
    window.scheduler.skipped.connect(skipped.append)

    def start_and_tick() -> None:
        window.sync_now()
        assert window.scheduler.tick_full() is False
        assert window.scheduler.tick_stock() is False

    wait_for_run(qtbot, window.controller, start_and_tick)
    assert len(skipped) == 2 and "skipped" in skipped[0]
    runs = window.context.db.runs(window.profile_id).recent()
    assert [r.trigger for r in runs] == ["manual"], "a skipped tick must not start or queue a run"

    # the skip is in the journal, so the person sees why no run happened
    log = window.context.db.log(window.profile_id)
    qtbot.waitUntil(lambda: log.count(text="scheduled sync was skipped") == 1, timeout=10_000)

    # once the run is over, the next tick runs
    sandbox.set_latency(0)

    def tick() -> None:
        assert window.scheduler.tick_stock() is True

    stock_run = wait_for_run(qtbot, window.controller, tick)
    assert set(stock_run.counts) == {Flow.STOCK}
    assert window.context.db.runs(window.profile_id).recent()[0].trigger == "schedule"


def test_schedule_settings_are_saved_and_shown(qtbot, window: MainWindow):
    tab = window.schedule_tab
    tab.auto_check.setChecked(True)
    tab.full_spin.setValue(30)
    tab.stock_check.setChecked(True)
    tab.stock_spin.setValue(3)
    tab.tray_check.setChecked(False)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        qtbot.mouseClick(tab.save_button, qtbot_button())
    settings = window.context.db.settings(window.profile_id).load_sync()
    assert (settings.schedule_minutes, settings.stock_schedule_minutes) == (30, 3)
    assert window.scheduler.next_full_run() is not None and window.scheduler.next_stock_run() is not None
    assert "Next full sync" in window.panel.next_label.text()
    assert not window.keeps_running_in_tray()

    tab.auto_check.setChecked(False)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        tab.save()
    assert window.scheduler.next_full_run() is None
    assert window.panel.next_label.text() == "Automatic sync is off."


def test_a_missing_key_is_said_in_words(qtbot, window: MainWindow, sandbox: Sandbox, memory_keyring):
    window.context.secrets.delete_retailcrm_key(sandbox.retailcrm_url)
    failures: list[str] = []
    window.controller.failed.connect(failures.append)
    window.sync_now()
    qtbot.waitUntil(lambda: bool(failures), timeout=30_000)
    assert failures[0].startswith("The RetailCRM API key was not found")  # runner.no_retailcrm_key, in English
    assert window.panel.state_label.text() == failures[0]
    assert window.panel.sync_button.isEnabled()
    assert window.tray.notifications and window.tray.notifications[-1][1] == failures[0]


def test_closing_the_window_keeps_the_schedule_running_in_the_tray(qtbot, window: MainWindow):
    window.tray.available = True  # the offscreen platform has no tray; pretend the desktop has one
    window.scheduler.configure(15, 5)
    quit_asked: list[bool] = []
    window.quit_requested.connect(lambda: quit_asked.append(True))
    window.close()
    assert not window.isVisible() and not quit_asked
    assert window.scheduler.next_full_run() is not None, "the schedule must keep running"
    assert "keeps syncing" in window.tray.notifications[-1][1]
    window.show_normal()
    assert window.isVisible()
    window.quit_app()
    assert quit_asked and window.scheduler.next_full_run() is None


def test_a_profile_busy_with_another_run_is_said_not_alerted(qtbot, window: MainWindow, context: AppContext):
    """Issue 12, major 7: a CLI run (cron) holds the profile. The window's scheduled run skips with a journal line
    and no failure alert; Sync now tells the person who holds it. Neither starts a run."""
    db, profile_id = context.db, window.profile_id
    failures: list[str] = []
    window.controller.failed.connect(failures.append)
    with RunLock(db, profile_id, "cli"):
        assert window.scheduler.tick_full() is True  # started: its run finds the profile busy
        qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
        # store.profile_busy in the UI's language (English here)
        assert failures[0].startswith("A sync of this profile is already running: the svyazka sync command (process")
        assert window.controller.last_failed_busy
        lines = db.log(profile_id).query(limit=10)
        [skipped] = [line for line in lines if line.code == "engine.schedule_skipped_busy"]
        assert skipped.params["holder"]["params"]["source"] == {"$msg": "store.source.cli", "params": {}}
        assert skipped.message.startswith("Запуск по расписанию пропущен: команда svyazka sync")

        failures.clear()
        assert window.sync_now()
        qtbot.waitUntil(lambda: bool(failures), timeout=60_000)
        assert window.panel.state_label.text() == failures[0]
    assert not window.tray.notifications
    assert db.runs(profile_id).recent(5) == []


def test_runs_of_the_os_schedule_appear_in_the_open_windows_history_and_journal(
    qtbot, window: MainWindow, context: AppContext
):
    """`svyazka sync --scheduled` (what the OS scheduler runs) writes into the same database while the window is
    open: the window notices it on its own and shows it in the history and the journal's run filter."""
    from app.cli import main

    assert window.history_tab.table.rowCount() == 0
    code = main(["--data-dir", str(context.data_dir), "sync", "--scheduled", "--only", "stock"])
    assert code in (0, 1)
    window.check_outside_runs()  # what the window's timer calls every OUTSIDE_RUNS_POLL_MS
    qtbot.waitUntil(lambda: window.history_tab.table.rowCount() == 1, timeout=10_000)
    assert window.history_tab.table.item(0, 1).text() == "System schedule"
    assert any("System schedule" in window.log_tab.run_combo.itemText(i)
               for i in range(window.log_tab.run_combo.count()))
    with qtbot.waitSignal(window.refreshed, timeout=2_000, raising=False) as blocker:
        window.check_outside_runs()  # nothing new: no refresh
    assert not blocker.signal_triggered
