"""Pacing math with a fake clock: no wall-clock sleeps, exact numbers."""

import math
import random
import threading
import time

import pytest

from app.clients.pacing import (
    ConcurrencyLimiter,
    RateHeaders,
    RollingWindowPacer,
    Slot,
    Ticket,
    WeightedBucketPacer,
    WeightLearner,
)


class FakeClock:
    """time.monotonic + time.sleep that only move when slept on."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += seconds


def max_in_any_window(times, span):
    times = sorted(times)
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= span:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_threads(worker, rng: random.Random, count: int = 5) -> None:
    """``worker(seed)`` on ``count`` threads at once; returns when all have ended."""
    threads = [threading.Thread(target=worker, args=(rng.random(),)) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --- RetailCRM: rolling window -------------------------------------------------------------------------


def request(pacer: RollingWindowPacer, clock: FakeClock | None = None, latency: float = 0.0) -> float:
    """One paced request that takes ``latency`` seconds; returns when it started."""
    slot = pacer.acquire()
    started = slot.start
    if clock is not None and latency:
        clock.sleep(latency)
    pacer.release(slot)
    return started


def test_rolling_window_lets_ten_through_then_waits_for_the_oldest_to_expire():
    clock = FakeClock()
    pacer = RollingWindowPacer(10, 1.0, 0.05, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        request(pacer)
    assert clock.slept == 0  # a burst of ten is fine
    request(pacer)
    assert clock.now == pytest.approx(100.0 + 1.05)  # the 11th waits until the 1st leaves the window


def test_rolling_window_never_exceeds_the_limit_and_sustains_the_rate():
    clock = FakeClock()
    pacer = RollingWindowPacer(10, 1.0, 0.05, clock=clock, sleep=clock.sleep)
    starts = [request(pacer) for _ in range(200)]
    # the service counts requests in any 1 s window: never more than 10, even shifted by jitter
    assert max_in_any_window(starts, 1.0) <= 10
    assert max_in_any_window(starts, 1.04) <= 10  # the margin absorbs 40 ms more
    elapsed = starts[-1] - starts[0]
    assert 199 / elapsed == pytest.approx(pacer.rate, rel=0.06)
    assert pacer.rate == pytest.approx(10 / 1.05)


def test_a_slot_counts_until_a_window_after_its_answer():
    clock = FakeClock()
    pacer = RollingWindowPacer(2, 1.0, 0.0, clock=clock, sleep=clock.sleep)
    slow = pacer.acquire()
    slower = pacer.acquire()
    clock.sleep(5.0)  # both still in flight: their slots cannot expire, however old
    assert pacer.try_acquire() == pytest.approx(RollingWindowPacer.POLL)
    pacer.release(slow)  # answered at t=105
    assert pacer.try_acquire() == pytest.approx(1.0)  # free again one window after the answer
    clock.sleep(1.0)
    assert clock.now == pytest.approx(106.0)
    request(pacer)
    pacer.release(slower)


def test_late_requests_never_squeeze_more_than_the_limit_into_a_server_window():
    """Real threads, random travel times: admissions (somewhere between send and answer) stay under it."""
    limit, window = 5, 0.2
    pacer = RollingWindowPacer(limit, window, 0.0)
    admissions: list[float] = []
    lock = threading.Lock()
    rng = random.Random(3)

    def worker(seed: int) -> None:
        local = random.Random(seed)
        for _ in range(8):
            slot = pacer.acquire()
            travel = local.uniform(0, 0.06)  # a late arrival: up to 60 ms, far above a 0 margin
            time.sleep(travel)
            with lock:
                admissions.append(time.monotonic())
            time.sleep(local.uniform(0, 0.01))
            pacer.release(slot)

    run_threads(worker, rng)
    assert len(admissions) == 40
    assert max_in_any_window(admissions, window) <= limit


def test_with_a_transit_allowance_a_slow_answer_counts_from_its_arrival():
    clock = FakeClock()
    pacer = RollingWindowPacer(2, 1.0, 0.0, transit=0.02, clock=clock, sleep=clock.sleep)
    slow = pacer.acquire()
    fast = pacer.acquire()
    clock.sleep(0.01)
    pacer.release(fast)  # answered before the allowance ran out: counts from its answer, as without it
    assert pacer.try_acquire() == pytest.approx(0.01 + 1.0 - 0.01)  # the slow one: from start + 0.02
    clock.sleep(0.5)
    pacer.release(slow)  # 0.51 s late: it reached the service long before, and counts from start + 0.02
    assert pacer.try_acquire() == pytest.approx(1.0 + 0.01 - 0.51)
    clock.sleep(0.5)
    assert isinstance(pacer.try_acquire(), Slot)


def test_with_a_transit_allowance_arrivals_within_it_never_exceed_the_limit():
    """Real threads: each request arrives up to the allowance after it starts and takes long to answer."""
    limit, window, transit, margin = 5, 0.2, 0.01, 0.05
    pacer = RollingWindowPacer(limit, window, margin, transit=transit)
    admissions: list[float] = []
    lock = threading.Lock()
    rng = random.Random(5)

    def worker(seed: int) -> None:
        local = random.Random(seed)
        for _ in range(8):
            slot = pacer.acquire()
            time.sleep(local.uniform(0, transit))  # on its way
            with lock:
                admissions.append(time.monotonic())
            time.sleep(local.uniform(0.0, 0.08))  # a slow answer
            pacer.release(slot)

    run_threads(worker, rng)
    assert len(admissions) == 40
    assert max_in_any_window(admissions, window) <= limit


def test_block_for_pauses_everybody():
    clock = FakeClock()
    pacer = RollingWindowPacer(10, 1.0, 0.0, clock=clock, sleep=clock.sleep)
    request(pacer)
    pacer.block_for(2.5)
    assert pacer.try_acquire() == pytest.approx(2.5)
    request(pacer)
    assert clock.now == pytest.approx(102.5)


def test_rolling_window_is_thread_safe():
    pacer = RollingWindowPacer(5, 0.1, 0.0)
    starts: list[float] = []
    lock = threading.Lock()

    def worker():
        for _ in range(10):
            slot = pacer.acquire()
            with lock:
                starts.append(time.monotonic())
            pacer.release(slot)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(starts) == 40
    assert max_in_any_window(starts, 0.1) <= 5


# --- MoySklad: weighted bucket -------------------------------------------------------------------------


def test_bucket_spends_weights_and_refills_continuously():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4}, clock=clock, sleep=clock.sleep, learn=False)
    for _ in range(11):  # 11 * 4 = 44 <= 45
        pacer.acquire()
    assert clock.slept == 0
    assert pacer.level() == pytest.approx(1.0)
    pacer.acquire()  # needs 3 more units at 15 units/s
    assert clock.slept == pytest.approx(3 / 15)


def test_stock_report_class_costs_five():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4, "stock_report": 5}, clock=clock, sleep=clock.sleep)
    ticket = pacer.acquire("stock_report")
    assert ticket.weight == 5
    assert pacer.level() == pytest.approx(40)
    assert pacer.weight_of("unknown-class") == 4


def test_block_for_after_retry_after():
    clock = FakeClock()
    pacer = WeightedBucketPacer(clock=clock, sleep=clock.sleep)
    pacer.block_for(6.5)  # X-Lognex-Retry-After: 6500 (milliseconds)
    pacer.acquire()
    assert clock.slept == pytest.approx(6.5)


def test_headers_pull_the_level_down_to_what_the_service_says():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 1}, clock=clock, sleep=clock.sleep, learn=False)
    ticket = pacer.acquire()
    assert pacer.level() == pytest.approx(44)
    # somebody else (another app of the same user) spent most of the bucket
    pacer.observe(ticket, RateHeaders(limit=45, remaining=5, interval_ms=3000))
    assert pacer.level() == pytest.approx(5)  # remaining is the floor of the level: count on no more


def test_a_generous_answer_raises_the_level_to_what_the_service_surely_has():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4}, clock=clock, sleep=clock.sleep, learn=False)
    pacer.observe(pacer.acquire(), RateHeaders(limit=45, remaining=5, interval_ms=3000))
    assert pacer.level() == pytest.approx(5)
    # alone in flight: the service's own account after it is what is left
    pacer.observe(pacer.acquire(), RateHeaders(limit=45, remaining=30, interval_ms=3000))
    assert pacer.level() == pytest.approx(30)
    # b answered while a (sent before it) is still on its way, c sent after it: both may still be charged
    a = pacer.acquire()
    b = pacer.acquire()
    c = pacer.acquire()
    assert pacer.level() == pytest.approx(18)
    pacer.observe(b, RateHeaders(limit=45, remaining=40, interval_ms=3000))
    assert pacer.level() == pytest.approx(40 - 4 - 4)
    # a refused request teaches nothing upwards
    pacer.observe(a, RateHeaders(limit=45, remaining=44, interval_ms=3000), rejected=True)
    assert pacer.level() <= 32 + 1e-9
    pacer.observe(c, None)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_overlapping_requests_reordered_in_transit_never_meet_a_rejection_and_keep_the_pace(seed):
    """Four requests in flight, each reaching the service after a random delay (so out of order) and answered
    after another: the mirror rises and falls with the headers, the service never refuses, and the pace is
    the bucket's refill."""
    import heapq

    rng = random.Random(seed)
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4}, clock=clock, sleep=clock.sleep, learn=False)
    service = SimulatedService(clock, 4)
    events: list[tuple[float, int, str, Ticket]] = []
    answers: dict[int, RateHeaders] = {}
    sent = in_flight = 0
    total = 200
    started = clock.now
    while sent < total or events:
        wait = math.inf
        if in_flight < 4 and sent < total:
            granted = pacer.try_acquire()
            if isinstance(granted, Ticket):
                sent += 1
                in_flight += 1
                admitted = clock.now + rng.uniform(0.0, 0.4)
                heapq.heappush(events, (admitted, granted.seq, "admit", granted))
                heapq.heappush(events, (admitted + rng.uniform(0.0, 0.4), granted.seq, "answer", granted))
                continue
            wait = granted
        clock.now = min(events[0][0] if events else math.inf, clock.now + wait)
        while events and events[0][0] <= clock.now:
            _, seq, kind, ticket = heapq.heappop(events)
            if kind == "admit":
                answers[seq] = service.admit()
            else:
                pacer.observe(ticket, answers.pop(seq))
                in_flight -= 1
    assert service.rejected == 0
    units_per_second = (total * 4 - 45) / (clock.now - started)
    assert units_per_second == pytest.approx(15, rel=0.12)


