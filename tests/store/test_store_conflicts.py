from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from app.store import Database, Profile


@dataclass(frozen=True)
class EngineConflict:
    """Shaped like the sync engine's Conflict: record_many takes such objects as they are."""

    kind: str
    key: str
    title: str
    ms_data: Any = None
    rc_data: Any = None


DUP = "duplicate_key:article:abc-1"


def test_record_then_refresh_keeps_the_users_resolution(db: Database, profile: Profile) -> None:
    conflicts = db.conflicts(profile.id)
    run1 = db.runs(profile.id).start("manual").id
    first = conflicts.record(
        "duplicate_key", DUP, "Артикул «ABC-1» есть у 2 товаров", ms_data=[{"id": "a"}, {"id": "b"}], run_id=run1
    )
    assert first.status == "open" and first.resolution is None and first.last_seen_run == run1

    pick = {"action": "pick", "ms_id": "a", "rc_id": "17"}
    resolved = conflicts.resolve(first.id, pick)
    assert resolved.status == "resolved" and resolved.resolved_at is not None

    run2 = db.runs(profile.id).start("schedule").id
    again = conflicts.record(
        "duplicate_key",
        DUP,
        "Артикул «ABC-1» есть у 3 товаров",
        ms_data=[{"id": "a"}, {"id": "b"}, {"id": "c"}],
        run_id=run2,
    )
    assert again.id == first.id
    assert again.status == "resolved" and again.resolution == pick  # the decision survived
    assert again.title.endswith("3 товаров") and len(again.ms_data) == 3  # the data was refreshed
    assert again.detected_at == first.detected_at and again.last_seen_run == run2
    assert conflicts.resolutions("duplicate_key") == {DUP: pick}


def test_ignore_reopen_list_and_counts(db: Database, profile: Profile) -> None:
    conflicts = db.conflicts(profile.id)
    conflicts.record_many(
        [
            EngineConflict("only_in_moysklad", "only_in_moysklad:ms-1", "Товар «Чай» есть только в МойСклад"),
            EngineConflict("only_in_moysklad", "only_in_moysklad:ms-2", "Товар «Кофе» есть только в МойСклад"),
            {"kind": "unmapped_status", "key": "unmapped_status:assembling", "title": "Статус не сопоставлен"},
        ]
    )
    assert conflicts.counts_by_kind() == {"only_in_moysklad": 2, "unmapped_status": 1}
    tea = conflicts.get_by_key("only_in_moysklad", "only_in_moysklad:ms-1")
    assert tea is not None
    ignored = conflicts.ignore(tea.id)
    assert ignored.status == "ignored" and ignored.resolution == {"action": "ignore"}
    assert conflicts.counts_by_kind() == {"only_in_moysklad": 1, "unmapped_status": 1}
    assert conflicts.counts_by_kind(status=None) == {"only_in_moysklad": 2, "unmapped_status": 1}
    assert [c.key for c in conflicts.list(status="ignored")] == ["only_in_moysklad:ms-1"]
    assert len(conflicts.list(kind="only_in_moysklad")) == 2
    assert conflicts.resolutions("only_in_moysklad") == {"only_in_moysklad:ms-1": {"action": "ignore"}}

    reopened = conflicts.reopen(tea.id)
    assert reopened.status == "open" and reopened.resolution is None and reopened.resolved_at is None
    assert conflicts.resolutions("only_in_moysklad") == {}


def test_close_missing_closes_what_a_full_run_did_not_see_and_reopens_on_return(db: Database, profile: Profile) -> None:
    conflicts = db.conflicts(profile.id)
    runs = db.runs(profile.id)
    run1 = runs.start("manual").id
    conflicts.record_many(
        [
            EngineConflict("duplicate_key", "k1", "one"),
            EngineConflict("duplicate_key", "k2", "two"),
            EngineConflict("bad_data", "k3", "three"),
        ],
        run_id=run1,
    )
    decided = conflicts.resolve(conflicts.get_by_key("duplicate_key", "k2").id, {"action": "create"})  # type: ignore[union-attr]

    run2 = runs.start("manual").id
    conflicts.record_many([EngineConflict("duplicate_key", "k1", "one")], run_id=run2)
    assert conflicts.close_missing(run2, kinds=["duplicate_key"]) == 0  # k2 is the user's, k1 was seen
    assert conflicts.close_missing(run2) == 1  # k3 (bad_data) was not seen in this full run
    gone = conflicts.get_by_key("bad_data", "k3")
    assert gone is not None and gone.status == "resolved" and gone.resolution == {"action": "gone"}
    assert conflicts.get_by_key("duplicate_key", "k1").status == "open"  # type: ignore[union-attr]
    assert conflicts.get(decided.id) == decided  # user decisions are never auto-closed
    assert conflicts.resolutions("bad_data") == {}  # "gone" is not a decision

    run3 = runs.start("manual").id
    back = conflicts.record("bad_data", "k3", "three again", run_id=run3)
    assert back.status == "open" and back.resolution is None and back.resolved_at is None


def test_bad_input_is_refused(db: Database, profile: Profile) -> None:
    conflicts = db.conflicts(profile.id)
    with pytest.raises(ValueError):
        conflicts.record("weird_kind", "k", "t")
    c = conflicts.record("bad_data", "k", "t")
    with pytest.raises(ValueError):
        conflicts.resolve(c.id, {"action": "delete_everything"})
    with pytest.raises(LookupError):
        conflicts.resolve(c.id + 100, {"action": "ignore"})
