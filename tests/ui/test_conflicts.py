"""Conflicts: decided in the dialog (or in bulk), remembered by the store, honoured by the next sync."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.sandbox.sandbox import Sandbox
from app.store import Conflict
from app.sync.model import RunReport
from app.ui.conflict_dialog import ConflictDialog, allowed_actions
from app.ui.context import AppContext
from app.ui.main_window import MainWindow

from .conftest import wait_for_run

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, context: AppContext):
    win = MainWindow(context)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.refreshed, timeout=10_000):
        win.show()
    yield win
    if win.controller.running:
        win.controller.stop()
        win.controller.wait()
    win._quitting = True


def sync(qtbot, window: MainWindow) -> RunReport:
    with qtbot.waitSignal(window.refreshed, timeout=60_000):
        report: RunReport = wait_for_run(qtbot, window.controller, window.sync_now)
    return report


def show(qtbot, window: MainWindow, kind: str | None, status: str | None = "open") -> list[Conflict]:
    tab = window.conflicts_tab
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.loaded, timeout=10_000):
        tab.show_kind(kind, status)
    return tab.model.conflicts()


def test_decisions_made_in_the_tab_are_honoured_by_the_next_sync(qtbot, window: MainWindow, sandbox: Sandbox):
    sync(qtbot, window)
    tab = window.conflicts_tab
    repo = window.context.db.conflicts(window.profile_id)

    # a duplicate SKU, decided in the dialog: keep one MoySklad item and one RetailCRM offer
    duplicates = show(qtbot, window, "duplicate_key")
    assert duplicates, "the demo shop has duplicate SKUs on purpose"
    row = next(i for i, c in enumerate(duplicates) if c.ms_data and c.rc_data)
    duplicate = duplicates[row]
    dialog = tab.open_dialog(row, modal=False)
    qtbot.addWidget(dialog)
    assert isinstance(dialog, ConflictDialog) and "pick" in dialog.action_buttons
    # both sides are shown side by side, with what tells them apart
    assert len(dialog.ms_cards) == len(duplicate.ms_data) and len(dialog.rc_cards) == len(duplicate.rc_data)
    facts = dict(dialog.ms_cards[0].rows())
    assert facts["Article"] and facts["Id"] == duplicate.ms_data[0]["id"]
    ms_choice, rc_choice = duplicate.ms_data[-1]["id"], duplicate.rc_data[-1]["id"]
    dialog.choose(ms_id=ms_choice, rc_id=rc_choice)
    assert dialog.action_buttons["pick"].isEnabled()
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.action_buttons["pick"], Qt.MouseButton.LeftButton)
    stored = repo.get(duplicate.id)
    assert stored is not None and stored.status == "resolved"
    assert stored.resolution == {"action": "pick", "ms_id": ms_choice, "rc_id": int(rc_choice)}

    # an offer only in RetailCRM: create it in MoySklad
    only_rc = show(qtbot, window, "only_in_retailcrm")
    assert len(only_rc) >= 2
    created = only_rc[0]
    article = created.rc_data[0]["article"]
    assert allowed_actions(created)[0] == "create"
    dialog = tab.open_dialog(0, modal=False)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.action_buttons["create"], Qt.MouseButton.LeftButton)

    # the rest of them, in bulk: ignore
    rest = show(qtbot, window, "only_in_retailcrm")
    assert created.id not in {c.id for c in rest} and rest
    tab.view.selectAll()
    assert tab.ignore_button.isEnabled() and tab.create_button.isEnabled()
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        qtbot.mouseClick(tab.ignore_button, Qt.MouseButton.LeftButton)
    assert {repo.get(c.id).status for c in rest} == {"ignored"}

    products = sandbox.moysklad.state.table("product").values()
    assert not any(p.get("article") == article for p in products)
    report = sync(qtbot, window)
    assert report.errors == 0

    link = window.context.db.links(window.profile_id).get_by_ms("offer", ms_choice)
    assert link is not None and str(link.rc_id) == str(rc_choice), "the chosen pair was not linked"
    assert repo.get(duplicate.id).status == "resolved", "a decision must survive the next sync"
    assert duplicate.id not in {c.id for c in show(qtbot, window, "duplicate_key")}
    products = sandbox.moysklad.state.table("product").values()
    assert any(p.get("article") == article for p in products), "the offer was not created in MoySklad"
    assert {repo.get(c.id).status for c in rest} == {"ignored"}
    assert "only_in_retailcrm" not in repo.counts_by_kind()
    assert show(qtbot, window, "only_in_retailcrm") == []

    # ignored ones can be brought back
    ignored = show(qtbot, window, "only_in_retailcrm", status="ignored")
    assert {c.id for c in ignored} == {c.id for c in rest}
    tab.view.selectAll()
    with qtbot.waitSignal(tab.changed, timeout=10_000):
        tab.bulk("reopen")
    assert {repo.get(c.id).status for c in rest} == {"open"}


def test_a_customer_found_twice_offers_the_candidates(qtbot, window: MainWindow):
    # recorded as the orders flow records it (ms_data: the rule and the candidates; rc_data: the customer)
    repo = window.context.db.conflicts(window.profile_id)
    candidates = [
        {"id": "e0847b56-0000-4a23-a115-951c3716b25c", "name": "Семёнов (a)", "inn": None, "phone": "+79904855872"},
        {"id": "c8292308-0000-4dc2-a115-62c7efa58b25", "name": "Семёнов (b)", "inn": None, "phone": "+79904855872"},
    ]
    customer = {"customer_id": 10, "name": "Семёнов Михаил", "phone": "+79904855872", "orders": ["1015C"]}
    repo.record(
        "ambiguous_counterparty",
        "ambiguous_counterparty:10",
        "Клиент «Семёнов Михаил»: несколько контрагентов подходят по телефону.",
        ms_data={"rule": "phone", "candidates": candidates},
        rc_data=customer,
    )
    assert len(show(qtbot, window, "ambiguous_counterparty")) == 1
    dialog = window.conflicts_tab.open_dialog(0, modal=False)
    qtbot.addWidget(dialog)
    assert [card.item_id for card in dialog.ms_cards] == [c["id"] for c in candidates]
    assert all(card.choice is not None for card in dialog.ms_cards)
    assert "MoySklad, counterparty" in dict(dialog.ms_cards[0].rows()).values()
    assert dict(dialog.rc_cards[0].rows())["Waiting orders"] == "1015C"
    assert not dialog.action_buttons["pick"].isEnabled()
    assert set(dialog.action_buttons) == {"pick", "create", "ignore"}
    dialog.choose(ms_id=candidates[1]["id"])
    assert dialog.action_buttons["pick"].isEnabled()
    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.action_buttons["pick"], Qt.MouseButton.LeftButton)
    stored = repo.get_by_key("ambiguous_counterparty", "ambiguous_counterparty:10")
    assert stored is not None and stored.resolution == {"action": "pick", "ms_id": candidates[1]["id"]}


def test_a_required_moysklad_field_says_what_to_do_and_offers_no_pick(qtbot, window: MainWindow):
    # recorded as the orders flow records it (app/sync/orders/attributes.py conflict_row)
    from app.sync.orders.attributes import conflict_row

    repo = window.context.db.conflicts(window.profile_id)
    repo.record_many([conflict_row("Канал продаж", [(7, "1007C"), (8, "1008C")])])
    (conflict,) = show(qtbot, window, "required_attribute")
    assert allowed_actions(conflict) == []  # settled in the settings or in MoySklad, closed by the sync itself
    dialog = window.conflicts_tab.open_dialog(0, modal=False)
    qtbot.addWidget(dialog)
    assert not dialog.action_buttons
    assert not dialog.ms_cards
    (card,) = dialog.rc_cards
    assert card.title() == "Канал продаж"
    assert dict(card.rows())["Waiting orders"] == "1007C, 1008C"
    assert "order ids" not in dict(card.rows())
    assert "make the field optional in MoySklad" in dialog._explanation()
    assert "--order-attribute" in conflict.title