def test_headers_teach_capacity_and_interval():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, clock=clock, sleep=clock.sleep)
    ticket = pacer.acquire()
    pacer.observe(ticket, RateHeaders(limit=90, remaining=86, interval_ms=6000))
    assert pacer.capacity == 90
    assert pacer.interval == 6.0
    assert pacer.rate == 15.0


def test_parse_rate_headers_case_insensitively():
    headers = RateHeaders.parse(
        {
            "x-ratelimit-limit": "45",
            "X-RateLimit-Remaining": "43",
            "X-Lognex-Retry-TimeInterval": "3000",
            "X-Lognex-Reset": "134",
            "X-Lognex-Retry-After": "6500",
        }
    )
    assert headers == RateHeaders(limit=45, remaining=43, interval_ms=3000, reset_ms=134, retry_after_ms=6500)
    assert RateHeaders.parse({}) == RateHeaders()


class SimulatedService:
    """The service's bucket arithmetic (as documented and emulated): floor(remaining), ceil(reset ms)."""

    def __init__(self, clock, weight, capacity=45, interval_ms=3000, send_reset=True):
        self.clock, self.weight, self.capacity, self.interval_ms = clock, weight, capacity, interval_ms
        self.level, self.at = float(capacity), clock()
        self.send_reset = send_reset
        self.rejected = 0

    def admit(self):
        now = self.clock()
        rate_ms = self.capacity / self.interval_ms
        self.level = min(self.capacity, self.level + (now - self.at) * 1000 * rate_ms)
        self.at = now
        if self.level + 1e-9 < self.weight:
            self.rejected += 1
        else:
            self.level -= self.weight
        reset = math.ceil((self.capacity - self.level) / rate_ms - 1e-9) if self.level < self.capacity else 0
        return RateHeaders(
            limit=self.capacity,
            remaining=math.floor(self.level + 1e-9),
            interval_ms=self.interval_ms,
            reset_ms=reset if self.send_reset else None,
        )


