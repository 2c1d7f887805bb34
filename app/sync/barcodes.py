"""Which MoySklad barcode type a RetailCRM barcode is written as.

MoySklad keeps barcodes as one-key objects whose key is the type (``ean13``, ``ean8``, ``code128``, ``gtin``,
``upc``; shared/docs/moysklad-api.md §5.2). It does not check an EAN-13's check digit: the official docs'
own example stores ``{"ean13": "2000000000000"}`` (check digit 0, the right one is 8) and answers 200
(api-remap-1.2-doc md/workbook/_workbook_barcode.md). So a mistyped number sent as ``ean13`` would be kept
and printed on labels no scanner reads. Only a real EAN-13 goes as ``ean13``; any other text a Code 128
label can carry goes as ``code128``; the rest is left out (the caller says so in the log).
"""

from __future__ import annotations

# MoySklad refuses a barcode longer than 255 characters (error 3011, api-remap-1.2-doc md/_errors.md).
MAX_LENGTH = 255


def is_ean13(code: str) -> bool:
    """13 digits whose last one is the GS1 check digit (weights 1 and 3 from the left)."""
    if len(code) != 13 or not code.isascii() or not code.isdigit():
        return False
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(code[:12]))
    return (10 - total % 10) % 10 == int(code[12])


def is_code128_text(code: str) -> bool:
    """Printable ASCII (space to ``~``), 1 to 255 characters: what a Code 128 label can show as text."""
    return 0 < len(code) <= MAX_LENGTH and all(" " <= ch <= "~" for ch in code)


def ms_barcode(raw: str | None) -> dict[str, str] | None:
    """The MoySklad barcode object for a RetailCRM barcode, or None when it cannot be written as either type.

    Surrounding spaces are dropped (a pasted value often carries them; no scanner reads them).
    """
    code = (raw or "").strip()
    if not code:
        return None
    if is_ean13(code):
        return {"ean13": code}
    if is_code128_text(code):
        return {"code128": code}
    return None
