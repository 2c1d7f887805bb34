"""Run a sync in a child process, supervised from the calling thread (the window's worker thread).

Why a process and not just the worker thread: Python runs one thread at a time (the GIL), and parts of a
big sync hold it for a long stretch without letting go; parsing one 4 MB MoySklad page with
``json.loads`` takes a quarter of a second. In a thread that is a quarter of a second of a frozen
window. In a child process it costs the window nothing.

The supervising thread starts the child, forwards its log lines and progress to the caller's
:class:`Callbacks`, and turns Stop (the caller's :class:`CancelToken`) into a cross-process event the child's
cancel token follows. The child opens its own connection to the same SQLite file (WAL: the window keeps reading
while the child writes), and tunes itself for the run once (app/runner/tuning.py).

A tripped safety check (:mod:`app.sync.safety`) crosses the other way: the child sends the question and waits
on a second pipe for the answer, which the supervising thread gets from ``Callbacks.on_confirm``; Stop
meanwhile counts as "no".

Children start through ``forkserver`` on Linux (a preloaded server forks a fresh child in milliseconds) and
``spawn`` elsewhere: on macOS forking a process that loaded system frameworks is unsafe, which is why CPython
itself defaults to ``spawn`` there since 3.8, although ``forkserver`` exists. A frozen Windows build must call
``multiprocessing.freeze_support()`` first thing in its entry point.
"""

from __future__ import annotations

import contextlib
import copy
import multiprocessing
import os
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.runner.failure import Failure, describe, process_ended
from app.runner.request import RunRequest
from app.sync.model import Callbacks, CancelToken, Flow, FlowPlan, LogEvent, Progress, RunReport, SafetyTrip

SEND_INTERVAL = 0.05
# Unpickling holds the interpreter; small messages keep each unpickle in the parent to a millisecond or two.
MAX_BATCH = 200
POLL_SECONDS = 0.05
# Imported once by the fork server, so each sync child starts with them loaded (a missing one is skipped).
_PRELOAD = [
    "app.store",
    "app.sync.engine",
    "app.runner.build",
    "app.runner.child",
    "app.sync.catalog.flow",
    "app.sync.orders.flow",
    "app.sync.prices",
    "app.sync.stock.flow",
    "app.clients.moysklad",
    "app.clients.retailcrm",
    "sqlalchemy.dialects.sqlite",
]


class ProcessUnavailable(RuntimeError):
    """A child process could not be started here (an odd platform, a frozen build without freeze_support)."""


def start_method(platform: str, available: list[str]) -> str:
    """How sync children start on ``platform`` (``sys.platform``): see the module docstring."""
    return "forkserver" if platform.startswith("linux") and "forkserver" in available else "spawn"


def _context() -> Any:
    if start_method(sys.platform, multiprocessing.get_all_start_methods()) == "forkserver":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def run_in_process(request: RunRequest, callbacks: Callbacks, cancel: CancelToken) -> RunReport | Failure:
    """Run the sync in a child and wait for it (call from a worker thread): its report, or why it did not run.

    Raises :class:`ProcessUnavailable` when no child could be started."""
    from app.runner.tuning import child_environment_set

    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    answers_in, answers_out = ctx.Pipe(duplex=False)  # the person's answers to the safety check's questions
    stop = ctx.Event()
    process = ctx.Process(
        target=child_main, args=(request, sender, stop, answers_in), name="svyazka-sync", daemon=True
    )
    try:
        with child_environment_set():  # the child (or the fork server it comes from) starts with the allocator's cap
            process.start()
    except (OSError, RuntimeError, ValueError) as exc:
        for conn in (receiver, sender, answers_in, answers_out):
            conn.close()
        raise ProcessUnavailable(str(exc)) from exc
    sender.close()  # the child holds the only writing end: EOF tells us it is gone
    answers_in.close()
    result: RunReport | Failure | None = None
    try:
        while True:
            if cancel.cancelled and not stop.is_set():
                stop.set()
            try:
                ready = receiver.poll(POLL_SECONDS)
            except (EOFError, OSError):
                break
            if not ready:
                if not process.is_alive() and not receiver.poll(0):
                    break
                continue
            try:
                kind, payload = receiver.recv()
            except (EOFError, OSError):
                break
            if kind == "log":
                for event in payload:
                    callbacks.on_log(event)
            elif kind == "progress":
                for item in payload:
                    callbacks.on_progress(item)
            elif kind == "ask":
                flow, trips = payload
                answer = bool(callbacks.on_confirm(flow, trips))  # blocks this thread until the person answers
                with contextlib.suppress(OSError, ValueError):
                    answers_out.send(answer and not cancel.cancelled)
            elif kind in ("report", "failure"):
                result = payload
    finally:
        receiver.close()
        answers_out.close()
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
    return result if result is not None else process_ended(process.exitcode)


