"""The orders' typed cursors keep the stored names and text forms, so existing databases keep working."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.store import Database
from app.sync.orders.cursors import (
    BIG_ACCOUNT_CURSOR,
    CURSOR_FLOW,
    FIRST_SYNC_CURSOR,
    HISTORY_CURSOR,
    REVERSE_CURSOR,
    WAITING_CURSOR,
    OrdersCursors,
    delivery_cursor,
)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Database, int]]:
    db = Database.open(tmp_path / "svyazka.sqlite3")
    profile = db.profiles.create("Shop", "https://demo.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "a@b")
    yield db, profile.id
    db.close()


def test_values_written_are_the_old_text_forms(store: tuple[Database, int]) -> None:
    db, profile_id = store
    raw = db.cursors(profile_id)
    cursors = OrdersCursors(raw)
    cursors.history_since_id = 4512
    cursors.waiting = {30, 4, 12}
    cursors.first_sync_from = date(2026, 1, 2)
    cursors.reverse_since = "2026-01-05 10:11:12.345"
    cursors.big_account = True
    cursors.set_delivery_service_id("Доставка", "svc-1")
    cursors.set_delivery_sync_id("Доставка", "sync-1")
    assert raw.all(CURSOR_FLOW) == {
        HISTORY_CURSOR: "4512",
        WAITING_CURSOR: "[4, 12, 30]",
        FIRST_SYNC_CURSOR: "2026-01-02",
        REVERSE_CURSOR: "2026-01-05 10:11:12.345",
        BIG_ACCOUNT_CURSOR: "1",
        "delivery_service_id:Доставка": "svc-1",
        "delivery_service_sync_id:Доставка": "sync-1",
    }
    cursors.forget_delivery_service("Доставка")
    assert cursors.delivery_service_id("Доставка") is None and cursors.delivery_sync_id("Доставка") is None


def test_values_an_older_database_holds_are_read(store: tuple[Database, int]) -> None:
    db, profile_id = store
    raw = db.cursors(profile_id)
    cursors = OrdersCursors(raw)
    assert (cursors.history_since_id, cursors.waiting, cursors.first_sync_from, cursors.big_account) == \
        (None, set(), None, False)
    raw.set(CURSOR_FLOW, HISTORY_CURSOR, "77")
    raw.set(CURSOR_FLOW, WAITING_CURSOR, '[1, "2", "x"]')
    raw.set(CURSOR_FLOW, FIRST_SYNC_CURSOR, "not a date")
    raw.set(CURSOR_FLOW, BIG_ACCOUNT_CURSOR, "0")
    raw.set(CURSOR_FLOW, delivery_cursor("delivery_service_id", "Курьер"), "svc-9")
    assert cursors.history_since_id == 77
    assert cursors.waiting == {1, 2}
    assert cursors.first_sync_from is None
    assert cursors.big_account is False
    assert cursors.delivery_service_id("Курьер") == "svc-9"
