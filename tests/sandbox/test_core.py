"""The shared emulator plumbing: real sockets, gzip, faults, the request log."""

from __future__ import annotations

import threading

import httpx
import pytest

from app.sandbox.core import EmulatorServer, FaultConfig, Request, Response


class CounterEmulator:
    """A tiny emulator: POST increments a counter, GET reads it. Counts admitted/released requests."""

    service = "counter"

    def __init__(self) -> None:
        self.value = 0
        self.in_flight = 0
        self.lock = threading.Lock()
        self.client_ports: set[int] = set()

    def admit(self, request: Request) -> Response | None:
        if request.header("x-key") != "secret":
            return Response.json({"error": "no"}, status=401)
        with self.lock:
            self.in_flight += 1
        return None

    def handle(self, request: Request) -> Response:
        with self.lock:
            if request.method == "POST":
                self.value += 1
            value = self.value
            self.client_ports.add(request.client_port)
        return Response.json({"value": value, "pad": "x" * 500}, headers={"X-Test": "1"})

    def release(self, request: Request) -> None:
        with self.lock:
            self.in_flight -= 1

    def fault_response(self, kind: str) -> Response:
        return Response.json({"fault": kind}, status=503 if kind == "5xx" else 429)


@pytest.fixture
def server():
    emulator = CounterEmulator()
    with EmulatorServer(emulator) as srv:
        yield srv


def test_gzip_when_asked_and_plain_when_not(server):
    with httpx.Client(base_url=server.base_url, headers={"x-key": "secret"}) as client:
        zipped = client.get("/value")
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.json()["value"] == 0
        plain = client.get("/value", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.json()["value"] == 0


def test_rejection_in_admit_changes_nothing_and_is_logged(server):
    response = httpx.post(server.base_url + "/inc", headers={"x-key": "wrong"})
    assert response.status_code == 401
    assert server.emulator.value == 0
    assert server.emulator.in_flight == 0
    (entry,) = server.log.entries("counter")
    assert (entry.method, entry.path, entry.status, entry.fault) == ("POST", "/inc", 401, None)


def test_injected_faults_keep_their_shares_and_release_every_request(server):
    server.set_faults(FaultConfig(share_5xx=0.2, share_rate_limited=0.1, share_dropped=0.1, seed=7))
    statuses = []
    with httpx.Client(base_url=server.base_url, headers={"x-key": "secret"}) as client:
        for _ in range(300):
            try:
                statuses.append(client.post("/inc").status_code)
            except httpx.TransportError:
                statuses.append(0)
    faults = [e.fault for e in server.log.entries()]
    assert 30 < faults.count("5xx") < 90
    assert statuses.count(503) == faults.count("5xx")
    assert statuses.count(429) == faults.count("rate")
    drops = faults.count("drop-before") + faults.count("drop-after")
    assert statuses.count(0) == drops > 0
    # a drop after handling changed the state; every other fault did not
    assert server.emulator.value == statuses.count(200) + faults.count("drop-after")
    assert server.emulator.in_flight == 0


def test_malformed_body_after_the_change(server):
    server.set_faults(FaultConfig(share_malformed=1.0))
    response = httpx.post(server.base_url + "/inc", headers={"x-key": "secret", "Accept-Encoding": "identity"})
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()
    assert server.emulator.value == 1


def test_latency_is_applied(server):
    server.latency_ms = 120
    response = httpx.get(server.base_url + "/value", headers={"x-key": "secret"})
    assert response.status_code == 200
    assert server.log.entries()[-1].duration_ms >= 100


def test_keep_alive_reuses_one_connection(server):
    with httpx.Client(base_url=server.base_url, headers={"x-key": "secret"}) as client:
        for _ in range(5):
            assert client.get("/value").status_code == 200
    assert len(server.log) == 5
    assert len(server.emulator.client_ports) == 1  # one source port: one TCP connection
