"""The conflict dialog for an order changed on both sides: two small tables of lines, two buttons that pick
the side (app/ui/conflict_dialog.py; the sync carries the decision out, tests/sync/orders/test_both_sides.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.store import Database
from app.ui.conflict_dialog import ConflictDialog, allowed_actions
from app.vocab import ConflictKind

pytestmark = pytest.mark.gui

KEY = "order_changed_both_sides:order:7"
MS = {"id": "0f0e", "name": "00042", "description": "Заменили на синий",
      "lines": [{"name": "Кружка синяя", "quantity": 2.0, "price": 350.0},
                {"name": "Ложка", "quantity": 1.0, "price": 90.0}]}
RC = {"order_id": 7, "number": "7A", "description": "Позвонить заранее",
      "lines": [{"name": "Кружка красная", "quantity": 2.0, "price": 350.0},
                {"name": "Ложка", "quantity": 1.0, "price": 90.0}]}


@pytest.fixture
def store(tmp_path) -> Iterator[tuple[Database, int]]:
    db = Database.open(tmp_path / "svyazka.sqlite3")
    profile = db.profiles.create("Тест", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2",
                                 "admin@test")
    yield db, profile.id
    db.close()


@pytest.mark.parametrize(("button", "action"), [("use_retailcrm", "use_retailcrm"), ("use_moysklad", "use_moysklad")])
def test_both_sides_are_shown_and_each_button_saves_its_side(qtbot, store, button: str, action: str) -> None:
    db, profile_id = store
    repo = db.conflicts(profile_id)
    conflict = repo.record(ConflictKind.ORDER_CHANGED_BOTH_SIDES, KEY, "Заказ 7A изменён с обеих сторон",
                           ms_data=MS, rc_data=RC)
    assert allowed_actions(conflict) == ["use_retailcrm", "use_moysklad", "ignore"]

    dialog = ConflictDialog(conflict, db, profile_id)
    qtbot.addWidget(dialog)
    dialog.show()

    ms_table, rc_table = dialog.line_tables["moysklad"], dialog.line_tables["retailcrm"]
    assert [ms_table.item(r, 0).text() for r in range(ms_table.rowCount())] == ["Кружка синяя", "Ложка"]
    assert [rc_table.item(r, 0).text() for r in range(rc_table.rowCount())] == ["Кружка красная", "Ложка"]
    assert rc_table.item(0, 1).text() == "2" and rc_table.item(0, 2).text() == "350.00"
    assert rc_table.item(0, 0).font().bold() and not rc_table.item(1, 0).font().bold()  # what differs stands out
    assert dialog.action_buttons[button].isEnabled()

    with qtbot.waitSignal(dialog.decided, timeout=10_000):
        qtbot.mouseClick(dialog.action_buttons[button], Qt.MouseButton.LeftButton)

    stored = repo.get(conflict.id)
    assert stored is not None and stored.status == "resolved" and stored.resolution == {"action": action}
