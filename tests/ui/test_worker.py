"""The worker: work runs off the GUI thread, results and log lines come back by signals, one sync at a time."""

from __future__ import annotations

import threading

import pytest

from app.clients.errors import SettingsError
from app.sync.model import Callbacks, CancelToken, Flow, Level, LogEvent, Progress, RunReport
from app.ui.worker import Job, SyncController, run_in_background

pytestmark = pytest.mark.gui


def test_work_runs_off_the_gui_thread_and_the_result_comes_back(qtbot):
    gui_thread = threading.get_ident()
    results: list[object] = []
    with qtbot.waitSignal(run_in_background(threading.get_ident, results.append).done, timeout=10_000):
        pass
    assert results and results[0] != gui_thread


def test_a_service_error_becomes_its_own_sentence(qtbot):
    def fail() -> None:
        raise SettingsError("retailcrm", "Ключ RetailCRM не подходит. Создайте новый.", reason="bad_credentials")

    errors: list[str] = []
    job = run_in_background(fail, on_error=errors.append)
    with qtbot.waitSignal(job.done, timeout=10_000):
        pass
    assert errors == ["Ключ RetailCRM не подходит. Создайте новый."]


def test_an_unexpected_error_is_an_apology_not_a_traceback(qtbot, caplog):
    def fail() -> None:
        raise KeyError("internal-detail")

    errors: list[str] = []
    job = run_in_background(fail, on_error=errors.append)
    with qtbot.waitSignal(job.done, timeout=10_000):
        pass
    assert errors and "internal-detail" not in errors[0] and "Traceback" not in errors[0]
    assert "unexpected" in errors[0]
    assert any("internal-detail" in (r.exc_text or "") or r.exc_info for r in caplog.records)


def test_log_lines_arrive_in_batches_and_all_before_the_result(qtbot):
    def work(worker) -> str:
        for i in range(5000):
            worker.report_log(LogEvent(Level.INFO, Flow.CATALOG, f"line {i}"))
            worker.report_progress(Progress(Flow.CATALOG, i + 1, 5000, "plan"))
        return "done"

    job = Job(work)
    batches: list[list[LogEvent]] = []
    progress: list[Progress] = []
    order: list[str] = []
    job.log_events.connect(lambda events: (batches.append(events), order.append("log")))
    job.progress.connect(progress.append)
    job.finished.connect(lambda _result: order.append("finished"))
    with qtbot.waitSignal(job.done, timeout=10_000):
        job.start()
    lines = [event.message for batch in batches for event in batch]
    assert lines == [f"line {i}" for i in range(5000)]
    assert len(batches) < 100  # batched, not one signal per line
    assert order[-1] == "finished"
    assert progress[-1].done == 5000


class _SlowEngine:
    """Stands in for a SyncEngine's interface only (the controller is what is tested here)."""

    def __init__(self, callbacks: Callbacks, cancel: CancelToken, release: threading.Event) -> None:
        self.callbacks, self.cancel, self.release = callbacks, cancel, release

    def run(self, flows, *, dry_run, full, trigger) -> RunReport:
        self.callbacks.on_progress(Progress(Flow.STOCK, 0, 10, "plan"))
        while not self.release.wait(0.01):
            if self.cancel.cancelled:
                return _report(dry_run, trigger, cancelled=True)
        return _report(dry_run, trigger, cancelled=False)


def _report(dry_run: bool, message: str, *, cancelled: bool) -> RunReport:
    return RunReport(
        ok=not cancelled,
        dry_run=dry_run,
        status="cancelled" if cancelled else "ok",
        counts={},
        conflicts=0,
        errors=0,
        requests={},
        seconds=0.0,
        cancelled=cancelled,
        message=message,
    )


def test_one_sync_at_a_time_and_stop_cancels(qtbot):
    release = threading.Event()
    controller = SyncController.for_engine(lambda callbacks, cancel: _SlowEngine(callbacks, cancel, release))
    with qtbot.waitSignal(controller.progress, timeout=10_000):
        assert controller.start(trigger="manual")
    assert controller.running
    assert not controller.start(trigger="schedule"), "a second run must be refused while one runs"
    with qtbot.waitSignal(controller.finished, timeout=10_000) as blocker:
        controller.stop()
    report = blocker.args[0]
    assert report.cancelled and report.message == "manual"
    assert not controller.running
    release.set()
    with qtbot.waitSignal(controller.finished, timeout=10_000) as blocker:
        assert controller.start(trigger="schedule")
    assert not blocker.args[0].cancelled


def test_a_failing_engine_build_reports_failed(qtbot):
    def factory(callbacks, cancel):
        raise SettingsError("moysklad", "Токен МойСклад не найден в хранилище паролей.", reason="bad_credentials")

    controller = SyncController.for_engine(factory)
    with qtbot.waitSignal(controller.failed, timeout=10_000) as blocker:
        controller.start()
    assert blocker.args == ["Токен МойСклад не найден в хранилище паролей."]
    assert not controller.running


def test_sync_children_fork_from_a_server_only_on_linux() -> None:
    """macOS has forkserver too, but forking after system frameworks loaded is unsafe there (CPython's own
    default is spawn); Windows has spawn only."""
    from app.runner.child import start_method

    assert start_method("linux", ["fork", "spawn", "forkserver"]) == "forkserver"
    assert start_method("darwin", ["spawn", "fork", "forkserver"]) == "spawn"
    assert start_method("win32", ["spawn"]) == "spawn"
    assert start_method("linux", ["spawn"]) == "spawn"
