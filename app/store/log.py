"""The journal the shop owner reads: one human sentence per change, filterable, searchable.

Messages and details pass through :func:`app.redact.redact` on the way in, so a key that slipped into an
error text never reaches the disk. Text search folds case for Cyrillic too (SQLite's own LIKE folds ASCII
only), through the ``svyazka_casefold`` function the database registers on every connection.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, delete, func, insert, or_, select

from app.messages import Message, render_stored, split
from app.redact import redact
from app.store._util import chunked, driver_sql, require_choice, stored_timestamp
from app.store.models import LogRow
from app.store.types import dump_redacted_json, utcnow

if TYPE_CHECKING:
    from app.store.database import Database

LEVELS = ("debug", "info", "warning", "error")  # in rising severity
FLOWS = ("catalog", "stock", "prices", "orders", "statuses", "system")


@dataclass(frozen=True)
class LogEntry:
    """A line to write. ``ts`` defaults to now. ``message`` is an app/messages :class:`Message` (stored as its
    Russian text plus ``code``/``params``) or a plain str (legacy: stored and shown as it is)."""

    level: str
    flow: str
    message: str | Message
    entity_type: str | None = None
    entity_ref: str | None = None  # what a person searches for: an order number, a SKU
    entity_url: str | None = None  # where to open it in RetailCRM or MoySklad
    details: Any = None  # JSON-able extra facts (before/after values, ids)
    run_id: int | None = None
    ts: datetime | None = None


@dataclass(frozen=True)
class LogRecord:
    """A line as stored."""

    id: int
    ts: datetime
    level: str
    flow: str
    message: str
    entity_type: str | None
    entity_ref: str | None
    entity_url: str | None
    details: Any
    run_id: int | None
    profile_id: int | None
    code: str | None = None  # app/messages code (None: a line written before codes, or a plain str)
    params: Any = None  # its parameters, JSON

    def text(self, lang: str = "ru") -> str:
        """The line in ``lang`` from its code when it has one, else the stored (Russian) text."""
        return render_stored(self.message, self.code, self.params, lang)


_COLUMNS = (
    LogRow.id,
    LogRow.ts,
    LogRow.level,
    LogRow.flow,
    LogRow.message,
    LogRow.entity_type,
    LogRow.entity_ref,
    LogRow.entity_url,
    LogRow.details,
    LogRow.run_id,
    LogRow.profile_id,
    LogRow.code,
    LogRow.params,
)

_INSERT_SQL = driver_sql(
    insert(LogRow),
    column_keys=[
        "profile_id",
        "run_id",
        "ts",
        "level",
        "flow",
        "entity_type",
        "entity_ref",
        "entity_url",
        "message",
        "details",
        "code",
        "params",
    ],
)


class LogRepository:
    """Log lines of one profile (``profile_id=None``: every line, and new lines belong to no profile)."""

    def __init__(self, db: Database, profile_id: int | None = None) -> None:
        self._db = db
        self.profile_id = profile_id

    def add(self, entry: LogEntry) -> None:
        self.add_many([entry])

    def add_many(self, entries: Iterable[LogEntry]) -> int:
        """Write many lines in few transactions (executemany). Returns how many."""
        written = 0
        for chunk in chunked(entries):
            now = utcnow()
            params = [self._params(entry, now) for entry in chunk]
            with self._db.session() as session:
                session.connection().exec_driver_sql(_INSERT_SQL, params)
            written += len(params)
        return written

    def query(
        self,
        level: str | None = None,
        levels: Iterable[str] | None = None,
        flow: str | Iterable[str] | None = None,
        run_id: int | None = None,
        text: str | None = None,
        limit: int = 200,
        offset: int = 0,
        newest_first: bool = True,
    ) -> list[LogRecord]:
        """Lines matching every given filter.

        ``level`` is a minimum ("warning" = warnings and errors); ``levels`` an exact set; ``text`` a
        case-insensitive substring of the message or the entity reference.
        """
        statement = self._filtered(select(*_COLUMNS), level, levels, flow, run_id, text)
        order = (LogRow.ts.desc(), LogRow.id.desc()) if newest_first else (LogRow.ts.asc(), LogRow.id.asc())
        statement = statement.order_by(*order).limit(limit).offset(offset)
        with self._db.read_session() as session:
            return [LogRecord(*row) for row in session.execute(statement)]

    def count(
        self,
        level: str | None = None,
        levels: Iterable[str] | None = None,
        flow: str | Iterable[str] | None = None,
        run_id: int | None = None,
        text: str | None = None,
    ) -> int:
        statement = self._filtered(select(func.count()).select_from(LogRow), level, levels, flow, run_id, text)
        with self._db.read_session() as session:
            return int(session.scalar(statement) or 0)

    def prune(self, older_than_days: int) -> int:
        """Delete lines older than that many days; returns how many went."""
        cutoff = utcnow() - timedelta(days=older_than_days)
        statement = delete(LogRow).where(LogRow.ts < cutoff)
        if self.profile_id is not None:
            statement = statement.where(LogRow.profile_id == self.profile_id)
        with self._db.session() as session:
            return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    # -- helpers ---------------------------------------------------------------------------------------------

    def _params(self, entry: LogEntry, now: datetime) -> dict[str, Any]:
        require_choice(entry.level, LEVELS, "log level")
        require_choice(entry.flow, FLOWS, "log flow")
        text, code, params = split(entry.message)
        return {
            "profile_id": self.profile_id,
            "run_id": entry.run_id,
            "ts": stored_timestamp(entry.ts or now),
            "level": entry.level,
            "flow": entry.flow,
            "entity_type": entry.entity_type,
            "entity_ref": entry.entity_ref,
            "entity_url": redact(entry.entity_url) if entry.entity_url else None,
            "message": redact(text),
            "details": None if entry.details is None else dump_redacted_json(entry.details),
            "code": code,
            "params": None if params is None else dump_redacted_json(params),
        }

    def _filtered(
        self,
        statement: Select[Any],
        level: str | None,
        levels: Iterable[str] | None,
        flow: str | Iterable[str] | None,
        run_id: int | None,
        text: str | None,
    ) -> Select[Any]:
        if self.profile_id is not None:
            statement = statement.where(LogRow.profile_id == self.profile_id)
        if level is not None:
            require_choice(level, LEVELS, "log level")
            statement = statement.where(LogRow.level.in_(LEVELS[LEVELS.index(level) :]))
        if levels is not None:
            statement = statement.where(LogRow.level.in_(list(levels)))
        if flow is not None:
            flows: Sequence[str] = [flow] if isinstance(flow, str) else list(flow)
            statement = statement.where(LogRow.flow.in_(flows))
        if run_id is not None:
            statement = statement.where(LogRow.run_id == run_id)
        if text:
            needle = text.strip().casefold()
            if needle:
                statement = statement.where(
                    or_(
                        func.instr(func.svyazka_casefold(LogRow.message), needle) > 0,
                        func.instr(func.svyazka_casefold(LogRow.entity_ref), needle) > 0,
                    )
                )
        return statement
