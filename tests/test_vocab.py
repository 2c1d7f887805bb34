"""The enums of app/vocab.py keep the strings stored before they existed: a database written by the previous
code (plain strings in the settings JSON and the conflicts table) loads into members, and what this version
writes is the very same text."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from app.store import Database
from app.store.conflicts import RESOLUTION_ACTIONS
from app.sync.conflict_key import ConflictKey
from app.vocab import CatalogMode, ConflictKind, Master, MatchKey, ResolutionAction, StockType

# The literals the code used before the enums (app/store/settings.py, app/store/conflicts.py at 42aedb9).
PREVIOUS = {
    ConflictKind: ("duplicate_key", "only_in_moysklad", "only_in_retailcrm", "archived_in_moysklad",
                   "unlinked_order_line", "unmapped_status", "unmapped_store", "ambiguous_counterparty", "bad_data",
                   # added since (issue 15): stored as they are written here from now on
                   "required_attribute", "order_changed_both_sides"),
    ResolutionAction: ("pick", "link", "create", "ignore", "use_retailcrm", "use_moysklad", "gone"),
    Master: ("moysklad", "retailcrm"),
    CatalogMode: ("crm", "icml"),
    StockType: ("stock", "freeStock"),
    MatchKey: ("article", "code", "external-code", "barcode"),
}


def test_values_are_the_stored_strings() -> None:
    for enum, values in PREVIOUS.items():
        assert tuple(m.value for m in enum) == values
        for member in enum:
            assert member == member.value and f"{member}" == member.value
            assert json.dumps(member) == json.dumps(member.value)
    assert RESOLUTION_ACTIONS == ("pick", "link", "create", "ignore", "use_retailcrm", "use_moysklad")


def _raw(path: Path, sql: str, params: tuple[object, ...]) -> None:
    with sqlite3.connect(path) as con:
        con.execute(sql, params)


def test_a_database_written_by_the_previous_code_loads_into_members(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = Database.open(path)
    try:
        profile = db.profiles.create("Shop", "https://demo.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "a")
    finally:
        db.close()
    # written the way the previous code wrote them: plain JSON strings and plain kind/action text
    old = {"match_key": "external-code", "master": "retailcrm", "stock_type": "freeStock", "catalog_mode": "icml"}
    _raw(path, "INSERT INTO settings (profile_id, key, value) VALUES (?, 'sync', ?)", (profile.id, json.dumps(old)))
    db = Database.open(path)
    try:
        repo = db.conflicts(profile.id)
        repo.record(ConflictKind.UNLINKED_ORDER_LINE, "unlinked_order_line:offer:12", "t")
        conflict = repo.record(ConflictKind.BAD_DATA, "bad_data:order:7", "t")
        repo.resolve(conflict.id, {"action": "ignore"})
    finally:
        db.close()
    with sqlite3.connect(path) as con:
        stored = con.execute("SELECT kind, key, resolution FROM conflicts ORDER BY id").fetchall()
    assert stored == [("unlinked_order_line", "unlinked_order_line:offer:12", None),
                      ("bad_data", "bad_data:order:7", '{"action":"ignore"}')]

    db = Database.open(path)
    try:
        settings = db.settings(profile.id).load_sync()
        assert settings.match_key is MatchKey.EXTERNAL_CODE
        assert settings.master is Master.RETAILCRM
        assert settings.stock_type is StockType.FREE_STOCK
        assert settings.catalog_mode is CatalogMode.ICML
        assert settings.to_json()["stock_type"] == "freeStock"
        conflicts = {c.key: c for c in db.conflicts(profile.id).list()}
        assert conflicts["bad_data:order:7"].kind is ConflictKind.BAD_DATA
        assert conflicts["unlinked_order_line:offer:12"].kind is ConflictKind.UNLINKED_ORDER_LINE
        assert db.conflicts(profile.id).counts_by_kind() == {ConflictKind.UNLINKED_ORDER_LINE: 1}
        decided = db.conflicts(profile.id).resolutions(ConflictKind.BAD_DATA)
        assert decided == {"bad_data:order:7": {"action": "ignore"}}
    finally:
        db.close()


def test_a_stored_conflict_key_parses_into_its_kind() -> None:
    key = ConflictKey.parse("unlinked_order_line:order:5:line:2")
    assert key.kind is ConflictKind.UNLINKED_ORDER_LINE
    key = ConflictKey.of(ConflictKind.AMBIGUOUS_COUNTERPARTY, "customer", 42)
    assert str(key) == "ambiguous_counterparty:customer:42"
    assert ConflictKey.parse("from_a_newer_version:x").kind == "from_a_newer_version"  # kept, not refused


def test_every_conflict_kind_has_its_words_in_the_one_table_of_each_side() -> None:
    from app.alerts.events import CONFLICT_TITLES  # the CLI's and the alerts' words
    from app.ui.labels import CONFLICT_KIND_LABELS, RESOLUTION_LABELS  # the window's, translated by Qt

    assert set(CONFLICT_TITLES) == set(ConflictKind) == set(CONFLICT_KIND_LABELS)
    assert set(RESOLUTION_LABELS) == set(ResolutionAction)
