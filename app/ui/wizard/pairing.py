"""A table that pairs the left side's rows with a choice from the right side (combo boxes).

Used for warehouses (MoySklad → RetailCRM store) and price types (MoySklad → RetailCRM price type).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QHeaderView, QTableWidget, QTableWidgetItem, QWidget


class PairingTable(QTableWidget):
    """Rows are ``(left_id, left_name)``; each row's combo offers ``none_text`` plus ``(right_id, right_name)``."""

    changed = Signal()

    def __init__(self, left_title: str, right_title: str, parent: QWidget | None = None) -> None:
        super().__init__(0, 2, parent)
        self.setHorizontalHeaderLabels([left_title, right_title])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the combo boxes take the keyboard, not the cells
        self.setWordWrap(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        self._left_ids: list[str] = []
        self._combos: list[QComboBox] = []

    def fill(
        self,
        left: Sequence[tuple[str, str]],
        right: Sequence[tuple[str, str]],
        chosen: dict[str, str],
        none_text: str,
    ) -> None:
        self.setRowCount(len(left))
        self._left_ids = [left_id for left_id, _ in left]
        self._combos = []
        for row, (left_id, name) in enumerate(left):
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, left_id)
            item.setToolTip(name)
            self.setItem(row, 0, item)
            combo = QComboBox()
            combo.addItem(none_text, None)
            for right_id, right_name in right:
                combo.addItem(right_name, right_id)
            index = combo.findData(chosen.get(left_id)) if chosen.get(left_id) else 0
            combo.setCurrentIndex(max(index, 0))
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            self.setCellWidget(row, 1, combo)
            self._combos.append(combo)

    def combo(self, row: int) -> QComboBox:
        return self._combos[row]

    def left_ids(self) -> list[str]:
        return list(self._left_ids)

    def pairs(self) -> list[tuple[str, str]]:
        """``(left_id, right_id)`` for every row with a choice, in table order."""
        result = []
        for left_id, combo in zip(self._left_ids, self._combos, strict=True):
            right_id = combo.currentData()
            if right_id:
                result.append((left_id, str(right_id)))
        return result

    def left_name(self, left_id: str) -> str:
        for row, known in enumerate(self._left_ids):
            if known == left_id:
                item = self.item(row, 0)
                return item.text() if item is not None else left_id
        return left_id

    def choose(self, left_id: str, right_id: str | None) -> None:
        """Pick ``right_id`` (None: nothing) for the row of ``left_id``."""
        row = self._left_ids.index(left_id)
        combo = self._combos[row]
        combo.setCurrentIndex(max(combo.findData(right_id), 0) if right_id else 0)

    def duplicated_right(self) -> list[str]:
        """Right ids chosen on more than one row."""
        seen: set[str] = set()
        twice: list[str] = []
        for _, right_id in self.pairs():
            if right_id in seen and right_id not in twice:
                twice.append(right_id)
            seen.add(right_id)
        return twice
