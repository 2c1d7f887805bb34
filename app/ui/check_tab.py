"""The «Сверка» tab: compare both services without writing (app/sync/reconcile), show the differences by kind,
sortable and exportable to CSV, and put a kind right with a sync.

The engine cannot sync only some items, so «Fix» runs the flows that put that kind right in full for this
profile (:data:`app.sync.reconcile.FIX_FLOWS`), after asking: the question says so.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.messages import text_of
from app.runner.check import check_profile
from app.store import Database
from app.sync.model import Flow
from app.sync.reconcile import FIX_FLOWS, CheckReport, Kind
from app.ui.i18n import current_language
from app.ui.worker import run_in_background

KIND_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
MAX_COLUMN_WIDTH = 220  # pixels


class CheckTab(QWidget):
    """``fix_requested(flows)``: run these flows in full (the person has agreed)."""

    fix_requested = Signal(object)
    checked = Signal()

    def __init__(self, db: Database, profile_id: int, secrets: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._profile_id = profile_id
        self._secrets = secrets
        self.report: CheckReport | None = None
        # asks before a fix (tests answer for the person); True: go ahead
        self.confirm: Callable[[str], bool] = self._ask

        self.check_button = QPushButton(self.tr("Check now"))
        self.fix_button = QPushButton(self.tr("Fix…"))
        self.export_button = QPushButton(self.tr("Export to CSV…"))
        self.status_label = QLabel(self.tr("Compares RetailCRM with MoySklad without changing anything in either."))
        self.status_label.setWordWrap(True)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.hide()

        self.kind_list = QListWidget()
        self.kind_list.setMinimumWidth(self.fontMetrics().horizontalAdvance("Резервы отменённых заказов (000)") + 24)
        self.model = QStandardItemModel(0, 8, self)
        self.model.setHorizontalHeaderLabels([
            self.tr("Kind"), self.tr("Item or order"), self.tr("Article / number"), self.tr("RetailCRM"),
            self.tr("MoySklad"), self.tr("Should be in RetailCRM"), self.tr("Where"), self.tr("Note"),
        ])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterRole(KIND_ROLE)
        self.proxy.setFilterKeyColumn(0)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.view.horizontalHeader().setStretchLastSection(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addWidget(self.fix_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.kind_list)
        splitter.addWidget(self.view)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.notes_label)
        layout.addWidget(splitter, 1)

        self.check_button.clicked.connect(self.run_check)
        self.fix_button.clicked.connect(self.fix_selected)
        self.export_button.clicked.connect(self.choose_export_file)
        self.kind_list.currentItemChanged.connect(self._on_kind_changed)
        self._fill_kinds()

    # -- names ---------------------------------------------------------------------------------------------
    def kind_title(self, kind: Kind) -> str:
        return {
            Kind.STOCK: self.tr("Stock"),
            Kind.PRICE: self.tr("Prices"),
            Kind.ORDER_MISSING: self.tr("Orders missing in MoySklad"),
            Kind.RESERVE_LEFT: self.tr("Reserves of cancelled orders"),
            Kind.LINK_GONE: self.tr("Links to items that are gone"),
        }[kind]

    def flows_text(self, flows: tuple[Flow, ...]) -> str:
        names = {
            Flow.CATALOG: self.tr("catalog"), Flow.STOCK: self.tr("stock"),
            Flow.PRICES: self.tr("prices"), Flow.ORDERS: self.tr("orders"),
        }
        return ", ".join(names[f] for f in flows)

    # -- checking ------------------------------------------------------------------------------------------
    @Slot()
    def run_check(self) -> None:
        db, pid, secrets = self._db, self._profile_id, self._secrets
        self.check_button.setEnabled(False)
        self.fix_button.setEnabled(False)
        self.status_label.setText(self.tr("Comparing RetailCRM with MoySklad… Nothing is changed in either."))

        def failed(message: str) -> None:
            self.check_button.setEnabled(True)
            self.status_label.setText(message)
            self.checked.emit()

        run_in_background(lambda: check_profile(db, pid, secrets), self.show_report, failed, owner=self)

    def show_report(self, report: CheckReport) -> None:
        self.report = report
        self.check_button.setEnabled(True)
        self.model.removeRows(0, self.model.rowCount())
        for diff in report.differences:
            lang = current_language()
            values = [self.kind_title(diff.kind), diff.text("name", lang), diff.ref, diff.text("retailcrm", lang),
                      diff.text("moysklad", lang), diff.expected, diff.where, diff.text("note", lang)]
            row = []
            for text in values:
                item = QStandardItem(text)
                item.setData(str(diff.kind), KIND_ROLE)
                item.setData(_sort_key(text), SORT_ROLE)
                row.append(item)
            self.model.appendRow(row)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):  # long names must not push the figures out of sight
            self.view.setColumnWidth(column, min(self.view.columnWidth(column), MAX_COLUMN_WIDTH))
        total = len(report.differences)
        if report.agrees:
            self.status_label.setText(self.tr("Everything agrees: RetailCRM and MoySklad show the same."))
        else:
            self.status_label.setText(self.tr(
                "%n difference(s) found. Pick a kind on the left and press «Fix…», or export the list.", "", total
            ))
        self.notes_label.setText("\n".join(text_of(note, current_language()) for note in report.notes))
        self.notes_label.setVisible(bool(report.notes))
        self._fill_kinds()
        self.checked.emit()

    def _fill_kinds(self) -> None:
        current = self.selected_kind()
        counts = self.report.counts() if self.report is not None else {}
        self.kind_list.blockSignals(True)
        self.kind_list.clear()
        total = sum(counts.values())
        everything = QListWidgetItem(self.tr("All differences") + (f" ({total})" if self.report is not None else ""))
        everything.setData(KIND_ROLE, None)
        self.kind_list.addItem(everything)
        for kind in Kind:
            title = self.kind_title(kind)
            item = QListWidgetItem(f"{title} ({counts[kind]})" if self.report is not None else title)
            item.setData(KIND_ROLE, str(kind))
            self.kind_list.addItem(item)
            if current == kind:
                self.kind_list.setCurrentItem(item)
        if self.kind_list.currentItem() is None:
            self.kind_list.setCurrentRow(0)
        self.kind_list.blockSignals(False)
        self._on_kind_changed()

    def selected_kind(self) -> Kind | None:
        item = self.kind_list.currentItem()
        value = item.data(KIND_ROLE) if item is not None else None
        return Kind(value) if value else None

    def select_kind(self, kind: Kind | None) -> None:
        for row in range(self.kind_list.count()):
            value = self.kind_list.item(row).data(KIND_ROLE)
            if (Kind(value) if value else None) == kind:
                self.kind_list.setCurrentRow(row)
                return

    @Slot()
    def _on_kind_changed(self, *_args: object) -> None:
        kind = self.selected_kind()
        self.proxy.setFilterFixedString(str(kind) if kind is not None else "")
        self.view.setColumnHidden(0, kind is not None)  # one kind shown: its name in every row says nothing
        counts = self.report.counts() if self.report is not None else {}
        self.fix_button.setEnabled(kind is not None and counts.get(kind, 0) > 0)
        self.fix_button.setText(self.tr("Fix «{kind}»…").format(kind=self.kind_title(kind)) if kind is not None
                                else self.tr("Fix…"))
        self.export_button.setEnabled(self.proxy.rowCount() > 0)

    # -- fixing ---------------------------------------------------------------------------------------------
    @Slot()
    def fix_selected(self) -> bool:
        kind = self.selected_kind()
        if kind is None or self.report is None:
            return False
        flows = FIX_FLOWS[kind]
        question = self.tr(
            "Svyazka cannot sync only the items in this list: it will run the full sync of {flows} for this "
            "profile. That puts these differences right and sends anything else that changed. Run it now?"
        ).format(flows=self.flows_text(flows))
        if not self.confirm(question):
            return False
        self.status_label.setText(self.tr(
            "Running the full sync of {flows}. Check again when it has finished."
        ).format(flows=self.flows_text(flows)))
        self.fix_requested.emit(flows)
        return True

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Fix the differences"), question)
        return answer == QMessageBox.StandardButton.Yes

    # -- export ---------------------------------------------------------------------------------------------
    @Slot()
    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the differences"), str(Path.home() / "svyazka-check.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> int:
        """The rows shown (this kind, this order) to ``path``; UTF-8 with a BOM, so Excel reads Cyrillic."""
        columns = range(self.proxy.columnCount())
        rows = [[self.proxy.headerData(c, Qt.Orientation.Horizontal) for c in columns]]
        for r in range(self.proxy.rowCount()):
            rows.append([self.proxy.index(r, c).data() or "" for c in columns])
        try:
            with path.open("w", encoding="utf-8-sig", newline="") as stream:
                csv.writer(stream).writerows(rows)
        except OSError as exc:
            self.status_label.setText(self.tr("Could not save {path}: {error}. Choose another folder.").format(
                path=path, error=exc.strerror or exc))
            return 0
        self.status_label.setText(self.tr("Saved %n line(s) to {path}.", "", len(rows) - 1).format(path=path))
        return len(rows) - 1


def _sort_key(text: str) -> str:
    """Numbers sort as numbers (stock 9 before 10) and before words; one type of key per column for Qt."""
    try:
        value = float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        return "1" + text.casefold()
    return "0" + format(value + 1e12, "030.4f")
