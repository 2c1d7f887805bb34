"""Run anything slow off the GUI thread: a worker ``QObject`` moved to its own ``QThread``.

:class:`Worker` lives in the background thread and runs one callable there. It never emits a signal
per log line: a 10,000-offer sync writes thousands of them, and thousands of queued calls would freeze
the GUI as surely as doing the work on it. Instead the worker drops log events and progress into a
thread-safe outbox, and :class:`Job` (which lives on the GUI thread) drains it ten times a second,
emitting one ``log_events`` list and the latest ``progress`` per flow. ``finished`` comes after the last
drain, so a listener always sees every log event before the result.

:class:`SyncController` owns the one sync that may run at a time: ``start`` refuses a second one,
``stop`` sets the engine's :class:`CancelToken` (the engine stops between batches). Its worker thread
hands the run to :mod:`app.runner` (:func:`runner_target`), which runs the engine in a child process, so not
even the engine's share of the Python interpreter can stall the window. This module is only the Qt adapter:
the runner's callbacks become signals here.

When the safety check before writing trips (:mod:`app.sync.safety`), the engine's question reaches the
GUI thread as a :class:`SafetyQuestion` through the same outbox; the worker thread waits for its answer
(or Stop, which answers no). ``SyncController.confirm`` is who answers: without one, the answer is no.
"""

from __future__ import annotations

import collections
import contextlib
import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from app.runner import FailureKind, RunFailed, RunRequest, run_sync
from app.store.run_lock import ProfileBusy
from app.sync.model import ALL_FLOWS, Callbacks, CancelToken, Flow, LogEvent, Progress, RunReport, SafetyTrip
from app.ui.errors import describe_error

T = TypeVar("T")

DRAIN_INTERVAL_MS = 100

# Jobs whose thread is still running. Python must keep them referenced until their thread ends (else the
# QThread is destroyed while running), and tests and shutdown wait on this set.
_active: set[Job] = set()
# Every started job's thread, until it has ended: waited for at exit even when its Job is gone (a controller's job
# is deleted with its window, which may close while a run still goes) — a QThread destroyed while running aborts
# the whole process.
_threads: set[QThread] = set()
_active_lock = threading.Lock()


class SafetyQuestion:
    """The safety check's question for the person: asked from the worker thread, answered on the GUI thread."""

    def __init__(self, flow: Flow, trips: list[SafetyTrip]) -> None:
        self.flow = flow
        self.trips = list(trips)
        self.answer = False
        self._answered = threading.Event()

    @property
    def answered(self) -> bool:
        return self._answered.is_set()

    def reply(self, yes: bool) -> None:
        """The first answer counts (a late click after Stop changes nothing)."""
        if not self._answered.is_set():
            self.answer = bool(yes)
            self._answered.set()

    def wait(self, cancel: CancelToken) -> bool:
        while not self._answered.wait(0.05):
            if cancel.cancelled:
                self.reply(False)
        return self.answer


class Worker(QObject):
    """Runs ``fn(worker)`` once, in whatever thread it was moved to. Report with ``report_*``."""

    succeeded = Signal(object)
    errored = Signal(str)

    def __init__(self, fn: Callable[[Worker], Any]) -> None:
        super().__init__()
        self._fn = fn
        self._outbox: collections.deque[LogEvent | Progress] = collections.deque()
        self.questions: collections.deque[SafetyQuestion] = collections.deque()

    # -- called from the worker thread -------------------------------------------------------------------

    def ask(self, question: SafetyQuestion, cancel: CancelToken) -> bool:
        """Hand ``question`` to the GUI thread and wait for the answer (Stop answers no)."""
        self.questions.append(question)
        return question.wait(cancel)

    def report_log(self, event: LogEvent) -> None:
        self._outbox.append(event)  # deque.append is atomic: no lock needed

    def report_progress(self, progress: Progress) -> None:
        self._outbox.append(progress)

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(self)
        except BaseException as exc:  # every failure becomes a sentence; describe_error logs the unknown ones
            self.errored.emit(describe_error(exc))
        else:
            self.succeeded.emit(result)
        finally:
            # End this thread's event loop from here, not from the GUI thread: a GUI thread blocked in
            # Job.wait() (shutdown, tests) could never deliver a quit and would wait forever.
            thread = self.thread()
            if thread is not None:
                thread.quit()

    # -- called from the GUI thread ----------------------------------------------------------------------

    def take_outbox(self) -> tuple[list[LogEvent], dict[Flow, Progress]]:
        events: list[LogEvent] = []
        progress: dict[Flow, Progress] = {}
        outbox = self._outbox
        while True:
            try:
                item = outbox.popleft()
            except IndexError:
                break
            if isinstance(item, Progress):
                progress[item.flow] = item  # only the latest per flow matters
            else:
                events.append(item)
        return events, progress


