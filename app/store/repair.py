"""``svyazka repair``: a damaged database ("database disk image is malformed") is put aside, never deleted, and a
new one is started with what can still be read from it.

Kept, row by row (a row SQLite can no longer read is skipped, the rest still comes): the profiles, their
settings, the cursors that are facts about the accounts (the first-sync cut-off, the delivery service, page
sizes, catalog sizes) and the conflicts with the decisions taken on them. Not kept: the links, the pushed
values, the runs, the journal, and the cursors that say how far the last runs got (``_RESTARTED_CURSORS``), so
the next sync reads everything again as a first sync would and links what it finds. The links are facts the
services hold too, so the next sync finds them again instead of trusting a damaged copy: catalog items by their
match key, orders by ``externalCode`` (the RetailCRM id) before any create (app/sync/orders/existing.py),
counterparties by their rules, shipments from MoySklad's template of what is left to ship. Nothing is created
twice (tests/reliability/test_damaged_database.py). Lost pushed values only mean that stock and prices are
sent once more.

Reading a damaged file: SQLite's own ``.recover`` lives in its shell, not in Python's ``sqlite3``, so each table
is read in rowid order and, where a page fails, the reading jumps over it (doubling the jump until a read
works, then narrowing back to the first readable row after the damage).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, suppress
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from app.messages import msg
from app.store.errors import StoreError

# What a new file takes from the damaged one, parents first (settings, cursors and conflicts need their profile).
KEPT_TABLES = ("profiles", "settings", "cursors", "conflicts")
# Columns of the kept tables that point at what is not kept (conflicts.last_seen_run → runs).
_DROPPED_REFERENCES = {"conflicts": ("last_seen_run",)}
# (flow, name) of the cursors a repaired file starts without: the orders' history position and the reverse
# statuses' time (app/sync/orders/cursors.py HISTORY_CURSOR, REVERSE_CURSOR) and the stock's last passes
# (app/sync/stock/): with them, the next sync would only look at what changed since and would not
# find the links again.
_RESTARTED_CURSORS = {("orders", "history_since_id"), ("orders", "reverse_updated_since"),
                      ("stock", "last_poll"), ("stock", "last_full")}
_SIDE_FILES = ("-wal", "-shm")
_MAX_JUMP = 1 << 40


@dataclass
class RepairReport:
    damaged: Path  # where the damaged file now is (with its -wal/-shm, if it had them)
    kept: dict[str, int] = field(default_factory=dict)  # rows copied per table
    # tables with rows that could not be read: damaged spots jumped over plus rows refused (-1: the whole table)
    lost: dict[str, int] = field(default_factory=dict)
    profiles: list[str] = field(default_factory=list)


def is_damaged(path: Path) -> bool:
    """SQLite's ``quick_check`` on the file (read-only); True when it reports damage or cannot read it at all."""
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError:
        return True
    return [tuple(r) for r in rows] != [("ok",)]


def repair(path: Path, *, now: datetime | None = None) -> RepairReport:
    """Put the file at ``path`` aside and build a new one from what it still holds. Raises :class:`StoreError`
    (a sentence) when the file is missing or another Svyazka is using it."""
    path = Path(path)
    if not path.exists():
        raise StoreError(msg("store.repair_no_file", path=str(path)))
    _check_not_in_use(path)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    damaged = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        for suffix in ("", *_SIDE_FILES):
            source = Path(f"{path}{suffix}")
            if source.exists():
                os.replace(source, f"{damaged}{suffix}")
    except OSError as exc:
        raise StoreError(msg("store.repair_cannot_rename", path=str(path), error=str(exc.strerror or exc))) from exc
    report = RepairReport(damaged)
    # the damaged file stays exactly as it was: it is read through a scratch copy (SQLite may write to the
    # file it reads, folding its WAL in)
    scratch = path.with_name(f"{path.name}.repair-scratch")
    try:
        for suffix in ("", *_SIDE_FILES):
            if Path(f"{damaged}{suffix}").exists():
                shutil.copyfile(f"{damaged}{suffix}", f"{scratch}{suffix}")
        _build(path, scratch, report)
    finally:
        for suffix in ("", *_SIDE_FILES):
            with suppress(OSError):
                Path(f"{scratch}{suffix}").unlink()
    return report


