"""Run the sync engine in a child process, supervised from a worker thread.

Why a process and not just the worker thread: Python runs one thread at a time (the GIL), and parts of a
big sync hold it for a long stretch without letting go; parsing one 4 MB MoySklad page with
``json.loads`` takes a quarter of a second. In a thread that is a quarter of a second of a frozen
window. In a child process it costs the window nothing.

The worker thread (see :class:`app.ui.worker.SyncController`) reads the profile and the keys (the keyring
may block, so never on the GUI thread), starts the child, forwards its log lines and progress, and turns
Stop into a cross-process event the child's cancel token follows. The child opens its own connection to
the same SQLite file (WAL: the window keeps reading while the child writes).

A tripped safety check (:mod:`app.sync.safety`) crosses the other way: the child sends the question and waits
on a second pipe for the answer, which the worker thread gets from the window (``Callbacks.on_confirm``);
Stop meanwhile counts as "no".

Children start through ``forkserver`` on Linux (a preloaded server forks a fresh child in milliseconds) and
``spawn`` elsewhere: on macOS forking a process that loaded system frameworks is unsafe, which is why CPython
itself defaults to ``spawn`` there since 3.8, although ``forkserver`` exists. A frozen Windows build must call
``multiprocessing.freeze_support()`` first thing in its entry point.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from app.sync.model import Callbacks, CancelToken, Flow, FlowPlan, LogEvent, Progress, RunReport, SafetyTrip

log = logging.getLogger("app.ui.engine_process")

IN_THREAD_ENV = "SVYAZKA_SYNC_IN_THREAD"  # "1": run the engine in the worker thread (debugging, odd platforms)
SEND_INTERVAL = 0.05
# Unpickling holds the interpreter; small messages keep each unpickle in the parent to a millisecond or two.
MAX_BATCH = 200
POLL_SECONDS = 0.05
# Imported once by the fork server, so each sync child starts with them loaded (a missing one is skipped).
_PRELOAD = [
    "app.store",
    "app.sync.engine",
    "app.sync.session",
    "app.sync.catalog.flow",
    "app.sync.orders.flow",
    "app.sync.prices",
    "app.sync.stock.flow",
    "app.clients.moysklad",
    "app.clients.retailcrm",
    "app.ui.flows",
    "sqlalchemy.dialects.sqlite",
]


@dataclass(frozen=True)
class RunRequest:
    """Everything the child needs; picklable. Keys travel through a pipe to our own child, never to disk."""

    db_path: str
    profile_id: int
    flows: tuple[str, ...]
    dry_run: bool = False
    full: bool = False
    trigger: str = "manual"
    retailcrm_url: str = ""
    retailcrm_key: str | None = None
    moysklad_url: str = ""
    moysklad_account: str = "token"
    moysklad_token: str | None = None
    settings: dict[str, Any] | None = None  # use these instead of the saved ones (the wizard's dry run)
    data_dir: str | None = None  # where the child writes its technical log
    safety_policy: str | None = None  # a SafetyPolicy value; None: the engine's default for the trigger
    extra: dict[str, Any] = field(default_factory=dict)


class ProcessUnavailable(RuntimeError):
    """A child process could not be started here (an odd platform, a frozen build without freeze_support)."""


class SyncProcessError(Exception):
    """The child could not run or finish the sync. ``message`` is for the person; ``unexpected`` marks our bug."""

    def __init__(self, message: str, unexpected: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unexpected = unexpected


def in_thread_requested() -> bool:
    return os.environ.get(IN_THREAD_ENV, "").strip() in ("1", "true", "yes")


def start_method(platform: str, available: list[str]) -> str:
    """How sync children start on ``platform`` (``sys.platform``): see the module docstring."""
    return "forkserver" if platform.startswith("linux") and "forkserver" in available else "spawn"


def _context() -> Any:
    if start_method(sys.platform, multiprocessing.get_all_start_methods()) == "forkserver":
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def run_in_process(request: RunRequest, callbacks: Callbacks, cancel: CancelToken) -> RunReport:
    """Run the engine in a child and wait for it (call from a worker thread). Raises SyncProcessError."""
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    answers_in, answers_out = ctx.Pipe(duplex=False)  # the person's answers to the safety check's questions
    stop = ctx.Event()
    process = ctx.Process(
        target=child_main, args=(request, sender, stop, answers_in), name="svyazka-sync", daemon=True
    )
    try:
        process.start()
    except (OSError, RuntimeError, ValueError) as exc:
        for conn in (receiver, sender, answers_in, answers_out):
            conn.close()
        raise ProcessUnavailable(str(exc)) from exc
    sender.close()  # the child holds the only writing end: EOF tells us it is gone
    answers_in.close()
    report: RunReport | None = None
    failure: Exception | None = None
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
            elif kind == "report":
                report = payload
            elif kind == "error":
                message, unexpected = payload
                failure = SyncProcessError(message, unexpected)
            elif kind == "busy":  # another run holds the profile (app/store/run_lock.py): nothing was done
                from app.store.run_lock import ProfileBusy

                failure = ProfileBusy(payload)
    finally:
        receiver.close()
        answers_out.close()
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
    if failure is not None:
        raise failure
    if report is None:
        raise SyncProcessError(
            "Синхронизация неожиданно прервалась (процесс синхронизации завершился с кодом "
            f"{process.exitcode}). Всё, что успело записаться, сохранено; запустите синхронизацию ещё раз."
        )
    return report


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
    """The report without what only the engine needs (plans' changes and state), so it pickles small."""
    plans = {
        flow: FlowPlan(
            flow=plan.flow,
            counts=plan.counts,
            notes=list(plan.notes),
            conflicts=plan.conflicts,
            state={"stats": dict(plan.state.get("stats", {}))} if "stats" in plan.state else {},
        )
        for flow, plan in report.plans.items()
    }
    fields = {name: getattr(report, name) for name in report.__dataclass_fields__}
    fields["plans"] = plans
    return RunReport(**fields)


def child_main(request: RunRequest, conn: Connection, stop: Any, answers: Connection | None = None) -> None:
    """The child process: build the engine for the request, run it, send the report (or the error)."""
    from app.store.run_lock import ProfileBusy

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
    db = None
    engine = None
    try:
        from app.store import Database

        db = Database.open(request.db_path)
        from app.sync.model import SafetyPolicy

        callbacks = Callbacks(on_log=sender.log, on_progress=sender.progress, on_confirm=ask)
        engine = _build_engine(db, request, callbacks, cancel)
        engine.on_stuck = lambda message: _exit_stuck(sender, message)
        report = engine.run(
            [Flow(f) for f in request.flows],
            dry_run=request.dry_run,
            full=request.full,
            trigger=request.trigger,
            safety_policy=SafetyPolicy(request.safety_policy) if request.safety_policy else None,
        )
        sender.send("report", slim_report(report))
    except ProfileBusy as busy:
        with contextlib.suppress(Exception):
            sender.send("busy", busy.holder)
    except BaseException as exc:  # the parent shows it; unknown errors are logged here with their traceback
        message, unexpected = _describe(exc)
        with contextlib.suppress(Exception):
            sender.send("error", (message, unexpected))
    finally:
        if engine is not None:
            from app.sync.session import close_engine

            with contextlib.suppress(Exception):
                close_engine(engine)
        if db is not None:
            with contextlib.suppress(Exception):
                db.close()
        conn.close()
        if answers is not None:
            answers.close()


def _exit_stuck(sender: _Sender, message: str) -> None:
    """The run's watchdog gave up on a run stuck inside a request (app/sync/watchdog.py); the run is already
    recorded as failed. Tell the window and end this process: that also releases the profile's run lock."""
    with contextlib.suppress(Exception):
        sender.send("error", (message, False))
    os._exit(2)


def _lower_priority() -> None:
    """A background sync yields the processor to the window when both want it (the window must answer)."""
    nice = getattr(os, "nice", None)
    if nice is not None:
        with contextlib.suppress(OSError):
            nice(5)


def _build_engine(db: Any, request: RunRequest, callbacks: Callbacks, cancel: CancelToken) -> Any:
    from app.secrets import SecretStore
    from app.store import SyncSettings
    from app.sync.session import build_engine
    from app.ui.flows import sync_flows

    # The keys were read by the parent (the OS keyring, or the demo's in-memory one, lives there).
    secrets = SecretStore(memory_only=True)
    if request.retailcrm_key:
        secrets.set_retailcrm_key(request.retailcrm_url, request.retailcrm_key)
    if request.moysklad_token:
        secrets.set_moysklad_token(request.moysklad_account, request.moysklad_token)
    if request.settings is None:
        return build_engine(db, request.profile_id, secrets, callbacks=callbacks, cancel=cancel, flows=sync_flows())

    from app.clients.moysklad import MoySkladClient
    from app.clients.retailcrm import RetailCrmClient
    from app.sync.engine import SyncEngine

    settings = SyncSettings.from_json(request.settings)
    retailcrm = RetailCrmClient(request.retailcrm_url, request.retailcrm_key or "", site=settings.retailcrm_site)
    try:
        moysklad = MoySkladClient(request.moysklad_token or "", base_url=request.moysklad_url)
    except BaseException:
        retailcrm.close()
        raise
    return SyncEngine(
        db, request.profile_id, settings, retailcrm, moysklad, sync_flows(), callbacks=callbacks, cancel=cancel
    )


def _describe(exc: BaseException) -> tuple[str, bool]:
    from app.clients.errors import SvyazkaApiError
    from app.paths import DataDirError
    from app.secrets import KeyringUnavailable
    from app.store.errors import StoreError

    if isinstance(exc, SvyazkaApiError):
        return exc.message, False
    if isinstance(exc, KeyringUnavailable | StoreError | DataDirError):
        return str(exc), False
    log.error("unexpected error in the sync process", exc_info=exc)
    return "", True


def _log_to_file(data_dir: Path) -> None:
    with contextlib.suppress(Exception):
        from app.techlog import setup_file_logging

        setup_file_logging(data_dir, "sync")
