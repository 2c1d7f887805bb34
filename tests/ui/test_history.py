"""The History tab: the chart reads the runs oldest first, a click picks a run, and its journal opens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from app.store import Database
from app.ui.history_tab import HistoryTab, run_changes

pytestmark = pytest.mark.gui


@pytest.fixture
def runs(db: Database):
    pid = db.profiles.create("Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token").id
    repo = db.runs(pid)
    made = []
    for i, (created, updated, errors, dry) in enumerate([(5, 10, 0, True), (120, 30, 2, False), (0, 4, 0, False)]):
        run = repo.start("manual" if i else "wizard", dry_run=dry)
        counts = {"catalog": {"created": created, "updated": updated}, "stock": {"updated": 1}}
        made.append(repo.finish(run.id, "partial" if errors else "ok", counts=counts, errors=errors))
    return repo.recent()


def test_chart_and_table_show_every_run(qtbot, runs):
    tab = HistoryTab()
    qtbot.addWidget(tab)
    tab.resize(900, 600)
    tab.show()
    tab.set_runs(runs)
    chart = tab.chart
    assert [p.run_id for p in chart.points] == [r.id for r in reversed(runs)]  # oldest on the left
    assert [p.changes for p in chart.points] == [16, 151, 5]
    assert [p.errors for p in chart.points] == [0, 2, 0]
    assert chart.points[0].dry_run and not chart.points[1].dry_run
    assert tab.table.rowCount() == 3 and tab.table.item(0, 3).text() == str(run_changes(runs[0]))
    assert not chart.grab().isNull()  # paints without trouble

    chosen: list[int] = []
    tab.run_chosen.connect(chosen.append)
    rect = chart._plot_rect()
    slot = rect.width() / 3
    qtbot.mouseClick(
        chart, Qt.MouseButton.LeftButton, pos=QPoint(int(rect.left() + slot * 1.5), int(rect.center().y()))
    )
    assert chart.selected == chart.points[1].run_id
    assert tab.selected_run_id() == chart.points[1].run_id
    qtbot.mouseClick(tab.journal_button, Qt.MouseButton.LeftButton)
    assert chosen == [chart.points[1].run_id]


def test_an_empty_history_says_so(qtbot):
    tab = HistoryTab()
    qtbot.addWidget(tab)
    tab.set_runs([])
    assert tab.chart.points == [] and tab.table.rowCount() == 0
    assert not tab.chart.grab().isNull()
    assert not tab.journal_button.isEnabled()
