"""The «Сверка» tab against the sandbox: a check after a full sync, a planted stock difference shown by kind,
sorted, exported to CSV, and «Fix» asking first and then asking for the stock flow in full."""

from __future__ import annotations

import csv
import os

from PySide6.QtCore import Qt

from app.runner.build import close_engine, engine_for_profile
from app.sync.model import Flow
from app.sync.reconcile import Kind
from app.ui.check_tab import CheckTab


def full_sync(context) -> None:
    engine = engine_for_profile(context.db, context.profile_id, context.secrets)
    try:
        engine.run(full=True, trigger="manual")
    finally:
        close_engine(engine)


def checked(qtbot, tab: CheckTab) -> None:
    with qtbot.waitSignal(tab.checked, timeout=60_000):
        tab.run_check()


def test_the_tab_shows_differences_by_kind_exports_them_and_fixes_after_asking(qtbot, context, sandbox, tmp_path):
    full_sync(context)
    tab = CheckTab(context.db, context.profile_id, context.secrets)
    qtbot.addWidget(tab)
    tab.resize(1100, 500)
    checked(qtbot, tab)
    assert tab.report is not None and tab.report.agrees, tab.report.differences if tab.report else None
    assert "Everything agrees" in tab.status_label.text()
    assert not tab.fix_button.isEnabled()

    # two stock figures in MoySklad change: 5.9 goes to RetailCRM's integer store as 5 (whole units)
    links = context.db.links(context.profile_id).ms_to_rc("offer")
    ms = sandbox.moysklad.state
    items = sorted(i for i in links if ms.product(i) is not None and not ms.variants(i))[:2]
    main_store = ms.store_by_name("Основной склад")["id"]
    ms.set_stock(items[0], main_store, 5.9)
    ms.set_stock(items[1], main_store, 1234)
    checked(qtbot, tab)
    assert tab.report is not None and tab.report.counts()[Kind.STOCK] == 2
    assert tab.kind_list.item(1).text() == "Stock (2)"
    tab.select_kind(Kind.STOCK)
    assert tab.proxy.rowCount() == 2 and tab.fix_button.isEnabled()
    tab.select_kind(Kind.PRICE)
    assert tab.proxy.rowCount() == 0 and not tab.fix_button.isEnabled()
    tab.select_kind(Kind.STOCK)

    # sortable: by the MoySklad figure, as numbers (5.9 before 1234)
    tab.view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert [tab.proxy.index(r, 4).data() for r in range(2)] == ["5.9", "1234"]
    assert tab.proxy.index(0, 5).data() == "5"  # what RetailCRM should have: the stock flow's rounding
    tab.view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    assert tab.proxy.index(0, 4).data() == "1234"

    shot = tmp_path / "check_tab.png"
    assert tab.grab().save(str(shot))
    if os.environ.get("SVYAZKA_KEEP_SHOTS"):
        tab.grab().save(os.environ["SVYAZKA_KEEP_SHOTS"])

    path = tmp_path / "check.csv"
    assert tab.export_to(path) == 2
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["Kind", "Item or order"] and len(rows) == 3
    assert rows[1][4] == "1234" and rows[1][0] == "Stock"

    questions: list[str] = []
    tab.confirm = lambda q: questions.append(q) or False
    with qtbot.assertNotEmitted(tab.fix_requested):
        assert tab.fix_selected() is False
    assert "full sync of stock" in questions[0] and "cannot sync only" in questions[0]
    tab.confirm = lambda q: True
    with qtbot.waitSignal(tab.fix_requested) as blocker:
        assert tab.fix_selected() is True
    assert blocker.args == [(Flow.STOCK,)]


def test_the_main_window_has_the_tab_and_its_fix_runs_the_flows_in_full(qtbot, context):
    from app.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Reconciliation" in titles
    started: list[dict] = []
    window.controller.started.connect(started.append)
    with qtbot.waitSignal(window.controller.finished, timeout=120_000):
        assert window.fix_flows((Flow.STOCK,))
    assert started[0]["flows"] == (Flow.STOCK,) and started[0]["full"] is True
