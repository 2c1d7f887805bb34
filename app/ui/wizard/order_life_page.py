"""Page 7: the order's later life, after it reached MoySklad: sales returns, payments, MoySklad's additional
order fields, and statuses coming back from MoySklad.

Split off the orders page (issue 15: it held too much for one screen). The settings it writes are
``return_statuses``, ``payment_documents``, ``order_attributes`` (as the orders page wrote them before) and
``reverse_status_flow`` with ``shipped_in_ms_status`` (before: no control in the wizard). A required MoySklad
field nothing fills keeps Next disabled here.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sync.accounts import rc_statuses
from app.sync.orders.payments import suggest_document
from app.sync.process_order import CANCEL_GROUP
from app.ui.widgets import MessageLabel
from app.ui.wizard.base import WizardPage
from app.ui.wizard.order_fields import OrderFieldsTable


class OrderLifePage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("After the order"))
        self.setSubTitle(
            self.tr("What follows an order in MoySklad: returns, payments, MoySklad's own order fields, and "
                    "statuses changed in MoySklad.")
        )
        # a shipped order moving to one of these gets a sales return (app/sync/orders/returns.py)
        self.returns_list = QListWidget()
        self.returns_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        returns_label = QLabel(
            self.tr("Return the goods to the warehouse (a sales return) when a shipped order moves to:"))
        returns_label.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(returns_label)
        left_layout.addWidget(self.returns_list, 1)

        # payments: the MoySklad document a paid payment of each RetailCRM payment type becomes
        self.payments_table = QTableWidget(0, 2)
        self.payments_table.setHorizontalHeaderLabels([self.tr("RetailCRM payment type"),
                                                       self.tr("Document in MoySklad")])
        self.payments_table.verticalHeader().setVisible(False)
        self.payments_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.payments_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        payments_header = self.payments_table.horizontalHeader()
        payments_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        payments_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self._payment_combos: dict[str, QComboBox] = {}
        payments_label = QLabel(self.tr("Paid payments go to MoySklad as:"))
        payments_label.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(payments_label)
        right_layout.addWidget(self.payments_table, 1)

        columns = QHBoxLayout()
        columns.addWidget(left, 2)
        columns.addWidget(right, 3)

        # MoySklad's additional order fields (app/ui/wizard/order_fields.py); hidden when the account has none
        self.fields_table = OrderFieldsTable()
        self.fields_table.changed.connect(self._on_changed)

        # statuses back (app/sync/orders/statuses_back.py, ms_shipments.py): off unless chosen, as before
        self.reverse_check = QCheckBox(self.tr("Pass status changes made in MoySklad back to RetailCRM"))
        self.reverse_check.setToolTip(
            self.tr("A MoySklad status brings back the RetailCRM status mapped to it on the orders page."))
        self.shipped_combo = QComboBox()
        self.shipped_combo.setEnabled(False)
        reverse_form = QFormLayout()
        reverse_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        reverse_form.addRow(self.reverse_check)
        reverse_form.addRow(self.tr("An order the warehouse ships in MoySklad itself gets the RetailCRM status"),
                            self.shipped_combo)
        self.reverse_box = QGroupBox(self.tr("Statuses from MoySklad"))
        self.reverse_box.setLayout(reverse_form)

        self.problems = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.fields_table)
        layout.addWidget(self.reverse_box)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)

        self._filled_for: object = None
        self._default_returns: set[str] = set()
        self.reverse_check.toggled.connect(self.shipped_combo.setEnabled)

    # -- filling -----------------------------------------------------------------------------------------

    def initializePage(self) -> None:
        state = self.state
        state.ensure_suggestion()
        if self._filled_for == state.suggested_for:
            self._on_changed()
            return
        self._filled_for = state.suggested_for
        rc, ms, settings = state.rc_account, state.ms_account, state.settings
        assert rc is not None and ms is not None
        statuses = rc_statuses(rc)  # in the order process: group, then status in the group

        self._default_returns = {s.code for s in statuses if s.group == CANCEL_GROUP}
        chosen_returns = (self._default_returns if settings.return_statuses is None
                          else set(settings.return_statuses))
        self.returns_list.clear()
        for status in statuses:
            if not status.active and status.code not in chosen_returns:
                continue
            item = QListWidgetItem(status.name)
            item.setData(Qt.ItemDataRole.UserRole, status.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if status.code in chosen_returns else Qt.CheckState.Unchecked)
            self.returns_list.addItem(item)
        self._fill_payments([(t.code, t.name) for t in rc.payment_types
                             if t.active or t.code in settings.payment_documents], settings.payment_documents)
        self.fields_table.fill(ms.order_attributes, settings.order_attributes)

        chosen = settings.shipped_in_ms_status
        self.shipped_combo.clear()
        self.shipped_combo.addItem(self.tr("— do not change —"), None)  # the suggestion: nothing moves by itself
        for status in statuses:
            if status.active or status.code == chosen:
                self.shipped_combo.addItem(status.name, status.code)
        if chosen and self.shipped_combo.findData(chosen) < 0:  # set in the CLI, gone from the account: kept, shown
            self.shipped_combo.addItem(chosen, chosen)
        self.shipped_combo.setCurrentIndex(max(self.shipped_combo.findData(chosen), 0) if chosen else 0)
        self.reverse_check.setChecked(settings.reverse_status_flow)
        self.shipped_combo.setEnabled(settings.reverse_status_flow)
        self._on_changed()

    def _fill_payments(self, types: list[tuple[str, str]], chosen: Mapping[str, str]) -> None:
        documents = (("paymentin", self.tr("Incoming payment")), ("cashin", self.tr("Cash receipt")),
                     ("skip", self.tr("Do not send")))
        self.payments_table.setRowCount(len(types))
        self._payment_combos = {}
        for row, (code, name) in enumerate(types):
            cell = QTableWidgetItem(name)
            cell.setData(Qt.ItemDataRole.UserRole, code)
            self.payments_table.setItem(row, 0, cell)
            combo = QComboBox()
            for value, text in documents:
                combo.addItem(text, value)
            current = chosen.get(code)
            combo.setCurrentIndex(max(combo.findData(current or suggest_document(code, name)), 0))
            self.payments_table.setCellWidget(row, 1, combo)
            self._payment_combos[code] = combo

    # -- reading the choices -----------------------------------------------------------------------------

    def payment_documents(self) -> dict[str, str]:
        return {code: str(combo.currentData()) for code, combo in self._payment_combos.items()}

    def set_payment_document(self, code: str, document: str) -> None:
        combo = self._payment_combos[code]
        combo.setCurrentIndex(max(combo.findData(document), 0))

    def return_statuses(self) -> tuple[str, ...] | None:
        """The checked return statuses; None while they are the cancel group's (the default follows the group)."""
        checked = []
        for i in range(self.returns_list.count()):
            item = self.returns_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                checked.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return None if set(checked) == self._default_returns else tuple(checked)

    def shipped_in_ms_status(self) -> str | None:
        # kept as chosen even while the statuses back are off: turning them on again finds it
        return self.shipped_combo.currentData()

    def set_shipped_in_ms_status(self, code: str | None) -> None:
        self.shipped_combo.setCurrentIndex(max(self.shipped_combo.findData(code), 0) if code else 0)

    @Slot()
    def _on_changed(self) -> None:
        required = self._required_lines()
        if required:
            self.problems.show_lines("error", self.tr("Fix these before going on:"), required)
        else:
            self.problems.clear_message()
        self.message.clear_message()
        self.completeChanged.emit()

    def _required_lines(self) -> list[str]:
        return [self.tr("The MoySklad field «{name}» is required: choose what fills it, or orders will wait.")
                .format(name=name) for name in self.fields_table.missing_required()]

    def isComplete(self) -> bool:
        # a required MoySklad field nothing fills: every order would be refused, so the wizard does not go on
        return super().isComplete() and not self.fields_table.missing_required()

    def validatePage(self) -> bool:
        required = self._required_lines()
        if required:
            return self.fail(required[0])
        self.state.update(
            return_statuses=self.return_statuses(),
            payment_documents=self.payment_documents(),
            order_attributes=self.fields_table.mapping(),
            reverse_status_flow=self.reverse_check.isChecked(),
            shipped_in_ms_status=self.shipped_in_ms_status(),
        )
        return True
