"""Proxies: the real services are reached through the system's proxy, this computer never is.

A corporate proxy set for the whole system (HTTPS_PROXY / HTTP_PROXY, or Windows' and macOS' proxy settings,
which httpx reads through urllib's getproxies) must not swallow the demo's traffic to its own emulators, and
must carry the traffic to a real account as the browser's does.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from app.clients.errors import SvyazkaApiError
from app.clients.retailcrm import RetailCrmClient
from app.sandbox.core import EmulatorServer
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop
from tests.clients.conftest import fast_retry


class RecordingProxy:
    """A TCP server on 127.0.0.1 that keeps the first line of every connection (a proxy's CONNECT or GET) and
    answers 502, as a proxy that cannot reach the target would."""

    def __init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self.lines: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(4096).decode("latin-1")
                except OSError:
                    continue
                self.lines.append(head.split("\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    def __enter__(self) -> RecordingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()


@pytest.fixture
def proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordingProxy]:
    with RecordingProxy() as recording:
        url = f"http://127.0.0.1:{recording.port}"
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
            monkeypatch.setenv(name, url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        yield recording


def test_the_emulators_on_this_computer_are_reached_past_a_system_proxy(proxy: RecordingProxy, shop: Shop) -> None:
    with EmulatorServer(RetailCrmEmulator(shop, rate_limit=False)) as server, \
            RetailCrmClient(server.base_url, server.emulator.api_key, retry=fast_retry()) as client:
        assert client.statuses()
    assert proxy.lines == []


def test_a_real_account_is_reached_through_the_system_proxy(proxy: RecordingProxy) -> None:
    with RetailCrmClient("https://shop.retailcrm.ru", "k" * 32, retry=fast_retry(attempts=1)) as client, \
            pytest.raises(SvyazkaApiError):
        client.statuses()
    assert proxy.lines and proxy.lines[0].startswith("CONNECT shop.retailcrm.ru:443 ")