def run_sequential(pacer, service, clock, requests, latency=0.004):
    for _ in range(requests):
        ticket = pacer.acquire()
        clock.sleep(latency / 2)
        headers = service.admit()
        clock.sleep(latency / 2)
        pacer.observe(ticket, headers)


@pytest.mark.parametrize(("true_weight", "assumed"), [(1, 4), (2, 4), (4, 1), (5, 4)])
def test_bucket_learns_the_real_weight_from_the_headers(true_weight, assumed):
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": assumed}, clock=clock, sleep=clock.sleep)
    service = SimulatedService(clock, true_weight)
    run_sequential(pacer, service, clock, 5)
    assert pacer.weights["default"] == true_weight
    assert pacer.learned == {"default": true_weight}
    # and then runs at the service's real pace: not a single rejection, learning phase included
    started = clock.now
    run_sequential(pacer, service, clock, 300)
    assert service.rejected == 0
    elapsed = clock.now - started
    # the refill's pace (plus whatever was left in the bucket), never less than 85 % of it
    assert 0.85 * 15 * elapsed <= 300 * true_weight <= 45 + 15 * elapsed


def test_bucket_learns_from_remaining_alone_eventually_and_never_wrongly():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4}, clock=clock, sleep=clock.sleep)
    service = SimulatedService(clock, 2, send_reset=False)
    seen = set()
    for _ in range(200):
        run_sequential(pacer, service, clock, 1, latency=0.01)
        seen.add(pacer.weights["default"])
    assert pacer.weights["default"] == 2
    assert seen <= {4, 2}  # it kept the default until sure, then switched straight to the truth
    assert service.rejected == 0


