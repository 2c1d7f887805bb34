"""Run one sync, in a child process or in the calling thread, behind one interface.

Events reach the caller through :class:`app.sync.model.Callbacks` (log lines, progress, the safety check's
question); the end is a :class:`RunOutcome`: the report, or the :class:`Failure` that says why there is none
(another run holds the profile, a settings problem, a bug). Nothing here raises for a failed run.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.runner.failure import Failure, RunFailed, describe
from app.runner.request import RunRequest
from app.sync.model import Callbacks, CancelToken, Flow, RunReport, SafetyPolicy

log = logging.getLogger("app.runner")

IN_THREAD_ENV = "SVYAZKA_SYNC_IN_THREAD"  # "1": run in the calling thread (debugging, odd platforms)


class Mode(StrEnum):
    PROCESS = "process"  # a child process (the window: a long sync never stalls it); falls back to THREAD
    THREAD = "thread"  # the calling thread (the CLI, the benchmark, tests)


@dataclass(frozen=True)
class RunOutcome:
    """How a run ended: ``report`` when it ran (whatever its status), else ``failure``."""

    report: RunReport | None = None
    failure: Failure | None = None

    def unwrap(self) -> RunReport:
        """The report, or :class:`RunFailed` carrying the failure."""
        if self.report is None:
            assert self.failure is not None
            raise RunFailed(self.failure)
        return self.report


def in_thread_requested() -> bool:
    return os.environ.get(IN_THREAD_ENV, "").strip() in ("1", "true", "yes")


def run_sync(
    request: RunRequest,
    callbacks: Callbacks | None = None,
    cancel: CancelToken | None = None,
    *,
    mode: Mode = Mode.PROCESS,
    db: Any = None,
    flows: Mapping[Flow, Any] | None = None,
    on_engine: Callable[[Any], None] | None = None,
    on_stuck: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Run ``request``. In THREAD mode ``db`` (else one opened here), ``flows`` (else all), ``on_engine`` (called
    with the engine before it runs) and ``on_stuck`` (the watchdog gave up on a stuck run) apply."""
    from app.runner.child import ProcessUnavailable, run_in_process

    callbacks = callbacks or Callbacks()
    cancel = cancel or CancelToken()
    if mode is Mode.PROCESS and not in_thread_requested() and flows is None and on_engine is None:
        try:
            result = run_in_process(request, callbacks, cancel)
        except ProcessUnavailable:
            log.warning("no child process for the sync; running it in the calling thread", exc_info=True)
        else:
            return _outcome(result)
    return _outcome(run_here(request, callbacks, cancel, db=db, flows=flows, on_engine=on_engine, on_stuck=on_stuck))


def run_here(
    request: RunRequest,
    callbacks: Callbacks,
    cancel: CancelToken,
    *,
    db: Any = None,
    flows: Mapping[Flow, Any] | None = None,
    on_engine: Callable[[Any], None] | None = None,
    on_stuck: Callable[[str], None] | None = None,
) -> RunReport | Failure:
    """Build the engine and run it in this thread: its report, or the failure (a sync child's body, too)."""
    from app.runner.build import opened_engine

    own = db is None
    try:
        if own:
            from app.store import Database

            db = Database.open(request.db_path)
        try:
            with opened_engine(db, request, callbacks=callbacks, cancel=cancel, flows=flows) as engine:
                engine.on_stuck = on_stuck
                if on_engine is not None:
                    on_engine(engine)
                report: RunReport = engine.run(
                    request.flow_list,
                    dry_run=request.dry_run,
                    full=request.full,
                    trigger=request.trigger,
                    safety_policy=SafetyPolicy(request.safety_policy) if request.safety_policy else None,
                    lock_wait=request.lock_wait,
                )
                return report
        finally:
            if own and db is not None:
                db.close()
    except BaseException as exc:  # every way a run can fail to happen ends here, as a Failure
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        return describe(exc)


def _outcome(result: RunReport | Failure) -> RunOutcome:
    return RunOutcome(report=result) if isinstance(result, RunReport) else RunOutcome(failure=result)
