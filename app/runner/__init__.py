"""One way to run a sync (no Qt): a :class:`RunRequest` in, a :class:`RunOutcome` out.

``request.py`` says what to run, ``build.py`` builds the engine for it, ``run.py`` runs it in a child process
(``child.py``) or in the calling thread, ``failure.py`` turns whatever stopped it into a message, and
``tuning.py`` tunes a process that exists to sync. The window (through app/ui/worker.py), the wizard, the
CLI's ``sync``, the demo and the benchmark all go through here.
"""

from app.runner.failure import Failure, FailureKind, RunFailed, classify, describe
from app.runner.request import RunRequest
from app.runner.run import Mode, RunOutcome, in_thread_requested, run_sync

__all__ = [
    "Failure",
    "FailureKind",
    "Mode",
    "RunFailed",
    "RunOutcome",
    "RunRequest",
    "classify",
    "describe",
    "in_thread_requested",
    "run_sync",
]
