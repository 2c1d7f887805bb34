"""The «Conflicts» tab: counts by kind, the list, the resolution dialog and bulk decisions.

Decisions are remembered by the store and applied on the next sync; "Sync now" is right here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.store import CONFLICT_KINDS, Conflict, Database
from app.ui.conflict_dialog import ConflictDialog
from app.ui.labels import CONFLICT_KIND_LABELS, CONFLICT_STATUS_LABELS, RESOLUTION_LABELS, label, local_time
from app.ui.worker import run_in_background
from app.vocab import ConflictKind

AnyIndex = QModelIndex | QPersistentModelIndex
CREATABLE = (ConflictKind.ONLY_IN_MOYSKLAD, ConflictKind.ONLY_IN_RETAILCRM)


class ConflictTableModel(QAbstractTableModel):
    COL_KIND, COL_TITLE, COL_STATUS, COL_SEEN = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Conflict] = []

    def set_conflicts(self, conflicts: Sequence[Conflict]) -> None:
        self.beginResetModel()
        self._rows = list(conflicts)
        self.endResetModel()

    def conflict(self, row: int) -> Conflict:
        return self._rows[row]

    def conflicts(self) -> list[Conflict]:
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Kind"), self.tr("What"), self.tr("State"), self.tr("Last seen"))[section]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        conflict = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.COL_KIND:
                return label(CONFLICT_KIND_LABELS, conflict.kind)
            if column == self.COL_TITLE:
                return conflict.title
            if column == self.COL_STATUS:
                text = label(CONFLICT_STATUS_LABELS, conflict.status)
                if conflict.resolution and conflict.status != "open":
                    text += ": " + label(RESOLUTION_LABELS, str(conflict.resolution.get("action"))).lower()
                return text
            if column == self.COL_SEEN:
                return local_time(conflict.last_seen_at)
        if role == Qt.ItemDataRole.UserRole:
            return conflict
        return None


class ConflictsTab(QWidget):
    """``sync_requested`` for the Sync now button; ``changed`` after any decision was stored."""

    sync_requested = Signal()
    changed = Signal()
    loaded = Signal()

    def __init__(self, db: Database, profile_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._profile_id = profile_id
        self._generation = 0
        self.last_dialog: ConflictDialog | None = None

        self.kind_list = QListWidget()
        self.kind_list.setMinimumWidth(self.fontMetrics().horizontalAdvance("Строка заказа без товара (0000)") + 24)
        self.status_combo = QComboBox()
        self.status_combo.addItem(self.tr("Need a decision"), "open")
        self.status_combo.addItem(self.tr("Decided"), "resolved")
        self.status_combo.addItem(self.tr("Ignored"), "ignored")
        self.status_combo.addItem(self.tr("All"), None)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("Show")))
        left_layout.addWidget(self.status_combo)
        left_layout.addWidget(self.kind_list, 1)

        self.model = ConflictTableModel(self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(ConflictTableModel.COL_KIND, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ConflictTableModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ConflictTableModel.COL_STATUS, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ConflictTableModel.COL_SEEN, QHeaderView.ResizeMode.ResizeToContents)

        self.open_button = QPushButton(self.tr("Decide…"))
        self.select_all_button = QPushButton(self.tr("Select all"))
        self.ignore_button = QPushButton(self.tr("Ignore selected"))
        self.create_button = QPushButton(self.tr("Create selected on the other side"))
        self.reopen_button = QPushButton(self.tr("Reopen selected"))
        self.sync_button = QPushButton(self.tr("Sync now"))
        actions = QHBoxLayout()
        for button in (self.open_button, self.select_all_button, self.ignore_button, self.create_button):
            actions.addWidget(button)
        actions.addWidget(self.reopen_button)
        actions.addStretch(1)
        actions.addWidget(self.sync_button)

        self.hint = QLabel(
            self.tr("Decisions are remembered and applied on the next sync. Double-click a line to see both sides.")
        )
        self.hint.setWordWrap(True)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.hint)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(actions)
        right_layout.addWidget(self.status_label)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._counts: dict[ConflictKind, int] = {}
        self.set_counts({})
        self.kind_list.currentRowChanged.connect(lambda _row: self.reload())
        self.status_combo.currentIndexChanged.connect(lambda _index: self.reload())
        self.view.doubleClicked.connect(lambda index: self.open_dialog(index.row()))
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.open_button.clicked.connect(self._open_current)
        self.select_all_button.clicked.connect(self.view.selectAll)
        self.ignore_button.clicked.connect(lambda: self.bulk("ignore"))
        self.create_button.clicked.connect(lambda: self.bulk("create"))
        self.reopen_button.clicked.connect(lambda: self.bulk("reopen"))
        self.sync_button.clicked.connect(self.sync_requested)
        self._update_buttons()

    # -- counts and list ---------------------------------------------------------------------------------

    def set_counts(self, counts: dict[ConflictKind, int]) -> None:
        """Open conflicts per kind (from the store's ``counts_by_kind``)."""
        self._counts = dict(counts)
        current = self.current_kind()
        self.kind_list.blockSignals(True)
        self.kind_list.clear()
        total = sum(counts.values())
        all_item = QListWidgetItem(self.tr("All kinds ({count})").format(count=total))
        all_item.setData(Qt.ItemDataRole.UserRole, None)
        self.kind_list.addItem(all_item)
        for kind in CONFLICT_KINDS:
            if counts.get(kind) or kind == current:
                item = QListWidgetItem(f"{label(CONFLICT_KIND_LABELS, kind)} ({counts.get(kind, 0)})")
                item.setData(Qt.ItemDataRole.UserRole, kind)
                self.kind_list.addItem(item)
        row = next(
            (
                i
                for i in range(self.kind_list.count())
                if self.kind_list.item(i).data(Qt.ItemDataRole.UserRole) == current
            ),
            0,
        )
        self.kind_list.setCurrentRow(row)
        self.kind_list.blockSignals(False)

    def current_kind(self) -> ConflictKind | None:
        item = self.kind_list.currentItem() if hasattr(self, "kind_list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def show_kind(self, kind: ConflictKind | None, status: str | None = "open") -> None:
        """Show one kind (None: all) in one state; a kind with no open conflicts gets its line too."""
        self.status_combo.blockSignals(True)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(status)))
        self.status_combo.blockSignals(False)
        self.kind_list.blockSignals(True)
        rows = [self.kind_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.kind_list.count())]
        if kind not in rows:
            item = QListWidgetItem(f"{label(CONFLICT_KIND_LABELS, kind)} ({self._counts.get(kind, 0) if kind else 0})")
            item.setData(Qt.ItemDataRole.UserRole, kind)
            self.kind_list.addItem(item)
            rows.append(kind)
        self.kind_list.setCurrentRow(rows.index(kind))
        self.kind_list.blockSignals(False)
        self.reload()

    @Slot()
    def reload(self) -> None:
        """Read the conflicts for the chosen kind and state in the background."""
        self._generation += 1
        generation = self._generation
        repo = self._db.conflicts(self._profile_id)
        status, kind = self.status_combo.currentData(), self.current_kind()

        def done(result: tuple[list[Conflict], dict[ConflictKind, int]]) -> None:
            if generation != self._generation:
                return
            conflicts, counts = result
            if counts != self._counts:
                self.set_counts(counts)
            self.model.set_conflicts(conflicts)
            self._update_buttons()
            if not conflicts:
                self.status_label.setText(
                    self.tr("No conflicts here. Everything that could be paired is paired.")
                    if status == "open"
                    else self.tr("Nothing to show.")
                )
            else:
                self.status_label.setText(self.tr("%n conflict(s).", "", len(conflicts)))
            self.loaded.emit()

        def read() -> tuple[list[Conflict], dict[ConflictKind, int]]:
            return repo.list(status=status, kind=kind), repo.counts_by_kind()

        run_in_background(read, done, self.status_label.setText, owner=self)

    # -- deciding ----------------------------------------------------------------------------------------

    def selected_conflicts(self) -> list[Conflict]:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.conflict(row) for row in rows]

    @Slot()
    def _update_buttons(self) -> None:
        chosen = self.selected_conflicts()
        has_open = any(c.status == "open" for c in chosen)
        self.open_button.setEnabled(len(chosen) == 1)
        self.ignore_button.setEnabled(has_open)
        self.create_button.setEnabled(bool(chosen) and all(c.kind in CREATABLE and c.status == "open" for c in chosen))
        self.reopen_button.setEnabled(any(c.status != "open" for c in chosen))
        self.select_all_button.setEnabled(self.model.rowCount() > 0)

    @Slot()
    def _open_current(self) -> None:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        if rows:
            self.open_dialog(rows[0])

    def open_dialog(self, row: int, *, modal: bool = True) -> ConflictDialog:
        dialog = ConflictDialog(self.model.conflict(row), self._db, self._profile_id, self)
        dialog.decided.connect(self._on_decided)
        self.last_dialog = dialog
        if modal:
            dialog.open()
        return dialog

    @Slot(object)
    def _on_decided(self, _conflict: object) -> None:
        self.status_label.setText(self.tr("Decision saved. It applies on the next sync."))
        self.changed.emit()
        self.reload()

    def bulk(self, action: str) -> None:
        """Apply one decision to every selected conflict it fits (in the background)."""
        chosen = self.selected_conflicts()
        if action == "reopen":
            targets = [c.id for c in chosen if c.status != "open"]
        elif action == "create":
            targets = [c.id for c in chosen if c.kind in CREATABLE and c.status == "open"]
        else:
            targets = [c.id for c in chosen if c.status == "open"]
        if not targets:
            return
        repo = self._db.conflicts(self._profile_id)

        def work() -> int:
            for conflict_id in targets:
                if action == "reopen":
                    repo.reopen(conflict_id)
                else:
                    repo.resolve(conflict_id, {"action": action})
            return len(targets)

        def done(count: int) -> None:
            self.status_label.setText(
                self.tr("Saved for %n conflict(s). The decisions apply on the next sync.", "", count)
            )
            self.changed.emit()
            self.reload()

        for button in (self.ignore_button, self.create_button, self.reopen_button):
            button.setEnabled(False)
        run_in_background(work, done, self.status_label.setText, owner=self)
