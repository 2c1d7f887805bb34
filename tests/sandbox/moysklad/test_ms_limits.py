"""Rate limits: the weighted 3-second bucket (429/1049), the parallel limit (429/1073) and the lock-out.

The bucket tests run on a manual clock, so the arithmetic is checked exactly, with no sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.core import EmulatorServer, FaultConfig
from app.sandbox.moysklad import MoySkladEmulator, Weights
from app.sandbox.moysklad.auth import basic_header
from app.sandbox.moysklad.limits import ManualClock
from app.sandbox.seed import Shop

from .support import API, client, error_codes


@pytest.fixture
def limited(shop: Shop) -> MoySkladEmulator:
    emulator = MoySkladEmulator(shop, rate_limit=True)
    emulator.limiter.clock = ManualClock()
    return emulator


@pytest.fixture
def limited_server(limited: MoySkladEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(limited) as running:
        yield running


@pytest.fixture
def limited_api(limited_server: EmulatorServer, limited: MoySkladEmulator) -> Iterator[httpx.Client]:
    with client(limited_server.base_url, limited.token) as http:
        yield http


def test_bucket_counts_down_by_weight_and_refuses_when_empty(limited_api: httpx.Client,
                                                             limited: MoySkladEmulator) -> None:
    remaining = []
    for _ in range(11):  # 11 × 4 = 44 of 45 units
        response = limited_api.get("/entity/store")
        assert response.status_code == 200
        assert response.headers["X-Lognex-Retry-After"] == "0"
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == list(range(41, 0, -4))
    assert response.headers["X-Lognex-Reset"] == "2934"  # 44 units at 45 per 3000 ms: 2933.3 ms, rounded up

    refused = limited_api.get("/entity/store")
    assert refused.status_code == 429
    assert error_codes(refused) == [1049]
    # 1 unit left, 4 needed, 45 units per 3000 ms → 200 ms
    assert refused.headers["X-Lognex-Retry-After"] == "200"
    assert refused.headers["X-RateLimit-Remaining"] == "1"

    assert isinstance(limited.limiter.clock, ManualClock)
    limited.limiter.clock.advance(0.199)
    assert limited_api.get("/entity/store").status_code == 429
    limited.limiter.clock.advance(0.001)
    assert limited_api.get("/entity/store").status_code == 200


def test_heavy_stock_reports_cost_five(limited_api: httpx.Client, limited_server: EmulatorServer) -> None:
    assert limited_api.get("/report/stock/all").headers["X-RateLimit-Remaining"] == "40"
    assert limited_api.get("/report/stock/bystore").headers["X-RateLimit-Remaining"] == "35"
    assert limited_api.get("/report/stock/all/current").headers["X-RateLimit-Remaining"] == "31"
    # the server logs a request just after answering it: wait for the third line
    deadline = time.monotonic() + 5
    while len(limited_server.log) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    weights = [entry.weight for entry in limited_server.log.entries("moysklad")]
    assert weights == [5, 5, 4]


def test_weights_are_configurable(shop: Shop) -> None:
    emulator = MoySkladEmulator(shop, weights=Weights(user=2, stock_report=7))
    emulator.limiter.clock = ManualClock()
    with EmulatorServer(emulator) as running, client(running.base_url, emulator.token) as http:
        assert http.get("/entity/store").headers["X-RateLimit-Remaining"] == "43"
        assert http.get("/report/stock/bystore").headers["X-RateLimit-Remaining"] == "36"


def test_token_and_basic_of_one_user_share_the_bucket(limited_api: httpx.Client, limited: MoySkladEmulator) -> None:
    assert limited_api.get("/entity/store").headers["X-RateLimit-Remaining"] == "41"
    basic = basic_header(limited.login, limited.password)
    response = limited_api.get("/entity/store", headers={"Authorization": basic})
    assert response.headers["X-RateLimit-Remaining"] == "37"


def test_parallel_limit_answers_1073_without_retry_after(limited: MoySkladEmulator) -> None:
    with EmulatorServer(limited, latency_ms=1200) as running:
        barrier = threading.Barrier(8)
        results: list[httpx.Response] = []
        lock = threading.Lock()

        def call() -> None:
            with client(running.base_url, limited.token) as http:
                barrier.wait()
                response = http.get("/entity/store")
            with lock:
                results.append(response)

        threads = [threading.Thread(target=call) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    statuses = sorted(r.status_code for r in results)
    assert statuses == [200] * 5 + [429] * 3
    for response in results:
        if response.status_code == 429:
            assert error_codes(response) == [1073]
            assert "X-Lognex-Retry-After" not in response.headers
            assert response.headers["X-Lognex-Auth"] == "429005"
            assert response.headers["X-RateLimit-Limit"] == "45"
    assert limited.limiter.in_flight(limited.login) == 0


def test_lockout_after_more_than_200_refusals_until_unlock(limited_api: httpx.Client,
                                                            limited: MoySkladEmulator) -> None:
    for _ in range(11):
        assert limited_api.get("/entity/store").status_code == 200
    for _ in range(201):
        assert limited_api.get("/entity/store").status_code == 429
    assert isinstance(limited.limiter.clock, ManualClock)
    limited.limiter.clock.advance(5)  # the bucket is full again, but the user is locked out
    locked = limited_api.get("/entity/store")
    assert locked.status_code == 403
    assert error_codes(locked) == [1061]
    assert limited_api.get("/entity/store").status_code == 403
    limited.state.unlock()
    assert limited_api.get("/entity/store").status_code == 200


def test_two_hundred_refusals_do_not_lock(limited_api: httpx.Client, limited: MoySkladEmulator) -> None:
    for _ in range(11):
        limited_api.get("/entity/store")
    for _ in range(200):
        assert limited_api.get("/entity/store").status_code == 429
    assert isinstance(limited.limiter.clock, ManualClock)
    limited.limiter.clock.advance(5)
    assert limited_api.get("/entity/store").status_code == 200


def test_rate_limit_off_disables_bucket_and_parallel(api: httpx.Client) -> None:
    for _ in range(30):
        response = api.get("/entity/store")
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Remaining"] == "45"


def test_injected_faults_look_like_the_service(server: EmulatorServer, api: httpx.Client) -> None:
    server.set_faults(FaultConfig(share_5xx=1.0))
    first, second = api.get("/entity/store"), api.get("/entity/store")
    assert {first.status_code, second.status_code} == {500, 503}
    assert first.json()["errors"][0]["code"] in (1999, 1074)
    assert "X-RateLimit-Limit" in first.headers
    server.set_faults(FaultConfig(share_rate_limited=1.0))
    limited = api.get("/entity/store")
    assert limited.status_code == 429
    assert error_codes(limited) == [1049]
    assert limited.headers["X-Lognex-Retry-After"] == "3000"  # milliseconds
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    server.set_faults(None)
    assert api.get(f"{API}/entity/store".removeprefix(API)).status_code == 200
