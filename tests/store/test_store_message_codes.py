"""Journal lines and conflict titles keep their app/messages code and parameters (schema 2), so an old journal
renders in the current language; a file from before codes migrates and its lines show their stored text."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from app.messages import msg
from app.store import Database, LogEntry, Profile
from app.store.migrations import MIGRATIONS, SCHEMA_VERSION


def test_a_message_line_keeps_code_params_and_the_russian_text(db: Database, profile: Profile) -> None:
    log = db.log(profile.id)
    log.add_many([
        LogEntry("warning", "system", msg("engine.held", count=2, trip=msg("safety.new_products", creates=9, limit=5))),
        LogEntry("info", "stock", "старая строка без кода"),
    ])
    held, legacy = log.query(newest_first=False)
    assert held.code == "engine.held"
    assert held.params == {"count": 2, "trip": {"$msg": "safety.new_products", "params": {"creates": 9, "limit": 5}}}
    assert held.message.startswith("Остановлено проверкой перед записью (2 замечания): Синхронизация создала бы 9")
    assert held.text("en").startswith("Stopped by the check before writing (2 findings): The sync would create 9")
    assert (legacy.code, legacy.params) == (None, None)
    assert legacy.text("en") == "старая строка без кода"
    assert log.count(text="2 замечания") == 1  # search still finds the stored Russian text


def test_a_conflict_title_keeps_its_code_and_a_refresh_updates_it(db: Database, profile: Profile) -> None:
    repo = db.conflicts(profile.id)
    first = repo.record("bad_data", "bad_data:1", msg("engine.flow_unsupported", flow="stock"))
    assert (first.title_code, first.title_params) == ("engine.flow_unsupported", {"flow": "stock"})
    assert first.title == "Остатки: этот поток пока не поддерживается, пропущен."
    assert first.title_text("en") == "Stock: this flow is not supported yet, skipped."
    again = repo.record("bad_data", "bad_data:1", "просто текст")
    assert (again.title_code, again.title_params, again.title_text("en")) == (None, None, "просто текст")


def test_a_file_from_before_codes_migrates_and_old_lines_render_their_text(db_path: Path) -> None:
    old = Database.open(db_path, migrations=MIGRATIONS[:1])
    profile = old.profiles.create("Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "t")
    old.log(profile.id).add(LogEntry("info", "system", "Готово: создано 1."))
    old.conflicts(profile.id).record("bad_data", "k", "Старый конфликт")
    old.close()
    with closing(sqlite3.connect(db_path)) as conn:  # as a version-1 file was: no code columns
        for table, columns in (("log", ("code", "params")), ("conflicts", ("title_code", "title_params")),
                               ("runs", ("message_code", "message_params"))):
            for column in columns:
                conn.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()

    db = Database.open(db_path)
    try:
        assert db.schema_version == SCHEMA_VERSION == 2
        [line] = db.log(profile.id).query()
        assert (line.code, line.text("en")) == (None, "Готово: создано 1.")
        [conflict] = db.conflicts(profile.id).list()
        assert (conflict.title_code, conflict.title_text("en")) == (None, "Старый конфликт")
        run = db.runs(profile.id).start("manual")
        finished = db.runs(profile.id).finish(run.id, "cancelled", message=msg("engine.cancelled"))
        assert finished.message_code == "engine.cancelled" and finished.message.startswith("Остановлено пользователем")
        assert finished.message_text("en").startswith("Stopped by the user.")
        db.log(profile.id).add(LogEntry("info", "system", msg("engine.cancelled")))
        assert db.log(profile.id).query(limit=1)[0].text("en").startswith("Stopped by the user.")
    finally:
        db.close()