# --- the child ---------------------------------------------------------------------------------------------


class _Sender:
    """Batches the engine's callbacks into few pipe messages (a big run logs tens of thousands of lines)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self._events: list[LogEvent] = []
        self._progress: dict[Flow, Progress] = {}
        self._last = time.monotonic()

    def log(self, event: LogEvent) -> None:
        with self._lock:
            self._events.append(event)
            full = len(self._events) >= MAX_BATCH
        if full:
            self.flush()
        else:
            self._maybe_flush()

    def progress(self, item: Progress) -> None:
        with self._lock:
            self._progress[item.flow] = item
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if time.monotonic() - self._last >= SEND_INTERVAL:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            events, self._events = self._events, []
            progress, self._progress = list(self._progress.values()), {}
            self._last = time.monotonic()
        if events:
            self._conn.send(("log", events))
        if progress:
            self._conn.send(("progress", progress))

    def send(self, kind: str, payload: Any) -> None:
        self.flush()
        self._conn.send((kind, payload))


def slim_report(report: RunReport) -> RunReport:
    """The report without what only the engine needs (plans' changes and work), so it pickles small."""
    plans: dict[Flow, FlowPlan[None]] = {
        flow: FlowPlan(
            flow=plan.flow,
            counts=plan.counts,
            notes=list(plan.notes),
            conflicts=plan.conflicts,
            stats=copy.copy(plan.stats),  # plain ints: a flat copy is the figures as they are now
        )
        for flow, plan in report.plans.items()
    }
    fields = {name: getattr(report, name) for name in report.__dataclass_fields__}
    fields["plans"] = plans
    return RunReport(**fields)


def child_main(request: RunRequest, conn: Connection, stop: Any, answers: Connection | None = None) -> None:
    """The child process: tune it, build the engine for the request, run it, send the report (or the failure)."""
    from app.runner.tuning import tune_sync_process

    tune_sync_process()
    _lower_priority()
    sender = _Sender(conn)
    cancel = CancelToken()

    def ask(flow: Flow, trips: list[SafetyTrip]) -> bool:
        """The safety check's question, answered by the person in the window (Stop or no pipe: no)."""
        if answers is None:
            return False
        sender.send("ask", (flow, list(trips)))
        while not cancel.cancelled:
            try:
                if answers.poll(POLL_SECONDS):
                    return bool(answers.recv())
            except (EOFError, OSError):
                return False
        return False

    def follow_stop() -> None:
        stop.wait()
        cancel.cancel()

    threading.Thread(target=follow_stop, name="svyazka-stop", daemon=True).start()
    if request.data_dir:
        _log_to_file(Path(request.data_dir))
    try:
        from app.runner.run import run_here

        callbacks = Callbacks(on_log=sender.log, on_progress=sender.progress, on_confirm=ask)
        result = run_here(request, callbacks, cancel, on_stuck=lambda message: _exit_stuck(sender, message))
        if isinstance(result, RunReport):
            sender.send("report", slim_report(result))
        else:
            sender.send("failure", result)
    except BaseException as exc:  # the report did not go (it does not pickle, the pipe broke): said as a bug
        with contextlib.suppress(Exception):
            sender.send("failure", describe(exc, "sync process"))
    finally:
        conn.close()
        if answers is not None:
            answers.close()


def _exit_stuck(sender: _Sender, message: str) -> None:
    """The run's watchdog gave up on a run stuck inside a request (app/sync/watchdog.py); the run is already
    recorded as failed. Tell the window and end this process: that also releases the profile's run lock."""
    from app.runner.failure import FailureKind

    with contextlib.suppress(Exception):
        sender.send("failure", Failure(FailureKind.PROBLEM, message))
    os._exit(2)


def _lower_priority() -> None:
    """A background sync yields the processor to the window when both want it (the window must answer)."""
    nice = getattr(os, "nice", None)
    if nice is not None:
        with contextlib.suppress(OSError):
            nice(5)


def _log_to_file(data_dir: Path) -> None:
    with contextlib.suppress(Exception):
        from app.techlog import setup_file_logging

        setup_file_logging(data_dir, "sync")
