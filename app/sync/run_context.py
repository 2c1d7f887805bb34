"""What a flow gets during one run (:class:`RunContext`) and what a flow is (:class:`FlowRunner`).

The context carries the run's settings, clients and store, and does the run's reporting (log lines written to the
store in batches, progress), deferred writes (:mod:`app.sync.background`) and Stop. The engine
(:mod:`app.sync.engine`) makes one per run.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from app.store import Database, LogEntry, SyncSettings
from app.store.errors import StoreError
from app.sync.background import BackgroundWrites, FlowOutcome
from app.sync.model import Callbacks, CancelToken, Counts, Flow, FlowPlan, Level, LogEvent, Progress
from app.sync.ports import MoySkladPort, RetailCrmPort
from app.sync.run_shared import RunShared
from app.techlog import crash_sentence, record_crash

# Log lines are written to the store in batches: one transaction per line would dominate a 50k-offer run.
_LOG_BATCH = 500
_LOG_FLUSH_SECONDS = 0.5
# Upload batches in flight at once: enough to keep RetailCRM's 10 requests a second busy when an answer takes
# a few hundred milliseconds; the client's pacer holds the rate whatever this is.
WRITE_WORKERS = 3


class FlowRunner(Protocol):
    """One flow: plan reads both services and decides; apply writes and records what it wrote.

    A runner may also have ``prefetch(ctx)``: called at the start of a run for every selected flow, it may
    start (on ``ctx.prefetch``) a read its plan will need, so that the read overlaps earlier flows. Apply may
    hand its upload batches to ``ctx.defer`` instead of sending them itself. And it may have
    ``follow_up(ctx, plan) -> Counts | None``: called (not in a dry run) once every selected flow has applied,
    for what a later flow changed after this one ran (the stock the orders flow's shipments wrote off)."""

    flow: Flow

    def plan(self, ctx: RunContext) -> FlowPlan: ...

    def apply(self, ctx: RunContext, plan: FlowPlan) -> Counts: ...


@dataclass
class RunContext:
    """Everything a flow needs during one run. Flows keep no state between runs except through the store."""

    db: Database
    profile_id: int
    settings: SyncSettings
    retailcrm: RetailCrmPort  # app.clients.retailcrm.RetailCrmClient, or a test double
    moysklad: MoySkladPort  # app.clients.moysklad.MoySkladClient, or a test double
    callbacks: Callbacks
    cancel: CancelToken
    run_id: int | None
    dry_run: bool
    full: bool
    # what one flow learned that a later flow of the same run can reuse (e.g. the catalog snapshot)
    shared: RunShared = field(default_factory=RunShared)
    # where flows defer their upload batches so the next flow can plan meanwhile (None: run them inline)
    background: BackgroundWrites | None = None
    # reads started before the flow that needs them (the stock report while the catalog is read)
    prefetch: ThreadPoolExecutor | None = None
    # the local clock (aware): the orders flow counts a first sync's window back from it. Tests move it together
    # with the sandbox's, so nothing depends on the day the suite runs.
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    _pending_log: list[LogEntry] = field(default_factory=list)
    _bookkeeping: list[tuple[Flow, Callable[[], Counts]]] = field(default_factory=list)
    _last_flush: float = field(default_factory=time.monotonic)
    # log lines and progress come from the engine's thread and from deferred writes: one at a time
    _lock: threading.RLock = field(default_factory=threading.RLock)
    errors: int = 0
    # after the store failed (full disk, damaged file) log lines wait in memory instead of failing each write
    log_held: bool = False

    # -- reporting -------------------------------------------------------------------------------------
    def log(
        self,
        level: Level,
        flow: Flow | None,
        message: str,
        *,
        entity_type: str | None = None,
        entity_ref: str | None = None,
        entity_url: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        event = LogEvent(level, flow, message, entity_type, entity_ref, entity_url, dict(details or {}) or None)
        entry = LogEntry(
            level=level.value,
            flow=flow.value if flow else "system",
            message=message,
            entity_type=entity_type,
            entity_ref=entity_ref,
            entity_url=entity_url,
            details=event.details,
            run_id=self.run_id,
        )
        with self._lock:
            if level is Level.ERROR:
                self.errors += 1
            self._pending_log.append(entry)
            self.callbacks.on_log(event)
            due = len(self._pending_log) >= _LOG_BATCH or time.monotonic() - self._last_flush > _LOG_FLUSH_SECONDS
            if due and not self.log_held:
                self.flush_log()

    def progress(self, flow: Flow, done: int, total: int, stage: str) -> None:
        with self._lock:
            self.callbacks.on_progress(Progress(flow, done, total, stage))

    def flush_log(self) -> None:
        with self._lock:
            if self._pending_log:
                entries, self._pending_log = self._pending_log, []
                try:
                    self.db.log(self.profile_id).add_many(entries)
                except BaseException:
                    self._pending_log[:0] = entries  # kept for a later flush (the disk may have room again)
                    raise
            self._last_flush = time.monotonic()

    def flush_log_quietly(self) -> bool:
        """The run's last flush: a failing store loses the lines (the person saw them on screen), never the
        run's result. True when they were written."""
        try:
            self.flush_log()
            return True
        except StoreError:
            self.log_held = True
            return False

    def crashed(self, flow: Flow | None, exc: BaseException) -> None:
        """A bug of ours stopped ``flow`` (None: the run itself): the traceback to the technical log, one
        sentence to the journal."""
        where = f"Поток «{flow.title}» остановлен" if flow else "Синхронизация остановлена"
        path = record_crash(f"sync crashed in {flow.value if flow else 'the engine'}", exc)
        self.log(Level.ERROR, flow, f"{where}. {crash_sentence(path)}")

    # -- deferred writes ---------------------------------------------------------------------------------
    def defer(self, flow: Flow, job: Callable[[], Counts], into: Counts) -> None:
        """Run ``job`` (one upload batch that records what it wrote) in the background when the engine allows
        it, else now, adding its counts to ``into``. In the background its counts reach the flow's result when
        the run ends (:mod:`app.sync.background`)."""
        if self.background is None:
            into.add(job())
        else:
            self.background.defer(flow, job)

    def defer_bookkeeping(self, flow: Flow, job: Callable[[], Counts], into: Counts) -> None:
        """Local records no later flow of this run reads from the store (it has them in ``shared``), e.g. the
        catalog's new links with a log line each. In the background they start on the records thread when every
        flow has planned and queued its work (:meth:`start_bookkeeping`): seconds of SQLite that would otherwise
        take the interpreter from the planning and from the upload threads; inline they run now. They cost no
        request, so they run after Stop too: ``job`` should not check the cancel token."""
        if self.background is None:
            into.add(job())
        else:
            with self._lock:
                self._bookkeeping.append((flow, job))

    def start_bookkeeping(self) -> None:
        """Hand the waiting bookkeeping to the records thread."""
        if self.background is None:
            return
        with self._lock:
            ready, self._bookkeeping = self._bookkeeping, []
        for flow, job in ready:
            self.background.defer(flow, job, records=True)

    def after_writes(self, flow: Flow, step: Callable[[FlowOutcome], None]) -> None:
        """``step`` once every batch ``flow`` deferred has ended (now, when they ran inline)."""
        if self.background is None:
            step(FlowOutcome())
        else:
            self.background.after(flow, step)

    def wait_writes(self, flow: Flow) -> bool:
        """Wait for the batches ``flow`` deferred so far (they are still counted when the run ends); True when
        none failed. A later upload of the same figures must not race an earlier one."""
        return self.background is None or self.background.wait(flow)

    def check_cancel(self) -> None:
        """Call between pages and batches: raises :class:`Cancelled` after Stop."""
        self.cancel.check()
