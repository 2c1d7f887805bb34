"""The ``filter=`` parser and evaluator (DOC:_general "Фильтрация выборки с помощью параметра filter").

* Conditions are separated by ``;``; a literal ``;`` inside a value is written ``\\;``. The query string is
  URL-decoded first (so an encoded ``%3B`` still separates conditions, as on the real service).
* Operators: ``=`` ``!=`` ``>`` ``<`` ``>=`` ``<=`` ``~`` (contains) ``~=`` (starts with) ``=~`` (ends with);
  the like-operators work on strings only and ignore case.
* Repeated ``=`` on one field means OR, repeated ``!=`` means AND; different fields combine with AND.
* ``=`` and a range operator on one field is an error (400/1034). Repeated ``>`` etc.: the first counts.
* ``field=`` matches an empty value, ``field!=`` a present one.
* Unknown fields → 400/1034; a value of the wrong type → 400/1014; a bad date → 400/1035.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.refs import Ref, parse_href
from app.sandbox.moysklad.timefmt import parse_filter_moment

Record = dict[str, Any]
Predicate = Callable[[Record], bool]
Getter = Callable[[Any, Record], Any]  # (state, record) -> value

RANGE_OPS = frozenset({">", "<", ">=", "<="})
LIKE_OPS = frozenset({"~", "~=", "=~"})
_TWO_CHAR_OPS = (">=", "<=", "!=", "~=", "=~")
_OPERATOR_CHARS = "=<>!~"


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: str


def split_conditions(text: str) -> list[str]:
    """Split on ``;`` except ``\\;``, which becomes a literal ``;``."""
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and text[i + 1] == ";":
            current.append(";")
            i += 2
            continue
        if ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
        i += 1
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def parse_condition(text: str) -> Condition:
    index = next((i for i, ch in enumerate(text) if ch in _OPERATOR_CHARS), -1)
    if index <= 0:
        raise errors.filter_error(f"неверное условие фильтрации '{text}'")
    name = text[:index].strip()
    rest = text[index:]
    op = rest[:2] if rest[:2] in _TWO_CHAR_OPS else rest[:1]
    if op == "!":
        raise errors.filter_error(f"неизвестный оператор в условии '{text}'")
    return Condition(field=name, op=op, value=rest[len(op):])


def parse_filters(values: list[str]) -> list[Condition]:
    """All ``filter`` parameters of a request (repeating the parameter is the same as ``;``)."""
    return [parse_condition(part) for value in values for part in split_conditions(value)]


@dataclass(frozen=True)
class FilterField:
    """How one filterable field is read and compared.

    kind: ``string`` | ``number`` | ``datetime`` | ``bool`` | ``uuid`` | ``ref`` (href values, compared by id) |
    ``strlist`` (any element matches, e.g. tags, barcodes) | ``reflist`` (any referenced id matches) |
    ``enum`` (one of ``values``).
    """

    kind: str
    getter: Getter | None = None  # None: the record's own field of that name
    values: tuple[str, ...] = ()
    sortable: bool = True
    allowed_ops: frozenset[str] | None = None  # None: every operator the kind supports

    def read(self, state: Any, record: Record, name: str) -> Any:
        if self.getter is not None:
            return self.getter(state, record)
        return record.get(name)


@dataclass
class _FieldPlan:
    name: str
    spec: FilterField
    equals: list[Any] = field(default_factory=list)
    not_equals: list[Any] = field(default_factory=list)
    likes: list[tuple[str, str]] = field(default_factory=list)
    ranges: dict[str, Any] = field(default_factory=dict)


_SUPPORTED = {
    "string": {"=", "!=", "~", "~=", "=~"},
    "number": {"=", "!=", ">", "<", ">=", "<="},
    "datetime": {"=", "!=", ">", "<", ">=", "<="},
    "bool": {"=", "!="},
    "uuid": {"=", "!="},
    "ref": {"=", "!="},
    "strlist": {"=", "!=", "~", "~=", "=~"},
    "reflist": {"=", "!="},
    "enum": {"=", "!="},
}


def _convert(spec: FilterField, name: str, value: str) -> Any:
    """A filter value as the comparable Python value ("" stays "" = "empty")."""
    if value == "":
        return ""
    kind = spec.kind
    if kind in ("string", "strlist", "uuid"):
        return value
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            raise errors.filter_value(value, name) from None
    if kind == "datetime":
        try:
            return parse_filter_moment(value)
        except ValueError:
            raise errors.filter_date() from None
    if kind == "bool":
        if value not in ("true", "false"):
            raise errors.filter_value(value, name)
        return value == "true"
    if kind in ("ref", "reflist"):
        parsed = parse_href(value)
        if parsed is None:
            raise errors.filter_value(value, name)
        return parsed.id
    if kind == "enum":
        if value not in spec.values:
            raise errors.filter_enum(value, name, ", ".join(spec.values))
        return value
    raise errors.filter_error(f"поле '{name}' не поддерживает фильтрацию")  # pragma: no cover


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _plain(value: Any) -> Any:
    return value.id if isinstance(value, Ref) else value


def _equals(actual: Any, expected: Any, kind: str) -> bool:
    if expected == "":
        return _is_empty(actual)
    if kind in ("strlist", "reflist"):
        return any(_plain(item) == expected for item in (actual or ()))
    return _plain(actual) == expected


def _like(actual: Any, op: str, needle: str, kind: str) -> bool:
    if kind == "strlist":
        return any(_like(item, op, needle, "string") for item in (actual or ()))
    if not isinstance(actual, str):
        return False
    haystack, needle = actual.lower(), needle.lower()
    if op == "~":
        return needle in haystack
    if op == "~=":
        return haystack.startswith(needle)
    return haystack.endswith(needle)


def _compare(actual: Any, op: str, bound: Any) -> bool:
    if actual is None or bound == "":
        return False
    if isinstance(bound, datetime) and not isinstance(actual, datetime):
        return False
    if op == ">":
        return bool(actual > bound)
    if op == "<":
        return bool(actual < bound)
    if op == ">=":
        return bool(actual >= bound)
    return bool(actual <= bound)


def compile_filters(conditions: list[Condition], fields: dict[str, FilterField], state: Any) -> Predicate:
    """One predicate for a list of conditions, checked against the entity's filterable fields."""
    plans: dict[str, _FieldPlan] = {}
    for cond in conditions:
        spec = fields.get(cond.field)
        if spec is None:
            raise errors.filter_error(f"неизвестное поле фильтрации '{cond.field}'")
        allowed = spec.allowed_ops if spec.allowed_ops is not None else _SUPPORTED[spec.kind]
        if cond.op not in allowed:
            raise errors.filter_error(f"оператор '{cond.op}' не поддерживается для поля '{cond.field}'")
        plan = plans.setdefault(cond.field, _FieldPlan(cond.field, spec))
        if cond.op in LIKE_OPS:
            plan.likes.append((cond.op, cond.value))
            continue
        value = _convert(spec, cond.field, cond.value)
        if cond.op == "=":
            plan.equals.append(value)
        elif cond.op == "!=":
            plan.not_equals.append(value)
        else:
            plan.ranges.setdefault(cond.op, value)  # a repeated range operator: only the first counts
    for plan in plans.values():
        if plan.equals and plan.ranges:
            raise errors.filter_error(
                f"для поля '{plan.name}' нельзя одновременно использовать оператор '=' и операторы сравнения"
            )

    checks = [_field_predicate(plan, state) for plan in plans.values()]
    if not checks:
        return lambda record: True
    if len(checks) == 1:
        return checks[0]
    return lambda record: all(check(record) for check in checks)


