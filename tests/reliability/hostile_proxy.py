"""A hostile proxy in front of an emulator: a real HTTP server on 127.0.0.1 that forwards every request to the
sandbox and can rewrite chosen answers, the way a service answering in bad faith (or a broken middlebox) would.

    with HostileProxy(sandbox.moysklad_url) as proxy:
        proxy.rewrite("GET", "/report/stock/bystore/current", lambda answer: [])
        client = MoySkladClient(token, base_url=proxy.url)   # same path as the sandbox's URL, another port

A rule matches a method and a part of the path; its function gets the decoded JSON answer and returns the one
to send (gzip and Content-Length are redone). Everything else passes through byte for byte, headers included,
so the emulator's own gates (auth, gzip, rate limits) still apply. ``hits`` counts the rewritten answers.

``trickle`` makes a matching answer crawl instead: the real answer, sent a byte at a time every ``interval``
seconds (its status line and headers too with ``headers_too``), for at most ``limit`` seconds, after which the
proxy hangs up. A per-read timeout never fires on it: each read gets its byte in time.

``redirect`` answers chosen requests with a 302 to another address instead of forwarding them, ``answer`` with
a status and JSON body of the test's choosing (a 401 in the middle of a run).
"""

from __future__ import annotations

import gzip
import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

# hop-by-hop headers are the proxy's own business (RFC 9110 §7.6.1), never forwarded
_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"}


@dataclass
class Rule:
    method: str
    path_part: str
    change: Callable[[Any], Any] | None
    hits: int = 0
    # a trickle rule (change None): seconds between bytes, how long before hanging up, whether the head crawls
    interval: float = 0.0
    limit: float = 0.0
    headers_too: bool = False
    location: str = ""  # a redirect rule: answer 302 to this address instead of forwarding
    status: int = 0  # an answer rule: this status and ``body`` instead of forwarding
    body: Any = None


class HostileProxy:
    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 80
        self._path = parts.path.rstrip("/")
        self.rules: list[Rule] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()  # ends the trickles still going when the proxy stops
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                proxy._forward(self)

            do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="hostile-proxy", daemon=True)

    @property
    def url(self) -> str:
        """The upstream URL with the proxy's port (same path)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}{self._path}"

    def rewrite(self, method: str, path_part: str, change: Callable[[Any], Any]) -> Rule:
        rule = Rule(method.upper(), path_part, change)
        with self._lock:
            self.rules.append(rule)
        return rule

    def trickle(
        self, method: str, path_part: str, *, interval: float = 0.5, limit: float = 30.0, headers_too: bool = False
    ) -> Rule:
        """Send matching answers a byte every ``interval`` seconds, hanging up after ``limit`` seconds."""
        rule = Rule(method.upper(), path_part, None, interval=interval, limit=limit, headers_too=headers_too)
        with self._lock:
            self.rules.append(rule)
        return rule

    def redirect(self, method: str, path_part: str, location: str) -> Rule:
        """Answer matching requests with ``302 Location: <location>`` (+ the request's path and query when
        ``location`` ends with "/"), as a moved or hijacked address would."""
        rule = Rule(method.upper(), path_part, lambda answer: answer, location=location)
        with self._lock:
            self.rules.insert(0, rule)
        return rule

    def answer(self, method: str, path_part: str, status: int, body: Any) -> Rule:
        """Answer matching requests with ``status`` and ``body`` (JSON) without asking the upstream."""
        rule = Rule(method.upper(), path_part, lambda answer: answer, status=status, body=body)
        with self._lock:
            self.rules.insert(0, rule)
        return rule

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def __enter__(self) -> HostileProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- one request -------------------------------------------------------------------------------------
    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        rule = self._rule_for(handler.command, urlsplit(handler.path).path)
        if rule is not None and rule.location:
            with self._lock:
                rule.hits += 1
            target = rule.location + handler.path.lstrip("/") if rule.location.endswith("/") else rule.location
            handler.send_response(302)
            handler.send_header("Location", target)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if rule is not None and rule.status:
            with self._lock:
                rule.hits += 1
            data = json.dumps(rule.body, ensure_ascii=False).encode("utf-8")
            handler.send_response(rule.status)
            handler.send_header("Content-Type", "application/json;charset=utf-8")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
            return
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP and k.lower() != "host"}
        headers["Host"] = f"{self._host}:{self._port}"
        upstream = http.client.HTTPConnection(self._host, self._port, timeout=60)
        try:
            upstream.request(handler.command, handler.path, body=body, headers=headers)
            answer = upstream.getresponse()
            status, reason, data = answer.status, answer.reason, answer.read()
            answer_headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in _HOP]
        finally:
            upstream.close()
        rule = self._rule_for(handler.command, urlsplit(handler.path).path)
        if rule is not None and rule.change is None:
            self._trickle(handler, rule, status, reason, answer_headers, data)
            return
        if rule is not None and 200 <= status < 300 and data:
            data, answer_headers = self._rewritten(rule, data, answer_headers)
        handler.send_response(status, reason)
        for name, value in answer_headers:
            if name.lower() != "content-length":
                handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _trickle(
        self,
        handler: BaseHTTPRequestHandler,
        rule: Rule,
        status: int,
        reason: str,
        headers: list[tuple[str, str]],
        data: bytes,
    ) -> None:
        with self._lock:
            rule.hits += 1
        head = f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1")
        for name, value in headers:
            if name.lower() != "content-length":
                head += f"{name}: {value}\r\n".encode("latin-1")
        head += f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode("latin-1")
        handler.close_connection = True
        ends = time.monotonic() + rule.limit
        slow, fast = (head + data, b"") if rule.headers_too else (data, head)
        try:
            if fast:
                handler.wfile.write(fast)
                handler.wfile.flush()
            for index in range(len(slow)):
                if time.monotonic() >= ends or self._closing.wait(rule.interval):
                    return  # hang up: the rest never comes
                handler.wfile.write(slow[index : index + 1])
                handler.wfile.flush()
        except OSError:
            return  # the client gave up (what a deadline does)

    def _rule_for(self, method: str, path: str) -> Rule | None:
        with self._lock:
            return next((r for r in self.rules if r.method == method.upper() and r.path_part in path), None)

    def _rewritten(
        self, rule: Rule, data: bytes, headers: list[tuple[str, str]]
    ) -> tuple[bytes, list[tuple[str, str]]]:
        zipped = any(k.lower() == "content-encoding" and "gzip" in v.lower() for k, v in headers)
        payload = json.loads(gzip.decompress(data) if zipped else data)
        new = json.dumps(rule.change(payload), ensure_ascii=False).encode("utf-8")
        with self._lock:
            rule.hits += 1
        return (gzip.compress(new) if zipped else new), headers


def blank_list(key: str | None = None) -> Callable[[Any], Any]:
    """A rewrite that empties the answer's list: the whole answer (MoySklad's stock report is a JSON array) or
    the list under ``key`` (RetailCRM's ``products``), with RetailCRM's pagination saying there is nothing."""

    def change(answer: Any) -> Any:
        if key is None:
            return []
        answer = dict(answer)
        answer[key] = []
        if isinstance(answer.get("pagination"), dict):
            answer["pagination"] = {**answer["pagination"], "totalCount": 0, "currentPage": 1, "totalPageCount": 1}
        return answer

    return change
