"""Attack "two syncs of one profile at once" (issue 12, major 7): one run per profile, whoever starts it.

Two ``svyazka sync`` processes on one data folder, the first held up by a slow sandbox (latency): the second
exits 3 naming who holds the profile and since when, or waits with ``--wait``. A holder killed with SIGKILL
leaves nothing behind that blocks the next run (the OS drops its file lock). The lock itself
(app/store/run_lock.py) and the engine's use of it (a scheduled run that finds the profile busy says so in the
journal) are tested in-process below.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli import EXIT_BUSY
from app.paths import database_path
from app.runner.build import close_engine
from app.runner.build import engine_for_profile as build_engine
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import SecretStore
from app.store import Database
from app.store.run_lock import ProfileBusy, RunLock
from app.store.runs import INTERRUPTED_MESSAGE, Run
from tests.reliability.support import CHILD_TIMEOUT, ROOT, app_command, child_env, setup_profile

pytestmark = pytest.mark.timeout(240)

SLOW_MS = 400  # per request: a full sync of the small shop takes several seconds


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, seed=7, rate_limit=False)) as sb:
        yield sb


@pytest.fixture
def data_dir(sandbox: Sandbox, tmp_path: Path) -> Iterator[Path]:
    sandbox.set_latency(0)
    setup_profile(sandbox, tmp_path)
    yield tmp_path
    sandbox.set_latency(0)


def _start(sandbox: Sandbox, data_dir: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        app_command(data_dir, "sync", *args), cwd=ROOT, env=child_env(sandbox),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _sync(sandbox: Sandbox, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        app_command(data_dir, "sync", *args), cwd=ROOT, env=child_env(sandbox),
        capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )


def _runs(data_dir: Path) -> list[Run]:
    db = Database.open(database_path(data_dir))
    try:
        profile = db.profiles.list()[0]
        return db.runs(profile.id).recent(20)
    finally:
        db.close()


def _wait_running(data_dir: Path, process: subprocess.Popen[str], timeout: float = 60.0) -> Run:
    ends = time.monotonic() + timeout
    while time.monotonic() < ends:
        running = [r for r in _runs(data_dir) if r.status == "running" and r.pid == process.pid]
        if running:
            return running[0]
        assert process.poll() is None, f"the first sync ended too soon: {process.communicate()}"
        time.sleep(0.1)
    raise AssertionError("the first sync never started its run")


def _stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    if process.poll() is None:
        process.kill()
    return process.communicate(timeout=CHILD_TIMEOUT)


def test_a_second_sync_of_a_busy_profile_exits_3_naming_the_holder(sandbox: Sandbox, data_dir: Path) -> None:
    sandbox.set_latency(SLOW_MS * 3)
    first = _start(sandbox, data_dir)
    try:
        held = _wait_running(data_dir, first)
        second = _sync(sandbox, data_dir, "--json")
        assert first.poll() is None, "the first sync must still hold the profile"
    finally:
        _stop(first)
    assert second.returncode == EXIT_BUSY, second.stderr
    assert "Traceback" not in second.stderr
    assert "Синхронизация этого профиля уже идёт: команда svyazka sync" in second.stderr
    assert f"запуск №{held.id}, процесс {first.pid} на этом компьютере" in second.stderr
    assert f"идёт с {held.started_at.astimezone():%H:%M:%S %d.%m.%Y}" in second.stderr
    assert "--wait" in second.stderr
    assert json.loads(second.stdout.strip().splitlines()[-1])["status"] == "busy"
    assert [r.id for r in _runs(data_dir)] == [held.id]  # the second one started no run of its own


@pytest.mark.parametrize("second_args", [(), ("--scheduled",)])
def test_two_syncs_started_at_once_never_both_run(
    sandbox: Sandbox, data_dir: Path, second_args: tuple[str, ...]
) -> None:
    """Started in the same instant (a person's sync and the OS schedule's): one runs, the other exits 3 naming
    it, before any run of its own is recorded, so it wrote nothing."""
    sandbox.set_latency(SLOW_MS)
    processes = [_start(sandbox, data_dir), _start(sandbox, data_dir, *second_args)]
    try:
        outputs = [p.communicate(timeout=CHILD_TIMEOUT) for p in processes]
    finally:
        for p in processes:
            _stop(p)
    codes = [p.returncode for p in processes]
    if all(code in (0, 1) for code in codes):
        # on a loaded machine one interpreter may start only after the other's run has ended: then both ran, one
        # after the other, which is allowed; what may never happen is two runs at the same time
        first, second = sorted(_runs(data_dir), key=lambda r: r.started_at)
        assert first.finished_at is not None and second.started_at >= first.finished_at, (first, second)
        return
    assert sorted(codes)[0] in (0, 1) and sorted(codes)[1] == EXIT_BUSY, (codes, [e[-1500:] for _, e in outputs])
    ran, busy = (0, 1) if codes[1] == EXIT_BUSY else (1, 0)
    assert f"процесс {processes[ran].pid} на этом компьютере" in outputs[busy][1]
    (run,) = _runs(data_dir)  # one run recorded: the busy one never started its own
    assert run.pid == processes[ran].pid and run.status in ("ok", "partial")
    assert run.trigger == ("os_schedule" if ran == 1 and second_args else "cli")


def test_wait_waits_for_the_holder_to_finish(sandbox: Sandbox, data_dir: Path) -> None:
    sandbox.set_latency(SLOW_MS * 2)  # the first run must outlast the second one's start-up (~2 s here)
    first = _start(sandbox, data_dir)
    try:
        _wait_running(data_dir, first)
        second = _sync(sandbox, data_dir, "--wait")
        _, first_err = first.communicate(timeout=CHILD_TIMEOUT)
    finally:
        _stop(first)
    assert first.returncode in (0, 1), first_err
    assert second.returncode in (0, 1), second.stderr
    assert "Профиль занят: команда svyazka sync" in second.stdout and "Жду" in second.stdout
    earlier, later = sorted(_runs(data_dir), key=lambda r: r.id)
    assert earlier.pid == first.pid and earlier.finished_at is not None
    assert later.started_at >= earlier.finished_at  # the second run began only after the first had ended


def test_wait_with_seconds_gives_up_with_3(sandbox: Sandbox, data_dir: Path) -> None:
    sandbox.set_latency(SLOW_MS * 3)
    first = _start(sandbox, data_dir)
    try:
        _wait_running(data_dir, first)
        started = time.monotonic()
        second = _sync(sandbox, data_dir, "--wait", "2")
        took = time.monotonic() - started
        assert first.poll() is None
    finally:
        _stop(first)
    assert second.returncode == EXIT_BUSY, second.stderr
    assert took >= 2
    assert "Жду" in second.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_holders_lock_is_taken_over(sandbox: Sandbox, data_dir: Path) -> None:
    sandbox.set_latency(SLOW_MS * 3)
    first = _start(sandbox, data_dir)
    try:
        held = _wait_running(data_dir, first)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        _stop(first)
    sandbox.set_latency(0)
    after = _sync(sandbox, data_dir)
    assert after.returncode in (0, 1), after.stderr
    killed = next(r for r in _runs(data_dir) if r.id == held.id)
    assert killed.status == "failed" and killed.message == INTERRUPTED_MESSAGE


# --- in-process: the lock and the engine ------------------------------------------------------------------


@pytest.fixture
def store(data_dir: Path) -> Iterator[tuple[Database, int]]:
    db = Database.open(database_path(data_dir))
    try:
        yield db, db.profiles.list()[0].id
    finally:
        db.close()


def test_the_lock_excludes_a_second_holder_in_the_same_process(store: tuple[Database, int]) -> None:
    db, profile_id = store
    with RunLock(db, profile_id, "manual"), pytest.raises(ProfileBusy) as busy:
        RunLock(db, profile_id, "cli").acquire()
    assert busy.value.holder.pid == os.getpid() and busy.value.holder.source == "manual"
    assert "окно Связки, запуск вручную (процесс" in busy.value.message
    with RunLock(db, profile_id, "cli") as again:  # let go: the next one gets it at once
        assert again.held


def test_a_waiting_lock_gets_the_profile_when_the_holder_lets_go(store: tuple[Database, int]) -> None:
    db, profile_id = store
    first = RunLock(db, profile_id, "schedule")
    first.acquire()
    seen: list[str] = []
    threading.Timer(0.6, first.release).start()
    second = RunLock(db, profile_id, "cli")
    started = time.monotonic()
    second.acquire(10, on_wait=lambda holder: seen.append(holder.describe()))
    second.release()
    assert 0.4 < time.monotonic() - started < 5
    assert seen and seen[0].startswith("окно Связки, запуск по расписанию")


def test_taking_the_lock_marks_runs_left_running_as_interrupted(store: tuple[Database, int]) -> None:
    """A run row still "running" under a live pid (pids are reused) when nobody holds the lock: it died."""
    db, profile_id = store
    ghost = db.runs(profile_id).start("schedule")  # this process's pid: alive, so the open-time check keeps it
    lock = RunLock(db, profile_id, "cli")
    lock.acquire()
    lock.release()
    assert lock.interrupted == [ghost.id]
    row = db.runs(profile_id).get(ghost.id)
    assert row is not None and row.status == "failed" and row.message == INTERRUPTED_MESSAGE


def test_a_scheduled_run_of_a_busy_profile_is_skipped_with_a_journal_line(
    sandbox: Sandbox, store: tuple[Database, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, profile_id = store
    monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)
    engine = build_engine(db, profile_id, SecretStore(memory_only=True))
    before = len(db.runs(profile_id).recent(50))
    try:
        with RunLock(db, profile_id, "cli"), pytest.raises(ProfileBusy):
            engine.run(trigger="schedule")
    finally:
        close_engine(engine)
    assert len(db.runs(profile_id).recent(50)) == before  # no run was started
    lines = [e.message for e in db.log(profile_id).query(limit=5)]
    assert any(line.startswith("Запуск по расписанию пропущен: команда svyazka sync") for line in lines), lines
