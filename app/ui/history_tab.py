"""The «History» tab: a small chart of runs over time (changes and errors per run) and the list of runs.

The chart is drawn with QPainter (no QtCharts: it is not in PySide6-Essentials and would be a large
dependency for two rows of bars).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontMetrics, QMouseEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.store import Run
from app.ui.i18n import current_language
from app.ui.labels import RUN_STATUS_LABELS, TRIGGER_LABELS, label, local_time

CHANGES_COLOR = QColor("#2e7d32")
DRY_COLOR = QColor("#90caf9")
ERRORS_COLOR = QColor("#c62828")
SELECTED_COLOR = QColor(255, 193, 7, 70)


@dataclass(frozen=True)
class RunPoint:
    """One bar pair of the chart."""

    run_id: int
    label: str
    changes: int
    errors: int
    dry_run: bool
    tooltip: str


def run_changes(run: Run) -> int:
    """Created plus updated, over every flow of the run."""
    return sum(int(c.get("created", 0)) + int(c.get("updated", 0)) for c in run.counts.values())


class RunChart(QWidget):
    """Two rows of bars sharing one time axis: changes on top, errors below (each with its own scale)."""

    run_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[RunPoint] = []
        self.selected: int | None = None
        self.setMouseTracking(True)
        self.setMinimumHeight(200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(600, 240)

    def set_points(self, points: Sequence[RunPoint]) -> None:
        self.points = list(points)
        self.update()

    # -- geometry ----------------------------------------------------------------------------------------

    def _plot_rect(self) -> QRectF:
        metrics = QFontMetrics(self.font())
        left = 12
        top = metrics.height() + 6
        bottom = metrics.height() + 10
        return QRectF(left, top, max(10.0, self.width() - left - 12), max(10.0, self.height() - top - bottom))

    def _slot_width(self) -> float:
        return self._plot_rect().width() / max(1, len(self.points))

    def point_at(self, x: float) -> int | None:
        rect = self._plot_rect()
        if not self.points or x < rect.left() or x > rect.right():
            return None
        index = int((x - rect.left()) // self._slot_width())
        return min(index, len(self.points) - 1)

    # -- painting ----------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_color = palette.color(QPalette.ColorRole.WindowText)
        grid_color = palette.color(QPalette.ColorRole.Mid)
        rect = self._plot_rect()
        metrics = QFontMetrics(self.font())
        if not self.points:
            painter.setPen(text_color)
            painter.drawText(
                self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("The chart appears after the first run.")
            )
            return
        caption = metrics.height() + 4
        changes_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.6 - caption / 2)
        errors_rect = QRectF(
            rect.left(),
            changes_rect.bottom() + caption + 4,
            rect.width(),
            rect.bottom() - changes_rect.bottom() - caption - 4,
        )
        self._draw_row(painter, changes_rect, [p.changes for p in self.points], CHANGES_COLOR, text_color, grid_color)
        errors = [p.errors for p in self.points]
        self._draw_row(painter, errors_rect, errors, ERRORS_COLOR, text_color, grid_color)
        if not any(errors):
            painter.setPen(grid_color)
            painter.drawText(errors_rect, int(Qt.AlignmentFlag.AlignCenter), self.tr("No errors in these runs."))

        painter.setPen(text_color)
        painter.drawText(QPointF(rect.left(), metrics.ascent() + 1), self.tr("Changes per run (light blue: dry runs)"))
        painter.drawText(QPointF(rect.left(), changes_rect.bottom() + metrics.ascent() + 3), self.tr("Errors per run"))
        # time axis: first and last run
        first, last = self.points[0].label, self.points[-1].label
        baseline = rect.bottom() + metrics.ascent() + 6
        painter.drawText(QPointF(rect.left(), baseline), first)
        if len(self.points) > 1:
            painter.drawText(QPointF(rect.right() - metrics.horizontalAdvance(last), baseline), last)
        painter.end()

    def _draw_row(
        self,
        painter: QPainter,
        rect: QRectF,
        values: list[int],
        color: QColor,
        text_color: QColor,
        grid_color: QColor,
    ) -> None:
        metrics = QFontMetrics(self.font())
        top = max(values) or 1
        # Each bar carries its own number, so there is no scale; the tallest bar leaves room for its label.
        room = max(1.0, rect.height() - metrics.height() - 2)
        painter.setPen(QPen(grid_color, 1))
        painter.drawLine(QPointF(rect.left(), rect.bottom()), QPointF(rect.right(), rect.bottom()))
        slot = self._slot_width()
        bar = max(2.0, min(28.0, slot * 0.7))
        show_numbers = metrics.horizontalAdvance(str(top)) < slot - 2
        for i, (point, value) in enumerate(zip(self.points, values, strict=True)):
            x = rect.left() + i * slot + (slot - bar) / 2
            if point.run_id == self.selected:
                painter.fillRect(QRectF(rect.left() + i * slot, rect.top(), slot, rect.height()), SELECTED_COLOR)
            if value <= 0:
                continue
            height = max(3.0, room * value / top)
            fill = DRY_COLOR if point.dry_run and color == CHANGES_COLOR else color
            painter.fillRect(QRectF(x, rect.bottom() - height, bar, height), fill)
            if show_numbers:
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(
                        rect.left() + i * slot, rect.bottom() - height - metrics.height() - 1, slot, metrics.height()
                    ),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    str(value),
                )

    # -- interaction -------------------------------------------------------------------------------------

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.point_at(event.position().x())
        if index is None:
            QToolTip.hideText()
            return
        QToolTip.showText(event.globalPosition().toPoint(), self.points[index].tooltip, self)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.point_at(event.position().x())
        if index is not None:
            self.selected = self.points[index].run_id
            self.update()
            self.run_clicked.emit(self.points[index].run_id)


class HistoryTab(QWidget):
    """``run_chosen(run_id)`` asks to show that run's journal."""

    run_chosen = Signal(int)

    COLUMNS = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = RunChart()
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Started"),
                self.tr("How"),
                self.tr("Result"),
                self.tr("Changes"),
                self.tr("Errors"),
                self.tr("Conflicts"),
                self.tr("Took"),
                self.tr("Summary"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in range(self.COLUMNS - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.journal_button = QPushButton(self.tr("Show this run's journal"))
        self.journal_button.setEnabled(False)
        self.hint = QLabel(self.tr("Click a bar or a line to pick a run."))
        self.hint.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(self.hint, 1)
        buttons.addWidget(self.journal_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart, 2)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 3)

        self._runs: list[Run] = []
        self.chart.run_clicked.connect(self._select_run)
        self.table.itemSelectionChanged.connect(self._on_table_selection)
        self.table.itemDoubleClicked.connect(lambda _item: self._emit_chosen())
        self.journal_button.clicked.connect(self._emit_chosen)

    def set_runs(self, runs: Sequence[Run]) -> None:
        """Runs newest first (as the store gives them); the chart reads left to right, oldest first."""
        self._runs = list(runs)
        points = []
        for run in reversed(self._runs):
            if run.status == "running":
                continue
            tip = self.tr("{time}: {status}, changes {changes}, errors {errors}").format(
                time=local_time(run.started_at),
                status=label(RUN_STATUS_LABELS, run.status).lower(),
                changes=run_changes(run),
                errors=run.errors,
            )
            if run.dry_run:
                tip += " " + self.tr("(dry run)")
            points.append(RunPoint(run.id, local_time(run.started_at), run_changes(run), run.errors, run.dry_run, tip))
        self.chart.set_points(points)

        self.table.setRowCount(len(self._runs))
        for row, run in enumerate(self._runs):
            took = ""
            if run.finished_at is not None:
                seconds = int((run.finished_at - run.started_at).total_seconds())
                took = (
                    self.tr("{m} min {s} s").format(m=seconds // 60, s=seconds % 60)
                    if seconds >= 60
                    else (self.tr("{s} s").format(s=seconds))
                )
            how = label(TRIGGER_LABELS, run.trigger)
            if run.dry_run:
                how += " " + self.tr("(dry run)")
            values = [
                local_time(run.started_at),
                how,
                label(RUN_STATUS_LABELS, run.status),
                str(run_changes(run)),
                str(run.errors),
                str(run.conflicts),
                took,
                run.message_text(current_language()),
            ]
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, run.id)
                if column == 7:
                    item.setToolTip(run.message_text(current_language()))
                if column in (3, 4, 5):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 4 and run.errors:
                    item.setForeground(ERRORS_COLOR)
                self.table.setItem(row, column, item)

    def selected_run_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    @Slot(int)
    def _select_run(self, run_id: int) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(Qt.ItemDataRole.UserRole) == run_id:
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                return

    @Slot()
    def _on_table_selection(self) -> None:
        run_id = self.selected_run_id()
        self.journal_button.setEnabled(run_id is not None)
        if run_id is not None and self.chart.selected != run_id:
            self.chart.selected = run_id
            self.chart.update()

    @Slot()
    def _emit_chosen(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.run_chosen.emit(run_id)
