from decimal import Decimal

import pytest

from app.money import MoneyError, kopecks_to_rub, rub, rub_to_json, rub_to_kopecks


@pytest.mark.parametrize(
    ("kop", "roubles"),
    [(3353.0, "33.53"), (0.0, "0.00"), (1, "0.01"), (99999999.0, "999999.99"), (150050, "1500.50")],
)
def test_kopecks_round_trip(kop, roubles):
    assert kopecks_to_rub(kop) == Decimal(roubles)
    assert rub_to_kopecks(Decimal(roubles)) == float(kop)


def test_float_noise_never_leaks():
    # 0.1 + 0.2 is 0.30000000000000004 as a float; money must not see that
    assert rub(0.1 + 0.2) == Decimal("0.30")
    assert rub_to_kopecks(19.99) == 1999.0
    assert rub_to_json(Decimal("1500")) == 1500
    assert rub_to_json(Decimal("33.53")) == 33.53


def test_comma_decimal_from_a_human():
    assert rub("1 234,5".replace(" ", "")) == Decimal("1234.50")


@pytest.mark.parametrize("bad", ["abc", float("nan"), float("inf"), None, True])
def test_bad_values_raise_money_error(bad):
    with pytest.raises(MoneyError):
        rub(bad)


def test_rub_amount_is_rub_remembered_by_value() -> None:
    from app.money import rub_amount

    for value in (Decimal("33.535"), Decimal("1.0"), Decimal("1.00"), Decimal("-0.004"), Decimal("1E+2")):
        assert rub_amount(value) == rub(value)
        assert str(rub_amount(value)) == str(rub(value))  # two places, whichever equal value came first
    with pytest.raises(MoneyError):
        rub_amount(Decimal("sNaN"))
    with pytest.raises(MoneyError):
        rub_amount(Decimal("NaN"))
