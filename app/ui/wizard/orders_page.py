"""Page 6: which RetailCRM statuses send an order to MoySklad, how statuses map, and when to ship. What
follows (returns, payments, MoySklad's order fields, statuses back) is on the next page, order_life_page.py.

The mapping is prefilled by name similarity (``suggest_settings``); a row without a MoySklad status stands
out, and louder when orders in that status are exported (they would wait).
"""

from __future__ import annotations

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
from app.sync.statusmap import Problem, validate_status_map
from app.ui.i18n import current_language
from app.ui.tones import tone
from app.ui.widgets import MessageLabel
from app.ui.wizard.base import WizardPage

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

        self.shipment_combo = QComboBox()
        self.problems = MessageLabel()
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("RetailCRM shop"), self.site_combo)
        form.addRow(self.tr("Create the shipment in MoySklad at"), self.shipment_combo)

        columns = QHBoxLayout()
        columns.addWidget(left, 2)
        columns.addWidget(right, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addLayout(form)
        layout.addWidget(self.problems)
        layout.addWidget(self.message)

        self._filled_for: object = None
        self._combos: dict[str, QComboBox] = {}
        self._rows: dict[str, int] = {}
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

        self._on_changed()

    # -- reading the choices -----------------------------------------------------------------------------

    def export_statuses(self) -> list[str]:
        result = []
        for i in range(self.export_list.count()):
            item = self.export_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                result.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return result

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
        errors = [p.text(lang) for p in problems if p.severity == "error"]
        warnings = [p.text(lang) for p in problems if p.severity != "error"]
        if errors:
            self.problems.show_lines("error", self.tr("Fix these before going on:"), errors + warnings)
        elif warnings:
            self.problems.show_lines("warning", self.tr("Worth a look:"), warnings)
        else:
            self.problems.clear_message()
        self.message.clear_message()
        self.completeChanged.emit()

    def validatePage(self) -> bool:
        problems = self.current_problems()
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            return self.fail(errors[0].text(current_language()))
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
        )
        return True
