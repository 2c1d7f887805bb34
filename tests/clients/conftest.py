"""Fixtures for the client tests: real emulators on 127.0.0.1, fast retry policies, a log capture."""

from __future__ import annotations

import logging
import random
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from app.clients.retry import RetryPolicy
from app.sandbox.core import EmulatorServer, FaultConfig, LoggedRequest, Request, RequestLog, Response
from app.sandbox.seed import Shop, generate_shop


def fast_retry(attempts: int = 8, seed: int = 0) -> RetryPolicy:
    """Real backoff shape, tiny delays: storms finish in milliseconds."""
    return RetryPolicy(max_attempts=attempts, base_delay=0.005, max_delay=0.05, max_total=30.0, rng=random.Random(seed))


@pytest.fixture(scope="session")
def shop() -> Shop:
    return generate_shop(products=300, orders=120, stores=3, seed=1)


@contextmanager
def faults(server: EmulatorServer, config: FaultConfig) -> Iterator[None]:
    server.set_faults(config)
    try:
        yield
    finally:
        server.set_faults(None)


def seed_for(share: float, pattern: list[bool], *, drops: bool = False, slow: bool = False) -> int:
    """A FaultConfig seed whose first requests meet a fault exactly as ``pattern`` says.

    The emulator draws, per request, "slow?" then the fault roll, then (for drops only) "after handling?",
    from ``random.Random(seed)``. ``slow`` makes the pattern about the "slow?" draw instead.
    """
    for seed in range(10_000):
        rng = random.Random(seed)
        outcome = []
        for _ in pattern:
            slow_roll = rng.random()
            fault_roll = rng.random()
            hit = (slow_roll if slow else fault_roll) < share
            if hit and drops:
                rng.random()  # the "after handling?" draw
            outcome.append(hit)
        if outcome == pattern:
            return seed
    raise AssertionError("no seed found")


def settled_count(server: EmulatorServer, predicate: Callable[[LoggedRequest], bool], settle: float = 0.05) -> int:
    """Log entries matching ``predicate`` once the log has stopped growing.

    The server appends an entry just *after* sending the answer, so right after a call returns its entry
    may not be there yet; wait until the log is quiet for ``settle`` seconds (at most 2 s).
    """
    deadline = time.monotonic() + 2.0
    last = -1
    while True:
        size = len(server.log)
        if size == last or time.monotonic() > deadline:
            return sum(1 for e in server.log.entries() if predicate(e))
        last = size
        time.sleep(settle)


def settled_entries(server: EmulatorServer, path: str | None = None) -> list[LoggedRequest]:
    """The log (optionally one path) once it has stopped growing (see :func:`settled_count`)."""
    settled_count(server, lambda e: True)
    return [e for e in server.log.entries() if path is None or e.path == path]


def free_port() -> int:
    """A port nobody listens on (connections to it are refused: the request is never sent)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class HtmlSite:
    """Not an API at all: a web server answering HTML pages (a mistyped account address)."""

    def __init__(self, service: str, status: int = 404) -> None:
        self.service = service
        self.status = status

    def admit(self, request: Request) -> Response | None:
        return None

    def handle(self, request: Request) -> Response:
        status = 405 if request.method == "POST" else self.status
        return Response(status=status, body=b"<html><body>nginx</body></html>", content_type="text/html")

    def release(self, request: Request) -> None:
        pass

    def fault_response(self, kind: str) -> Response:
        return Response.empty(500)


@pytest.fixture
def html_site() -> Iterator[EmulatorServer]:
    with EmulatorServer(HtmlSite("retailcrm"), log=RequestLog()) as server:
        yield server


@pytest.fixture
def captured_logs() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger emits (DEBUG and up), httpx/httpcore included."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    handler = Keep(level=logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def rendered(records: list[logging.LogRecord]) -> str:
    """All log records as text, the way a handler would write them (message, args, traceback)."""
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(r) + repr(r.args) for r in records)
