"""Money at the edges: MoySklad speaks kopecks as JSON floats, RetailCRM speaks roubles as JSON numbers.

Inside Svyazka every amount is a :class:`decimal.Decimal` number of roubles with two places, so no
float rounding ever touches a price on its way between the two services.
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

KOPECK = Decimal("0.01")


class MoneyError(ValueError):
    """A value that cannot be an amount of money (NaN, infinity, text)."""


def _to_decimal(value: object) -> Decimal:
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):  # bool is an int subclass; True is never a price
        raise MoneyError(f"not an amount of money: {value!r}")
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest string that round-trips, so 3353.0 -> "3353.0", 0.1 -> "0.1"
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "."))
        except InvalidOperation as exc:
            raise MoneyError(f"not an amount of money: {value!r}") from exc
    else:
        raise MoneyError(f"not an amount of money: {value!r}")
    if not result.is_finite():
        raise MoneyError(f"not an amount of money: {value!r}")
    return result


def rub(value: object) -> Decimal:
    """Roubles as a Decimal with exactly two places (half-up, as a cashier rounds)."""
    return _to_decimal(value).quantize(KOPECK, rounding=ROUND_HALF_UP)


@functools.lru_cache(maxsize=1 << 16)
def _rub_of_amount(value: Decimal) -> Decimal:
    return rub(value)


def rub_amount(value: Decimal) -> Decimal:
    """:func:`rub` of a Decimal, remembered: plans compare 150,000 prices drawn from a few thousand amounts.
    The result depends on the value only (``1.0`` and ``1.00`` give the same), so equal keys are safe."""
    if value.is_snan():  # not hashable; rub() says what is wrong with it
        return rub(value)
    return _rub_of_amount(value)


def kopecks_to_rub(value: object) -> Decimal:
    """MoySklad kopecks (``3353.0``) to roubles (``Decimal('33.53')``)."""
    return rub(_to_decimal(value) / 100)


def rub_to_kopecks(value: object) -> float:
    """Roubles to the kopecks float MoySklad expects (``Decimal('33.53')`` -> ``3353.0``).

    The result is a whole number of kopecks, so the float is exact.
    """
    kop = (rub(value) * 100).to_integral_value(rounding=ROUND_HALF_UP)
    return float(kop)


def rub_to_json(value: object) -> float | int:
    """Roubles for a RetailCRM JSON body: an int when whole, else a float with at most 2 places.

    Floats with two decimals print back exactly (``repr(33.53) == '33.53'``), so nothing is lost.
    """
    amount = rub(value)
    if amount == amount.to_integral_value():
        return int(amount)
    return float(amount)
