"""The request loop both clients share: pacing, sending, classifying the answer, retrying, counting.

A service client describes each request as a :class:`Call` and gives :class:`HttpCore` a :class:`Gate`
(its pacing and its way of telling a rate-limit answer apart). :meth:`HttpCore.send` then

1. waits for the gate (client-side rate budget, parallel slots),
2. sends the request on one shared, keep-alive ``httpx.Client``, within an overall deadline for the whole
   attempt (:mod:`app.clients.deadline`: connect + the whole answer; a crawling answer is not retried),
3. on a rate-limit rejection waits what the service asked and retries (within a per-minute budget),
4. on a connection error, read timeout, 5xx or truncated JSON retries with backoff — unless the call is
   :attr:`Safety.CREATE_ONCE` and the request may have reached the server, then raises
   :class:`MaybeApplied`,
5. returns an :class:`ApiResponse` (parsed JSON or ``None``) for everything else; mapping 4xx answers to
   errors is the service client's job.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx

import app
from app.clients import deadline as overall
from app.clients.errors import (
    MaybeApplied,
    ProtocolError,
    ServiceUnavailable,
    SettingsError,
    certificate_message,
    protocol_message,
    service_title,
    unavailable_message,
)
from app.clients.retry import RejectionBudget, RetryPolicy, Safety
from app.clients.shape_journal import ShapeJournal
from app.clients.tls import client_context, is_certificate_failure
from app.clients.urls import is_local_host

USER_AGENT = f"Svyazka/{app.__version__}"
DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=60.0, pool=10.0)

# The connection was never made, so the request cannot have reached the server: safe to send again.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# These say the address itself is unusable; retrying will not help.
BAD_ADDRESS_ERRORS: tuple[type[Exception], ...] = (httpx.UnsupportedProtocol, httpx.InvalidURL)


@dataclass(frozen=True)
class Call:
    """One logical request (it may be sent several times)."""

    method: str
    path: str  # relative to the client's base URL, already percent-quoted where needed
    endpoint: str  # a label without ids for the statistics, e.g. "GET orders/{id}"
    params: Sequence[tuple[str, str]] | None = None
    form: Mapping[str, str] | None = None  # application/x-www-form-urlencoded body
    json_body: Any = None
    has_json_body: bool = False  # True to send ``json_body`` (which may legitimately be None/[])
    safety: Safety = Safety.IDEMPOTENT
    weight_class: str = "default"
    what: str = ""  # human words for a MaybeApplied message, e.g. "заказа 1024"
    headers: Mapping[str, str] | None = None
    auth: httpx.Auth | None = None  # overrides the client's auth (MoySklad token request)
    follow_redirects: bool = False  # only for reads whose redirects stay with the service
    # a successful answer's body is handed over as bytes, unparsed: for answers too big to hold as one parsed
    # tree (the caller parses them piece by piece); it is still checked to be one whole JSON value
    raw_body: bool = False


@dataclass(frozen=True)
class ApiResponse:
    """A final (non-retried) answer."""

    status: int
    headers: httpx.Headers
    data: Any  # parsed JSON, or None when the body was empty or not JSON
    is_json: bool
    snippet: str  # the start of the raw body, for diagnostics of non-JSON answers
    content_type: str
    # the host a followed redirect ended on, when it is not the one asked (httpx then drops the credentials, and
    # the other server's "401" must not read as a refused key)
    redirected_to: str = ""


def _other_host(response: httpx.Response) -> str:
    """The host a redirect led to, if it differs from the first request's ("" when not redirected elsewhere)."""
    if not response.history:
        return ""
    first, last = response.history[0].request.url, response.url
    if (first.host, first.port) == (last.host, last.port):
        return ""
    return f"{last.host}:{last.port}" if last.port else str(last.host)


@dataclass(frozen=True)
class Rejection:
    """A rate-limit answer: ``wait`` seconds the service asked for (None: it did not say)."""

    wait: float | None
    parallel: bool = False  # MoySklad's "too many parallel requests"


class Gate(Protocol):
    """A service's pacing and rejection rules."""

    def enter(self, call: Call) -> Any:
        """Block until ``call`` may be sent; return a permit for :meth:`leave`."""

    def leave(self, permit: Any, response: httpx.Response | None) -> None:
        """The attempt ended (``response`` None: no answer)."""

    def rejection(self, response: httpx.Response) -> Rejection | None:
        """A :class:`Rejection` when this answer means "too many requests, not processed"."""


