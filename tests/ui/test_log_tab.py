"""The Journal tab over a real store: paging, filters, copy, CSV export and links to the services."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication

from app.store import Database, LogEntry
from app.ui.log_model import PAGE_SIZE
from app.ui.log_tab import LogTab

pytestmark = pytest.mark.gui


@pytest.fixture
def profile_id(db: Database) -> int:
    pid = db.profiles.create("Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token").id
    run = db.runs(pid).start("manual")
    entries = [
        LogEntry(
            "info" if i % 10 else "warning",
            "stock" if i % 2 else "orders",
            f"Строка {i}: остаток «Футболка» изменён",
            entity_ref=f"SKU-{i}",
            entity_url=f"https://shop.retailcrm.ru/orders/{i}/edit" if i % 2 == 0 else None,
            run_id=run.id if i >= 400 else None,
        )
        for i in range(450)
    ]
    entries.append(LogEntry("error", "orders", "Заказ 1042A не выгружен: статус не сопоставлен", entity_ref="1042A"))
    db.log(pid).add_many(entries)
    return pid


@pytest.fixture
def tab(qtbot, db: Database, profile_id: int) -> LogTab:
    widget = LogTab(db, profile_id)
    qtbot.addWidget(widget)
    widget.resize(1000, 600)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.total is not None and not widget.model.busy, timeout=10_000)
    return widget


def reload_and_wait(qtbot, tab: LogTab, action) -> None:
    with qtbot.waitSignal(tab.model.loaded, timeout=10_000):
        action()
    qtbot.waitUntil(lambda: not tab.model.busy, timeout=10_000)


def test_newest_first_one_page_at_a_time(qtbot, tab: LogTab):
    model = tab.model
    assert model.total == 451
    assert model.rowCount() == PAGE_SIZE
    assert model.record(0).message.startswith("Заказ 1042A")
    assert model.record(1).message.startswith("Строка 449")
    with qtbot.waitSignal(model.loaded, timeout=10_000):
        model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    ids = [r.id for r in model.records()]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == len(ids)


def test_filters_by_level_area_run_and_text(qtbot, tab: LogTab, db: Database, profile_id: int):
    reload_and_wait(qtbot, tab, lambda: tab.level_combo.setCurrentIndex(tab.level_combo.findData("warning")))
    assert tab.model.total == 46  # 45 warnings + 1 error
    assert {r.level for r in tab.model.records()} == {"warning", "error"}

    reload_and_wait(qtbot, tab, lambda: tab.flow_combo.setCurrentIndex(tab.flow_combo.findData("orders")))
    assert {r.flow for r in tab.model.records()} == {"orders"}

    tab.level_combo.setCurrentIndex(0)
    tab.flow_combo.setCurrentIndex(0)
    # Cyrillic search folds case, and the object column (order number, SKU) is searched too
    reload_and_wait(qtbot, tab, lambda: (tab.search_edit.setText("ФУТБОЛКА"), tab._search_timer.timeout.emit()))
    assert tab.model.total == 450
    reload_and_wait(qtbot, tab, lambda: (tab.search_edit.setText("1042a"), tab._search_timer.timeout.emit()))
    assert [r.entity_ref for r in tab.model.records()] == ["1042A"]

    tab.search_edit.clear()
    tab.set_runs(db.runs(profile_id).recent())
    run_id = db.runs(profile_id).recent()[0].id
    reload_and_wait(qtbot, tab, lambda: tab.show_run(run_id))
    assert tab.model.total == 50 and {r.run_id for r in tab.model.records()} == {run_id}


def test_copy_selected_lines(qtbot, tab: LogTab):
    tab.view.selectRow(1)
    tab.copy_selection()
    text = QGuiApplication.clipboard().text()
    assert "Строка 449" in text and "SKU-449" in text
    assert "1 line" in tab.status_label.text()


def test_export_to_csv_writes_every_matching_line(qtbot, tab: LogTab, tmp_path: Path):
    path = tmp_path / "journal.csv"
    tab.export_to(path)
    qtbot.waitUntil(lambda: "Saved" in tab.status_label.text(), timeout=10_000)
    with open(path, encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0][:4] == ["Time", "Level", "Area", "What happened"]
    assert len(rows) == 1 + 451
    assert rows[1][3].startswith("Строка 0")  # oldest first in the file
    assert rows[-1][4] == "1042A"


def test_the_object_column_opens_the_service(qtbot, tab: LogTab):
    opened: list[QUrl] = []
    tab.url_opener = opened.append
    with_link = next(i for i, r in enumerate(tab.model.records()) if r.entity_url)
    without_link = next(i for i, r in enumerate(tab.model.records()) if not r.entity_url)
    assert tab.open_entity(with_link)
    assert not tab.open_entity(without_link)
    assert [u.toString() for u in opened] == [tab.model.record(with_link).entity_url]


def test_new_lines_appear_on_top_without_rereading(qtbot, tab: LogTab, db: Database, profile_id: int):
    model = tab.model
    before = model.rowCount()
    db.log(profile_id).add_many([LogEntry("info", "catalog", f"Новая строка {i}") for i in range(3)])
    with qtbot.waitSignal(model.rowsInserted, timeout=10_000):
        tab.on_log_events([object()])
    qtbot.waitUntil(lambda: not model.busy, timeout=10_000)
    assert model.rowCount() == before + 3
    assert [r.message for r in model.records()[:3]] == ["Новая строка 2", "Новая строка 1", "Новая строка 0"]
    assert model.total == 454
