"""Which MoySklad barcode type a RetailCRM barcode becomes."""

from __future__ import annotations

import pytest

from app.sync.barcodes import is_ean13, ms_barcode


@pytest.mark.parametrize(("code", "valid"), [
    ("4006381333931", True),
    ("2000000000008", True),
    ("2000000000000", False),  # the MoySklad docs' example: accepted there, but not an EAN-13
    ("400638133393", False),
    ("40063813339311", False),
    ("400638133393A", False),
    ("４００６３８１３３３９３１", False),  # full-width digits are digits to str.isdigit, not to a scanner
])
def test_ean13_check_digit(code: str, valid: bool) -> None:
    assert is_ean13(code) is valid


@pytest.mark.parametrize(("raw", "expected"), [
    ("4006381333931", {"ean13": "4006381333931"}),
    (" 4006381333931\n", {"ean13": "4006381333931"}),
    ("4006381333932", {"code128": "4006381333932"}),
    ("ABC 123-x/~", {"code128": "ABC 123-x/~"}),
    ("x" * 255, {"code128": "x" * 255}),
    ("x" * 256, None),
    ("Штрих", None),
    ("AB\tC", None),
    ("", None),
    ("   ", None),
    (None, None),
])
def test_ms_barcode(raw: str | None, expected: dict[str, str] | None) -> None:
    assert ms_barcode(raw) == expected
