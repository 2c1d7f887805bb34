"""The runner (app/runner/): one sync, in a child process or in the calling thread, behind one interface.

Real sandbox, real store; both modes run the same request and must end the same way.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import pytest

from app import techlog
from app.runner import FailureKind, Mode, RunFailed, RunOutcome, RunRequest, run_sync
from app.secrets import SecretStore
from app.store import Database
from app.store.run_lock import RunLock
from app.sync.model import Callbacks, CancelToken, Flow, LogEvent, Progress

pytestmark = pytest.mark.timeout(240)

MODES = [Mode.PROCESS, Mode.THREAD]


@pytest.mark.parametrize("mode", MODES)
def test_a_sync_runs_and_reports_its_events(mode: Mode, request_for: RunRequest, db: Database,
                                           tmp_path: Path) -> None:
    logs: list[LogEvent] = []
    progress: list[Progress] = []
    outcome = run_sync(request_for, Callbacks(on_log=logs.append, on_progress=progress.append), mode=mode)
    report = outcome.unwrap()
    assert outcome.failure is None
    assert report.status in ("ok", "partial"), report.message
    assert report.counts[Flow.CATALOG].created > 0
    assert any(e.message.startswith("Синхронизация начата") for e in logs)
    assert progress and all(isinstance(p, Progress) for p in progress)
    assert db.runs(request_for.profile_id).last_finished().id == report.run_id  # the one store both used
    # a child process sets up its own technical log (app/techlog.py); the calling thread leaves the caller's alone
    assert techlog.log_file(tmp_path, "sync").exists() == (mode is Mode.PROCESS)


@pytest.mark.parametrize("mode", MODES)
def test_stop_ends_the_run_as_cancelled(mode: Mode, request_for: RunRequest) -> None:
    cancel = CancelToken()

    def on_progress(item: Progress) -> None:
        cancel.cancel()  # Stop as soon as the run is under way

    outcome = run_sync(request_for, Callbacks(on_progress=on_progress), cancel, mode=mode)
    report = outcome.unwrap()
    assert report.cancelled and report.status == "cancelled"


@pytest.mark.parametrize("mode", MODES)
def test_a_busy_profile_is_a_failure_with_exit_3_and_nothing_runs(mode: Mode, request_for: RunRequest,
                                                                   db: Database) -> None:
    before = len(db.runs(request_for.profile_id).recent(50))
    with RunLock(db, request_for.profile_id, "cli"):
        outcome = run_sync(request_for, mode=mode)
    assert outcome.report is None and outcome.failure is not None
    assert outcome.failure.kind is FailureKind.BUSY and outcome.failure.exit_code == 3
    assert "Синхронизация этого профиля уже идёт" in outcome.failure.message
    assert len(db.runs(request_for.profile_id).recent(50)) == before
    with pytest.raises(RunFailed) as raised:
        outcome.unwrap()
    assert raised.value.failure is outcome.failure


@pytest.mark.parametrize("mode", MODES)
def test_a_store_that_cannot_be_opened_becomes_a_message(mode: Mode, request_for: RunRequest,
                                                         tmp_path: Path) -> None:
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"this is not a database" * 100)
    outcome = run_sync(replace(request_for, db_path=str(broken)), mode=mode)
    assert outcome.failure is not None and outcome.failure.kind is FailureKind.PROBLEM
    assert outcome.failure.exit_code == 2
    assert str(broken.name) in outcome.failure.message or "базы" in outcome.failure.message
    assert "Traceback" not in outcome.failure.message


def test_a_bug_becomes_a_crash_message_and_its_traceback_goes_to_the_technical_log(
    request_for: RunRequest, tmp_path: Path
) -> None:
    log = techlog.setup_file_logging(tmp_path / "cli-data", "cli")
    assert log is not None

    def broken(engine: object) -> None:
        raise ZeroDivisionError("a bug of ours")

    outcome = run_sync(request_for, mode=Mode.THREAD, on_engine=broken)
    assert outcome.failure is not None and outcome.failure.kind is FailureKind.CRASHED
    assert outcome.failure.exit_code == 4
    assert str(log) in outcome.failure.message and "ZeroDivisionError" not in outcome.failure.message
    assert "ZeroDivisionError: a bug of ours" in log.read_text(encoding="utf-8")


def test_a_missing_key_is_said_before_anything_runs(db: Database, profile_id: int) -> None:
    from app.runner import describe

    with pytest.raises(Exception) as raised:
        RunRequest.for_profile(db, profile_id, SecretStore(memory_only=True))
    failure = describe(raised.value)
    assert failure.kind is FailureKind.PROBLEM
    assert failure.message.startswith("API-ключ RetailCRM не найден в хранилище паролей.")


def test_the_safety_question_crosses_from_the_child_and_no_stops_the_writes(request_for: RunRequest,
                                                                            db: Database) -> None:
    settings = db.settings(request_for.profile_id).load_sync()
    asked: list[tuple[Flow, int]] = []

    def on_confirm(flow: Flow, trips: list) -> bool:
        asked.append((flow, len(trips)))
        return False

    # a seeded shop never links all of its catalog: asking for 100 % trips the "linked" guard on every run
    strict = replace(settings, safety_min_linked_percent=100)
    request = replace(request_for, settings=strict.to_json(), trigger="manual")
    outcome = run_sync(request, Callbacks(on_confirm=on_confirm), mode=Mode.PROCESS)
    report = outcome.unwrap()
    assert asked and asked[0][0] is Flow.CATALOG
    assert report.held and report.status == "held"


def test_a_child_run_supervised_from_a_worker_thread(request_for: RunRequest) -> None:
    """The window's worker thread is the caller (not the main thread): the child is started and followed from it."""
    result: list[RunOutcome] = []
    worker = threading.Thread(target=lambda: result.append(run_sync(request_for, mode=Mode.PROCESS)))
    worker.start()
    worker.join(200)
    assert result and result[0].report is not None and result[0].report.status in ("ok", "partial")
