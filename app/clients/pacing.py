"""Client-side pacing: stay under each service's limits so a normal sync never meets a 429 or 503.

* :class:`RollingWindowPacer` — RetailCRM: at most N requests in any rolling window (10 per second per key),
  each counted until a window after its answer, so no jitter can squeeze 11 into one server second.
* :class:`WeightedBucketPacer` — MoySklad: a continuously refilling bucket (45 units per 3 s) where each
  request costs a weight (user token: 4; ``report/stock/all|bystore``: 5). It learns from the response
  headers: the capacity and interval from ``X-RateLimit-Limit`` / ``X-Lognex-Retry-TimeInterval``, the
  bucket level from ``X-RateLimit-Remaining`` (never more optimistic than the service), and the real
  weight of each request class from consecutive quiet requests (see :class:`WeightLearner`).
* :class:`ConcurrencyLimiter` — a semaphore whose size shrinks when the service says "too many parallel
  requests" and slowly grows back.
* :class:`MoySkladGate` — MoySklad's gate for :class:`app.clients.http.HttpCore`: the in-flight slots and the
  weighted bucket together, configured by :class:`MoySkladLimits`. (RetailCRM's gate is one
  :class:`RollingWindowPacer`, in :mod:`app.clients.retailcrm`.)

All of them are thread-safe and take an injectable ``clock`` / ``sleep`` so the math is unit-testable
without wall-clock waits.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from app.clients.http import Call, Rejection

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Slot:
    """One request's place in a :class:`RollingWindowPacer` window; hand it back with ``release``."""

    __slots__ = ("end", "start")

    def __init__(self, start: float) -> None:
        self.start = start
        self.end: float | None = None  # when the answer (or the failure) came back


