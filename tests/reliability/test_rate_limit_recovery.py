"""After one "too many requests" answer, the MoySklad client must get back to its normal pace.

Found by the fault-injection test: with a rate-limit answer among the faults, every later MoySklad request of
the run waited 3 s, and a small shop's sync took 40 s instead of 8 — the pacer learnt a "weight" of 45 from the
refused request's headers, although a refused request costs nothing.
"""

from __future__ import annotations

import time

from app.clients.moysklad import MoySkladClient
from app.sandbox.core import FaultConfig, LoggedRequest, RequestLog
from app.sandbox.sandbox import Sandbox, SandboxOptions


class OneRateLimitAnswer(RequestLog):
    """Turns the sandbox's injected faults off as soon as the first one has been answered."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__()
        self.sandbox = sandbox
        sandbox.log = sandbox.retailcrm_server.log = sandbox.moysklad_server.log = self

    def add(self, entry: LoggedRequest) -> None:
        super().add(entry)
        if entry.fault:
            self.sandbox.set_faults(None)


def test_one_rejected_request_does_not_slow_moysklad_down_for_good():
    with Sandbox(SandboxOptions(products=20, orders=0, rate_limit=False)) as sandbox:
        log = OneRateLimitAnswer(sandbox)
        with MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url) as ms:
            for _ in range(3):
                ms.stores()
            sandbox.set_faults(FaultConfig(share_rate_limited=1.0), "moysklad")
            ms.stores()  # answered 429 once (the client waits the 3 s it is told), then served
            assert [e.fault for e in log.entries("moysklad")].count("rate") == 1
            # what the client now believes an ordinary request costs (4 units for a user token)
            assert ms.gate.bucket.weight_of("default") <= 5, ms.gate.bucket.weights
            started = time.monotonic()
            ms.stores()
            ms.stores()
            elapsed = time.monotonic() - started
    # two ordinary requests need 8 of the bucket's 45 units: well under a second, whatever the bucket's level
    assert elapsed < 1.5, f"two requests after the rejection took {elapsed:.1f} s"