@dataclass(frozen=True)
class StatsSnapshot:
    requests: int
    retries: int
    rate_limited: int
    server_errors: int
    transport_errors: int
    paced_seconds: float
    per_endpoint: dict[str, int]


class RequestStats:
    """Counters the sync engine reports: requests sent (every attempt), retries, 429/503 met, …"""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.requests = 0
        self.retries = 0
        self.rate_limited = 0
        self.server_errors = 0
        self.transport_errors = 0
        self.paced_seconds = 0.0
        self.per_endpoint: Counter[str] = Counter()
        # the answer-shape journal this client's answers go to (app/clients/shape_journal.py), None: not kept
        self.shapes: ShapeJournal | None = None

    def add(self, **counts: float) -> None:
        with self._lock:
            for name, value in counts.items():
                setattr(self, name, getattr(self, name) + value)

    def sent(self, endpoint: str) -> None:
        with self._lock:
            self.requests += 1
            self.per_endpoint[endpoint] += 1

    def snapshot(self) -> StatsSnapshot:
        with self._lock:
            return StatsSnapshot(
                requests=self.requests,
                retries=self.retries,
                rate_limited=self.rate_limited,
                server_errors=self.server_errors,
                transport_errors=self.transport_errors,
                paced_seconds=round(self.paced_seconds, 3),
                per_endpoint=dict(self.per_endpoint),
            )


