"""One SQLite file, one Engine, short sessions per thread or unit of work.

Every connection gets, in this order: ``busy_timeout=5000`` (first, because switching to WAL can itself
meet a busy lock), ``journal_mode=WAL`` (readers never block the writer), ``foreign_keys=ON`` (off by
default per connection) and ``synchronous=NORMAL`` (safe with WAL, much faster than FULL).

pysqlite's own transaction handling starts transactions lazily and always DEFERRED. A deferred
transaction that reads and then writes can fail with "database is locked" at once, whatever the busy
timeout, when another connection wrote in between. So we issue BEGIN ourselves: write sessions begin
IMMEDIATE (they queue on the write lock, honouring the busy timeout), read sessions begin DEFERRED.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DatabaseError as SqlDatabaseError
from sqlalchemy.orm import Session, sessionmaker

from app.store import migrations as schema
from app.store.conflicts import ConflictRepository
from app.store.cursors import CursorRepository
from app.store.errors import (
    DAMAGED_OR_FOREIGN,
    DatabaseBusyError,
    DatabaseDamagedError,
    NotSvyazkaDatabaseError,
    StoreError,
)
from app.store.links import LinkRepository
from app.store.log import LogRepository
from app.store.profiles import ProfileRepository
from app.store.pushed import PushedRepository
from app.store.runs import RunRepository, fail_interrupted_runs
from app.store.settings import SettingsRepository

BUSY_TIMEOUT_MS = 5000
CONNECTION_PRAGMAS = (
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA synchronous=NORMAL",
)
_BEGIN_OPTION = "svyazka_begin"


def _casefold(value: object) -> str | None:
    # SQLite's lower()/LIKE fold ASCII only; shop data is mostly Cyrillic.
    return None if value is None else str(value).casefold()


def _on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, see the module docstring
    cursor = dbapi_connection.cursor()
    try:
        for pragma in CONNECTION_PRAGMAS:
            cursor.execute(pragma)
    finally:
        cursor.close()
    dbapi_connection.create_function("svyazka_casefold", 1, _casefold, deterministic=True)


def _raise_human(exc: SqlDatabaseError, path: Path) -> None:
    """Re-raise the SQLite failures a shop owner can do something about as a sentence; return otherwise."""
    human = _human_error(exc, path)
    if human is not None:
        raise human from exc


def _human_error(exc: SqlDatabaseError, path: Path) -> StoreError | None:
    text = str(exc.orig).lower()
    if "malformed" in text or "not a database" in text:
        # SQLITE_CORRUPT / SQLITE_NOTADB in a file whose header was fine when it was opened: damaged since
        return DatabaseDamagedError(path)
    if "locked" in text or "busy" in text:
        return DatabaseBusyError(
            "Файл данных Связки занят: в него пишет другое окно Связки или запуск по расписанию. "
            "Подождите немного и попробуйте снова."
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreError(
            f"Связка не может записать изменения в свой файл данных «{path}». Проверьте, что диск не защищён "
            "от записи и что у вас есть право изменять файлы в этой папке."
        )
    if "disk is full" in text or "database or disk is full" in text:
        return StoreError(
            f"На диске с файлом данных Связки «{path}» закончилось место. Освободите место и попробуйте снова."
        )
    if "disk i/o" in text:
        return StoreError(
            f"Диск сообщил об ошибке, когда Связка работала с файлом «{path}». Проверьте диск и попробуйте снова."
        )
    return None


def _make_private(path: Path) -> None:
    """The file and its WAL companions readable by the owner only (POSIX; see app.paths.make_private)."""
    from app.paths import make_private

    for companion in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if companion.exists():
            make_private(companion)


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """Svyazka's local database. Thread-safe: each call opens its own short session."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._write_engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._write_sessions = sessionmaker(self._write_engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(engine, expire_on_commit=False)
        self._writing = threading.local()

    @classmethod
    def open(cls, path: Path | str, *, migrations: Sequence[schema.Migration] | None = None) -> Database:
        """Open (creating or migrating) the file at ``path``. Marks runs left "running" by a crash as failed.

        ``migrations`` exists for tests of the migration machinery; the app always uses the default.
        """
        path = Path(path)
        steps = schema.MIGRATIONS if migrations is None else tuple(migrations)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Связка не может создать папку «{path.parent}» для своего файла данных. Проверьте, что у вас "
                "есть право создавать папки в этом месте, или выберите другую папку для данных."
            ) from exc
        schema.check_supported(path, steps)  # before the engine switches the file to WAL
        engine = create_engine(
            URL.create("sqlite+pysqlite", database=str(path)),
            # The pool hands a connection to one thread at a time; sqlite3's own thread check is redundant.
            connect_args={"check_same_thread": False},
        )
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "begin", _on_begin)
        db = cls(path, engine)
        try:
            schema.migrate(engine, db._write_engine, path, steps)
            _make_private(path)
            fail_interrupted_runs(db)
        except SqlDatabaseError as exc:
            engine.dispose()
            if "malformed" in str(exc.orig):
                raise DatabaseDamagedError(path) from exc
            if "not a database" in str(exc.orig):
                raise NotSvyazkaDatabaseError(path, DAMAGED_OR_FOREIGN) from exc
            _raise_human(exc, path)
            raise
        except BaseException:
            engine.dispose()
            raise
        return db

    @property
    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A write unit of work: commits when the block ends, rolls back if it raises.

        Do not call repository methods inside it: they open their own write session, which would wait
        for this one's lock on the same thread (a deadlock that ends in "database is locked").
        """
        if getattr(self._writing, "active", False):
            raise RuntimeError("nested write session on one thread would deadlock; use the open session")
        self._writing.active = True
        try:
            with self._write_sessions() as session, session.begin():
                yield session
        except SqlDatabaseError as exc:  # OperationalError (locked, full) and DatabaseError (malformed)
            _raise_human(exc, self.path)
            raise
        finally:
            self._writing.active = False

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A read-only unit of work: never blocks writers and never waits for them (WAL)."""
        with self._read_sessions() as session:
            try:
                yield session
            except SqlDatabaseError as exc:
                _raise_human(exc, self.path)
                raise
            finally:
                session.rollback()

    def close(self) -> None:
        """Fold the WAL back into the main file (best effort) and release every connection."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        except SqlDatabaseError:
            pass  # another process holds the file; it will checkpoint later
        finally:
            self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    # -- repositories ----------------------------------------------------------------------------------------

    @property
    def profiles(self) -> ProfileRepository:
        return ProfileRepository(self)

    def settings(self, profile_id: int) -> SettingsRepository:
        return SettingsRepository(self, profile_id)

    def links(self, profile_id: int) -> LinkRepository:
        return LinkRepository(self, profile_id)

    def cursors(self, profile_id: int) -> CursorRepository:
        return CursorRepository(self, profile_id)

    def runs(self, profile_id: int) -> RunRepository:
        return RunRepository(self, profile_id)

    def log(self, profile_id: int | None = None) -> LogRepository:
        return LogRepository(self, profile_id)

    def conflicts(self, profile_id: int) -> ConflictRepository:
        return ConflictRepository(self, profile_id)

    def pushed(self, profile_id: int) -> PushedRepository:
        return PushedRepository(self, profile_id)
