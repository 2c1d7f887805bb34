"""MoySklad's request limits: a weighted 3-second bucket and a parallel limit, per user, plus the lock-out.

* Bucket: capacity 45 units, refilled continuously at 45 units per 3000 ms. A request costs its weight
  (:class:`Weights`); one that does not fit is answered 429/1049 with ``X-Lognex-Retry-After`` (ms until it
  would fit). Rejected requests cost nothing.
* Parallel: more than 5 requests of one user in flight (20 per account) → 429/1073, **without**
  ``X-Lognex-Retry-After`` and with ``X-Lognex-Auth: 429005`` (how clients tell the two 429s apart).
* Lock-out (DOC:_restrictions "Автоматическое отключение доступа"): more than 200 requests answered 429
  within a minute lock the user out; every request then gets 403/1061 until ``state.unlock()``.

The token of a user and Basic auth of the same user share one bucket. The clock is injectable
(:class:`ManualClock`) so tests can check the bucket arithmetic without sleeping.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

CAPACITY = 45
INTERVAL_MS = 3000
RATE_PER_MS = CAPACITY / INTERVAL_MS
PARALLEL_PER_USER = 5
PARALLEL_PER_ACCOUNT = 20
LOCKOUT_REJECTIONS = 200  # more than this many 429s in LOCKOUT_WINDOW_S lock the user out
LOCKOUT_WINDOW_S = 60.0


@dataclass(frozen=True)
class Weights:
    """Bucket units per request. ``user``: requests with a user token or Basic auth (4 is the weight in force
    from 2026-12-01; 2 from 2026-05-12, 3 from 2026-09-01). ``stock_report``: ``report/stock/all`` and
    ``report/stock/bystore`` (not their ``/current`` variants), whatever the auth."""

    user: int = 4
    stock_report: int = 5


class ManualClock:
    """A monotonic clock that moves only when told to (seconds, like ``time.monotonic``)."""

    def __init__(self, start: float = 1000.0) -> None:
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class BucketView:
    """What the rate-limit headers say about one user's bucket."""

    remaining: int
    reset_ms: int
    retry_after_ms: int = 0

    def headers(self, *, with_retry_after: bool = True) -> dict[str, str]:
        result = {
            "X-RateLimit-Limit": str(CAPACITY),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-Lognex-Retry-TimeInterval": str(INTERVAL_MS),
            "X-Lognex-Reset": str(self.reset_ms),
        }
        if with_retry_after:
            result["X-Lognex-Retry-After"] = str(self.retry_after_ms)
        return result


FULL = BucketView(remaining=CAPACITY, reset_ms=0)


class _Bucket:
    def __init__(self, now: float) -> None:
        self.level = float(CAPACITY)
        self.stamp = now

    def refill(self, now: float) -> None:
        elapsed_ms = max(0.0, (now - self.stamp) * 1000)
        self.level = min(float(CAPACITY), self.level + elapsed_ms * RATE_PER_MS)
        self.stamp = now

    def view(self, retry_after_ms: int = 0) -> BucketView:
        # a tiny epsilon keeps 44.999999 (float noise after a refill) from showing as 44
        remaining = math.floor(self.level + 1e-9)
        reset = math.ceil((CAPACITY - self.level) / RATE_PER_MS - 1e-9) if self.level < CAPACITY else 0
        return BucketView(remaining=max(0, remaining), reset_ms=max(0, reset), retry_after_ms=retry_after_ms)


class LimitRejection(Exception):
    """Why ``admit`` refused: "rate", "parallel" or "locked", with the bucket as it stands."""

    def __init__(self, kind: str, view: BucketView) -> None:
        super().__init__(kind)
        self.kind = kind
        self.view = view


class RateLimiter:
    """Per-user buckets, in-flight counters and the lock-out. Thread-safe."""

    def __init__(self, *, enabled: bool = True, clock: Callable[[], float] = time.monotonic,
                 lockout: bool = True) -> None:
        self.enabled = enabled
        self.clock = clock
        self.lockout = lockout
        self._lock = threading.Lock()
        self._buckets: dict[str, _Bucket] = {}
        self._in_flight: dict[str, int] = {}
        self._rejections: dict[str, deque[float]] = {}
        self._locked: set[str] = set()

    def _bucket(self, user: str, now: float) -> _Bucket:
        bucket = self._buckets.get(user)
        if bucket is None:
            bucket = self._buckets[user] = _Bucket(now)
        bucket.refill(now)
        return bucket

    def peek(self, user: str | None) -> BucketView:
        if user is None or not self.enabled:
            return FULL
        with self._lock:
            return self._bucket(user, self.clock()).view()

    def admit(self, user: str, weight: int) -> BucketView:
        """Charge ``weight`` and count the request in flight, or raise :class:`LimitRejection`."""
        with self._lock:
            now = self.clock()
            if user in self._locked:
                bucket_view = self._bucket(user, now).view() if self.enabled else FULL
                raise LimitRejection("locked", bucket_view)
            if not self.enabled:
                self._in_flight[user] = self._in_flight.get(user, 0) + 1
                return FULL
            bucket = self._bucket(user, now)
            in_flight = self._in_flight.get(user, 0)
            if in_flight >= PARALLEL_PER_USER or sum(self._in_flight.values()) >= PARALLEL_PER_ACCOUNT:
                self._note_rejection(user, now)
                raise LimitRejection("parallel", bucket.view())
            if bucket.level + 1e-9 < weight:
                wait_ms = max(1, math.ceil((weight - bucket.level) / RATE_PER_MS))
                self._note_rejection(user, now)
                raise LimitRejection("rate", bucket.view(retry_after_ms=wait_ms))
            bucket.level -= weight
            self._in_flight[user] = in_flight + 1
            return bucket.view()

    def release(self, user: str) -> None:
        with self._lock:
            count = self._in_flight.get(user, 0) - 1
            if count > 0:
                self._in_flight[user] = count
            else:
                self._in_flight.pop(user, None)

    def in_flight(self, user: str) -> int:
        with self._lock:
            return self._in_flight.get(user, 0)

    def _note_rejection(self, user: str, now: float) -> None:
        if not self.lockout:
            return
        history = self._rejections.setdefault(user, deque())
        history.append(now)
        while history and now - history[0] > LOCKOUT_WINDOW_S:
            history.popleft()
        if len(history) > LOCKOUT_REJECTIONS:
            self._locked.add(user)

    def is_locked(self, user: str) -> bool:
        with self._lock:
            return user in self._locked

    def unlock(self) -> None:
        """Lift every lock-out and forget the 429 history (the real service needs a support ticket)."""
        with self._lock:
            self._locked.clear()
            self._rejections.clear()

    def reset(self) -> None:
        """Refill every bucket (tests that need a clean slate)."""
        with self._lock:
            self._buckets.clear()
