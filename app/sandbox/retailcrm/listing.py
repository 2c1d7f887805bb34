"""Lists: ``limit``/``page`` validation, the ``pagination`` object, and typed readers for ``filter[...]``.

``limit`` must be one of 20, 50, 100 (default 20); a few store lists also take 250. Anything else is
refused with 400 ``Errors in the input parameters`` and ``errors.limit``, as a Symfony choice field would.
The Python client's literal ``filter=None`` means "no filter"; any other bare ``filter`` value is refused.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from .errors import input_error
from .router import Call
from .units import parse_date, parse_dt_or_date

T = TypeVar("T")

LIMITS = (20, 50, 100)
LIMITS_250 = (20, 50, 100, 250)
NOT_VALID = "This value is not valid."


def page_params(call: Call, allowed: Sequence[int] = LIMITS) -> tuple[int, int]:
    if call.config.limit_250_everywhere:
        allowed = LIMITS_250
    errors: dict[str, str] = {}
    limit, page = 20, 1
    raw_limit = call.param("limit")
    if raw_limit is not None:
        if isinstance(raw_limit, str) and raw_limit.strip().isdigit() and int(raw_limit) in allowed:
            limit = int(raw_limit)
        else:
            choices = ", ".join(str(x) for x in allowed)
            errors["limit"] = f"The value you selected is not a valid choice. Allowed: {choices}."
    raw_page = call.param("page")
    if raw_page is not None:
        if isinstance(raw_page, str) and raw_page.strip().isdigit() and int(raw_page) >= 1:
            page = int(raw_page)
        else:
            errors["page"] = "This value should be greater than or equal to 1."
    if errors:
        raise input_error(errors)
    return limit, page


def paginate(items: Sequence[T], limit: int, page: int) -> tuple[list[T], dict[str, int]]:
    total = len(items)
    start = (page - 1) * limit
    chunk = list(items[start:start + limit])
    return chunk, {
        "limit": limit,
        "totalCount": total,
        "currentPage": page,
        "totalPageCount": math.ceil(total / limit),
    }


def read_filter(call: Call, known: Collection[str], unsupported: Collection[str] = (), name: str = "filter"
                ) -> dict[str, Any]:
    """The ``filter`` map, refusing names the real API does not know (``filter[statuses]`` on orders is a
    classic client bug) and naming the real ones this sandbox does not implement."""
    raw = call.param(name)
    if raw is None or raw in ("None", ""):
        return {}
    if isinstance(raw, list) and not raw:
        return {}
    if not isinstance(raw, dict):
        raise input_error({name: "This form should not contain extra fields."})
    errors: dict[str, str] = {}
    for key in raw:
        if key in unsupported:
            errors[f"children[{key}]"] = "This filter exists in RetailCRM but the Svyazka sandbox does not emulate it."
        elif key not in known:
            errors[name] = f"This form should not contain extra fields: {key}."
    if errors:
        raise input_error(errors)
    return raw


def _fail(key: str, message: str = NOT_VALID) -> None:
    raise input_error({f"children[{key}]": message})


def strings(flt: dict[str, Any], key: str) -> list[str] | None:
    """A list filter (``ids[]``); a single value is accepted as a one-element list."""
    if key not in flt:
        return None
    value = flt[key]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return list(value.values())
    _fail(key)
    return None


def ints(flt: dict[str, Any], key: str) -> list[int] | None:
    values = strings(flt, key)
    if values is None:
        return None
    if not all(v.strip().lstrip("-").isdigit() for v in values):
        _fail(key)
    return [int(v) for v in values]


def one_string(flt: dict[str, Any], key: str) -> str | None:
    if key not in flt:
        return None
    value = flt[key]
    if not isinstance(value, str):
        _fail(key)
    return str(value)


def one_int(flt: dict[str, Any], key: str) -> int | None:
    value = one_string(flt, key)
    if value is None:
        return None
    if not value.strip().lstrip("-").isdigit():
        _fail(key)
    return int(value)


def flag(flt: dict[str, Any], key: str) -> bool | None:
    value = one_string(flt, key)
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered not in ("1", "0", "true", "false"):
        _fail(key)
    return lowered in ("1", "true")


def day(flt: dict[str, Any], key: str) -> date | None:
    value = one_string(flt, key)
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        _fail(key, "This value is not a valid date (Y-m-d).")
    return None


def moment(flt: dict[str, Any], key: str, *, end_of_day: bool = False) -> datetime | None:
    value = one_string(flt, key)
    if value is None:
        return None
    try:
        return parse_dt_or_date(value, end_of_day=end_of_day)
    except ValueError:
        _fail(key, "This value is not a valid datetime (Y-m-d H:i:s).")
    return None
