"""MoySklad's ``filter=`` parameter, built safely.

``Filter().eq("article", "A;1").ge("updated", dt)`` renders ``article=A\\;1;updated>=2026-01-01 10:00:00``:
conditions joined by ``;``, a literal ``;`` inside a value escaped as ``\\;`` (the only escape the service
knows), values formatted the way it parses them. URL encoding is left to httpx, which percent-encodes
``;``, ``=``, ``\\`` and Cyrillic in a query value.

Repeated ``=`` on one field means OR (``article=a;article=b``): :meth:`Filter.any_of`. Long OR-lists must
be split so each URL stays short: :func:`split_values` packs values into chunks whose encoded filter fits a
character budget.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

OPERATORS = ("=", "!=", ">", "<", ">=", "<=", "~", "~=", "=~")
_FIELD_FORBIDDEN = set(";=<>!~")


def format_value(value: object) -> str:
    """A Python value as MoySklad reads it in a filter (before escaping)."""
    if value is None:
        return ""  # "field=" matches an empty value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        base = value.strftime("%Y-%m-%d %H:%M:%S")
        return f"{base}.{value.microsecond // 1000:03d}" if value.microsecond else base
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def escape_value(value: object) -> str:
    """Format a value and escape ``;`` so it cannot end the condition."""
    return format_value(value).replace(";", "\\;")


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str  # formatted and escaped

    def render(self) -> str:
        return f"{self.field}{self.op}{self.value}"


class Filter:
    """An immutable list of filter conditions (all of them must hold; repeated ``=`` on a field is OR)."""

    __slots__ = ("conditions",)

    def __init__(self, conditions: Iterable[Condition] = ()) -> None:
        self.conditions: tuple[Condition, ...] = tuple(conditions)

    def where(self, field: str, op: str, value: object) -> Filter:
        if op not in OPERATORS:
            raise ValueError(f"unknown filter operator {op!r}")
        name = field.strip()
        if not name or _FIELD_FORBIDDEN & set(name):
            raise ValueError(f"not a filterable field name: {field!r}")
        return Filter((*self.conditions, Condition(name, op, escape_value(value))))

    def eq(self, field: str, value: object) -> Filter:
        return self.where(field, "=", value)

    def ne(self, field: str, value: object) -> Filter:
        return self.where(field, "!=", value)

    def gt(self, field: str, value: object) -> Filter:
        return self.where(field, ">", value)

    def ge(self, field: str, value: object) -> Filter:
        return self.where(field, ">=", value)

    def lt(self, field: str, value: object) -> Filter:
        return self.where(field, "<", value)

    def le(self, field: str, value: object) -> Filter:
        return self.where(field, "<=", value)

    def contains(self, field: str, value: object) -> Filter:
        return self.where(field, "~", value)

    def starts_with(self, field: str, value: object) -> Filter:
        return self.where(field, "~=", value)

    def ends_with(self, field: str, value: object) -> Filter:
        return self.where(field, "=~", value)

    def any_of(self, field: str, values: Iterable[object]) -> Filter:
        """``field=v1;field=v2;…``: any of the values (an empty list adds nothing)."""
        result = self
        for value in values:
            result = result.eq(field, value)
        return result

    def __and__(self, other: Filter) -> Filter:
        return Filter((*self.conditions, *other.conditions))

    def __bool__(self) -> bool:
        return bool(self.conditions)

    def __len__(self) -> int:
        return len(self.conditions)

    def render(self) -> str:
        return ";".join(c.render() for c in self.conditions)

    def encoded_length(self) -> int:
        """Characters the filter takes in a URL once percent-encoded."""
        return len(quote(self.render(), safe=""))

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Filter({self.render()!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Filter) and other.conditions == self.conditions

    def __hash__(self) -> int:
        return hash(self.conditions)


def split_values(field: str, values: Iterable[object], budget: int, base: Filter | None = None) -> Iterator[Filter]:
    """``base`` plus ``field=v1;field=v2…`` in as few filters as fit ``budget`` encoded characters each.

    A single value longer than the budget still gets a filter of its own (the service will judge it).
    Duplicates are sent once.
    """
    start = base or Filter()
    start_length = start.encoded_length()
    separator = len(quote(";", safe=""))
    current: list[object] = []
    length = start_length
    for value in dict.fromkeys(values):
        piece = Filter().eq(field, value).encoded_length() + (separator if length else 0)
        if current and length + piece > budget:
            yield start.any_of(field, current)
            current, length = [], start_length
            piece = Filter().eq(field, value).encoded_length() + (separator if length else 0)
        current.append(value)
        length += piece
    if current:
        yield start.any_of(field, current)


def with_archived(base: Filter | None = None) -> Filter:
    """``base`` plus ``archived=true;archived=false``: archived rows too. A list without an ``archived``
    condition shows only the non-archived ones ("archived=true;archived=false returns both; the default is
    only non-archived", shared/docs/moysklad-api.md §4 filter)."""
    return (base or Filter()).any_of("archived", (True, False))
