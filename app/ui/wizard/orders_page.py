"""Page 6: which RetailCRM statuses send an order to MoySklad, how statuses map, and when to ship.

The mapping is prefilled by name similarity (``suggest_settings``); a row without a MoySklad status stands
out, and louder when orders in that status are exported (they would wait).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sync.accounts import ms_states, rc_statuses, suggest_reverse_map
from app.sync.orders.payments import suggest_document
from app.sync.process_order import CANCEL_GROUP
from app.sync.statusmap import Problem, validate_status_map
from app.ui.i18n import current_language
from app.ui.tones import tone
from app.ui.widgets import MessageLabel
from app.ui.wizard.base import WizardPage
from app.ui.wizard.order_fields import OrderFieldsTable

# how an unmapped row is tinted (app.ui.tones picks background and text together, for dark schemes too)
UNMAPPED_TONE = "warning"
UNMAPPED_EXPORTED_TONE = "error"


class OrdersPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("Orders"))
        self.setSubTitle(
            self.tr("When an order goes to MoySklad, and which MoySklad status each RetailCRM status means.")
        )
        self.site_combo = QComboBox()
        self.export_list = QListWidget()
        self.export_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        export_label = QLabel(self.tr("Send orders to MoySklad in these statuses:"))
        export_label.setWordWrap(True)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(export_label)
        left_layout.addWidget(self.export_list, 1)

        self.map_table = QTableWidget(0, 2)
        self.map_table.setHorizontalHeaderLabels([self.tr("RetailCRM status"), self.tr("MoySklad status")])
        self.map_table.verticalHeader().setVisible(False)
        self.map_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.map_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.map_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 16)
        header = self.map_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        map_label = QLabel(self.tr("Status mapping (rows in colour have no MoySklad status yet):"))
        map_label.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(map_label)
        right_layout.addWidget(self.map_table, 1)

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
        self.payments_table.setMaximumHeight(self.fontMetrics().height() * 9)
        self._payment_combos: dict[str, QComboBox] = {}

        self.shipment_combo = QComboBox()
        # a shipped order moving to one of these gets a sales return (app/sync/orders/returns.py)
        self.returns_list = QListWidget()
        self.returns_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.returns_list.setMaximumHeight(self.fontMetrics().height() * 6)
        self.problems = MessageLabel()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("RetailCRM shop"), self.site_combo)
        form.addRow(self.tr("Create the shipment in MoySklad at"), self.shipment_combo)
        form.addRow(self.tr("Return the goods to the warehouse (a sales return) when a shipped order moves to"),
                    self.returns_list)

        columns = QHBoxLayout()
        columns.addWidget(left, 2)
        columns.addWidget(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(form)
        payments_label = QLabel(self.tr("Paid payments go to MoySklad as:"))
        payments_label.setWordWrap(True)
        layout.addWidget(payments_label)
        layout.addWidget(self.payments_table)
        # MoySklad's additional order fields (app/ui/wizard/order_fields.py); hidden when the account has none
        self.fields_table = OrderFieldsTable()
        self.fields_table.changed.connect(self._on_changed)
        layout.addWidget(self.fields_table)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)

        self._filled_for: object = None
        self._combos: dict[str, QComboBox] = {}
        self._rows: dict[str, int] = {}
        self._default_returns: set[str] = set()
        self.export_list.itemChanged.connect(self._on_changed)
        self.shipment_combo.currentIndexChanged.connect(self._on_changed)

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
        self._statuses = rc_statuses(rc)  # in the order process: group, then status in the group
        self._states = ms_states(ms)
        groups = {g.code: g.name for g in rc.status_groups}

        self.site_combo.clear()
        for site in rc.sites:
            self.site_combo.addItem(f"{site.name} ({site.code})", site.code)
        self.site_combo.setCurrentIndex(max(self.site_combo.findData(settings.retailcrm_site), 0))
        self.site_combo.setEnabled(len(rc.sites) > 1)

        self.export_list.blockSignals(True)
        self.export_list.clear()
        exported = set(settings.export_statuses)
        for status in self._statuses:
            if not status.active and status.code not in exported:
                continue
            group = groups.get(status.group or "", "")
            item = QListWidgetItem(status.name if not group or group == status.name else f"{status.name} · {group}")
            item.setToolTip(self.tr("Status group: {group}").format(group=group) if group else "")
            item.setData(Qt.ItemDataRole.UserRole, status.code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if status.code in exported else Qt.CheckState.Unchecked)
            self.export_list.addItem(item)
        self.export_list.blockSignals(False)

        active = [s for s in self._statuses if s.active or s.code in settings.status_map]
        self.map_table.setRowCount(len(active))
        self._combos, self._rows = {}, {}
        for row, status in enumerate(active):
            cell = QTableWidgetItem(status.name)
            cell.setData(Qt.ItemDataRole.UserRole, status.code)
            self.map_table.setItem(row, 0, cell)
            combo = QComboBox()
            combo.addItem(self.tr("— no status —"), None)
            for state_ in self._states:
                combo.addItem(state_.name, state_.id)
            chosen = settings.status_map.get(status.code)
            combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
            combo.currentIndexChanged.connect(self._on_changed)
            self.map_table.setCellWidget(row, 1, combo)
            self._combos[status.code] = combo
            self._rows[status.code] = row

        self.shipment_combo.blockSignals(True)
        self.shipment_combo.clear()
        self.shipment_combo.addItem(self.tr("— do not create shipments —"), None)
        for status in self._statuses:
            if status.active:
                self.shipment_combo.addItem(status.name, status.code)
        self.shipment_combo.setCurrentIndex(max(self.shipment_combo.findData(settings.shipment_status), 0))
        self.shipment_combo.blockSignals(False)

        self._default_returns = {s.code for s in self._statuses if s.group == CANCEL_GROUP}
        chosen_returns = (self._default_returns if settings.return_statuses is None
                          else set(settings.return_statuses))
        self.returns_list.clear()
        for status in self._statuses:
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

    def payment_documents(self) -> dict[str, str]:
        return {code: str(combo.currentData()) for code, combo in self._payment_combos.items()}

    def set_payment_document(self, code: str, document: str) -> None:
        combo = self._payment_combos[code]
        combo.setCurrentIndex(max(combo.findData(document), 0))

    # -- reading the choices -----------------------------------------------------------------------------

    def export_statuses(self) -> list[str]:
        result = []
        for i in range(self.export_list.count()):
            item = self.export_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                result.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return result

    def return_statuses(self) -> tuple[str, ...] | None:
        """The checked return statuses; None while they are the cancel group's (the default follows the group)."""
        checked = []
        for i in range(self.returns_list.count()):
            item = self.returns_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                checked.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return None if set(checked) == self._default_returns else tuple(checked)

    def set_exported(self, code: str, exported: bool) -> None:
        for i in range(self.export_list.count()):
            item = self.export_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                item.setCheckState(Qt.CheckState.Checked if exported else Qt.CheckState.Unchecked)

    def status_map(self) -> dict[str, str | None]:
        return {code: combo.currentData() for code, combo in self._combos.items()}

    def map_status(self, rc_code: str, ms_state_id: str | None) -> None:
        combo = self._combos[rc_code]
        combo.setCurrentIndex(max(combo.findData(ms_state_id), 0) if ms_state_id else 0)

    def unmapped_rows(self) -> list[str]:
        return [code for code, state_id in self.status_map().items() if not state_id]

    def current_problems(self) -> list[Problem]:
        return validate_status_map(
            self.status_map(), self._statuses, self._states, self.export_statuses(), self.shipment_combo.currentData()
        )

    @Slot()
    def _on_changed(self) -> None:
        exported = set(self.export_statuses())
        warn_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for code, combo in self._combos.items():
            item = self.map_table.item(self._rows[code], 0)
            if item is None:
                continue
            if combo.currentData():
                item.setData(Qt.ItemDataRole.BackgroundRole, None)
                item.setData(Qt.ItemDataRole.ForegroundRole, None)
                item.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
                item.setToolTip("")
            else:
                colours = tone(UNMAPPED_EXPORTED_TONE if code in exported else UNMAPPED_TONE)
                item.setBackground(colours.background)
                item.setForeground(colours.text)
                item.setIcon(warn_icon)
                item.setToolTip(
                    self.tr("Orders in this status are exported but it has no MoySklad status: they would wait.")
                    if code in exported
                    else self.tr("No MoySklad status: a change to this status is not passed on.")
                )
        problems = self.current_problems()
        lang = current_language()
        errors = [p.text(lang) for p in problems if p.severity == "error"] + self._required_lines()
        warnings = [p.text(lang) for p in problems if p.severity != "error"]
        if errors:
            self.problems.show_lines("error", self.tr("Fix these before going on:"), errors + warnings)
        elif warnings:
            self.problems.show_lines("warning", self.tr("Worth a look:"), warnings)
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
        problems = self.current_problems()
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            return self.fail(errors[0].text(current_language()))
        required = self._required_lines()
        if required:
            return self.fail(required[0])
        status_map = self.status_map()
        state_names = {s.id: s.name for s in self._states}
        reverse = suggest_reverse_map(status_map, self._statuses, state_names)
        self.state.update(
            retailcrm_site=self.site_combo.currentData(),
            export_statuses=tuple(self.export_statuses()),
            status_map={code: state_id for code, state_id in status_map.items() if state_id},
            state_names=state_names,
            reverse_status_map=reverse,
            shipment_status=self.shipment_combo.currentData(),
            return_statuses=self.return_statuses(),
            payment_documents=self.payment_documents(),
            order_attributes=self.fields_table.mapping(),
        )
        return True
