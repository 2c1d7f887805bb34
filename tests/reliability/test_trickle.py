"""Attack "a trickling answer" (issue 12, major 4): a server that sends one byte every few seconds.

Each read gets its byte long before the per-read timeout, so before the fix a request, and the run waiting on
it, never ended. Now every request has an overall deadline (connect + the whole answer, app/clients/deadline.py)
and every run a watchdog (app/sync/watchdog.py). The trickling server is the hostile proxy in front of the
sandbox (tests/reliability/hostile_proxy.py), bounded in time so a failing test still ends.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest

from app.clients.errors import ServiceUnavailable
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.clients.retry import RetryPolicy
from app.sandbox.sandbox import Sandbox, SandboxOptions
from tests.reliability.hostile_proxy import HostileProxy

pytestmark = pytest.mark.timeout(120)

TRICKLE = {"interval": 0.2, "limit": 25.0}  # 5 bytes a second; the proxy hangs up after 25 s
DEADLINE = 1.5


def quick_retry() -> RetryPolicy:
    return RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, max_total=30.0, rng=random.Random(0))


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, seed=3, rate_limit=False)) as sb:
        yield sb


def test_a_trickling_moysklad_answer_ends_at_the_deadline(sandbox: Sandbox) -> None:
    with HostileProxy(sandbox.moysklad_url) as proxy:
        rule = proxy.trickle("GET", "/entity/organization", **TRICKLE)
        client = MoySkladClient(sandbox.moysklad.token, base_url=proxy.url, retry=quick_retry(), deadline=DEADLINE)
        started = time.monotonic()
        with client, pytest.raises(ServiceUnavailable) as caught:
            client.organizations()
        took = time.monotonic() - started
    assert rule.hits >= 1
    # two attempts of 1.5 s each, not the proxy's 25 s (nor the 60 s read timeout, which never fires here)
    assert took < 2 * DEADLINE + 3, took
    assert "отвечает слишком медленно" in caught.value.message
    assert "1.5 с" in caught.value.message


def test_a_trickling_head_is_bounded_too(sandbox: Sandbox) -> None:
    """The status line and headers crawl as well: the deadline covers them, not only the body."""
    with HostileProxy(sandbox.retailcrm_url) as proxy:
        proxy.trickle("GET", "/api/v5/reference/sites", headers_too=True, **TRICKLE)
        client = RetailCrmClient(proxy.url, sandbox.retailcrm.api_key, retry=quick_retry(), deadline=DEADLINE)
        started = time.monotonic()
        with client, pytest.raises(ServiceUnavailable) as caught:
            client.sites()
        took = time.monotonic() - started
    assert took < 2 * DEADLINE + 3, took
    assert "RetailCRM отвечает слишком медленно" in caught.value.message


def test_answers_in_time_are_untouched_by_the_deadline(sandbox: Sandbox) -> None:
    """Connections are reused across requests: the deadline is per request, not per connection."""
    with MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url, deadline=DEADLINE) as client:
        for _ in range(3):
            assert client.organizations()
            time.sleep(DEADLINE / 2)