class RollingWindowPacer:
    """At most ``limit`` requests in any rolling ``window * (1 + margin)`` seconds, counted from when each
    request *ended* (or, with ``transit``, from when it reached the service at the latest).

    The service counts a request when it admits it, somewhere between our send and its answer. Counting
    our slot until ``span`` seconds after the answer came back keeps every pair of requests at least a
    window apart on the service's clock too, however late a request travelled (a network hiccup, a
    garbage-collection pause): jitter can only make us slower, never over the limit. The margin covers
    the service's window edges and clock; throughput is ``limit / (span + latency)``.

    A slow answer (an upload the service takes a while to process) then costs rate for nothing: the
    service counted the request when it *arrived*. ``transit`` is an allowance for that trip: a slot counts
    from ``min(answer, start + transit)``, so the throughput is ``limit / (span + min(latency, transit))``;
    a request that travels longer than ``transit + margin * window`` could be counted by the service inside
    the next window (the client then meets one 503 and waits, it never loses data).
    """

    POLL = 0.005  # seconds to wait when every slot is still in flight

    def __init__(
        self,
        limit: int = 10,
        window: float = 1.0,
        margin: float = 0.05,
        *,
        transit: float | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if limit < 1 or window <= 0 or margin < 0 or (transit is not None and transit < 0):
            raise ValueError("limit must be >= 1, window > 0, margin >= 0, transit >= 0")
        self.limit = limit
        self.span = window * (1 + margin)
        self.transit = transit
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._slots: list[Slot] = []
        self._blocked_until = 0.0

    @property
    def rate(self) -> float:
        """The sustained requests per second this pacer allows (with answers that take no time)."""
        return self.limit / self.span

    def _counted_from(self, slot: Slot) -> float | None:
        """When the service admitted the request at the latest: its answer, or (with ``transit``) its start
        plus the travel allowance when that comes first; None while that moment is still ahead."""
        if self.transit is None:
            return slot.end
        arrived = slot.start + self.transit
        if slot.end is not None and slot.end < arrived:
            return slot.end
        return arrived if slot.end is not None or self._clock() >= arrived else None

    def _prune(self, now: float) -> None:
        edge = now - self.span
        kept = []
        for slot in self._slots:
            counted = self._counted_from(slot)
            if counted is None or counted > edge:
                kept.append(slot)
        self._slots = kept

    def try_acquire(self) -> Slot | float:
        """A :class:`Slot` when a request may start now, else how many seconds to wait."""
        with self._lock:
            now = self._clock()
            if now < self._blocked_until:
                return self._blocked_until - now
            self._prune(now)
            if len(self._slots) < self.limit:
                slot = Slot(now)
                self._slots.append(slot)
                return slot
            ends = [t for t in map(self._counted_from, self._slots) if t is not None]
            if not ends:
                return self.POLL
            return max(min(ends) + self.span - now, 1e-4)

    def acquire(self) -> Slot:
        """Block until a request may start."""
        while True:
            granted = self.try_acquire()
            if isinstance(granted, Slot):
                return granted
            self._sleep(granted)

    def release(self, slot: Slot) -> None:
        """The request of ``slot`` got its answer (or failed): its window starts running out now."""
        with self._lock:
            slot.end = self._clock()

    def block_for(self, seconds: float) -> None:
        """Nobody starts a request for ``seconds`` (the service told us to back off)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(seconds, 0.0))


@dataclass(frozen=True)
class RateHeaders:
    """MoySklad's rate-limit headers of one response (``None`` when absent)."""

    limit: int | None = None  # X-RateLimit-Limit: bucket capacity in units
    remaining: int | None = None  # X-RateLimit-Remaining: units left after this request
    interval_ms: int | None = None  # X-Lognex-Retry-TimeInterval: the bucket's interval
    reset_ms: int | None = None  # X-Lognex-Reset: ms until the bucket is full again
    retry_after_ms: int | None = None  # X-Lognex-Retry-After: ms to wait (429 only is meaningful)

    @classmethod
    def parse(cls, headers: Mapping[str, str]) -> RateHeaders:
        lowered = {k.lower(): v for k, v in headers.items()}

        def number(name: str) -> int | None:
            raw = lowered.get(name)
            if raw is None:
                return None
            try:
                return int(float(raw.strip()))
            except ValueError:
                return None

        return cls(
            limit=number("x-ratelimit-limit"),
            remaining=number("x-ratelimit-remaining"),
            interval_ms=number("x-lognex-retry-timeinterval"),
            reset_ms=number("x-lognex-reset"),
            retry_after_ms=number("x-lognex-retry-after"),
        )


@dataclass(frozen=True)
class Ticket:
    """A granted request slot in a :class:`WeightedBucketPacer` (hand it back to ``observe``)."""

    seq: int  # 1, 2, 3 … in send order
    weight_class: str
    weight: int
    sent_at: float
    sent_total: float  # units sent so far, this request included
    quiet: bool  # nothing else was in flight when it started
    # units of the requests still unanswered when this one started: the service may admit them after it
    in_flight_before: float = 0.0


class WeightLearner:
    """Finds the integer weight the service charges per request class from consecutive quiet requests.

    For two requests A then B with nothing else in between, the service's level before B is its level
    after A plus the refill between the two admissions (known within the two requests' latencies), and
    its level after B is bounded by B's headers. So B's weight lies in an interval ``(low, high]``: a few
    hundredths wide when ``X-Lognex-Reset`` is precise, about two units with ``Remaining`` alone (it is
    the floor of the level). Intersecting the intervals of several pairs converges on one integer. An
    empty intersection (the service's weights changed, or someone else uses the same account) restarts
    from the latest interval.
    """

    def __init__(self) -> None:
        self._bounds: dict[str, tuple[float, float]] = {}

    def add(self, weight_class: str, low: float, high: float) -> int | None:
        """Add "low < weight <= high"; return the weight once exactly one integer fits."""
        old = self._bounds.get(weight_class)
        if old is not None:
            merged = (max(old[0], low), min(old[1], high))
            if _integers_between(*merged):
                low, high = merged
        self._bounds[weight_class] = (low, high)
        candidates = _integers_between(low, high)
        return candidates[0] if len(candidates) == 1 else None


def _integers_between(low: float, high: float) -> list[int]:
    """Integers in (low, high], allowing 1e-9 of float noise."""
    first = math.floor(low + 1e-9) + 1
    last = math.floor(high + 1e-9)
    return list(range(first, last + 1))


class WeightedBucketPacer:
    """MoySklad's 3-second weighted bucket, mirrored on our side and corrected by the service's headers.

    ``weights`` maps a request class to its cost; ``"default"`` must be present. The level starts full
    (like the service's after 3 quiet seconds) and every response pulls it down to what the service says
    is left, minus what we sent since: we are never more optimistic than the service's own account.
    """

    def __init__(
        self,
        capacity: int = 45,
        interval: float = 3.0,
        weights: Mapping[str, int] | None = None,
        *,
        learn: bool = True,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.capacity = float(capacity)
        self.interval = float(interval)
        self.weights: dict[str, int] = {"default": 4, **(weights or {})}
        self.learned: dict[str, int] = {}  # classes whose weight came from the headers
        self._learn = learn
        self._learner = WeightLearner()
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._level = self.capacity
        self._level_at = clock()
        self._blocked_until = 0.0
        self._seq = 0
        self._sent_total = 0.0
        self._in_flight = 0
        self._in_flight_units = 0.0
        # (seq, level-after low, level-after high, received_at, sent_at) of the last quiet request
        self._last_quiet: tuple[int, float, float, float, float] | None = None

    @property
    def rate(self) -> float:
        """Refill speed in units per second."""
        return self.capacity / self.interval

    def weight_of(self, weight_class: str) -> int:
        return self.weights.get(weight_class, self.weights["default"])

    def level(self) -> float:
        with self._lock:
            self._refill(self._clock())
            return self._level

    def _refill(self, now: float) -> None:
        if now > self._level_at:
            self._level = min(self.capacity, self._level + (now - self._level_at) * self.rate)
            self._level_at = now

    def try_acquire(self, weight_class: str = "default") -> Ticket | float:
        """A :class:`Ticket` when the request may go now, else the seconds to wait."""
        with self._lock:
            now = self._clock()
            if now < self._blocked_until:
                return self._blocked_until - now
            self._refill(now)
            weight = self.weight_of(weight_class)
            need = min(float(weight), self.capacity)  # a weight above capacity waits for a full bucket
            if self._level + 1e-9 < need:
                return max((need - self._level) / self.rate, 1e-4)
            self._level -= weight
            self._seq += 1
            self._sent_total += weight
            ticket = Ticket(
                self._seq, weight_class, weight, now, self._sent_total,
                quiet=self._in_flight == 0, in_flight_before=self._in_flight_units,
            )
            self._in_flight += 1
            self._in_flight_units += weight
            return ticket

    def acquire(self, weight_class: str = "default") -> Ticket:
        while True:
            granted = self.try_acquire(weight_class)
            if isinstance(granted, Ticket):
                return granted
            self._sleep(granted)

    def block_for(self, seconds: float) -> None:
        """Nothing starts for ``seconds`` (a 429 told us when the bucket has room again)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + max(seconds, 0.0))

    def _level_after(self, headers: RateHeaders) -> tuple[float, float]:
        """Bounds ``[low, high)`` of the service's level right after it admitted a request.

        ``X-RateLimit-Remaining`` is the floor of the level; ``X-Lognex-Reset`` (ms until the bucket is
        full, rounded up) pins it down to a few hundredths of a unit. A reset that disagrees with the
        remaining count is ignored (the header's meaning is not documented precisely).
        """
        assert headers.remaining is not None
        low, high = float(headers.remaining), float(headers.remaining) + 1.0
        if headers.reset_ms is not None and headers.reset_ms >= 0:
            per_ms = self.rate / 1000
            if headers.reset_ms == 0:
                reset_low, reset_high = self.capacity, self.capacity + 1e-9
            else:
                reset_low = self.capacity - headers.reset_ms * per_ms
                reset_high = self.capacity - (headers.reset_ms - 1) * per_ms
            if max(low, reset_low) < min(high, reset_high):
                low, high = max(low, reset_low), min(high, reset_high)
        return low, high

    def observe(self, ticket: Ticket, headers: RateHeaders | None, *, rejected: bool = False) -> None:
        """The answer to ``ticket`` arrived (``headers`` None: no answer, e.g. a dropped connection).

        ``rejected``: the service refused the request (429). Its headers still tell the bucket's level, but
        a refused request costs nothing, so it must never teach us a weight.
        """
        with self._lock:
            now = self._clock()
            self._in_flight = max(0, self._in_flight - 1)
            self._in_flight_units = max(0.0, self._in_flight_units - ticket.weight)
            if headers is None or headers.remaining is None:
                self._last_quiet = None
                return
            self._refill(now)
            if headers.limit and headers.limit > 0:
                self.capacity = float(headers.limit)
            if headers.interval_ms and headers.interval_ms > 0:
                self.interval = headers.interval_ms / 1000
            after_low, after_high = self._level_after(headers)
            # The service's level now is at least its level after this request (admitted at the latest
            # just now), less everything we sent after it (admitted or still on its way, it will be
            # charged). Never counting on more than that keeps us from sending into a 429.
            sent_since = self._sent_total - ticket.sent_total
            floor = min(self.capacity, after_low) - sent_since
            if floor < self._level:
                self._level = floor
            # Pulled down once, the level would never come back up: with several requests in flight every
            # answer's ``sent_since`` counts requests the service had already charged, and the mirror ends up
            # a whole 20 units (1.5 s) below the service for the rest of a long read. Raising it is safe to
            # what the service surely has: its level after this request, less every request of ours it may
            # charge after it — those sent after it, and those still unanswered when it was sent (they may
            # arrive later than it did). Someone else spending the same bucket still only pulls it down.
            surely = min(self.capacity, after_low) - sent_since - ticket.in_flight_before
            if surely > self._level and not rejected:
                self._level = surely
            quiet = ticket.quiet and self._seq == ticket.seq and not rejected
            if self._learn and quiet:
                self._learn_weight(ticket, (after_low, after_high), now)
            self._last_quiet = (ticket.seq, after_low, after_high, now, ticket.sent_at) if quiet else None

    def _learn_weight(self, ticket: Ticket, after: tuple[float, float], now: float) -> None:
        previous = self._last_quiet
        if previous is None or previous[0] != ticket.seq - 1:
            return
        _, prev_low, prev_high, prev_received, prev_sent = previous
        rate = self.rate
        # The service admitted the previous request within [prev_sent, prev_received] and this one within
        # [ticket.sent_at, now], so the refill between the two lies within these bounds.
        before_low = min(self.capacity, prev_low + max(0.0, ticket.sent_at - prev_received) * rate)
        before_high = min(self.capacity, prev_high + (now - prev_sent) * rate)
        learned = self._learner.add(ticket.weight_class, before_low - after[1], before_high - after[0])
        if learned is not None and 1 <= learned <= self.capacity:
            self.weights[ticket.weight_class] = learned
            self.learned[ticket.weight_class] = learned


class ConcurrencyLimiter:
    """A semaphore of ``limit`` slots that shrinks by one on each "too many parallel requests" answer
    and grows back by one after ``recover_after`` successful requests in a row."""

    def __init__(self, limit: int = 4, *, minimum: int = 1, recover_after: int = 50) -> None:
        if limit < 1:
            raise ValueError("limit must be >= 1")
        self.maximum = limit
        self.minimum = max(1, min(minimum, limit))
        self.recover_after = recover_after
        self._limit = limit
        self._active = 0
        self._streak = 0
        self._cond = threading.Condition()
        self.peak = 0  # most requests ever in flight at once (tests read it)

    @property
    def limit(self) -> int:
        with self._cond:
            return self._limit

    def acquire(self) -> None:
        with self._cond:
            while self._active >= self._limit:
                self._cond.wait()
            self._active += 1
            self.peak = max(self.peak, self._active)

    def release(self, *, success: bool = True) -> None:
        with self._cond:
            self._active = max(0, self._active - 1)
            if success:
                self._streak += 1
                if self._streak >= self.recover_after and self._limit < self.maximum:
                    self._limit += 1
                    self._streak = 0
            self._cond.notify_all()

    def reduce(self) -> int:
        """One slot fewer (not below ``minimum``); returns the new limit."""
        with self._cond:
            self._limit = max(self.minimum, self._limit - 1)
            self._streak = 0
            return self._limit


# --- MoySklad's gate -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MoySkladLimits:
    """Client-side pacing. Defaults are the real service's for a user token (from 2026-12-01)."""

    capacity: int = 45  # units per interval
    interval_ms: int = 3000
    user_weight: int = 4  # units per ordinary request
    stock_report_weight: int = 5  # report/stock/all and report/stock/bystore
    max_parallel: int = 4  # the service allows 5 per user; one spare for the user's other apps
    learn_weights: bool = True  # adapt weights to what the headers show
    rejections_per_minute: int = 50  # the service locks a user out at 200 rejected requests a minute
    parallel_backoff: float = 0.5  # seconds to wait after "too many parallel requests"


class MoySkladGate:
    """Slots (≤ max_parallel in flight) and the weighted bucket, shared by all threads of a client."""

    def __init__(self, limits: MoySkladLimits) -> None:
        self.limits = limits
        self.bucket = WeightedBucketPacer(
            capacity=limits.capacity,
            interval=limits.interval_ms / 1000,
            weights={"default": limits.user_weight, "stock_report": limits.stock_report_weight},
            learn=limits.learn_weights,
        )
        self.slots = ConcurrencyLimiter(limits.max_parallel)

    def enter(self, call: Call) -> Ticket:
        self.slots.acquire()
        try:
            return self.bucket.acquire(call.weight_class)
        except BaseException:
            self.slots.release(success=False)
            raise

    def leave(self, permit: Ticket, response: httpx.Response | None) -> None:
        headers = RateHeaders.parse(response.headers) if response is not None else None
        self.bucket.observe(permit, headers, rejected=response is not None and response.status_code == 429)
        self.slots.release(success=response is not None and response.status_code != 429)

    def rejection(self, response: httpx.Response) -> Rejection | None:
        if response.status_code not in (429, 503):
            return None
        retry_after = RateHeaders.parse(response.headers).retry_after_ms
        if retry_after is not None and retry_after > 0:
            wait = retry_after / 1000  # milliseconds, not seconds
            self.bucket.block_for(wait)
            return Rejection(wait=wait)
        if response.status_code == 429:
            # No Retry-After: the parallel limit (1073). Fewer requests at once, then try again.
            self.slots.reduce()
            return Rejection(wait=self.limits.parallel_backoff, parallel=True)
        return Rejection(wait=None)
