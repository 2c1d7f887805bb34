"""Small, forgiving readers for JSON answers: the services omit empty fields and PHP sends ``[]`` for ``{}``.

Every reader returns a plain Python value or ``None``; only :func:`require` raises (a
:class:`ProtocolError`), for fields without which an answer makes no sense.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.clients.errors import ProtocolError, not_api_message
from app.money import MoneyError, kopecks_to_rub, rub


def as_map(value: Any) -> dict[str, Any]:
    """A JSON object as a dict; ``[]``, ``None`` and other non-objects as ``{}`` (PHP's empty map)."""
    return dict(value) if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    """A JSON array as a list; an object keyed by id/code as its values; anything else as ``[]``."""
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return []


def text(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    result = str(value)
    return result if result != "" else None


def integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def boolean(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if value in (1, "1", "true", "True"):
        return True
    if value in (0, "0", "false", "False"):
        return False
    return default


def decimal(value: Any) -> Decimal | None:
    """A quantity (not money) as an exact Decimal: ``46.5`` -> ``Decimal('46.5')``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def roubles(value: Any) -> Decimal | None:
    """RetailCRM money (roubles as a JSON number) as ``Decimal`` with two places."""
    if value is None:
        return None
    try:
        return rub(value)
    except MoneyError:
        return None


def kopecks(value: Any) -> Decimal | None:
    """MoySklad money (kopecks as a JSON float) as roubles ``Decimal``."""
    if value is None:
        return None
    try:
        return kopecks_to_rub(value)
    except MoneyError:
        return None


_DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S")


def timestamp(value: Any) -> datetime | None:
    """``2021-02-25 09:37:48`` (RetailCRM) or ``2026-03-25 17:44:31.829`` (MoySklad), naive local time."""
    raw = text(value)
    if raw is None:
        return None
    for fmt in _DATETIME_FORMATS:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def day(value: Any) -> date | None:
    raw = text(value)
    if raw is None:
        return None
    try:
        return datetime.strptime(raw[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def require(data: Mapping[str, Any], key: str, service: str, what: str) -> Any:
    """``data[key]``, or a :class:`ProtocolError` naming what was missing."""
    if key not in data or data[key] is None:
        raise ProtocolError(service, not_api_message(service), detail=f"{what}: no '{key}' in the answer")
    return data[key]


def id_from_href(href: Any) -> str | None:
    """The last path segment of a MoySklad href (``…/entity/store/<uuid>?expand=x`` -> ``<uuid>``)."""
    raw = text(href)
    if not raw:
        return None
    return raw.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or None


def meta_id(ref: Any) -> str | None:
    """The id of a MoySklad reference ``{"meta": {"href": …}}`` (or of an expanded object)."""
    obj = as_map(ref)
    if text(obj.get("id")):
        return text(obj.get("id"))
    return id_from_href(as_map(obj.get("meta")).get("href"))