def json_text(value: Any) -> str:
    """Compact JSON for request bodies and form fields (Cyrillic kept as is)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _json_default(value: Any) -> Any:
    from datetime import date, datetime
    from decimal import Decimal

    if isinstance(value, Decimal):
        # exact: whole numbers as int, others as the shortest float (2-decimal money prints back exactly)
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


@dataclass
class _Attempt:
    number: int = 0
    started: float = field(default_factory=time.monotonic)
    last_problem: str = ""
    only_connect_errors: bool = True
    past_deadline: bool = False  # the last try ran out of its overall deadline (a trickling answer)


class HttpCore:
    """One ``httpx.Client`` for one service, with pacing, retries and statistics."""

    def __init__(
        self,
        *,
        service: str,
        base_url: str,
        gate: Gate,
        headers: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        retry: RetryPolicy | None = None,
        budget: RejectionBudget | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        max_connections: int = 10,
        stats: RequestStats | None = None,
        sleep: Callable[[float], None] = time.sleep,
        logger: logging.Logger | None = None,
        deadline: float | None = None,
    ) -> None:
        self.service = service
        # connect + send + the whole answer of one attempt (app/clients/deadline.py): a trickle ends here
        self.deadline = deadline if deadline is not None and deadline > 0 else overall.default_request_seconds()
        self.base_url = base_url.rstrip("/")
        self.gate = gate
        self.retry = retry or RetryPolicy()
        self.budget = budget or RejectionBudget()
        self.stats = stats or RequestStats()
        self._sleep = sleep
        self._log = logger or logging.getLogger(f"app.clients.{service}")
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers={"User-Agent": USER_AGENT, **(headers or {})},
            auth=auth,
            timeout=timeout or DEFAULT_TIMEOUT,
            transport=transport,
            limits=httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            follow_redirects=False,
            # Real services are reached the way the user's system says (proxy variables, and on Windows and
            # macOS the system proxy settings, which httpx reads through urllib's getproxies). This computer
            # never goes through a proxy: the demo's emulators must work behind a corporate proxy too, and a
            # system proxy's bypass list (Windows' "<local>") is not honoured by httpx.
            trust_env=not is_local_host(httpx.URL(self.base_url).host),
            # the OS trust store, where antivirus HTTPS scanning puts its root (app/clients/tls.py)
            verify=client_context(),
        )
        if transport is None:  # a caller's own transport (tests) has no network to bound
            mounted = [t for t in getattr(self._client, "_mounts", {}).values() if t is not None]
            if not overall.install([getattr(self._client, "_transport", None), *mounted]):
                self._log.warning("no overall request deadline on this httpx version; per-read timeouts only")

    def close(self) -> None:
        self._client.close()

    # ------------------------------------------------------------------------------------------------
    def send(self, call: Call) -> ApiResponse:
        attempt = _Attempt()
        while True:
            attempt.number += 1
            outcome = self._attempt(call, attempt)
            if isinstance(outcome, ApiResponse):
                return outcome
            wait = outcome
            now = time.monotonic()
            # an answer that took the whole deadline is not a blip: another try would only crawl again
            if attempt.past_deadline or not self.retry.may_retry(attempt.number, attempt.started, wait, now):
                raise self._gave_up(call, attempt)
            self.stats.add(retries=1)
            self._log.info(
                "%s: %s; retry %d in %.2f s",
                call.endpoint,
                attempt.last_problem,
                attempt.number,
                wait,
            )
            self._sleep(wait)

    def _attempt(self, call: Call, attempt: _Attempt) -> ApiResponse | float:
        """One try: the final answer, or the seconds to wait before the next try."""
        paced_from = time.monotonic()
        permit = self.gate.enter(call)
        self.stats.add(paced_seconds=time.monotonic() - paced_from)
        self.stats.sent(call.endpoint)
        started = time.monotonic()
        try:
            with overall.request_deadline(self.deadline):
                response = self._client.request(
                    call.method,
                    call.path,
                    params=list(call.params) if call.params else None,
                    data=dict(call.form) if call.form is not None else None,
                    content=json_text(call.json_body).encode("utf-8") if call.has_json_body else None,
                    headers=self._headers_for(call),
                    auth=call.auth if call.auth is not None else httpx.USE_CLIENT_DEFAULT,
                    follow_redirects=call.follow_redirects,
                )
                body = response.read()
        except BAD_ADDRESS_ERRORS as exc:
            self.gate.leave(permit, None)
            raise SettingsError(
                self.service,
                f"Адрес {service_title(self.service)} в настройках записан неправильно. "
                "Проверьте его и сохраните ещё раз.",
                reason="bad_url",
                detail=type(exc).__name__,
            ) from None
        except httpx.RequestError as exc:  # transport failures, and a body that would not decompress
            self.gate.leave(permit, None)
            if is_certificate_failure(exc):  # the same certificate comes back on every try: say what to do
                raise SettingsError(
                    self.service,
                    certificate_message(self.service),
                    reason="untrusted_certificate",
                    detail=f"{call.endpoint}: certificate verify failed ({exc})",
                ) from None
            attempt.past_deadline = isinstance(exc, httpx.TimeoutException) and (
                time.monotonic() - started >= self.deadline - 0.05
            )
            return self._transport_failure(call, attempt, exc)
        self.gate.leave(permit, response)
        elapsed_ms = (time.monotonic() - started) * 1000
        self._log.debug("%s -> %d in %.0f ms", call.endpoint, response.status_code, elapsed_ms)
        attempt.only_connect_errors = False

        rejection = self.gate.rejection(response)
        if rejection is not None:
            self._journal(call, response, None)
            return self._rejected(call, attempt, response, rejection)
        if call.raw_body and 200 <= response.status_code < 300 and _whole_json(body):
            self._journal(call, response, body)  # the journal samples the head of raw answers only
            return ApiResponse(
                status=response.status_code,
                headers=response.headers,
                data=body,
                is_json=True,
                snippet="",
                content_type=response.headers.get("content-type", ""),
            )
        parsed = _parse(response, body)
        self._journal(call, response, parsed.data)
        if response.status_code >= 500:
            self.stats.add(server_errors=1)
            attempt.last_problem = f"HTTP {response.status_code}"
            self._refuse_create_once(call, response.status_code, attempt.last_problem)
            return self.retry.wait_before_retry(attempt.number)
        if parsed.malformed and 200 <= response.status_code < 300:
            attempt.last_problem = "truncated or malformed JSON"
            self._refuse_create_once(call, response.status_code, attempt.last_problem)
            return self.retry.wait_before_retry(attempt.number)
        return ApiResponse(
            status=response.status_code,
            headers=response.headers,
            data=parsed.data,
            is_json=parsed.is_json,
            snippet=parsed.snippet,
            content_type=parsed.content_type,
            redirected_to=_other_host(response),
        )

    def _journal(self, call: Call, response: httpx.Response, data: Any) -> None:
        """The answer's shape into the run's journal, when one is kept (never its values)."""
        shapes = self.stats.shapes
        if shapes is not None:
            shapes.note(self.service, call.endpoint, response.status_code, response.headers, data)

    def _headers_for(self, call: Call) -> dict[str, str] | None:
        headers = dict(call.headers or {})
        if call.has_json_body:
            headers.setdefault("Content-Type", "application/json")
        return headers or None

    def _transport_failure(self, call: Call, attempt: _Attempt, exc: httpx.RequestError) -> float:
        self.stats.add(transport_errors=1)
        attempt.last_problem = type(exc).__name__
        if attempt.past_deadline:
            attempt.last_problem = f"no whole answer within the {self.deadline:g} s overall deadline"
        not_sent = isinstance(exc, NOT_SENT_ERRORS)
        if not not_sent:
            attempt.only_connect_errors = False
            self._refuse_create_once(call, None, attempt.last_problem)
        return self.retry.wait_before_retry(attempt.number)

    def _rejected(self, call: Call, attempt: _Attempt, response: httpx.Response, rejection: Rejection) -> float:
        self.stats.add(rate_limited=1)
        attempt.last_problem = f"rate limited (HTTP {response.status_code})"
        if not self.budget.note():
            raise ServiceUnavailable(
                self.service,
                f"{service_title(self.service)} слишком часто просит подождать. Связка остановила обмен, "
                "чтобы сервис не заблокировал доступ по API. Попробуйте ещё раз через несколько минут.",
                status=response.status_code,
                detail=f"over {self.budget.per_minute} rate-limit rejections in a minute",
            )
        return self.retry.wait_before_retry(attempt.number, rejection.wait)

    def _refuse_create_once(self, call: Call, status: int | None, problem: str) -> None:
        if call.safety is Safety.CREATE_ONCE:
            subject = f" {call.what}" if call.what else ""
            raise MaybeApplied(
                self.service,
                f"Связь с {service_title(self.service)} прервалась во время создания{subject}: "
                "неизвестно, успел ли сервис его сохранить. Связка проверит это перед новой попыткой, "
                "чтобы не создать дубль.",
                entity=call.what,
                status=status,
                detail=f"{call.endpoint}: {problem}",
            )

    def _gave_up(self, call: Call, attempt: _Attempt) -> Exception:
        detail = f"{call.endpoint}: {attempt.last_problem} after {attempt.number} attempts"
        if attempt.last_problem == "truncated or malformed JSON":
            return ProtocolError(self.service, protocol_message(self.service), detail=detail)
        if attempt.past_deadline:
            return ServiceUnavailable(
                self.service,
                f"{service_title(self.service)} отвечает слишком медленно: ответ не пришёл целиком за "
                f"{self.deadline:g} с. Связка прервала запрос, чтобы синхронизация не зависла. Попробуйте ещё раз "
                "позже; если это повторяется, проверьте подключение к интернету и прокси-сервер.",
                detail=detail,
            )
        if attempt.only_connect_errors:
            return ServiceUnavailable(
                self.service,
                f"Связка не смогла соединиться с {service_title(self.service)}. Проверьте подключение "
                "к интернету и адрес сервиса в настройках, затем попробуйте ещё раз.",
                detail=detail,
            )
        return ServiceUnavailable(self.service, unavailable_message(self.service), detail=detail)


@dataclass(frozen=True)
class _Parsed:
    data: Any
    is_json: bool
    malformed: bool
    snippet: str
    content_type: str


def _whole_json(body: bytes) -> bool:
    """A cheap check that ``body`` is one complete JSON array or object (a cut-off answer is not)."""
    text = body.strip()
    return (text[:1], text[-1:]) in ((b"[", b"]"), (b"{", b"}"))


def _parse(response: httpx.Response, body: bytes) -> _Parsed:
    content_type = response.headers.get("content-type", "")
    snippet = body[:300].decode("utf-8", errors="replace")
    looks_json = "json" in content_type.lower()
    if not body.strip():
        return _Parsed(None, looks_json, False, "", content_type)
    if not looks_json and body.lstrip()[:1] not in (b"{", b"["):
        return _Parsed(None, False, False, snippet, content_type)
    try:
        return _Parsed(json.loads(body), True, False, snippet, content_type)
    except ValueError:
        return _Parsed(None, looks_json, True, snippet, content_type)
