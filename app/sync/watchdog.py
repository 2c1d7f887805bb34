"""Every run's watchdog: a run that goes on far longer than any sync does is failed cleanly, never left hanging.

Each request already has an overall deadline (app/clients/deadline.py), so a run normally can't hang on one
answer. The watchdog is the net under it (issue 12, major 4: "a scheduled run must never pile up behind a stuck
one"): whatever holds a run up — a deadline a proxy's transport escaped, a service answering every request just
in time, page after page — the run ends.

Two steps, each on its own daemon thread so neither can be held up by what holds the run up:

1. at ``run_seconds`` the engine is asked to stop (an error line in the journal says why; the run stops between
   pages and batches like after Stop, keeps what it wrote and is recorded as failed);
2. when it still has not ended ``grace_seconds`` later (stuck inside one request), ``on_stuck`` runs: the engine
   records the run as failed there and then, and the caller may end the process (the CLI exits with 2, the
   window's sync child exits and the window reports it). The OS releases the profile's run lock with it.

Limits come from ``SVYAZKA_RUN_TIMEOUT`` / ``SVYAZKA_RUN_STOP_GRACE`` (seconds) when set: for a shop whose first
sync really takes longer, and for tests.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

from app import messages

ENV_RUN_TIMEOUT = "SVYAZKA_RUN_TIMEOUT"
ENV_RUN_STOP_GRACE = "SVYAZKA_RUN_STOP_GRACE"
# A 50,000-offer catalog syncs in minutes at the services' real rate limits (benchmarks/sync_bench.py); a first
# orders sync of a busy shop takes longer. Four hours is far beyond both and far below "for ever".
DEFAULT_RUN_SECONDS = 4 * 3600.0
# Between asking to stop and giving up on the run: longer than one request's deadline with its retries
# (app/clients/deadline.py, app/clients/retry.py) would only be needed if that deadline failed.
DEFAULT_GRACE_SECONDS = 120.0


def _seconds(variable: str, default: float) -> float:
    text = os.environ.get(variable, "").strip()
    try:
        value = float(text) if text else default
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class RunLimits:
    run_seconds: float = DEFAULT_RUN_SECONDS
    grace_seconds: float = DEFAULT_GRACE_SECONDS

    @classmethod
    def from_env(cls) -> RunLimits:
        return cls(_seconds(ENV_RUN_TIMEOUT, DEFAULT_RUN_SECONDS), _seconds(ENV_RUN_STOP_GRACE, DEFAULT_GRACE_SECONDS))


def duration_words(seconds: float) -> str:
    """3 → "3 с", 600 → "10 мин", 14400 → "4 ч" (app/messages' ``{seconds:duration}``, in Russian)."""
    return messages.duration_words(seconds)


class Watchdog:
    """``on_overtime()`` after ``run_seconds``, ``on_stuck()`` ``grace_seconds`` later, unless :meth:`stop` came
    first. Both run on threads of their own."""

    def __init__(self, limits: RunLimits, on_overtime: Callable[[], None], on_stuck: Callable[[], None]) -> None:
        self.limits = limits
        self._on_overtime = on_overtime
        self._on_stuck = on_stuck
        self._done = threading.Event()
        self.fired = threading.Event()  # the run went over its limit
        self._thread = threading.Thread(target=self._watch, name="svyazka-watchdog", daemon=True)

    def start(self) -> Watchdog:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()

    def _watch(self) -> None:
        if self._done.wait(self.limits.run_seconds):
            return
        self.fired.set()
        threading.Thread(target=self._on_overtime, name="svyazka-watchdog-stop", daemon=True).start()
        if self._done.wait(self.limits.grace_seconds):
            return
        self._on_stuck()
