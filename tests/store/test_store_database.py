from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import Connection, update

from app.store import (
    SCHEMA_VERSION,
    Database,
    LogEntry,
    NewerDatabaseError,
    NotSvyazkaDatabaseError,
    Profile,
)
from app.store.migrations import MIGRATIONS
from app.store.models import RunRow
from app.store.runs import INTERRUPTED_MESSAGE, STALE_RUN_AGE
from app.store.types import utcnow

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _pragmas(conn: sqlite3.Connection) -> dict[str, object]:
    return {
        name: conn.execute(f"PRAGMA {name}").fetchone()[0]
        for name in ("busy_timeout", "journal_mode", "foreign_keys", "synchronous")
    }


def test_every_connection_gets_the_pragmas(db: Database) -> None:
    expected = {"busy_timeout": 5000, "journal_mode": "wal", "foreign_keys": 1, "synchronous": 1}  # 1 = NORMAL
    raw = db.engine.raw_connection()
    try:
        assert _pragmas(raw.driver_connection) == expected  # type: ignore[arg-type]
    finally:
        raw.close()
    # A connection made on another thread while the first is checked out is a new one: same settings.
    seen: list[dict[str, object]] = []
    first = db.engine.raw_connection()
    try:
        thread = threading.Thread(
            target=lambda: seen.append(_with_raw(db, lambda c: _pragmas(c)))  # type: ignore[arg-type]
        )
        thread.start()
        thread.join()
    finally:
        first.close()
    assert seen == [expected]


def _with_raw(db: Database, action):  # type: ignore[no-untyped-def]
    raw = db.engine.raw_connection()
    try:
        return action(raw.driver_connection)
    finally:
        raw.close()


def test_new_file_gets_the_current_schema_version(db: Database, db_path: Path) -> None:
    assert db.schema_version == SCHEMA_VERSION
    with closing(sqlite3.connect(db_path)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"profiles", "settings", "links", "cursors", "runs", "log", "conflicts", "pushed"} <= tables


