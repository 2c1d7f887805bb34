"""Write-side field rules: what a POST/PUT body may put in each field, and the error when it may not.

Type errors are 400/2016 (verified for batches in the WMK client's README); references must be
``{"meta": {"href", "type"}}`` (2014 without meta, 2010 without href, 2011 without type, 2013 for an href
that names nothing the API has, 1060 when ``type`` disagrees with the href, 2027 for the wrong kind of
entity) and must exist (404/1021). Read-only and unknown fields are ignored, as the real service ignores
``meta``/``id``/``updated`` sent back by clients that round-trip whole objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.refs import Ref, is_uuid, ref_from_href
from app.sandbox.moysklad.timefmt import parse_body_moment, to_minute

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class FieldSpec:
    """kind: string | bool | int | number | ref | moment | address | strlist | enum | email | uuid."""

    kind: str
    refs: tuple[str, ...] = ()  # allowed ``meta.type`` values for refs
    max_len: int | None = 255
    values: tuple[str, ...] = ()
    minute: bool = False  # moments stored with minute precision


STRING = FieldSpec("string")
TEXT = FieldSpec("string", max_len=4096)
BOOL = FieldSpec("bool")
INT = FieldSpec("int")
NUMBER = FieldSpec("number")
MOMENT = FieldSpec("moment", minute=True)
ADDRESS = FieldSpec("address")
STRLIST = FieldSpec("strlist")
EMAIL = FieldSpec("email")


def ref(*types: str) -> FieldSpec:
    return FieldSpec("ref", refs=types)


def enum(*values: str) -> FieldSpec:
    return FieldSpec("enum", values=values)


def number_value(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise errors.wrong_type(name, "Double")
    return float(value)


def coerce(state: MoySkladState, name: str, spec: FieldSpec, value: Any) -> Any:
    """The stored form of ``value``; None clears the field."""
    if value is None:
        return None
    kind = spec.kind
    if kind == "string":
        if not isinstance(value, str):
            raise errors.wrong_type(name, "String")
        if spec.max_len is not None and len(value) > spec.max_len:
            raise errors.too_long(name, spec.max_len)
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise errors.wrong_type(name, "Boolean")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or float(value) != int(value):
            raise errors.wrong_type(name, "Int")
        return int(value)
    if kind == "number":
        return number_value(name, value)
    if kind == "moment":
        if not isinstance(value, str):
            raise errors.wrong_type(name, "DateTime")
        try:
            moment: datetime = parse_body_moment(value)
        except ValueError:
            raise errors.wrong_type(name, "DateTime") from None
        return to_minute(moment) if spec.minute else moment
    if kind == "ref":
        return resolve_ref(state, name, value, spec.refs)
    if kind == "address":
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise errors.wrong_type(name, "Object")
        return {k: v for k, v in value.items() if v is not None}
    if kind == "strlist":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise errors.wrong_type(name, "Array(String)")
        return list(value)
    if kind == "enum":
        if not isinstance(value, str):
            raise errors.wrong_type(name, "String")
        if value not in spec.values:
            raise errors.enum_value(name, value, spec.values)
        return value
    if kind == "email":
        if not isinstance(value, str):
            raise errors.wrong_type(name, "String")
        if value and not _EMAIL.match(value):
            raise errors.bad_email(value)
        return value
    if kind == "uuid":
        if not is_uuid(value):
            raise errors.bad_uuid(name)
        return str(value).lower()
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


def parse_ref(name: str, value: Any, allowed: tuple[str, ...]) -> Ref:
    """Check the shape of ``{"meta": {...}}`` and return the :class:`Ref` it names (existence unchecked)."""
    if not isinstance(value, dict) or "meta" not in value:
        raise errors.meta_missing(name)
    meta = value["meta"]
    if not isinstance(meta, dict):
        raise errors.meta_missing(name)
    href = meta.get("href")
    if not href:
        raise errors.href_missing(name)
    type_name = meta.get("type")
    if not type_name:
        raise errors.meta_type_missing(name)
    target = ref_from_href(href)
    if target is None:
        raise errors.bad_href(name)
    if target.type != type_name:
        raise errors.meta_type_mismatch(name)
    if allowed and target.type not in allowed:
        raise errors.wrong_ref_type(name, target.type, allowed)
    return target


def resolve_ref(state: MoySkladState, name: str, value: Any, allowed: tuple[str, ...]) -> Ref:
    """:func:`parse_ref` plus existence: the canonical Ref of the stored record, or 404/1021."""
    target = parse_ref(name, value, allowed)
    record = state.lookup(target)
    if record is None:
        raise errors.not_found(target.type, target.id, parameter=name)
    stored: Ref = record["_ref"]
    if target.type == "state" and stored.path != target.path:
        raise errors.bad_href(name)  # a state of another entity type
    return stored


def apply_sync_id(record: dict[str, Any], value: Any, *, creating: bool) -> None:
    if value is None:
        if not creating and record.get("syncId"):
            raise errors.sync_id_change()
        return
    if not is_uuid(value):
        raise errors.bad_uuid("syncId")
    value = str(value).lower()
    if not creating and record.get("syncId") != value:
        raise errors.sync_id_change()
    record["syncId"] = value
