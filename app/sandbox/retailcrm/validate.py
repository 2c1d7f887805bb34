"""Small field readers for request bodies: each returns the value or records a message under its key.

RetailCRM answers a bad body with ``errors`` as ``{"field.path": "message"}``; collecting every problem
before failing lets one response name all of them, as the real validator does.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .models import Number
from .units import parse_date, parse_dt, to_kopecks, to_number

NOT_VALID = "This value is not valid."
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class Errors(dict[str, str]):
    def add(self, key: str, message: str = NOT_VALID) -> None:
        self.setdefault(key, message)


def text(value: Any, key: str, errors: Errors, *, max_len: int = 255, allow_empty: bool = True) -> str | None:
    """A string field; numbers are accepted and stringified, as PHP forms do."""
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        errors.add(key)
        return None
    result = str(value) if not isinstance(value, Decimal) else format(value, "f")
    if not allow_empty and not result.strip():
        errors.add(key, "This value should not be blank.")
        return None
    if len(result) > max_len:
        errors.add(key, f"This value is too long. It should have {max_len} characters or less.")
        return None
    return result


def flag(value: Any, key: str, errors: Errors) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("1", "0", "true", "false"):
        return value.lower() in ("1", "true")
    errors.add(key)
    return None


def integer(value: Any, key: str, errors: Errors, *, minimum: int | None = None) -> int | None:
    if value is None:
        return None
    result: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        result = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        result = int(value)
    if result is None:
        errors.add(key)
        return None
    if minimum is not None and result < minimum:
        errors.add(key, f"This value should be greater than or equal to {minimum}.")
        return None
    return result


def money(value: Any, key: str, errors: Errors, *, allow_negative: bool = False) -> int | None:
    """Roubles in, kopecks out."""
    if value is None:
        return None
    try:
        kopecks = to_kopecks(value)
    except ValueError:
        errors.add(key)
        return None
    if kopecks < 0 and not allow_negative:
        errors.add(key, "This value should be greater than or equal to 0.")
        return None
    return kopecks


def quantity(value: Any, key: str, errors: Errors, *, positive: bool = True) -> Number | None:
    if value is None:
        return None
    try:
        number = to_number(value)
    except ValueError:
        errors.add(key)
        return None
    if positive and number <= 0:
        errors.add(key, "This value should be greater than 0.")
        return None
    return number


def percent(value: Any, key: str, errors: Errors) -> Decimal | None:
    number = quantity(value, key, errors, positive=False)
    if number is None:
        return None
    if not 0 <= number <= 100:
        errors.add(key, "This value should be between 0 and 100.")
        return None
    return Decimal(number)


def day(value: Any, key: str, errors: Errors) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        errors.add(key, "This value is not a valid date (Y-m-d).")
        return None


def moment(value: Any, key: str, errors: Errors) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_dt(value)
    except ValueError:
        errors.add(key, "This value is not a valid datetime (Y-m-d H:i:s).")
        return None


def email(value: Any, key: str, errors: Errors) -> str | None:
    result = text(value, key, errors)
    if result and not _EMAIL.match(result.strip()):
        errors.add(key, "This value is not a valid email address.")
        return None
    return result


def time_interval(value: Any, key: str, errors: Errors) -> dict[str, str] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.add(key)
        return None
    result = {}
    for part in ("from", "to"):
        if part in value and value[part] is not None:
            if not isinstance(value[part], str) or not _TIME.match(value[part]):
                errors.add(f"{key}.{part}", "This value is not a valid time (H:i).")
                continue
            result[part] = value[part]
    return result or None


def mapping(value: Any, key: str, errors: Errors) -> dict[str, Any] | None:
    """A JSON object; PHP's empty array ``[]`` is accepted as an empty object."""
    if value is None:
        return None
    if isinstance(value, list) and not value:
        return {}
    if not isinstance(value, dict):
        errors.add(key)
        return None
    return value