def _add_rc_ext_index(conn: Connection) -> None:
    conn.exec_driver_sql("CREATE INDEX ix_links_rc_ext_test ON links (profile_id, rc_ext)")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_migration_backs_up_first_and_a_newer_file_is_refused_untouched(db_path: Path) -> None:
    first = Database.open(db_path)
    first.profiles.create("Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
    first.close()

    upgraded = Database.open(db_path, migrations=(*MIGRATIONS, _add_rc_ext_index))
    assert upgraded.schema_version == SCHEMA_VERSION + 1
    upgraded.close()

    backup = db_path.with_name(f"{db_path.name}.v{SCHEMA_VERSION}.bak")
    assert backup.exists()
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert conn.execute("SELECT name FROM profiles").fetchall() == [("Shop",)]
        assert not conn.execute("SELECT 1 FROM sqlite_master WHERE name='ix_links_rc_ext_test'").fetchall()
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT 1 FROM sqlite_master WHERE name='ix_links_rc_ext_test'").fetchall()
        assert conn.execute("SELECT name FROM profiles").fetchall() == [("Shop",)]

    # This app (one version behind now) must refuse the file and leave every byte as it was.
    before = _sha256(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    with pytest.raises(NewerDatabaseError) as caught:
        Database.open(db_path)
    message = str(caught.value)
    assert str(db_path) in message and "более новой версией Связки" in message
    assert "Установите последнюю версию Связки" in message and "Файл не изменён" in message
    assert _sha256(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


def test_fresh_file_is_not_backed_up(db_path: Path) -> None:
    Database.open(db_path).close()
    assert [p.name for p in db_path.parent.iterdir() if p.name.endswith(".bak")] == []


def test_garbage_or_foreign_files_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not sqlite at all, just some text" * 100)
    with pytest.raises(NotSvyazkaDatabaseError, match="не похож на файл данных Связки") as caught:
        Database.open(garbage)
    assert str(garbage) in str(caught.value) and "выберите другую папку" in str(caught.value)

    foreign = tmp_path / "foreign.sqlite3"
    with closing(sqlite3.connect(foreign)) as conn:
        conn.execute("CREATE TABLE customers (id INTEGER)")
        conn.commit()
    with pytest.raises(NotSvyazkaDatabaseError, match="таблицы другой программы"):
        Database.open(foreign)


_CRASHING_RUN = """
import os, sys
from app.store import Database
db = Database.open(sys.argv[1])
run = db.runs(int(sys.argv[2])).start("schedule")
print(run.id, flush=True)
os._exit(3)  # no finish(), no close(): a hard crash mid-run
"""


def test_a_run_left_running_by_a_crash_is_failed_at_next_open(db: Database, db_path: Path, profile: Profile) -> None:
    live = db.runs(profile.id).start("manual")  # this process is alive: its run must stay "running"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    crashed = subprocess.run(
        [sys.executable, "-c", _CRASHING_RUN, str(db_path), str(profile.id)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert crashed.returncode == 3, crashed.stderr
    crashed_id = int(crashed.stdout.strip())
    assert db.runs(profile.id).get(crashed_id).status == "running"  # type: ignore[union-attr]

    reopened = Database.open(db_path)
    try:
        runs = reopened.runs(profile.id)
        failed = runs.get(crashed_id)
        assert failed is not None
        assert failed.status == "failed" and failed.finished_at is not None
        assert failed.message == INTERRUPTED_MESSAGE and failed.message.startswith("Прервано")
        assert runs.get(live.id).status == "running"  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_a_very_old_running_run_is_failed_even_if_its_pid_is_reused(
    db_path: Path, profile: Profile, db: Database
) -> None:
    run = db.runs(profile.id).start("cli")
    with db.session() as session:  # pretend it started long ago (same pid: it looks alive)
        session.execute(update(RunRow).where(RunRow.id == run.id).values(started_at=utcnow() - STALE_RUN_AGE * 2))
    reopened = Database.open(db_path)
    try:
        assert reopened.runs(profile.id).get(run.id).status == "failed"  # type: ignore[union-attr]
    finally:
        reopened.close()


def test_two_threads_writing_at_once_never_hit_database_is_locked(db: Database, profile: Profile) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def reserve_orders(offset: int) -> None:
        try:
            start.wait()
            links = db.links(profile.id)
            for i in range(150):
                link = links.reserve("order", offset + i)
                links.complete("order", offset + i, f"ms-{offset + i}")
                assert link.sync_id
        except BaseException as exc:
            errors.append(exc)

    def write_log_and_settings() -> None:
        try:
            start.wait()
            log = db.log(profile.id)
            settings = db.settings(profile.id)
            for i in range(150):
                log.add(LogEntry("info", "orders", f"line {i}"))
                # read-then-write in one unit of work: the classic "database is locked" trap in WAL
                with db.session() as session:
                    lines = session.connection().exec_driver_sql("SELECT count(*) FROM log").scalar()
                    session.connection().exec_driver_sql(
                        "INSERT INTO cursors (profile_id, flow, name, value, updated_at) "
                        "VALUES (?, 'system', 'lines', ?, '2026-01-01 00:00:00.000000') "
                        "ON CONFLICT DO UPDATE SET value = excluded.value",
                        (profile.id, str(lines)),
                    )
                settings.set("counter", i)
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=reserve_orders, args=(0,)),
        threading.Thread(target=reserve_orders, args=(10_000,)),
        threading.Thread(target=write_log_and_settings),
    ]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(f"\n3 writer threads, 900+ transactions: {time.perf_counter() - started:.2f} s")
    assert not errors, errors
    assert db.links(profile.id).count("order") == 300
    assert db.log(profile.id).count() == 150
    assert db.settings(profile.id).get("counter") == 149
    assert db.cursors(profile.id).get("system", "lines") == "150"


def test_nested_write_sessions_fail_fast_instead_of_deadlocking(db: Database, profile: Profile) -> None:
    with pytest.raises(RuntimeError, match="nested write session"), db.session():
        db.cursors(profile.id).set("orders", "since_id", 1)
    db.cursors(profile.id).set("orders", "since_id", 2)  # the flag was reset
    assert db.cursors(profile.id).get("orders", "since_id") == "2"


def test_bulk_write_and_small_writes_interleave(db: Database, profile: Profile) -> None:
    from app.store import NewLink

    errors: list[BaseException] = []
    rows = [NewLink("offer", f"ms{i}", f"rc{i}") for i in range(30_000)]

    def bulk() -> None:
        try:
            db.links(profile.id).bulk_upsert(rows)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=bulk)
    thread.start()
    cursors = db.cursors(profile.id)
    for i in range(50):
        cursors.set("orders", "since_id", i)
    thread.join()
    assert not errors, errors
    assert cursors.get("orders", "since_id") == "49"
    assert db.links(profile.id).count("offer") == 30_000


def test_a_write_lock_held_too_long_gives_a_human_busy_error(db: Database, db_path: Path, profile: Profile) -> None:
    """Takes the 5 s busy timeout once: what a user sees when another process hogs the file."""
    from app.store import DatabaseBusyError

    hog = sqlite3.connect(db_path, isolation_level=None)
    try:
        hog.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusyError) as caught:
            db.cursors(profile.id).set("orders", "since_id", 1)
        message = str(caught.value)
        assert "Файл данных Связки занят" in message and "попробуйте снова" in message
        assert db.cursors(profile.id).get("orders", "since_id") is None  # readers are never blocked
    finally:
        hog.execute("ROLLBACK")
        hog.close()
    db.cursors(profile.id).set("orders", "since_id", 1)
    assert db.cursors(profile.id).get("orders", "since_id") == "1"
