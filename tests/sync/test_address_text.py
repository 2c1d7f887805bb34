"""The delivery address written to MoySklad keeps every part RetailCRM has (recorded answers as the source)."""

from __future__ import annotations

from app.clients.retailcrm_models import Address
from app.sync.orders.mapping import address_text
from tests.recorded import recorded


def _tver() -> dict:
    stores = recorded("References/testStores.json")["stores"]
    return next(s["address"] for s in stores if s["code"] == "tver")


def test_retailcrm_text_wins_when_there_is_one() -> None:
    assert address_text(Address.from_api(_tver())) == "ул. 2-я Переволоцкая, д. 50, стр. 5, корп. 1, кв./офис 13"


def test_parts_alone_keep_the_building_block_and_wing() -> None:
    parts = {k: v for k, v in _tver().items() if k != "text"}
    assert address_text(Address.from_api(parts)) == (
        "170040, Тверская область, Тверь, ул. 2-я Переволоцкая, д. 50, стр. 5, корп. 1, кв. 13")
