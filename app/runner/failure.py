"""Turn whatever stopped a sync from running into one result with a message: the one place that does it.

The layers below already raise errors that carry a Russian sentence (API and settings errors, the keyring,
the store, the data folder, the profile's run lock). Anything else is a bug of ours: its traceback goes to the
technical log (:mod:`app.techlog`) and the person gets a sentence that says where, never the traceback.
The window shows these messages (app/ui/errors.py translates the few generic ones); the CLI prints them and
exits with :attr:`Failure.exit_code` (docs/CLI.md).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.messages import Message, msg

log = logging.getLogger("app.runner")

# The CLI's documented exit codes (docs/CLI.md; app/cli.py names them EXIT_*).
EXIT_FAILED = 2
EXIT_BUSY = 3
EXIT_CRASHED = 4


class FailureKind(StrEnum):
    PROBLEM = "problem"  # the message says what to fix (settings, a service, the store, the data folder)
    KEYRING = "keyring"  # the OS keyring could not be used (the CLI adds how to pass the keys instead)
    BUSY = "busy"  # another run holds the profile: nothing was done
    CANCELLED = "cancelled"  # Stop before the run got going
    SYSTEM = "system"  # the OS refused something (a disk, the network): ``detail`` is its words
    CRASHED = "crashed"  # a bug of ours: the traceback is in the technical log


@dataclass(frozen=True)
class Failure:
    """Why a sync did not run (or did not finish); picklable, so it crosses from the sync child as is."""

    kind: FailureKind
    message: str  # Russian (the CLI prints it)
    detail: str = ""  # SYSTEM: the OS's own words; KEYRING: what went wrong, without the advice
    holder: Any = None  # BUSY: the run that holds the profile (app.store.run_lock.Holder)
    msg: Message | None = None  # ``message`` as an app/messages sentence, for the window's language

    def text(self, lang: str = "ru") -> str:
        return self.msg.render(lang) if self.msg is not None else self.message

    @property
    def exit_code(self) -> int:
        return {FailureKind.BUSY: EXIT_BUSY, FailureKind.CRASHED: EXIT_CRASHED}.get(self.kind, EXIT_FAILED)


class RunFailed(Exception):
    """Raised by :meth:`app.runner.RunOutcome.unwrap` for callers that work with exceptions (the window's worker)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def describe(exc: BaseException, what: str = "sync") -> Failure:
    """The failure ``exc`` stands for. Unknown errors are written to the technical log here, once."""
    known = classify(exc)
    if known is not None:
        return known
    from app.techlog import crash_message, record_crash

    return _failure(FailureKind.CRASHED, crash_message(record_crash(f"{what} crashed", exc)))


def classify(exc: BaseException) -> Failure | None:
    """The failure a known error stands for; None for an unknown one (a bug: see :func:`describe`)."""
    from app.clients.errors import SvyazkaApiError
    from app.os_integration.command import OsIntegrationError
    from app.paths import DataDirError
    from app.secrets import KeyringUnavailable
    from app.store.errors import StoreError
    from app.store.run_lock import ProfileBusy
    from app.sync.model import Cancelled

    if isinstance(exc, RunFailed):
        return exc.failure
    if isinstance(exc, ProfileBusy):
        return Failure(FailureKind.BUSY, exc.message, holder=exc.holder, msg=exc.msg)
    if isinstance(exc, SvyazkaApiError):
        return Failure(FailureKind.PROBLEM, exc.message, msg=exc.msg)
    if isinstance(exc, KeyringUnavailable):
        return Failure(FailureKind.KEYRING, str(exc), detail=exc.reason)
    if isinstance(exc, StoreError | DataDirError | OsIntegrationError):  # the OS refused an autostart/schedule
        return Failure(FailureKind.PROBLEM, str(exc), msg=getattr(exc, "msg", None))
    if isinstance(exc, Cancelled):
        return _failure(FailureKind.CANCELLED, msg("runner.cancelled"))
    if isinstance(exc, OSError) and exc.strerror:
        log.warning("system error", exc_info=exc)
        return _failure(FailureKind.SYSTEM, msg("runner.system_error", error=exc.strerror), detail=exc.strerror)
    return None


def process_ended(exitcode: int | None) -> Failure:
    """The sync child ended without a report (killed, out of memory, a crash in C code)."""
    return _failure(FailureKind.PROBLEM, msg("runner.process_ended", exitcode=exitcode))


def _failure(kind: FailureKind, message: Message, **fields: Any) -> Failure:
    return Failure(kind, str(message), msg=message, **fields)
