"""The top of the main window: Sync now / Stop, a progress bar per flow, the last run and the next one."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.store import Run
from app.sync.model import ALL_FLOWS, Flow, Progress, RunReport
from app.ui.i18n import current_language
from app.ui.labels import FLOW_LABELS, RUN_STATUS_LABELS, TRIGGER_LABELS, label, local_time


class SyncPanel(QWidget):
    """Emits ``sync_requested`` and ``stop_requested``; the main window wires them to the controller."""

    sync_requested = Signal()
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync_button = QPushButton(self.tr("Sync now"))
        self.sync_button.setDefault(True)
        self.sync_button.setMinimumHeight(self.fontMetrics().height() * 2 + 6)
        font = QFont(self.sync_button.font())
        font.setBold(True)
        self.sync_button.setFont(font)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.setToolTip(self.tr("Stops after the current batch; everything written so far is kept."))
        self.state_label = QLabel(self.tr("Ready."))
        self.state_label.setWordWrap(True)
        self.last_label = QLabel(self.tr("No sync has run yet."))
        self.last_label.setWordWrap(True)
        self.last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.next_label = QLabel(self.tr("Automatic sync is off."))
        self.next_label.setWordWrap(True)

        buttons = QVBoxLayout()
        buttons.addWidget(self.sync_button)
        buttons.addWidget(self.stop_button)
        buttons.addStretch(1)

        self.bars: dict[Flow, QProgressBar] = {}
        self.bar_labels: dict[Flow, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for row, flow in enumerate(ALL_FLOWS):
            name = QLabel(label(FLOW_LABELS, flow.value))
            bar = QProgressBar()
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setTextVisible(True)
            bar.setFormat(self.tr("waiting"))
            bar.setMinimumWidth(180)
            bar.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            grid.addWidget(name, row, 0)
            grid.addWidget(bar, row, 1)
            self.bars[flow] = bar
            self.bar_labels[flow] = name
        grid.setColumnStretch(1, 1)

        summary = QVBoxLayout()
        summary.addWidget(self.state_label)
        summary.addWidget(self.last_label)
        summary.addWidget(self.next_label)
        summary.addStretch(1)

        frame = QFrame()
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        inner = QHBoxLayout(frame)
        inner.addLayout(buttons)
        inner.addLayout(grid, 3)
        inner.addSpacing(12)
        inner.addLayout(summary, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        self.sync_button.clicked.connect(self.sync_requested)
        self.stop_button.clicked.connect(self._on_stop_clicked)
        self._selected: tuple[Flow, ...] = ALL_FLOWS

    # -- run state ---------------------------------------------------------------------------------------

    @Slot(object)
    def on_started(self, info: object) -> None:
        flows = tuple(info.get("flows", ALL_FLOWS)) if isinstance(info, dict) else ALL_FLOWS
        dry = bool(info.get("dry_run")) if isinstance(info, dict) else False
        self._selected = flows
        self.sync_button.setEnabled(False)
        self.stop_button.setEnabled(True)
        self.state_label.setText(self.tr("Dry run in progress…") if dry else self.tr("Sync in progress…"))
        for flow, bar in self.bars.items():
            bar.setRange(0, 1)
            bar.setValue(0)
            bar.setFormat(self.tr("waiting") if flow in flows else self.tr("not in this run"))

    @Slot(object)
    def on_progress(self, progress: object) -> None:
        if not isinstance(progress, Progress):
            return
        for flow in self._selected:  # flows run in order: the ones before this one are done
            if flow == progress.flow:
                break
            self._mark_done(flow)
        bar = self.bars[progress.flow]
        stage = self.tr("checking") if progress.stage == "plan" else self.tr("writing")
        if progress.total > 0:
            bar.setRange(0, progress.total)
            bar.setValue(min(progress.done, progress.total))
            bar.setFormat(
                self.tr("{stage}: {done} of {total}").format(stage=stage, done=progress.done, total=progress.total)
            )
        else:
            bar.setRange(0, 0)  # how much there is to do is not known yet
            bar.setFormat(stage)

    @Slot()
    def on_stopping(self) -> None:
        self.stop_button.setEnabled(False)
        self.state_label.setText(self.tr("Stopping after the current batch…"))

    @Slot(object)
    def on_finished(self, report: object) -> None:
        self.sync_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        if isinstance(report, RunReport):
            for flow in self._selected:
                if report.cancelled and flow not in report.counts:
                    continue
                self._mark_done(flow, stopped=report.cancelled or report.held)
            if report.cancelled:
                self.state_label.setText(self.tr("Stopped. Everything written so far is saved."))
            elif report.held:
                self.state_label.setText(self.tr("Stopped by the check before writing: see the journal."))
            elif report.ok:
                self.state_label.setText(self.tr("Finished."))
            else:
                self.state_label.setText(self.tr("Finished with remarks: see the journal."))
            self.last_label.setText(report.message_text(current_language()))

    @Slot(str)
    def on_failed(self, message: str) -> None:
        self.sync_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        self.state_label.setText(message)
        for flow in self._selected:
            bar = self.bars[flow]
            if bar.maximum() == 0:
                bar.setRange(0, 1)
            bar.setFormat(self.tr("not finished"))

    def _mark_done(self, flow: Flow, *, stopped: bool = False) -> None:
        bar = self.bars[flow]
        if stopped and bar.value() < bar.maximum():
            if bar.maximum() == 0:
                bar.setRange(0, 1)
            bar.setFormat(self.tr("stopped"))
            return
        bar.setRange(0, 1)
        bar.setValue(1)
        bar.setFormat(self.tr("done"))

    def _on_stop_clicked(self) -> None:
        self.on_stopping()
        self.stop_requested.emit()

    # -- summaries ---------------------------------------------------------------------------------------

    def set_last_run(self, run: Run | None) -> None:
        if run is None:
            self.last_label.setText(self.tr("No sync has run yet."))
            return
        self.last_label.setText(
            self.tr("Last run {time} ({trigger}): {status}. {message}").format(
                time=local_time(run.finished_at or run.started_at),
                trigger=label(TRIGGER_LABELS, run.trigger).lower(),
                status=label(RUN_STATUS_LABELS, run.status).lower(),
                message=run.message_text(current_language()),
            )
        )

    def set_next_run(self, when: datetime | None, stock_when: datetime | None = None) -> None:
        if when is None and stock_when is None:
            self.next_label.setText(self.tr("Automatic sync is off."))
            return
        parts = []
        if when is not None:
            parts.append(self.tr("Next full sync at {time}.").format(time=when.strftime("%H:%M")))
        if stock_when is not None:
            parts.append(self.tr("Next stock update at {time}.").format(time=stock_when.strftime("%H:%M")))
        self.next_label.setText(" ".join(parts))
