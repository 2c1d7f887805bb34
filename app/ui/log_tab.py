"""The «Journal» tab: every line a run wrote, filterable, live while a sync runs, copy and CSV export."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.store import FLOWS, Database, Run
from app.ui.labels import FLOW_LABELS, RUN_STATUS_LABELS, TRIGGER_LABELS, label, local_time
from app.ui.log_model import LogFilter, LogTableModel, export_csv
from app.ui.worker import run_in_background

LIVE_REFRESH_MS = 400
SEARCH_DELAY_MS = 300


class LogTab(QWidget):
    """``url_opener`` opens an entity's page (QDesktopServices by default; tests replace it)."""

    def __init__(self, db: Database, profile_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._profile_id = profile_id
        self.url_opener: Callable[[QUrl], object] = QDesktopServices.openUrl
        self.model = LogTableModel(db, profile_id, self)

        self.level_combo = QComboBox()
        self.level_combo.addItem(self.tr("Everything"), None)
        self.level_combo.addItem(self.tr("Info and above"), "info")
        self.level_combo.addItem(self.tr("Warnings and errors"), "warning")
        self.level_combo.addItem(self.tr("Errors only"), "error")
        self.level_combo.setCurrentIndex(1)
        self.flow_combo = QComboBox()
        self.flow_combo.addItem(self.tr("All areas"), None)
        for flow in FLOWS:
            self.flow_combo.addItem(label(FLOW_LABELS, flow), flow)
        self.run_combo = QComboBox()
        self.run_combo.addItem(self.tr("All runs"), None)
        # a run's line is long; the search field should keep the room
        self.run_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.run_combo.setMinimumContentsLength(18)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Search: order number, SKU, words…"))
        self.search_edit.setClearButtonEnabled(True)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the selected lines (Ctrl+C)"))
        self.export_button = QPushButton(self.tr("Export to CSV…"))

        filters = QHBoxLayout()
        filters.addWidget(self.level_combo)
        filters.addWidget(self.flow_combo)
        filters.addWidget(self.run_combo)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(self.copy_button)
        filters.addWidget(self.export_button)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        metrics = self.fontMetrics()
        header.resizeSection(LogTableModel.COL_TIME, metrics.horizontalAdvance("00.00.0000 00:00:00") + 24)
        header.resizeSection(LogTableModel.COL_LEVEL, metrics.horizontalAdvance("Предупреждение") + 40)
        header.resizeSection(LogTableModel.COL_FLOW, metrics.horizontalAdvance("Каталог товаров") + 16)
        header.resizeSection(LogTableModel.COL_ENTITY, metrics.horizontalAdvance("SKU-000000-XL") + 24)
        header.setSectionResizeMode(LogTableModel.COL_MESSAGE, QHeaderView.ResizeMode.Stretch)

        self.empty_label = QLabel(self.tr("No lines yet. They appear here as soon as a sync runs."))
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.status_label)

        copy_action = QAction(self.tr("Copy"), self.view)
        copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        copy_action.triggered.connect(self.copy_selection)
        self.view.addAction(copy_action)
        self._copy_action = copy_action

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_filters)
        self._live_timer = QTimer(self)
        self._live_timer.setSingleShot(True)
        self._live_timer.setInterval(LIVE_REFRESH_MS)
        self._live_timer.timeout.connect(self.model.refresh_head)

        self.level_combo.currentIndexChanged.connect(self._apply_filters)
        self.flow_combo.currentIndexChanged.connect(self._apply_filters)
        self.run_combo.currentIndexChanged.connect(self._apply_filters)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.copy_button.clicked.connect(self.copy_selection)
        self.export_button.clicked.connect(self.choose_export_file)
        self.view.clicked.connect(self._on_clicked)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.model.total_changed.connect(self._show_total)
        self.model.loaded.connect(self._update_empty)
        self.model.failed.connect(self.status_label.setText)

        self._apply_filters()

    # -- filters -----------------------------------------------------------------------------------------

    def current_filter(self) -> LogFilter:
        return LogFilter(
            level=self.level_combo.currentData(),
            flow=self.flow_combo.currentData(),
            run_id=self.run_combo.currentData(),
            text=self.search_edit.text(),
        )

    @Slot()
    def _apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_filter(self.current_filter())

    def set_runs(self, runs: Sequence[Run]) -> None:
        """Offer these runs in the run filter (newest first), keeping the current choice if it is still there."""
        chosen = self.run_combo.currentData()
        self.run_combo.blockSignals(True)
        self.run_combo.clear()
        self.run_combo.addItem(self.tr("All runs"), None)
        for run in runs:
            text = self.tr("{time} · {trigger} · {status}").format(
                time=local_time(run.started_at),
                trigger=label(TRIGGER_LABELS, run.trigger),
                status=label(RUN_STATUS_LABELS, run.status),
            )
            if run.dry_run:
                text += " " + self.tr("(dry run)")
            self.run_combo.addItem(text, run.id)
        index = self.run_combo.findData(chosen)
        self.run_combo.setCurrentIndex(max(index, 0))
        self.run_combo.blockSignals(False)
        if index < 0 and chosen is not None:
            self._apply_filters()

    def show_run(self, run_id: int) -> None:
        """Show only the lines of one run (the History tab jumps here)."""
        index = self.run_combo.findData(run_id)
        if index < 0:
            self.run_combo.addItem(self.tr("Run #{id}").format(id=run_id), run_id)
            index = self.run_combo.count() - 1
        self.level_combo.setCurrentIndex(0)
        self.run_combo.setCurrentIndex(index)

    # -- live --------------------------------------------------------------------------------------------

    @Slot(object)
    def on_log_events(self, _events: object) -> None:
        """New lines are being written: refresh the top a little later (many batches make one query)."""
        if not self._live_timer.isActive():
            self._live_timer.start()

    @Slot()
    def on_run_finished(self) -> None:
        self._live_timer.stop()
        self.model.refresh_head()

    # -- copy, export, open ------------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        return sorted({index.row() for index in self.view.selectionModel().selectedRows()})

    @Slot()
    def copy_selection(self) -> None:
        rows = self.selected_rows()
        if not rows:
            self.status_label.setText(self.tr("Select the lines to copy first."))
            return
        QGuiApplication.clipboard().setText(self.model.rows_as_text(rows))
        self.status_label.setText(self.tr("Copied %n line(s).", "", len(rows)))

    @Slot()
    def choose_export_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the journal"), str(Path.home() / "svyazka-journal.csv"), self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        """Write the lines matching the current filters to ``path`` in the background."""
        headers = [self.model.headerData(c, Qt.Orientation.Horizontal) for c in range(self.model.columnCount())]
        headers.append(self.tr("Link"))
        db, pid, log_filter = self._db, self._profile_id, self.current_filter()
        self.export_button.setEnabled(False)
        self.status_label.setText(self.tr("Exporting…"))

        def done(count: int) -> None:
            self.export_button.setEnabled(True)
            self.status_label.setText(self.tr("Saved %n line(s) to {path}.", "", count).format(path=path))

        def failed(message: str) -> None:
            self.export_button.setEnabled(True)
            self.status_label.setText(message)

        run_in_background(lambda: export_csv(db, pid, log_filter, path, headers), done, failed, owner=self)

    @Slot(QModelIndex)
    def _on_clicked(self, index: QModelIndex) -> None:
        if index.column() == LogTableModel.COL_ENTITY:
            self.open_entity(index.row())

    def open_entity(self, row: int) -> bool:
        record = self.model.record(row)
        if not record.entity_url:
            return False
        self.url_opener(QUrl(record.entity_url))
        return True

    @Slot(QPoint)
    def _context_menu(self, position: QPoint) -> None:
        index = self.view.indexAt(position)
        menu = QMenu(self)
        menu.addAction(self._copy_action)
        if index.isValid() and self.model.record(index.row()).entity_url:
            menu.addAction(self.tr("Open in the service"), lambda: self.open_entity(index.row()))
        menu.exec(self.view.viewport().mapToGlobal(position))

    # -- status ------------------------------------------------------------------------------------------

    @Slot(int)
    def _show_total(self, total: int) -> None:
        self.status_label.setText(self.tr("%n line(s) match the filters.", "", total))

    @Slot()
    def _update_empty(self) -> None:
        self.empty_label.setVisible(self.model.rowCount() == 0)