def test_level_follows_the_service_so_a_wrong_weight_costs_at_most_one_rejection_per_refill():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 1}, clock=clock, sleep=clock.sleep, learn=False)
    service = SimulatedService(clock, 4)
    run_sequential(pacer, service, clock, 11)  # 11 * 4 = 44: the service's bucket is nearly empty now
    assert service.rejected == 0
    assert pacer.level() <= service.level + 1e-6  # our account followed the service's, not our weight


def test_learning_is_skipped_for_overlapping_requests():
    clock = FakeClock()
    pacer = WeightedBucketPacer(45, 3.0, {"default": 4}, clock=clock, sleep=clock.sleep)
    service = SimulatedService(clock, 1)
    for _ in range(20):  # two requests always in flight together
        a = pacer.acquire()
        b = pacer.acquire()
        ha, hb = service.admit(), service.admit()
        pacer.observe(a, ha)
        pacer.observe(b, hb)
    assert pacer.learned == {}


def test_weight_learner_intersects_intervals():
    learner = WeightLearner()
    assert learner.add("default", 2.5, 4.5) is None  # 3 or 4
    assert learner.add("default", 3.2, 5.0) == 4  # only 4 fits both
    assert learner.add("default", 0.5, 1.5) == 1  # disagrees: the weights changed, start over


def test_dropped_answer_just_frees_the_slot():
    clock = FakeClock()
    pacer = WeightedBucketPacer(clock=clock, sleep=clock.sleep)
    ticket = pacer.acquire()
    pacer.observe(ticket, None)
    assert isinstance(pacer.try_acquire(), Ticket)


# --- parallel slots -------------------------------------------------------------------------------------


def test_concurrency_limiter_caps_in_flight_requests():
    limiter = ConcurrencyLimiter(4)
    active = 0
    peak = 0
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def worker():
        nonlocal active, peak
        barrier.wait()
        for _ in range(5):
            limiter.acquire()
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.002)
            with lock:
                active -= 1
            limiter.release()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert peak <= 4
    assert limiter.peak <= 4


def test_concurrency_limiter_shrinks_and_recovers():
    limiter = ConcurrencyLimiter(4, recover_after=3)
    assert limiter.reduce() == 3
    assert limiter.reduce() == 2
    for _ in range(3):
        limiter.acquire()
        limiter.release()
    assert limiter.limit == 3
    for _ in range(10):
        limiter.reduce()
    assert limiter.limit == 1  # never below one
