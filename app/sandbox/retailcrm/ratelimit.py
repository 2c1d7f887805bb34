"""A sliding one-second window per API key, as RetailCRM applies it (10 requests per second per key)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowLimiter:
    """``try_acquire(key)`` is True when the key made fewer than ``rps`` admitted requests in the last
    ``window`` seconds. Rejected requests are not counted, so a client that backs off recovers at once.

    When a request counts: the emulator calls ``try_acquire`` from ``admit``, i.e. at admission time, as
    soon as the route and the API key check out and before any latency, injected fault or handling, and the
    window holds that admission moment (not when the answer was sent). A request turned away earlier (unknown
    route, unreadable form, missing or wrong key) or by this limit itself never counts; one admitted and then
    refused for scope, answered by an injected fault, or slow to handle still counts once.
    """

    def __init__(self, rps: int, window: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.rps = rps
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: dict[str, deque[float]] = {}

    def try_acquire(self, key: str) -> bool:
        with self._lock:
            now = self._clock()  # read under the lock, so the window's timestamps stay in order
            hits = self._hits.setdefault(key, deque())
            edge = now - self.window
            while hits and hits[0] <= edge:
                hits.popleft()
            if len(hits) >= self.rps:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
