"""The HTTP plumbing both emulators share: a threaded server, latency, fault injection, a request log.

An emulator is a plain object with an ``admit``/``handle``/``release`` protocol (see :class:`Emulator`);
this module turns it into a real HTTP/1.1 server on 127.0.0.1 with keep-alive, so clients meet real
sockets, real gzip and real dropped connections.

Order of events for one request (it matters for the tests that prove idempotency):

1. ``admit`` — auth, gzip/Accept gates, rate and parallel limits. A returned response rejects the request
   before anything else happens (no state change).
2. configured latency, then the "slow" fault.
3. injected 5xx / rate-limit / drop-before faults: the request never reaches the emulator.
4. ``handle`` — the state changes here.
5. injected drop-after / malformed faults: the change happened, but the client never learns the answer.
6. ``release`` — always called after a successful ``admit`` (parallel-limit bookkeeping).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

JSON_UTF8 = "application/json;charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One HTTP request as an emulator sees it."""

    method: str
    path: str  # percent-decoded path, no query
    query: str  # raw query string (not decoded: emulators parse it their own way)
    headers: Message  # case-insensitive: ``headers.get("x-api-key")``
    body: bytes
    client_port: int = 0

    def header(self, name: str, default: str | None = None) -> str | None:
        value = self.headers.get(name)
        return default if value is None else str(value)


@dataclass
class Response:
    """What an emulator answers. ``body`` is uncompressed; the server gzips when the client asks."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = JSON_UTF8
    weight: int = 0  # rate-limit units this request cost (for the request log)
    compress: bool = True  # False for answers the real service sends uncompressed

    @classmethod
    def json(
        cls,
        payload: Any,
        status: int = 200,
        headers: Mapping[str, str] | None = None,
        content_type: str = JSON_UTF8,
    ) -> Response:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return cls(status=status, body=body, headers=dict(headers or {}), content_type=content_type)

    @classmethod
    def empty(cls, status: int, headers: Mapping[str, str] | None = None) -> Response:
        return cls(status=status, body=b"", headers=dict(headers or {}), content_type=None)


class Emulator(Protocol):
    """What :class:`EmulatorServer` needs from an emulator."""

    service: str  # "retailcrm" | "moysklad"

    def admit(self, request: Request) -> Response | None:
        """Gatekeeping before any work. Return a response to reject, or None to go on."""

    def handle(self, request: Request) -> Response:
        """Do the work (this is where state changes)."""

    def release(self, request: Request) -> None:
        """Called once for every admitted request, after its response is sent or dropped."""

    def fault_response(self, kind: str) -> Response:
        """The service's own answer for an injected fault: kind is "5xx" or "rate"."""


@dataclass
class FaultConfig:
    """Shares (0..1) of admitted requests that meet each fault. All zero by default.

    ``seed`` makes a fault sequence repeatable; faults are drawn from one RNG under a lock, so with
    parallel clients the order can still differ between runs, but the overall shares hold.
    """

    share_5xx: float = 0.0
    share_rate_limited: float = 0.0  # answered as the service's own rate-limit response
    share_dropped: float = 0.0  # connection closed with no response
    drop_after_handling: float = 0.5  # of the dropped ones: share dropped *after* the change was made
    share_slow: float = 0.0
    slow_ms: int = 2000
    share_malformed: float = 0.0  # a 200 with a truncated body, after the change was made
    seed: int = 0

    def any_active(self) -> bool:
        return any(
            (self.share_5xx, self.share_rate_limited, self.share_dropped, self.share_slow, self.share_malformed)
        )


@dataclass(frozen=True)
class LoggedRequest:
    """One line of the request log that tests and benchmarks read."""

    service: str
    method: str
    path: str
    query: str
    status: int  # 0 when the connection was dropped
    weight: int
    started: float  # time.monotonic() at arrival
    duration_ms: float
    fault: str | None  # "5xx", "rate", "drop-before", "drop-after", "slow", "malformed" or None


