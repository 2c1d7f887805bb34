"""Column types shared by the models: UTC timestamps and JSON kept as readable text."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from sqlalchemy import DateTime, Dialect, Text
from sqlalchemy.types import TypeDecorator

from app.redact import redact


def utcnow() -> datetime:
    """Now, as an aware UTC datetime (the only kind the store hands out)."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """An aware UTC datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC text (sorts and compares correctly), returned as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def _json_default(value: object) -> object:
    # Money stays exact (Decimal → "12.50"), never a float.
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def dump_json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _redact_leaves(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(k)): _redact_leaves(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_leaves(v) for v in value]
    return value


def dump_redacted_json(value: object) -> str:
    """JSON text with secrets masked; still valid JSON whatever the mask touched."""
    plain = dump_json(value)
    text = redact(plain)
    if text == plain:
        return text
    try:
        json.loads(text)
    except ValueError:
        # A pattern masked a non-string value (e.g. "apiKey": 123): fall back to masking string leaves.
        text = dump_json(_redact_leaves(json.loads(dump_json(value))))
    return text


class JSONText(TypeDecorator[Any]):
    """Any JSON value as UTF-8 text; ``redacted=True`` masks secrets before they reach the disk."""

    impl = Text
    cache_ok = True

    def __init__(self, redacted: bool = False) -> None:
        super().__init__()
        self.redacted = redacted

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return dump_redacted_json(value) if self.redacted else dump_json(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)