_PLAIN_KINDS = frozenset({"string", "number", "datetime", "bool", "uuid", "enum"})


def _field_predicate(plan: _FieldPlan, state: Any) -> Predicate:
    spec, name, kind = plan.spec, plan.name, plan.spec.kind
    equals, not_equals, likes, ranges = plan.equals, plan.not_equals, plan.likes, list(plan.ranges.items())
    if equals and not not_equals and not likes and not ranges and kind in _PLAIN_KINDS and "" not in equals:
        # the common ``field=a;field=b`` on a plain value (``archived=true;archived=false`` on every sync
        # page): a membership test, the same comparisons as ``_equals`` without its per-value calls
        wanted = tuple(equals)
        if spec.getter is None:
            return lambda record: record.get(name) in wanted
        getter = spec.getter
        return lambda record: getter(state, record) in wanted

    def check(record: Record) -> bool:
        actual = spec.read(state, record, name)
        if equals and not any(_equals(actual, expected, kind) for expected in equals):
            return False
        if any(_equals(actual, excluded, kind) for excluded in not_equals):
            return False
        if any(not _like(actual, op, needle, kind) for op, needle in likes):
            return False
        return all(_compare(actual, op, bound) for op, bound in ranges)

    return check


def mentioned(conditions: list[Condition]) -> set[str]:
    return {c.field for c in conditions}


def sort_key(spec: FilterField, state: Any, name: str) -> Callable[[Record], tuple[int, Any]]:
    """Sort key with empty values first (asc), comparable across None and values."""

    def key(record: Record) -> tuple[int, Any]:
        value = _plain(spec.read(state, record, name))
        if value is None or value == "":
            return (0, "")
        if isinstance(value, str):
            return (1, value.lower())
        return (1, value)

    return key
