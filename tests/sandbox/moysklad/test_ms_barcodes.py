"""Barcodes in the MoySklad emulator validate as the docs say: GTIN is checked (3014), EAN-13 is not."""

from __future__ import annotations

import httpx
import pytest

from .support import error_codes


def _create(api: httpx.Client, barcodes: list[dict[str, str]]) -> httpx.Response:
    return api.post("/entity/product", json={"name": "Штрихкоды", "barcodes": barcodes})


def test_the_docs_example_barcodes_are_stored_as_sent(api: httpx.Client) -> None:
    """DOC:workbook/_workbook_barcode creates these (the EAN-13 and EAN-8 with wrong check digits) and gets 200."""
    sent = [{"ean8": "20000000"}, {"ean13": "2000000000000"}, {"code128": "code128 barcode"},
            {"gtin": "00000000000130"}, {"upc": "400000000015"}]
    response = _create(api, sent)
    assert response.status_code == 200, response.text
    assert response.json()["barcodes"] == sent


@pytest.mark.parametrize(("gtin", "detail"), [
    ("0000000000013A", "только цифры"),
    ("123456789", "14, 13, 12 или 8 цифр"),
    ("00000000000131", "контрольная сумма"),
])
def test_a_bad_gtin_is_refused_with_3014(api: httpx.Client, gtin: str, detail: str) -> None:
    response = _create(api, [{"gtin": gtin}])
    assert response.status_code == 412
    assert error_codes(response) == [3014]
    assert detail in response.json()["errors"][0]["error"]


def test_an_update_validates_only_new_gtins_and_drops_empty_values(api: httpx.Client) -> None:
    product = _create(api, [{"gtin": "00000000000130"}]).json()
    # an old value is not checked again; a stored bad one cannot exist here, so check that a kept good one
    # passes together with an empty value, which is ignored
    kept = api.put(f"/entity/product/{product['id']}", json={"barcodes": [{"gtin": "00000000000130"}, {"ean13": ""}]})
    assert kept.status_code == 200, kept.text
    assert kept.json()["barcodes"] == [{"gtin": "00000000000130"}]
    bad = api.put(f"/entity/product/{product['id']}", json={"barcodes": [{"gtin": "00000000000131"}]})
    assert bad.status_code == 412 and error_codes(bad) == [3014]
