"""The order-life page's table of MoySklad customer order additional fields: each field ← a RetailCRM order field,
a value, or nothing (setting ``order_attributes``; the rules in app/sync/orders/attributes.py).

Qt only: the fields come with the MoySklad account the wizard read in the background
(``MoySkladAccount.order_attributes``). A required field left unfilled is listed by :meth:`missing_required`,
and the page does not let the wizard go on until it is filled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.clients.moysklad_models import AttributeMeta
from app.sync.orders.attributes import CONST_TYPES, FIELD_TYPES, NONE, offered

CONST = "const"


class OrderFieldsTable(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self.tr("MoySklad order fields (additional fields) are filled from:"))
        self.label.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("MoySklad field"), self.tr("Required"),
                                              self.tr("Filled from"), self.tr("Value")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setMaximumHeight(self.fontMetrics().height() * 9)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.table)
        self._attributes: list[AttributeMeta] = []
        self._combos: dict[str, QComboBox] = {}
        self._values: dict[str, QLineEdit] = {}
        self.setVisible(False)

    def _sources(self) -> list[tuple[str, str]]:
        return [
            ("field:deliveryType", self.tr("Delivery type")),
            ("field:paymentType", self.tr("Payment type")),
            ("field:orderMethod", self.tr("Order method")),
            ("field:site", self.tr("Shop (site)")),
            ("field:manager", self.tr("Manager")),
            ("field:number", self.tr("Order number")),
        ]

    def fill(self, attributes: Sequence[AttributeMeta], mapping: Mapping[str, str]) -> None:
        self._attributes = [a for a in attributes if offered(a)]
        self.table.setRowCount(len(self._attributes))
        self._combos, self._values = {}, {}
        for row, attribute in enumerate(self._attributes):
            cell = QTableWidgetItem(attribute.name)
            cell.setData(Qt.ItemDataRole.UserRole, attribute.id)
            self.table.setItem(row, 0, cell)
            self.table.setItem(row, 1, QTableWidgetItem(self.tr("yes") if attribute.required else ""))
            combo = QComboBox()
            combo.addItem(self.tr("do not fill"), NONE)
            if attribute.type in FIELD_TYPES:
                for source, text in self._sources():
                    combo.addItem(text, source)
            if attribute.type in CONST_TYPES:
                combo.addItem(self.tr("Value:"), CONST)
            value = QLineEdit()
            value.setPlaceholderText(self.tr("the value every order gets"))
            chosen = mapping.get(attribute.id, NONE)
            if chosen.startswith("const:"):
                combo.setCurrentIndex(max(combo.findData(CONST), 0))
                value.setText(chosen.removeprefix("const:"))
            else:
                index = combo.findData(chosen)
                if index < 0 and chosen.startswith("field:"):  # a custom field chosen in the CLI: kept, shown
                    combo.addItem(chosen.removeprefix("field:"), chosen)
                    index = combo.count() - 1
                combo.setCurrentIndex(max(index, 0))
            value.setEnabled(combo.currentData() == CONST)
            combo.currentIndexChanged.connect(self._on_changed)
            value.textChanged.connect(self._on_changed)
            self.table.setCellWidget(row, 2, combo)
            self.table.setCellWidget(row, 3, value)
            self._combos[attribute.id] = combo
            self._values[attribute.id] = value
        self.setVisible(bool(self._attributes))

    @Slot()
    def _on_changed(self) -> None:
        for attribute_id, combo in self._combos.items():
            self._values[attribute_id].setEnabled(combo.currentData() == CONST)
        self.changed.emit()

    def mapping(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for attribute_id, combo in self._combos.items():
            source = str(combo.currentData())
            if source == CONST:
                text = self._values[attribute_id].text().strip()
                source = f"const:{text}" if text else NONE
            result[attribute_id] = source
        return result

    def missing_required(self) -> list[str]:
        """Names of the required fields nothing fills: orders would wait for them."""
        mapping = self.mapping()
        return [a.name for a in self._attributes if a.required and mapping.get(a.id, NONE) == NONE]

    def set_source(self, name: str, source: str) -> None:
        """Choose ``source`` (``field:…``, ``const:…`` or ``none``) for the field called ``name``."""
        attribute = next(a for a in self._attributes if a.name == name)
        combo = self._combos[attribute.id]
        if source.startswith("const:"):
            combo.setCurrentIndex(combo.findData(CONST))
            self._values[attribute.id].setText(source.removeprefix("const:"))
        else:
            combo.setCurrentIndex(max(combo.findData(source), 0))
