"""Automatic runs: a full sync every N minutes and a stock-only update every M minutes.

A tick that comes while a run is still going is *skipped*, never queued: two runs of the same profile
must not overlap, and a queue of missed runs would fire in a burst after a long one. The skip is written
to the journal so the person can see why a run did not happen. A run started elsewhere (``svyazka sync`` from
cron) holds the profile's run lock (app/store/run_lock.py): the engine then skips the scheduled run and says so
in the journal, and the window shows it without a failure alert.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from app.store import Database, LogEntry
from app.sync.model import ALL_FLOWS, Flow
from app.ui.worker import SyncController, run_in_background

STOCK_FLOWS: tuple[Flow, ...] = (Flow.STOCK,)


class SyncScheduler(QObject):
    """``triggered(kind)`` when a run starts ("full" or "stock"); ``skipped(message)`` when one could not."""

    changed = Signal()
    triggered = Signal(str)
    skipped = Signal(str)

    def __init__(self, controller: SyncController, db: Database, profile_id: int, parent: QObject | None = None):
        super().__init__(parent)
        self._controller = controller
        self._db = db
        self._profile_id = profile_id
        self._full_timer = QTimer(self)
        self._full_timer.timeout.connect(self.tick_full)
        self._stock_timer = QTimer(self)
        self._stock_timer.timeout.connect(self.tick_stock)
        self._full_minutes = 0
        self._stock_minutes = 0
        self._full_due: datetime | None = None
        self._stock_due: datetime | None = None
        self.skipped_count = 0

    def configure(self, full_minutes: int, stock_minutes: int) -> None:
        """(Re)start the timers; 0 turns one off. Unchanged intervals keep their running countdown."""
        if full_minutes != self._full_minutes or (full_minutes and not self._full_timer.isActive()):
            self._full_minutes = full_minutes
            self._full_due = self._restart(self._full_timer, full_minutes)
        if stock_minutes != self._stock_minutes or (stock_minutes and not self._stock_timer.isActive()):
            self._stock_minutes = stock_minutes
            self._stock_due = self._restart(self._stock_timer, stock_minutes)
        self.changed.emit()

    def stop(self) -> None:
        self._full_timer.stop()
        self._stock_timer.stop()
        self._full_due = self._stock_due = None
        self.changed.emit()

    def next_full_run(self) -> datetime | None:
        return self._full_due

    def next_stock_run(self) -> datetime | None:
        return self._stock_due

    @staticmethod
    def _restart(timer: QTimer, minutes: int) -> datetime | None:
        timer.stop()
        if minutes <= 0:
            return None
        timer.start(minutes * 60_000)
        return datetime.now() + timedelta(minutes=minutes)

    # -- ticks (public so a test can fire one without waiting minutes) ------------------------------------

    @Slot()
    def tick_full(self) -> bool:
        if self._full_minutes:
            self._full_due = datetime.now() + timedelta(minutes=self._full_minutes)
        return self._fire("full", ALL_FLOWS)

    @Slot()
    def tick_stock(self) -> bool:
        if self._stock_minutes:
            self._stock_due = datetime.now() + timedelta(minutes=self._stock_minutes)
        return self._fire("stock", STOCK_FLOWS)

    def _fire(self, kind: str, flows: tuple[Flow, ...]) -> bool:
        self.changed.emit()
        if self._controller.running or not self._controller.start(flows, trigger="schedule"):
            self._skip(kind)
            return False
        self.triggered.emit(kind)
        return True

    def _skip(self, kind: str) -> None:
        self.skipped_count += 1
        if kind == "stock":
            message = self.tr("The scheduled stock update was skipped: the previous run is still going.")
        else:
            message = self.tr("The scheduled sync was skipped: the previous run is still going.")
        repo = self._db.log(self._profile_id)
        entry = LogEntry(level="info", flow="system", message=message)
        run_in_background(lambda: repo.add(entry), on_error=lambda _message: None, owner=self)
        self.skipped.emit(message)
