"""Writes that run while the engine goes on: a flow's RetailCRM uploads overlap the next flow's planning.

A full sync of a big catalog spends most of its time in RetailCRM uploads (200 stock batches at 10 requests a
second), and the flows after stock need none of them: prices and orders plan from the catalog and links that
are already known. So a flow's apply *defers* its upload batches here, and the engine moves on to the next
flow at once; the run ends when every deferred batch has ended (:meth:`BackgroundWrites.finish`).

Rules that keep this as safe as the one-by-one order:

* every job records what it wrote (pushed values, log lines) as soon as its batch is accepted, exactly as an
  inline apply does, so a crash or Stop loses nothing and resends nothing;
* a flow's jobs run in the order they were deferred, up to ``workers`` at a time (the client's pacer keeps
  the rate limit whatever the number of threads); the jobs of different flows never depend on each other;
* when a job fails with a service error, the flow's later jobs are skipped and the flow fails as if its apply
  had raised; a settings error or Stop ends every flow's remaining jobs;
* what must happen after all of a flow's batches (the stock cursor moves only when every batch went through)
  is registered with :meth:`BackgroundWrites.after` and runs on the engine's thread in :meth:`finish`;
* jobs that only write local records (the catalog's 50,000 new links and their log lines: seconds of SQLite)
  run on a thread of their own (``records=True``), in order: queued behind 200 uploads they would start only
  when the last upload ended and make the run that much longer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from app.clients.errors import SettingsError as ServiceSettingsError
from app.clients.errors import SvyazkaApiError
from app.sync.model import Cancelled, Counts, Flow
from app.sync.waiting import result_of, wait_all

Job = Callable[[], Counts]


@dataclass
class FlowOutcome:
    """What a flow's deferred jobs did, once they have all ended."""

    counts: Counts = field(default_factory=Counts)
    error: SvyazkaApiError | None = None  # the first service error; the later jobs were skipped
    fatal: ServiceSettingsError | None = None
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None and self.fatal is None and not self.cancelled


class BackgroundWrites:
    """Runs deferred jobs on ``workers`` threads; :meth:`finish` waits for a flow's jobs and reports them."""

    def __init__(self, workers: int = 3) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="svyazka-writes")
        self._records = ThreadPoolExecutor(max_workers=1, thread_name_prefix="svyazka-records")
        self._lock = threading.Lock()
        self._futures: dict[Flow, list[Future[None]]] = {}
        self._outcomes: dict[Flow, FlowOutcome] = {}
        self._after: dict[Flow, list[Callable[[FlowOutcome], None]]] = {}
        self._stop_all = threading.Event()  # a settings error or Stop: nothing more is sent, for any flow

    def defer(self, flow: Flow, job: Job, *, records: bool = False) -> None:
        """Queue ``job``. ``records``: it only writes local records of what is already known (no request); it
        runs on the records thread, and after Stop or a failure too, since it makes the next run shorter."""
        with self._lock:
            outcome = self._outcomes.setdefault(flow, FlowOutcome())
            pool = self._records if records else self._pool
            future = pool.submit(self._run, flow, outcome, job, records)
            self._futures.setdefault(flow, []).append(future)

    def after(self, flow: Flow, step: Callable[[FlowOutcome], None]) -> None:
        """``step(outcome)`` runs on the engine's thread once every job of ``flow`` has ended."""
        with self._lock:
            self._outcomes.setdefault(flow, FlowOutcome())
            self._after.setdefault(flow, []).append(step)

    def stop(self) -> None:
        """Skip every job that has not started (Stop, or the run failed)."""
        self._stop_all.set()

    def _run(self, flow: Flow, outcome: FlowOutcome, job: Job, even_after_stop: bool) -> None:
        if not even_after_stop and (self._stop_all.is_set() or not outcome.ok):
            return  # skipped: the flow failed or the run stopped
        try:
            counts = job()
        except Cancelled:
            self._stop_all.set()
            with self._lock:
                outcome.cancelled = True
            return
        except ServiceSettingsError as exc:
            self._stop_all.set()
            with self._lock:
                outcome.fatal = outcome.fatal or exc
            return
        except SvyazkaApiError as exc:
            with self._lock:
                outcome.error = outcome.error or exc
            return
        with self._lock:
            outcome.counts.add(counts)

    def wait(self, flow: Flow) -> bool:
        """Wait for the jobs ``flow`` deferred so far, without taking their outcome (:meth:`finish` still reports
        it); True when none of them failed. For a later write that must not race an earlier one."""
        with self._lock:
            futures = list(self._futures.get(flow, []))
            outcome = self._outcomes.get(flow)
        wait_all(futures)  # in steps: Ctrl+C's handler runs meanwhile (app/sync/waiting.py)
        with self._lock:
            return outcome is None or outcome.ok

    def finish(self, flow: Flow) -> FlowOutcome | None:
        """Wait for ``flow``'s jobs, run its ``after`` steps, and return what they did (None: it deferred
        nothing). A job's unexpected exception (a bug) is raised here, on the engine's thread."""
        with self._lock:
            futures = self._futures.pop(flow, [])
            outcome = self._outcomes.get(flow)
            steps = self._after.pop(flow, [])
        if outcome is None:
            return None
        for future in futures:
            # in steps, so Ctrl+C's handler runs and sets the token the jobs check; never given up on Stop:
            # a batch in flight is recorded and counted as if inline
            result_of(future)
        for step in steps:
            step(outcome)
        with self._lock:
            self._outcomes.pop(flow, None)
        return outcome

    def close(self) -> None:
        """Skip what has not started, wait for what has (a request in flight is not abandoned half-way)."""
        self._stop_all.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._records.shutdown(wait=True)  # records of what was written are never dropped
