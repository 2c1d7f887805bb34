"""Schema versions in ``PRAGMA user_version`` and the ordered Python steps between them.

``MIGRATIONS[i]`` upgrades a file from version ``i`` to ``i + 1``. Step 0 builds the *current* schema from
the models, so a brand-new file jumps straight to the latest version; the later steps only ever run on
files written by older Svyazka versions. To change the schema: edit the models, append a step that brings
an old file to the same shape, done. Steps run in one transaction (SQLite DDL is transactional), after a
copy of the file has been saved next to it as ``<name>.v<old>.bak``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, Engine

from app.store.errors import DAMAGED_OR_FOREIGN, NewerDatabaseError, NotSvyazkaDatabaseError
from app.store.models import Base

Migration = Callable[[Connection], None]


def _create_all(conn: Connection) -> None:
    Base.metadata.create_all(conn)


def _message_codes(conn: Connection) -> None:
    """1 → 2: journal lines, conflict titles and runs' messages keep their app/messages code and parameters next
    to the Russian text, so they render in the language the person reads (old rows keep NULL: their text)."""
    conn.exec_driver_sql("ALTER TABLE log ADD COLUMN code VARCHAR")
    conn.exec_driver_sql("ALTER TABLE log ADD COLUMN params TEXT")
    conn.exec_driver_sql("ALTER TABLE conflicts ADD COLUMN title_code VARCHAR")
    conn.exec_driver_sql("ALTER TABLE conflicts ADD COLUMN title_params TEXT")
    conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN message_code VARCHAR")
    conn.exec_driver_sql("ALTER TABLE runs ADD COLUMN message_params TEXT")


MIGRATIONS: tuple[Migration, ...] = (_create_all, _message_codes)
SCHEMA_VERSION = len(MIGRATIONS)


_SQLITE_MAGIC = b"SQLite format 3\x00"
_USER_VERSION_OFFSET = 60  # big-endian 32-bit integer in the 100-byte file header


def read_user_version(path: Path) -> int:
    """The schema version in the file header, read as plain bytes (0 for a missing or empty file).

    Opening the file with SQLite, even read-only, would create -wal/-shm files next to a WAL database;
    a newer Svyazka's file must be refused without touching anything. If a crash left a newer version
    only in the WAL, :func:`migrate` still catches it under the write lock before changing anything.
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise NotSvyazkaDatabaseError(path, "его не удаётся прочитать") from exc
    if not header:
        return 0
    if len(header) < 100 or not header.startswith(_SQLITE_MAGIC):
        raise NotSvyazkaDatabaseError(path, DAMAGED_OR_FOREIGN)
    return int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big", signed=True)


def check_supported(path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """The file's version, or :class:`NewerDatabaseError` if this app is too old for it."""
    found = read_user_version(path)
    if found > len(migrations):
        raise NewerDatabaseError(path, found, len(migrations))
    return found


def backup_path(path: Path, version: int) -> Path:
    return path.with_name(f"{path.name}.v{version}.bak")


def backup(path: Path, version: int) -> Path:
    """A consistent copy of the live file (WAL content included) via SQLite's online backup API."""
    target = backup_path(path, version)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(partial)) as copy:
        source.execute("PRAGMA busy_timeout=5000")
        source.backup(copy)
    os.replace(partial, target)  # never leave a half-written .bak under the real name
    return target


def migrate(engine: Engine, write_engine: Engine, path: Path, migrations: Sequence[Migration]) -> int:
    """Bring the file to ``len(migrations)``; returns the version found before. Safe with rivals.

    ``write_engine`` begins IMMEDIATE transactions, so two processes starting at once take turns and the
    second one sees the first one's work.
    """
    target = len(migrations)
    with engine.connect() as conn:
        found = _user_version(conn)
    if found == target:
        return found
    if found > target:
        raise NewerDatabaseError(path, found, target)
    if found > 0:
        backup(path, found)
    with write_engine.begin() as conn:
        current = _user_version(conn)  # re-read under the write lock: a rival may have migrated meanwhile
        if current > target:
            raise NewerDatabaseError(path, current, target)
        if current == 0:
            tables = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).scalar_one()
            if tables:
                raise NotSvyazkaDatabaseError(path, "в нём уже есть таблицы другой программы")
            migrations[0](conn)
        else:
            for step in migrations[current:]:
                step(conn)
        conn.exec_driver_sql(f"PRAGMA user_version = {int(target)}")
    return found


def _user_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
