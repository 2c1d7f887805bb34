"""The journal as a table model: pages through ``db.log(pid).query(...)`` in the background, newest first.

Rows arrive a page at a time (``fetchMore``), each page read off the GUI thread. While a sync runs,
:meth:`LogTableModel.refresh_head` reads the newest lines and puts the ones not shown yet on top, so the
table is live without ever re-reading what it already has. Every query carries a generation number:
an answer to a filter the person has since changed is dropped.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from app.store import Database, LogRecord
from app.ui.i18n import current_language
from app.ui.labels import FLOW_LABELS, LEVEL_LABELS, label, local_time
from app.ui.tones import text_on
from app.ui.worker import run_in_background

PAGE_SIZE = 200
HEAD_LIMIT = 1000  # more new lines than this between two refreshes: start over from the top
EXPORT_PAGE = 5000

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class LogFilter:
    """What the journal shows: ``level`` is a minimum ("warning" = warnings and errors)."""

    level: str | None = None
    flow: str | None = None
    run_id: int | None = None
    text: str = ""

    def query_args(self) -> dict[str, Any]:
        return {"level": self.level, "flow": self.flow, "run_id": self.run_id, "text": self.text.strip() or None}


class LogTableModel(QAbstractTableModel):
    """Read-only; ``loaded`` is emitted whenever an answer from the store has been applied."""

    COL_TIME, COL_LEVEL, COL_FLOW, COL_MESSAGE, COL_ENTITY = range(5)
    COLUMN_COUNT = 5

    loaded = Signal()
    total_changed = Signal(int)
    failed = Signal(str)

    def __init__(self, db: Database, profile_id: int, parent: QObject | None = None, page_size: int = PAGE_SIZE):
        super().__init__(parent)
        self._db = db
        self._profile_id = profile_id
        self._page_size = page_size
        self._rows: list[LogRecord] = []
        self._ids: set[int] = set()
        self._filter = LogFilter()
        self._generation = 0
        self._loading = False
        self._exhausted = False
        self._head_pending = False
        self._head_again = False
        self.total: int | None = None

    # -- what to show ------------------------------------------------------------------------------------

    @property
    def filter(self) -> LogFilter:
        return self._filter

    def set_filter(self, log_filter: LogFilter) -> None:
        self._filter = log_filter
        self.reload()

    def update_filter(self, **changes: Any) -> None:
        self.set_filter(replace(self._filter, **changes))

    def reload(self) -> None:
        """Forget every row and read the first page again."""
        self._generation += 1
        self.beginResetModel()
        self._rows, self._ids = [], set()
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self._load_page(with_total=True)

    def record(self, row: int) -> LogRecord:
        return self._rows[row]

    def records(self) -> list[LogRecord]:
        return list(self._rows)

    @property
    def busy(self) -> bool:
        return self._loading or self._head_pending

    # -- paging ------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt's own signature
        return not parent.isValid() and not self._exhausted and not self._loading and bool(self._rows)

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self._load_page(with_total=False)

    def _load_page(self, *, with_total: bool) -> None:
        self._loading = True
        generation, offset = self._generation, len(self._rows)
        repo, args, limit = self._db.log(self._profile_id), self._filter.query_args(), self._page_size

        def query() -> tuple[list[LogRecord], int | None]:
            rows = repo.query(**args, limit=limit, offset=offset)
            total = repo.count(**args) if with_total else None
            return rows, total

        run_in_background(
            query,
            lambda result: self._on_page(generation, result),
            lambda message: self._on_failed(generation, message),
            owner=self,
        )

    def _on_page(self, generation: int, result: tuple[list[LogRecord], int | None]) -> None:
        if generation != self._generation:
            return
        rows, total = result
        self._loading = False
        fresh = [r for r in rows if r.id not in self._ids]
        if len(rows) < self._page_size:
            self._exhausted = True
        if fresh:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self._rows.extend(fresh)
            self._ids.update(r.id for r in fresh)
            self.endInsertRows()
        if total is not None:
            self.total = total
            self.total_changed.emit(total)
        self.loaded.emit()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self._loading = False
            self._head_pending = False
            self.failed.emit(message)

    # -- live updates ------------------------------------------------------------------------------------

    def refresh_head(self) -> None:
        """Read the newest lines and insert the ones not shown yet at the top (cheap; safe to call often)."""
        if self._loading:
            return  # the page being read will show them
        if self._head_pending:
            self._head_again = True
            return
        self._head_pending = True
        generation = self._generation
        repo, args = self._db.log(self._profile_id), self._filter.query_args()

        def query() -> tuple[list[LogRecord], int]:
            return repo.query(**args, limit=HEAD_LIMIT, offset=0), repo.count(**args)

        run_in_background(
            query,
            lambda result: self._on_head(generation, result),
            lambda message: self._on_failed(generation, message),
            owner=self,
        )

    def _on_head(self, generation: int, result: tuple[list[LogRecord], int]) -> None:
        self._head_pending = False
        if generation != self._generation:
            return
        rows, total = result
        newest_known = max(self._ids, default=0)
        fresh = [r for r in rows if r.id not in self._ids and r.id > newest_known]
        if len(fresh) >= HEAD_LIMIT:
            # Lines we never read may lie between these and the old top: start over from the newest.
            self.beginResetModel()
            self._rows, self._ids = list(rows[: self._page_size]), {r.id for r in rows[: self._page_size]}
            self._exhausted = len(rows) < self._page_size
            self.endResetModel()
        elif fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._rows[:0] = fresh
            self._ids.update(r.id for r in fresh)
            self.endInsertRows()
        if not self._rows and not rows:
            self._exhausted = True
        self.total = total
        self.total_changed.emit(total)
        self.loaded.emit()
        if self._head_again:
            self._head_again = False
            self.refresh_head()

    # -- Qt model API ------------------------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Time"), self.tr("Level"), self.tr("Area"), self.tr("What happened"), self.tr("Object"))[
            section
        ]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(record, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COL_ENTITY and record.entity_url:
                return self.tr("Open in the service: {url}").format(url=record.entity_url)
            if column == self.COL_MESSAGE:
                return record.text(current_language())
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == self.COL_LEVEL:
            return _level_icon(record.level)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.COL_ENTITY and record.entity_url:
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
            if record.level == "error":
                # a red that reads on the table's base, light or dark (app.ui.tones)
                palette = QGuiApplication.palette()
                return text_on("error", palette.color(QPalette.ColorRole.Base), palette)
            if record.level == "debug":
                return QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
            return None
        if role == Qt.ItemDataRole.FontRole and column == self.COL_ENTITY and record.entity_url:
            font = QFont()
            font.setUnderline(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return record
        return None

    def _display(self, record: LogRecord, column: int) -> str:
        if column == self.COL_TIME:
            return local_time(record.ts, seconds=True)
        if column == self.COL_LEVEL:
            return label(LEVEL_LABELS, record.level)
        if column == self.COL_FLOW:
            return label(FLOW_LABELS, record.flow)
        if column == self.COL_MESSAGE:
            # from its app/messages code in the UI's language; a line written before codes shows its text
            return record.text(current_language())
        if column == self.COL_ENTITY:
            return record.entity_ref or ""
        return ""

    def rows_as_text(self, rows: Sequence[int]) -> str:
        """Tab-separated lines (time, level, area, message, object, link) for the clipboard."""
        lines = []
        for row in sorted(set(rows)):
            record = self._rows[row]
            lines.append("\t".join(_csv_fields(record)))
        return "\n".join(lines)


def _level_icon(level: str) -> Any:
    style = QApplication.style()
    icon = {
        "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
        "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
    }.get(level)
    return style.standardIcon(icon) if icon is not None and style is not None else None


def _csv_fields(record: LogRecord) -> list[str]:
    return [
        local_time(record.ts, seconds=True),
        label(LEVEL_LABELS, record.level),
        label(FLOW_LABELS, record.flow),
        record.text(current_language()).replace("\n", " "),
        record.entity_ref or "",
        record.entity_url or "",
    ]


def export_csv(db: Database, profile_id: int, log_filter: LogFilter, path: Path, headers: Sequence[str]) -> int:
    """Write every line matching the filter to ``path`` (UTF-8 with BOM, so Excel reads Cyrillic). Blocking:
    run it in the background. Returns how many lines were written."""
    repo = db.log(profile_id)
    args = log_filter.query_args()
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(list(headers))
        offset = 0
        while True:
            # Oldest first: lines a running sync adds land after the ones already written, never in between.
            rows = repo.query(**args, limit=EXPORT_PAGE, offset=offset, newest_first=False)
            for record in rows:
                writer.writerow(_csv_fields(record))
            written += len(rows)
            if len(rows) < EXPORT_PAGE:
                break
            offset += len(rows)
    return written