def _check_not_in_use(path: Path) -> None:
    try:
        with closing(sqlite3.connect(path, timeout=1)) as conn:
            conn.isolation_level = None
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(msg("store.repair_busy", path=str(path))) from exc
    except sqlite3.DatabaseError:
        pass  # too damaged even to lock: nobody can be using it either


def _build(path: Path, scratch: Path, report: RepairReport) -> None:
    from app.store.database import Database

    Database.open(path).close()  # the current schema, empty
    with closing(sqlite3.connect(path)) as new, closing(sqlite3.connect(scratch)) as old:
        new.execute("PRAGMA foreign_keys=ON")
        for table in KEPT_TABLES:
            kept = lost = 0
            columns = _common_columns(old, new, table)
            if columns is None:
                report.lost[table] = -1
                continue
            insert = f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            dropped = _DROPPED_REFERENCES.get(table, ())
            rows = _readable_rows(old, table, columns)
            for row in rows:
                if table == "cursors" and _restarted(columns, row):
                    continue
                values = [None if name in dropped else value for name, value in zip(columns, row, strict=True)]
                try:
                    new.execute(insert, values)
                    kept += 1
                except sqlite3.DatabaseError:  # its profile was lost, or a value SQLite read back damaged
                    lost += 1
            new.commit()
            report.kept[table] = kept
            if lost or rows.skipped:
                report.lost[table] = lost + rows.skipped
        report.profiles = [name for (name,) in new.execute("SELECT name FROM profiles ORDER BY id")]


def _restarted(columns: list[str], row: tuple[object, ...]) -> bool:
    return (row[columns.index("flow")], row[columns.index("name")]) in _RESTARTED_CURSORS


def _common_columns(old: sqlite3.Connection, new: sqlite3.Connection, table: str) -> list[str] | None:
    """The columns both files have (the damaged file may be of an older schema); None: the table is unreadable."""
    wanted = [row[1] for row in new.execute(f"PRAGMA table_info({table})")]
    try:
        present = {row[1] for row in old.execute(f"PRAGMA table_info({table})")}
    except sqlite3.DatabaseError:
        return None
    columns = [c for c in wanted if c in present]
    return columns or None


class _Rows:
    """The readable rows of one table, in rowid order; ``skipped`` counts the jumps over unreadable pages."""

    def __init__(self, conn: sqlite3.Connection, table: str, columns: list[str]) -> None:
        self.conn, self.table, self.skipped = conn, table, 0
        self.select = f"SELECT rowid, {', '.join(columns)} FROM {table} WHERE rowid >= ? ORDER BY rowid"

    def __iter__(self) -> Iterator[tuple[object, ...]]:
        start = -(1 << 62)
        while True:
            try:
                for rowid, *values in self.conn.execute(self.select, (start,)):
                    start = rowid + 1
                    yield tuple(values)
                return
            except sqlite3.DatabaseError:
                self.skipped += 1
                resumed = self._first_readable_after(start)
                if resumed is None:
                    return
                start = resumed

    def _readable(self, rowid: int) -> bool | None:
        """True: rows from ``rowid`` on can be read; False: they cannot; None: there are none."""
        try:
            row = self.conn.execute(
                f"SELECT rowid FROM {self.table} WHERE rowid >= ? ORDER BY rowid LIMIT 1", (rowid,)
            ).fetchone()
        except sqlite3.DatabaseError:
            return False
        return None if row is None else True

    def _first_readable_after(self, failed: int) -> int | None:
        """Past the damaged page: jumps double until a read works, then a binary search back to the first
        rowid from which reading works again."""
        jump = 1
        while jump <= _MAX_JUMP:
            state = self._readable(failed + jump)
            if state is None:
                return None
            if state:
                break
            jump *= 2
        else:
            return None
        low, high = failed + jump // 2, failed + jump  # low fails (or is the failed row), high works
        while high - low > 1:
            middle = (low + high) // 2
            if self._readable(middle):
                high = middle
            else:
                low = middle
        return high


def _readable_rows(conn: sqlite3.Connection, table: str, columns: list[str]) -> _Rows:
    return _Rows(conn, table, columns)
