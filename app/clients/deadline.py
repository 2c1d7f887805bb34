"""An overall deadline for one request: connecting, sending and the whole answer, not just each read.

httpx's timeouts are per operation: ``read=60`` bounds each wait for the next bytes, so a server (or a proxy in
between) that sends one byte every few seconds keeps a request, and the run behind it, alive for ever. That was
attack "a trickling answer" of issue 12. httpx has no total timeout, so the deadline is enforced where every
byte passes: the network streams of httpcore's connection pool. Each read, write, connect and TLS handshake is
given at most the time left until the deadline of the request going on in this thread, and fails at once with
httpcore's own timeout errors (which httpx maps to ``ReadTimeout`` / ``WriteTimeout`` / ``ConnectTimeout``)
when none is left. :class:`HttpCore <app.clients.http.HttpCore>` sets the deadline around each attempt.

httpx does not let a caller choose the pool's network backend, so :func:`install` swaps it on the pools of a
client's transports (``HTTPTransport._pool._network_backend``, stable since httpx 0.18 / httpcore 0.13). When a
future httpx moves it, :func:`install` reports False and requests keep their per-read timeouts; the run's
watchdog (:mod:`app.sync.watchdog`) still ends a stuck run.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore

ENV_REQUEST_TIMEOUT = "SVYAZKA_REQUEST_TIMEOUT"
# Seconds for one request from connecting to the last byte of the answer. The biggest answers (a 1000-row
# MoySklad catalog page, ~4 MB; a stock report page) take seconds on an ordinary line; five minutes leaves a
# slow line plenty and still ends a trickle.
DEFAULT_REQUEST_SECONDS = 300.0

# monotonic time by which the request running in this thread must be over (None: no deadline)
_deadline: ContextVar[float | None] = ContextVar("svyazka_request_deadline", default=None)


def default_request_seconds() -> float:
    """The per-request deadline: ``SVYAZKA_REQUEST_TIMEOUT`` seconds when set to a positive number."""
    text = os.environ.get(ENV_REQUEST_TIMEOUT, "").strip()
    try:
        value = float(text) if text else DEFAULT_REQUEST_SECONDS
    except ValueError:
        return DEFAULT_REQUEST_SECONDS
    return value if value > 0 else DEFAULT_REQUEST_SECONDS


@contextlib.contextmanager
def request_deadline(seconds: float) -> Iterator[float]:
    """Every network operation of this thread inside the block ends by ``now + seconds``; yields that moment."""
    at = time.monotonic() + seconds
    token = _deadline.set(at)
    try:
        yield at
    finally:
        _deadline.reset(token)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    at = _deadline.get()
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's overall deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_unix_socket(path, _left(timeout, httpcore.ConnectTimeout), socket_options)
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def install(transports: Iterable[Any]) -> bool:
    """Make the connection pools of ``transports`` keep the deadline; False when one could not be reached."""
    ok = True
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is None:
            ok = False  # a transport of the caller's (tests' mock transports have no network) or a new httpx
            continue
        if not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
    return ok
