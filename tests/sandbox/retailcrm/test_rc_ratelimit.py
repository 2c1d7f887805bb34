"""10 requests per sliding second per key, answered with 503 JSON; off with rate_limit=False; faults."""

from __future__ import annotations

import math
import threading
import time

import httpx
import pytest

from app.sandbox.core import EmulatorServer, FaultConfig
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.retailcrm.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_sliding_window_math() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(10, clock=clock)
    assert all(limiter.try_acquire("k") for _ in range(10))
    assert not limiter.try_acquire("k")
    assert limiter.try_acquire("other")  # per key
    clock.now += 0.5
    assert not limiter.try_acquire("k")  # still inside the same second
    clock.now += 0.5 + 1e-6
    assert limiter.try_acquire("k")  # the first ten have slid out
    assert sum(limiter.try_acquire("k") for _ in range(20)) == 9


def _fire(base_url: str, key: str, threads: int, per_thread: int = 0, seconds: float = 0.0) -> None:
    """``per_thread`` requests from each thread, or, with ``seconds``, as many as fit in that time."""
    deadline = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base_url, headers={"X-API-KEY": key}) as client:
            sent = 0
            while sent < per_thread or time.monotonic() < deadline:
                client.get("/api/v5/reference/sites")
                sent += 1

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()


def _assert_at_most_rps(entries: list, rps: int) -> list[tuple[float, float]]:
    """The limiter admits each request between its arrival and its end, so any rps+1 successes must span at
    least one second from the first arrival to the last end: never rps+1 inside one second."""
    ok = sorted((e.started, e.started + e.duration_ms / 1000) for e in entries if e.status == 200)
    for i in range(len(ok) - rps):
        group = ok[i:i + rps + 1]
        assert max(end for _, end in group) - group[0][0] >= 1.0
    return ok


def test_burst_of_30_meets_503(shop) -> None:
    emulator = RetailCrmEmulator(shop)  # rate limit on, 10 rps
    with EmulatorServer(emulator) as srv:
        _fire(srv.base_url, emulator.api_key, threads=3, per_thread=10)
        entries = srv.log.entries("retailcrm")
        assert len(entries) == 30
        rejected = [e for e in entries if e.status == 503]
        ok = _assert_at_most_rps(entries, 10)
        assert rejected and 10 <= len(ok) < 30
        first, last = min(e.started for e in entries), max(e.started + e.duration_ms / 1000 for e in entries)
        if last - first < 1.0:  # the usual case: the whole burst fits in one second
            assert len(ok) == 10


def test_sustained_load_is_held_to_10_per_second(shop) -> None:
    emulator = RetailCrmEmulator(shop)
    with EmulatorServer(emulator) as srv:
        _fire(srv.base_url, emulator.api_key, threads=3, seconds=1.5)
        entries = srv.log.entries("retailcrm")
        ok = _assert_at_most_rps(entries, 10)
        assert len(ok) > 10  # the window slid: more got through after the first second
        span = max(end for _, end in ok) - ok[0][0]
        assert len(ok) <= 10 * (math.floor(span) + 1)
        assert any(e.status == 503 for e in entries)


def test_503_body_is_json(shop) -> None:
    emulator = RetailCrmEmulator(shop, rps=1)
    with EmulatorServer(emulator) as srv, httpx.Client(base_url=srv.base_url,
                                                       headers={"X-API-KEY": emulator.api_key}) as client:
        statuses = [client.get("/api/v5/reference/sites") for _ in range(3)]
        limited = [r for r in statuses if r.status_code == 503]
        assert limited
        assert limited[0].headers["content-type"].startswith("application/json")
        assert limited[0].json()["success"] is False
        assert "requests per second" in limited[0].json()["errorMsg"]


def test_no_limit_when_disabled(shop) -> None:
    emulator = RetailCrmEmulator(shop, rate_limit=False)
    with EmulatorServer(emulator) as srv:
        _fire(srv.base_url, emulator.api_key, threads=3, per_thread=10)
        assert [e.status for e in srv.log.entries()] == [200] * 30


def test_rejected_requests_change_nothing(shop) -> None:
    emulator = RetailCrmEmulator(shop, rps=1)
    with EmulatorServer(emulator) as srv, httpx.Client(base_url=srv.base_url,
                                                       headers={"X-API-KEY": emulator.api_key}) as client:
        client.get("/api/v5/reference/sites")  # spends this second's only request
        before = emulator.state.counts()
        response = client.post("/api/v5/orders/create", data={"order": '{"firstName": "A"}'})
        assert response.status_code == 503
        assert emulator.state.counts() == before


@pytest.mark.parametrize(("kind", "status", "json_body"), [("5xx", 502, False), ("rate", 503, True)])
def test_injected_faults(shop, kind: str, status: int, json_body: bool) -> None:
    emulator = RetailCrmEmulator(shop, rate_limit=False)
    share = {"share_5xx": 1.0} if kind == "5xx" else {"share_rate_limited": 1.0}
    with EmulatorServer(emulator, faults=FaultConfig(**share)) as srv:
        response = httpx.get(srv.base_url + "/api/v5/orders", headers={"X-API-KEY": emulator.api_key})
    assert response.status_code == status
    if json_body:
        assert response.json()["success"] is False
    else:
        assert response.headers["content-type"].startswith("text/html")
        assert "nginx" in response.text
