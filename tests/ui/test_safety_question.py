"""The safety check in the window: a run started by hand asks (the question crosses from the sync process to a
dialog, the answer goes back), and a scheduled run skips its writes and alerts through the tray and the journal."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.sandbox.sandbox import Sandbox
from app.sync.model import RunReport
from app.ui.context import AppContext
from app.ui.main_window import MainWindow

from .conftest import wait_for_run

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, context: AppContext):
    # a seeded shop never links all of its catalog: asking for 100 % trips the "linked" guard on every run
    settings = context.db.settings(context.profile_id)
    settings.save_sync(replace(settings.load_sync(), safety_min_linked_percent=100))
    win = MainWindow(context)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.refreshed, timeout=10_000):
        win.show()
    yield win
    if win.controller.running:
        win.controller.stop()
        win.controller.wait()
    win._quitting = True


def _writes(sandbox: Sandbox) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in sandbox.log.entries() if e.method != "GET"]


def _journal(window: MainWindow, run_id: int | None, level: str | None = None) -> list[str]:
    """The codes of the run's journal lines (app/messages)."""
    rows = window.context.db.log(window.profile_id).query(run_id=run_id, levels=[level] if level else None, limit=2000)
    return [r.code or "" for r in rows]


def _stopped_params(window: MainWindow, run_id: int | None) -> dict:
    rows = window.context.db.log(window.profile_id).query(run_id=run_id, limit=2000)
    return next(r.params for r in rows if r.code == "engine.safety_stopped")


def test_a_run_by_hand_asks_and_no_writes_nothing_yes_writes(qtbot, window: MainWindow, sandbox: Sandbox):
    products_before = len(sandbox.retailcrm.state.products())
    sandbox.log.clear()

    def answer_no() -> None:
        assert window.sync_now()
        qtbot.waitUntil(lambda: window.safety_dialog is not None and window.safety_dialog.isVisible(), timeout=60_000)
        dialog = window.safety_dialog
        # in the UI's language (the tests run it in English)
        assert "The match key «артикул» links only" in dialog.informativeText()
        assert dialog.defaultButton() is dialog.stop_button  # the safe answer is the default one
        dialog.stop_button.click()

    report: RunReport = wait_for_run(qtbot, window.controller, answer_no)
    assert report.held and report.status == "held" and [t.guard for t in report.safety] == ["linked", "linked"]
    assert _writes(sandbox) == [] and len(sandbox.retailcrm.state.products()) == products_before
    assert "engine.safety_answer_no" in _journal(window, report.run_id)
    assert window.panel.state_label.text() == "Stopped by the check before writing: see the journal."
    assert not [n for n in window.tray.notifications if n[0] == "Sync stopped before writing"]  # they answered

    def answer_yes() -> None:
        assert window.sync_now()
        qtbot.waitUntil(lambda: window.safety_dialog is not None and window.safety_dialog.isVisible(), timeout=60_000)
        window.safety_dialog.write_button.click()

    report = wait_for_run(qtbot, window.controller, answer_yes)
    assert not report.held and report.counts
    assert "engine.safety_answer_yes" in _journal(window, report.run_id)
    assert len(sandbox.retailcrm.state.products()) > products_before
    assert window.safety_dialog is None


def test_a_scheduled_run_skips_its_writes_and_alerts(qtbot, window: MainWindow, sandbox: Sandbox):
    sandbox.log.clear()
    report: RunReport = wait_for_run(qtbot, window.controller, lambda: window.scheduler.tick_full())
    assert report.held and report.status == "held"
    assert window.safety_dialog is None  # nobody was asked
    assert _writes(sandbox) == []
    errors = _journal(window, report.run_id, "error")
    assert "engine.safety_stopped" in errors
    assert _stopped_params(window, report.run_id)["what_next"]["$msg"] == "engine.safety_next_skip"
    qtbot.waitUntil(lambda: any(n[0] == "Sync stopped before writing" for n in window.tray.notifications),
                    timeout=10_000)
    text = next(t for title, t in window.tray.notifications if title == "Sync stopped before writing")
    assert "Stopped by the check before writing (2 findings): The match key" in text and "run the sync by hand" in text
