"""Small helpers shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy.dialects import sqlite
from sqlalchemy.sql.elements import ClauseElement

from app.store.types import UTCDateTime

T = TypeVar("T")

# Rows per write transaction in bulk operations: big enough to be fast (WAL, synchronous=NORMAL: a commit is
# cheap), small enough that another writer never waits long for the lock — the GUI saving a setting, or a sync's
# upload thread recording what RetailCRM just accepted while a records thread stores 50,000 links (10,000 rows
# a transaction held those threads up to 0.1 s at a time, and RetailCRM's rate went unused meanwhile).
BULK_CHUNK = 2_000


def chunked(items: Iterable[T], size: int = BULK_CHUNK) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def require_choice(value: str, allowed: Iterable[str], what: str) -> str:
    """``value`` if it is one of ``allowed``; a ValueError naming the choices otherwise (a programming error)."""
    choices = tuple(allowed)
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}; expected one of {', '.join(choices)}")
    return value


# Bulk paths run their statements at the driver level: the SQL is still built with SQLAlchemy (one compile),
# but per-row parameter processing, which costs more than SQLite itself at 100k rows, is skipped. Values
# must therefore be passed exactly as stored, e.g. timestamps through :func:`stored_timestamp`.
_NAMED_DIALECT = sqlite.dialect(paramstyle="named")
_timestamp_processor = UTCDateTime().bind_processor(_NAMED_DIALECT)


def driver_sql(statement: ClauseElement, column_keys: list[str] | None = None) -> str:
    """SQL text with ``:name`` placeholders, for ``Connection.exec_driver_sql(sql, [dict, ...])``."""
    return str(statement.compile(dialect=_NAMED_DIALECT, column_keys=column_keys))


def stored_timestamp(value: datetime) -> Any:
    """``value`` as the UTC timestamp columns store it."""
    return _timestamp_processor(value) if _timestamp_processor else value