class RequestLog:
    """A thread-safe, append-only list of :class:`LoggedRequest`, shared by both emulators."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[LoggedRequest] = []

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self, service: str | None = None) -> list[LoggedRequest]:
        with self._lock:
            items = list(self._entries)
        return [e for e in items if service is None or e.service == service]

    def count(self, service: str | None = None, status: int | None = None, method: str | None = None) -> int:
        return sum(
            1
            for e in self.entries(service)
            if (status is None or e.status == status) and (method is None or e.method == method)
        )

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __iter__(self) -> Iterator[LoggedRequest]:
        return iter(self.entries())


class _Faults:
    """Draws faults for requests from a seeded RNG."""

    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._rng = random.Random(config.seed)
        self._lock = threading.Lock()

    def reconfigure(self, config: FaultConfig) -> None:
        with self._lock:
            self.config = config
            self._rng = random.Random(config.seed)

    def draw(self) -> tuple[str | None, bool]:
        """Return (fault before/after handling or None, slow?)."""
        with self._lock:
            c = self.config
            if not c.any_active():
                return None, False
            slow = self._rng.random() < c.share_slow
            roll = self._rng.random()
            edge = c.share_5xx
            if roll < edge:
                return "5xx", slow
            edge += c.share_rate_limited
            if roll < edge:
                return "rate", slow
            edge += c.share_dropped
            if roll < edge:
                after = self._rng.random() < c.drop_after_handling
                return ("drop-after" if after else "drop-before"), slow
            edge += c.share_malformed
            if roll < edge:
                return "malformed", slow
            return None, slow


def accepts_gzip(request: Request) -> bool:
    raw = request.header("accept-encoding", "") or ""
    for part in raw.split(","):
        token, _, params = part.strip().partition(";")
        if token.strip().lower() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0"):
            return True
    return False


class EmulatorServer:
    """Serves one emulator over HTTP/1.1 on a background thread."""

    def __init__(
        self,
        emulator: Emulator,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        log: RequestLog | None = None,
        faults: FaultConfig | None = None,
        latency_ms: float = 0.0,
        on_request: Callable[[LoggedRequest], None] | None = None,
    ) -> None:
        self.emulator = emulator
        self.log = log if log is not None else RequestLog()
        self._faults = _Faults(faults or FaultConfig())
        self.latency_ms = latency_ms
        self._on_request = on_request
        self._httpd = _Server((host, port), _make_handler(self))
        self._thread: threading.Thread | None = None

    # -- configuration that tests change at run time -------------------------------------------------
    @property
    def faults(self) -> FaultConfig:
        return self._faults.config

    def set_faults(self, config: FaultConfig | None) -> None:
        self._faults.reconfigure(config or FaultConfig())

    # -- lifecycle ------------------------------------------------------------------------------------
    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> EmulatorServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name=f"sandbox-{self.emulator.service}",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- the request pipeline (called from handler threads) ----------------------------------------
    def process(self, request: Request) -> tuple[Response | None, str | None]:
        """Run one request through the pipeline. Returns (response or None to drop, fault name)."""
        rejection = self.emulator.admit(request)
        if rejection is not None:
            return rejection, None
        try:
            fault, slow = self._faults.draw()
            delay_ms = self.latency_ms + (self._faults.config.slow_ms if slow else 0)
            if delay_ms > 0:
                time.sleep(delay_ms / 1000)
            if fault in ("5xx", "rate"):
                return self.emulator.fault_response(fault), fault
            if fault == "drop-before":
                return None, fault
            response = self.emulator.handle(request)
            if fault == "drop-after":
                return None, fault
            if fault == "malformed":
                cut = response.body[: max(1, len(response.body) // 2)] or b"{"
                return Response(status=200, body=cut, content_type=response.content_type), fault
            return response, ("slow" if slow else None)
        finally:
            self.emulator.release(request)

    def record(self, entry: LoggedRequest) -> None:
        self.log.add(entry)
        if self._on_request is not None:
            self._on_request(entry)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


def _make_handler(server: EmulatorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, so clients can reuse connections as with the real APIs
        # headers and body go out in two writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms to
        # every response and the benchmarks would measure the kernel, not the clients
        disable_nagle_algorithm = True
        server_version = "nginx"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:
            pass  # the RequestLog is the log; stderr noise would drown test output

        def _serve(self) -> None:
            started = time.monotonic()
            split = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            request = Request(
                method=self.command,
                path=unquote(split.path),
                query=split.query,
                headers=self.headers,
                body=body,
                client_port=self.client_address[1] if isinstance(self.client_address, tuple) else 0,
            )
            try:
                response, fault = server.process(request)
            except Exception as exc:  # an emulator bug must look like a 500, not hang the client
                payload = {"errors": [{"error": f"sandbox internal error: {exc!r}", "code": 1000}]}
                response, fault = Response.json(payload, status=500), None
            status = 0 if response is None else response.status
            # Recorded before the answer goes out: a client that has its answer can count on the log entry.
            server.record(
                LoggedRequest(
                    service=server.emulator.service,
                    method=request.method,
                    path=request.path,
                    query=request.query,
                    status=status,
                    weight=response.weight if response is not None else 0,
                    started=started,
                    duration_ms=(time.monotonic() - started) * 1000,
                    fault=fault,
                )
            )
            if response is None:
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
            else:
                self._send(request, response)

        def _send(self, request: Request, response: Response) -> None:
            body = response.body
            headers = dict(response.headers)
            if body and response.compress and accepts_gzip(request):
                body = gzip.compress(body, compresslevel=5)
                headers["Content-Encoding"] = "gzip"
                headers.setdefault("Vary", "Accept-Encoding")
            self.send_response(response.status)
            if response.content_type and (body or response.status != 204):
                self.send_header("Content-Type", response.content_type)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if request.method != "HEAD" and body:
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

    return Handler
