"""Conversions at the JSON edge: kopecks <-> rouble numbers, quantities, RetailCRM date strings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from app.money import MoneyError, rub

from .models import Number

DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"


def kop_json(kopecks: int) -> int | float:
    """Kopecks to a RetailCRM rouble number: an int when whole, else a float with two decimals.

    ``k / 100`` is the correctly rounded double of the exact quotient, and its repr is the two-decimal
    string, so nothing is lost on the wire.
    """
    if kopecks % 100 == 0:
        return kopecks // 100
    return kopecks / 100


def kop_decimal(kopecks: int) -> Decimal:
    return (Decimal(kopecks) / 100).quantize(Decimal("0.01"))


def to_kopecks(value: Any) -> int:
    """A rouble amount from JSON (int, float, Decimal or numeric string) to kopecks; ValueError if not one."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not an amount")
    try:
        return int(rub(value) * 100)
    except MoneyError as exc:
        raise ValueError("not an amount") from exc


def to_number(value: Any) -> Number:
    """A quantity from JSON; ValueError if it is not a finite number."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite():
        raise ValueError("not a number")
    if number == number.to_integral_value():
        return int(number)
    return number


def num_json(value: Number) -> int | float:
    return value if isinstance(value, int) else float(value)


def fmt_dt(moment: datetime) -> str:
    return moment.strftime(DATETIME_FORMAT)


def fmt_date(day: date) -> str:
    return day.strftime(DATE_FORMAT)


def parse_dt(text: Any) -> datetime:
    """``Y-m-d H:i:s`` (the API's date-time format); ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a date-time")
    return datetime.strptime(text.strip(), DATETIME_FORMAT)


def parse_date(text: Any) -> date:
    """``Y-m-d`` (the API's date format); ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a date")
    return datetime.strptime(text.strip(), DATE_FORMAT).date()


def parse_dt_or_date(text: Any, *, end_of_day: bool = False) -> datetime:
    """History filters take ``Y-m-d H:i:s``; a bare ``Y-m-d`` means the start (or end) of that day."""
    try:
        return parse_dt(text)
    except ValueError:
        day = parse_date(text)
        moment = datetime(day.year, day.month, day.day)
        return moment.replace(hour=23, minute=59, second=59) if end_of_day else moment


def jsonable(value: Any) -> Any:
    """Echoed client data (custom fields, properties) with Decimals turned back into JSON numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value
