from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from app.store import Database, LogEntry, Profile
from app.store.models import LogRow
from app.store.types import utcnow


def _fill(db: Database, profile: Profile) -> int:
    run_id = db.runs(profile.id).start("manual").id
    entries = []
    for i in range(3000):
        level = ("debug", "info", "warning", "error")[i % 4]
        flow = ("catalog", "stock", "orders")[i % 3]
        entries.append(
            LogEntry(
                level,
                flow,
                f"Заказ №{i} выгружен в МойСклад" if flow == "orders" else f"Остаток товара {i} обновлён",
                entity_type="order" if flow == "orders" else "offer",
                entity_ref=f"A-{i}" if flow == "orders" else f"SKU-{i}",
                details={"i": i},
                run_id=run_id if i < 1000 else None,
            )
        )
    assert db.log(profile.id).add_many(entries) == 3000
    return run_id


def test_filters_and_counts_agree(db: Database, profile: Profile) -> None:
    run_id = _fill(db, profile)
    log = db.log(profile.id)
    assert log.count() == 3000
    assert log.count(level="warning") == 1500  # minimum level: warnings and errors
    assert log.count(levels=["error"]) == 750
    assert log.count(levels=["debug", "error"]) == 1500
    assert log.count(flow="orders") == 1000
    assert log.count(flow=["orders", "stock"]) == 2000
    assert log.count(run_id=run_id) == 1000
    assert log.count(level="error", flow="orders") == sum(1 for i in range(3000) if i % 4 == 3 and i % 3 == 2)

    errors = log.query(level="error", limit=10_000)
    assert len(errors) == log.count(level="error")
    assert all(r.level == "error" for r in errors)


def test_text_search_ignores_case_in_cyrillic_and_matches_references(db: Database, profile: Profile) -> None:
    _fill(db, profile)
    log = db.log(profile.id)
    assert log.count(text="ЗАКАЗ №1") == len([i for i in range(3000) if i % 3 == 2 and str(i).startswith("1")])
    found = log.query(text="a-2999")  # the entity reference, case-insensitively
    assert [r.entity_ref for r in found] == ["A-2999"]
    assert found[0].details == {"i": 2999} and found[0].entity_type == "order"
    assert log.count(text="100%") == 0  # no LIKE wildcards leak through


def test_paging_and_order(db: Database, profile: Profile) -> None:
    _fill(db, profile)
    log = db.log(profile.id)
    newest = log.query(limit=5)
    assert newest[0].message == "Заказ №2999 выгружен в МойСклад"
    page2 = log.query(limit=5, offset=5)
    assert newest[-1].id > page2[0].id
    oldest = log.query(limit=3, newest_first=False)
    assert [r.details["i"] for r in oldest] == [0, 1, 2]


def test_prune_removes_only_old_lines(db: Database, profile: Profile) -> None:
    _fill(db, profile)
    log = db.log(profile.id)
    with db.session() as session:  # age the first 1000 lines by 40 days
        session.execute(update(LogRow).where(LogRow.id <= 1000).values(ts=utcnow() - timedelta(days=40)))
    assert log.prune(older_than_days=30) == 1000
    assert log.count() == 2000
    assert log.prune(older_than_days=30) == 0


def test_lines_of_other_profiles_stay_apart(db: Database, profile: Profile) -> None:
    other = db.profiles.create("Other", "https://o.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
    db.log(profile.id).add(LogEntry("info", "stock", "mine"))
    db.log(other.id).add(LogEntry("info", "stock", "theirs"))
    db.log().add(LogEntry("warning", "system", "app-wide"))
    assert [r.message for r in db.log(profile.id).query()] == ["mine"]
    assert db.log().count() == 3
