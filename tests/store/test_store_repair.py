"""``repair``: a damaged file is put aside untouched and a new one keeps what can still be read from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import Database, DatabaseDamagedError, SyncSettings
from app.store.repair import is_damaged, repair
from tests.store.damage import table_pages, write_garbage


def _filled(path: Path) -> tuple[int, list[int]]:
    """A profile with settings, 600 conflicts (several pages; the first and last decided) and 600 links."""
    with Database.open(path) as db:
        profile = db.profiles.create("Магазин", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2",
                                     "token")
        db.settings(profile.id).save_sync(SyncSettings(first_sync_days=7, match_key="barcode"))
        conflicts = db.conflicts(profile.id)
        conflicts.record_many({"kind": "duplicate_key", "key": f"ART-{n:04}", "title": f"Дубль артикула {n} " * 5}
                              for n in range(600))
        listed = sorted(c.id for c in conflicts.list())
        conflicts.ignore(listed[0])
        conflicts.resolve(listed[-1], {"action": "pick", "ms_id": "abc"})
        db.cursors(profile.id).set("orders", "history_since_id", 1234)
        db.cursors(profile.id).set("orders", "first_sync_from", "2026-01-01")
        return profile.id, listed


def test_repair_keeps_the_damaged_file_and_what_is_still_readable(tmp_path: Path) -> None:
    path = tmp_path / "svyazka.sqlite3"
    _, ids = _filled(path)
    _, leaves = table_pages(path, "conflicts")
    assert len(leaves) >= 4
    write_garbage(path, [leaves[1]])  # one page in the middle of the conflicts
    damaged_bytes = path.read_bytes()
    assert is_damaged(path)
    with Database.open(path) as db, pytest.raises(DatabaseDamagedError, match="svyazka repair"):
        db.conflicts(1).list()

    report = repair(path)

    assert report.damaged.read_bytes() == damaged_bytes  # kept exactly as it was
    assert report.profiles == ["Магазин"] and "conflicts" in report.lost
    with Database.open(path) as db:
        (profile,) = db.profiles.list()
        settings = db.settings(profile.id).load_sync()
        assert (settings.first_sync_days, settings.match_key) == (7, "barcode")
        # a fact about the account is kept; how far the last run got is not (the next one reads everything again)
        assert db.cursors(profile.id).get("orders", "first_sync_from") == "2026-01-01"
        assert db.cursors(profile.id).get("orders", "history_since_id") is None
        kept = {c.id: c for c in db.conflicts(profile.id).list(status=None)}
        assert 0 < len(kept) < len(ids) and len(kept) == report.kept["conflicts"]
        assert kept[ids[0]].status == "ignored"  # decisions before and after the damaged page survive
        assert kept[ids[-1]].resolution == {"action": "pick", "ms_id": "abc"}
        assert db.links(profile.id).count("offer") == 0  # links are found again by the next sync
    assert not is_damaged(path)


def test_a_file_whose_tables_are_all_unreadable_still_gives_a_new_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "svyazka.sqlite3"
    _filled(path)
    roots = [table_pages(path, t)[0] for t in ("profiles", "settings", "cursors", "conflicts")]
    write_garbage(path, roots)
    report = repair(path)
    assert report.profiles == [] and report.damaged.exists()
    with Database.open(path) as db:
        assert db.profiles.list() == []