class Job(QObject):
    """A :class:`Worker` on its own thread, seen from the GUI thread.

    Signals: ``progress(Progress)``, ``log_events(list[LogEvent])``, ``finished(result)``, ``failed(str)``,
    then ``done()`` after either.
    """

    progress = Signal(object)
    log_events = Signal(object)
    question = Signal(object)  # a SafetyQuestion to answer
    finished = Signal(object)
    failed = Signal(str)
    done = Signal()

    def __init__(self, fn: Callable[[Worker], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName("svyazka-worker")
        self.worker = Worker(fn)
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.run)
        # Queued: these run on the GUI thread, where this Job lives.
        self.worker.succeeded.connect(self._on_succeeded)
        self.worker.errored.connect(self._on_errored)
        self._thread.finished.connect(self._on_thread_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(DRAIN_INTERVAL_MS)
        self._timer.timeout.connect(self.drain)
        self._over = False

    def start(self) -> Job:
        with _active_lock:
            _active.add(self)
            _threads.add(self._thread)
        self._timer.start()
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return not self._over

    @Slot()
    def drain(self) -> None:
        events, progress = self.worker.take_outbox()
        if events:
            self.log_events.emit(events)
        for item in progress.values():
            self.progress.emit(item)
        while self.worker.questions:  # after the log lines that explain it
            self.question.emit(self.worker.questions.popleft())

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._end()
        self.finished.emit(result)
        self.done.emit()

    @Slot(str)
    def _on_errored(self, message: str) -> None:
        self._end()
        self.failed.emit(message)
        self.done.emit()

    def _end(self) -> None:
        self._timer.stop()
        self.drain()
        self._over = True
        self._thread.quit()

    @Slot()
    def _on_thread_finished(self) -> None:
        self._thread.wait()
        self.worker.deleteLater()
        with _active_lock:
            _active.discard(self)
            _threads.discard(self._thread)
        if self.parent() is not None:
            self.deleteLater()  # a controller's jobs would otherwise pile up as its children

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the thread ended (tests and shutdown only: never call it while the GUI must answer)."""
        return self._thread.wait(timeout_ms)


def active_jobs() -> list[Job]:
    with _active_lock:
        return list(_active)


def wait_for_jobs(timeout_ms: int = 30_000) -> bool:
    """Wait until every background thread has ended (at exit, and in test teardown)."""
    ok = True
    with _active_lock:
        threads = list(_threads)
    for thread in threads:
        if shiboken6.isValid(thread):
            ok = thread.wait(timeout_ms) and ok
    return ok


def run_in_background(
    fn: Callable[[], T],
    on_done: Callable[[T], None] | None = None,
    on_error: Callable[[str], None] | None = None,
    *,
    owner: QObject | None = None,
) -> Job:
    """Run ``fn()`` off the GUI thread; call ``on_done(result)`` or ``on_error(message)`` on the GUI thread.

    With an ``owner`` widget, the callbacks are skipped if it was destroyed meanwhile (a closed dialog).
    """
    job = Job(lambda _worker: fn())

    def alive() -> bool:
        return owner is None or shiboken6.isValid(owner)

    if on_done is not None:
        job.finished.connect(lambda result: on_done(result) if alive() else None)
    if on_error is not None:
        job.failed.connect(lambda message: on_error(message) if alive() else None)
    return job.start()


# --------------------------------------------------------------------------------------------------------


EngineFactory = Callable[[Callbacks, CancelToken], Any]  # returns a SyncEngine (or anything with .run)
EngineCloser = Callable[[Any], None]
# Runs one sync and returns its report; called in the worker thread with the worker's callbacks.
RunTarget = Callable[[Callbacks, CancelToken, tuple[Flow, ...], bool, bool, str], RunReport]


def engine_target(factory: EngineFactory, closer: EngineCloser | None = None) -> RunTarget:
    """A :data:`RunTarget` that builds an engine with ``factory`` and runs it right in the worker thread (tests
    drive the controller with stand-in engines this way; the app runs syncs through :func:`runner_target`)."""
    close = closer or _close_engine

    def run(
        callbacks: Callbacks, cancel: CancelToken, flows: tuple[Flow, ...], dry_run: bool, full: bool, trigger: str
    ) -> RunReport:
        engine = factory(callbacks, cancel)
        try:
            report: RunReport = engine.run(flows, dry_run=dry_run, full=full, trigger=trigger)
            return report
        finally:
            with contextlib.suppress(Exception):  # closing sockets must not hide the run's result
                close(engine)

    return run


def runner_target(make_request: Callable[[], RunRequest]) -> RunTarget:
    """A :data:`RunTarget` that runs the sync through :mod:`app.runner` (a child process, see there).

    ``make_request`` runs in the worker thread when a run starts (it may read the keyring, which may block), so
    a settings change applies to the next run without rewiring anything. A failed run raises
    :class:`RunFailed`, whose failure :func:`app.ui.errors.describe_error` shows."""

    def run(
        callbacks: Callbacks, cancel: CancelToken, flows: tuple[Flow, ...], dry_run: bool, full: bool, trigger: str
    ) -> RunReport:
        request = make_request().with_run(flows, dry_run=dry_run, full=full, trigger=trigger)
        return run_sync(request, callbacks, cancel).unwrap()

    return run


class SyncController(QObject):
    """The one sync (or dry run) that may run at a time, and its Stop button.

    ``target`` runs in the worker thread: it reads the keyring, runs the engine (in a child process, see
    :func:`runner_target`, or right there with :meth:`for_engine`) and returns the report, so
    nothing of it blocks the GUI. Signals mirror :class:`Job`'s, plus ``started(dict)`` and
    ``running_changed(bool)``.
    """

    started = Signal(object)
    progress = Signal(object)
    log_events = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)

    def __init__(self, target: RunTarget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._target = target
        self._job: Job | None = None
        self._cancel: CancelToken | None = None
        self.last_report: RunReport | None = None
        # the last run did not start because another run of the profile held it (a CLI run, another window)
        self.last_failed_busy = False
        self._busy = threading.Event()
        # answers the safety check's questions on the GUI thread, now or later (``question.reply``); None: no
        self.confirm: Callable[[SafetyQuestion], None] | None = None

    @classmethod
    def for_engine(cls, factory: EngineFactory, parent: QObject | None = None) -> SyncController:
        """A controller that runs engines built by ``factory`` in its worker thread."""
        return cls(engine_target(factory), parent)

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def stopping(self) -> bool:
        return self._cancel is not None and self._cancel.cancelled

    def set_target(self, target: RunTarget) -> None:
        self._target = target

    def start(
        self,
        flows: Iterable[Flow] = ALL_FLOWS,
        *,
        dry_run: bool = False,
        full: bool = False,
        trigger: str = "manual",
    ) -> bool:
        """Start a run; False (and nothing happens) when one is already running."""
        if self._job is not None:
            return False
        chosen = tuple(flows)
        cancel = CancelToken()
        target = self._target
        busy = self._busy = threading.Event()

        def work(worker: Worker) -> RunReport:
            callbacks = Callbacks(
                on_log=worker.report_log,
                on_progress=worker.report_progress,
                on_confirm=lambda flow, trips: worker.ask(SafetyQuestion(flow, trips), cancel),
            )
            try:
                return target(callbacks, cancel, chosen, dry_run, full, trigger)
            except ProfileBusy:
                busy.set()  # ``failed`` carries the sentence; this says it was no failure of the run's own
                raise
            except RunFailed as failed:
                if failed.failure.kind is FailureKind.BUSY:
                    busy.set()
                raise

        job = Job(work, parent=self)
        job.progress.connect(self.progress)
        job.log_events.connect(self.log_events)
        job.question.connect(self._on_question)
        job.finished.connect(self._on_finished)
        job.failed.connect(self._on_failed)
        self._job, self._cancel = job, cancel
        job.start()
        self.started.emit({"flows": chosen, "dry_run": dry_run, "full": full, "trigger": trigger})
        self.running_changed.emit(True)
        return True

    def stop(self) -> None:
        """Ask the run to stop at the next page or batch boundary (what was written stays consistent)."""
        if self._cancel is not None:
            self._cancel.cancel()

    def wait(self, timeout_ms: int = 60_000) -> bool:
        """Block until the running job's thread ends (tests and shutdown only)."""
        job = self._job
        return job.wait(timeout_ms) if job is not None else True

    @Slot(object)
    def _on_question(self, question: SafetyQuestion) -> None:
        if self.confirm is None or self.stopping:
            question.reply(False)
        else:
            self.confirm(question)

    @Slot(object)
    def _on_finished(self, report: object) -> None:
        self._clear()
        if isinstance(report, RunReport):
            self.last_report = report
        self.finished.emit(report)
        self.running_changed.emit(False)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self.last_failed_busy = self._busy.is_set()
        self._clear()
        self.failed.emit(message)
        self.running_changed.emit(False)

    def _clear(self) -> None:
        self._job, self._cancel = None, None


def _close_engine(engine: Any) -> None:
    for client in (getattr(engine, "retailcrm", None), getattr(engine, "moysklad", None)):
        close = getattr(client, "close", None)
        if callable(close):
            close()
