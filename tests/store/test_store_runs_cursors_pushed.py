from __future__ import annotations

import time

import pytest

from app.store import Database, Profile, StoreError


def test_run_start_checkpoint_finish(db: Database, profile: Profile) -> None:
    runs = db.runs(profile.id)
    run = runs.start("wizard", dry_run=True)
    assert run.status == "running" and run.dry_run and run.finished_at is None
    assert runs.running() == [run]
    runs.checkpoint(run.id, counts={"catalog": {"created": 3}}, requests={"moysklad": 10})
    assert runs.get(run.id).counts == {"catalog": {"created": 3}}  # type: ignore[union-attr]
    done = runs.finish(
        run.id,
        "partial",
        counts={"catalog": {"created": 5, "updated": 1, "unchanged": 90, "skipped": 2, "failed": 1}},
        errors=1,
        conflicts=2,
        requests={"moysklad": 12, "retailcrm": 4},
        message="5 товаров создано, 1 ошибка",
    )
    assert done.status == "partial" and done.finished_at is not None and done.finished_at >= done.started_at
    assert done.errors == 1 and done.conflicts == 2 and done.requests == {"moysklad": 12, "retailcrm": 4}
    assert runs.get(run.id) == done
    assert runs.running() == []
    assert runs.last_finished() == done
    assert runs.last_finished(status="ok") is None
    second = runs.start("schedule")
    assert [r.id for r in runs.recent()] == [second.id, run.id]
    with pytest.raises(ValueError):
        runs.finish(second.id, "running")
    with pytest.raises(ValueError):
        runs.start("cron")


def test_cursors(db: Database, profile: Profile) -> None:
    cursors = db.cursors(profile.id)
    assert cursors.get("orders", "history_since_id") is None
    assert cursors.get("orders", "history_since_id", "0") == "0"
    cursors.set("orders", "history_since_id", 1500)
    cursors.set("orders", "history_since_id", 1720)
    cursors.set("orders", "changed_since", "2026-01-01 10:00:00")
    cursors.set("stock", "changed_since", "2026-01-02 10:00:00")
    assert cursors.get("orders", "history_since_id") == "1720"
    assert cursors.all("orders") == {"history_since_id": "1720", "changed_since": "2026-01-01 10:00:00"}
    cursors.reset("orders", "changed_since")
    assert cursors.all("orders") == {"history_since_id": "1720"}
    cursors.reset("orders")
    assert cursors.all("orders") == {} and cursors.get("stock", "changed_since") is not None


def test_pushed_values_round_trip_100k(db: Database, profile: Profile) -> None:
    pushed = db.pushed(profile.id)
    values = {f"offer-{i}": f"{i % 97}.000" for i in range(100_000)}
    started = time.perf_counter()
    assert pushed.put_many("stock", values) == 100_000
    stored = pushed.get_many("stock")
    print(f"\npushed put_many + get_many 100,000: {time.perf_counter() - started:.2f} s")
    assert stored == values
    assert pushed.get_many("price") == {}

    pushed.put_many("stock", {"offer-1": "5.000", "new-offer": "1.000"})
    stored = pushed.get_many("stock")
    assert stored["offer-1"] == "5.000" and stored["new-offer"] == "1.000" and len(stored) == 100_001
    assert pushed.forget("stock", ["offer-1", "offer-2"]) == 2
    assert pushed.count("stock") == 99_999
    assert pushed.forget("stock") == 99_999


def test_profiles_are_unique_by_name_and_delete_everything_they_own(db: Database, profile: Profile) -> None:
    with pytest.raises(StoreError, match="Профиль «Demo shop» уже есть") as caught:
        db.profiles.create(" Demo shop ", "https://x.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "t")
    assert "Выберите другое название" in str(caught.value)
    renamed = db.profiles.update(profile.id, name="Витрина")
    assert db.profiles.get_by_name("Витрина") == renamed
    assert [p.name for p in db.profiles.list()] == ["Витрина"]

    db.links(profile.id).complete("offer", "1", "ms-1")
    db.pushed(profile.id).put_many("stock", {"1": "2"})
    db.cursors(profile.id).set("orders", "since", 1)
    db.settings(profile.id).set("x", 1)
    run = db.runs(profile.id).start("manual")
    db.conflicts(profile.id).record("bad_data", "k", "t", run_id=run.id)
    assert db.profiles.delete(profile.id)
    assert not db.profiles.delete(profile.id)
    with db.engine.connect() as conn:
        for table in ("links", "pushed", "cursors", "settings", "runs", "conflicts", "log"):
            assert conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar() == 0, table
