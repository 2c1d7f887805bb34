"""When to try a request again, and how long to wait first.

* :class:`RetryPolicy` — exponential backoff with jitter, bounded both in attempts and in total time.
* :class:`RejectionBudget` — a rolling one-minute count of rate-limit rejections (429/503). MoySklad locks
  a user out of the API after 200 rejected requests in a minute; we give up long before that.
* :class:`Safety` — whether a request may be sent again once it may have reached the server.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum


class Safety(Enum):
    """How a request behaves when sent twice."""

    IDEMPOTENT = "idempotent"  # GET, PUT, uploads, MoySklad creates carrying a syncId: retry freely
    CREATE_ONCE = "create-once"  # RetailCRM orders/create, customers/create: never re-send once it may have arrived


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff ``base_delay * 2**(attempt-1)`` capped at ``max_delay``, with up to ``jitter`` of it
    randomly taken off (so parallel clients do not retry in lock-step).

    ``max_attempts`` counts the first try. ``max_total`` bounds the whole call including waits: a retry
    that would end after it is not made. Tests pass small delays.
    """

    max_attempts: int = 6
    base_delay: float = 0.5
    max_delay: float = 20.0
    max_total: float = 120.0
    jitter: float = 0.5
    rng: random.Random = field(default_factory=random.Random, compare=False, repr=False)

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        raw = min(self.max_delay, self.base_delay * (2 ** max(0, attempt - 1)))
        return raw * (1 - self.jitter * self.rng.random())

    def wait_before_retry(self, attempt: int, server_wait: float | None = None) -> float:
        """The longer of our backoff and what the service asked for (plus a little jitter on top of it)."""
        ours = self.backoff(attempt)
        if server_wait is None or server_wait <= 0:
            return ours
        return server_wait + min(ours, self.base_delay) * self.rng.random()

    def may_retry(self, attempt: int, started: float, wait: float, now: float) -> bool:
        return attempt < self.max_attempts and (now - started) + wait <= self.max_total


class RejectionBudget:
    """At most ``per_minute`` rate-limit rejections in any rolling 60 s; then we stop and say "try later".

    Shared by every request of one client (thread-safe).
    """

    def __init__(self, per_minute: int = 60, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._lock = threading.Lock()
        self._times: deque[float] = deque()

    def note(self) -> bool:
        """Count one rejection; False when the budget is exhausted (the caller must give up)."""
        with self._lock:
            now = self._clock()
            while self._times and self._times[0] <= now - 60.0:
                self._times.popleft()
            self._times.append(now)
            return len(self._times) <= self.per_minute

    def count(self) -> int:
        with self._lock:
            now = self._clock()
            return sum(1 for t in self._times if t > now - 60.0)
