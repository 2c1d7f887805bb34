"""The RetailCRM API v5 emulator: the :class:`~app.sandbox.core.Emulator` protocol over the routes.

Order of checks in ``admit`` (nothing changes state before ``handle``):

1. route: unknown path -> 404 ``API method not found``; known path, wrong method -> 405 (JSON);
2. body: a POST form that cannot be read -> 400;
3. key: ``X-API-KEY`` header (any case), else ``apiKey`` in the query, else in the form body. Missing ->
   ``"apiKey" is missing.`` (403 by default, configurable), unknown -> 403 ``Wrong "apiKey" value.``;
4. rate limit: more than ``rps`` requests in a sliding second for this key -> 503 with a JSON body;
5. scope: the key lacks the route's scope -> 403 ``Access denied.``.

Every answer is JSON with ``success``; only an injected 5xx looks like nginx (an HTML 502 page).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.sandbox.core import Request, Response
from app.sandbox.seed import Shop

from .config import RetailCrmConfig
from .errors import ACCESS_DENIED, METHOD_NOT_FOUND, MISSING_KEY, RATE_LIMITED, WRONG_KEY, ApiError
from .phpquery import FormError, parse_form, parse_query
from .ratelimit import SlidingWindowLimiter
from .router import Call, Route
from .routes import build_router
from .seeding import SITE_API_KEY_ID
from .state import RetailCrmState, new_api_key

_NGINX_PAGE = (
    "<html>\r\n<head><title>{code} {reason}</title></head>\r\n<body>\r\n<center><h1>{code} {reason}</h1></center>"
    "\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
_REASONS = {500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Temporarily Unavailable",
            504: "Gateway Time-out"}


@dataclass
class _Admitted:
    route: Route
    path_params: dict[str, str]
    params: dict[str, Any]
    key: str


def _error(status: int, message: str, **extra: Any) -> Response:
    response = Response.json({"success": False, "errorMsg": message, **extra}, status=status)
    response.weight = 1
    return response


class RetailCrmEmulator:
    """``RetailCrmEmulator(shop, rate_limit=True, rps=10, api_key=None, config=None, other_api_key=None)``.

    ``api_key`` is a full-scope key (generated when None); ``state`` is the Python API; ``config`` holds the
    choices for what the reference marks unverified. ``rate_limit`` and ``rps`` always win over the values
    in a passed ``config``; change them later with :meth:`set_rate_limit`.

    ``other_api_key`` is a second full-scope key of the same account: the web shop's own integration, whose
    key made the seeded API orders (``SITE_API_KEY_ID``). What is changed with it shows in history as source
    ``api`` with ``apiKey.current`` false to a reader holding ``api_key`` (the shape of the recorded
    ``Orders/testHistory.json``), as a person's or another integration's change does on a real account."""

    service = "retailcrm"

    def __init__(self, shop: Shop, *, rate_limit: bool = True, rps: int = 10, api_key: str | None = None,
                 config: RetailCrmConfig | None = None, other_api_key: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.config = config or RetailCrmConfig()
        self.config.rate_limit = rate_limit
        self.config.rps = rps
        self.state = RetailCrmState(shop, self.config, clock)
        self.api_key = api_key or new_api_key()
        self.state.add_api_key(self.api_key)
        self.other_api_key = other_api_key or new_api_key()
        self.state.add_api_key(self.other_api_key, key_id=SITE_API_KEY_ID)
        self.router = build_router()
        self._limiter = SlidingWindowLimiter(rps)
        self._admitted: dict[int, _Admitted] = {}
        self._admitted_lock = threading.Lock()

    # --- configuration at run time -------------------------------------------------------------------
    def set_rate_limit(self, enabled: bool, rps: int | None = None) -> None:
        self.config.rate_limit = enabled
        if rps is not None:
            self.config.rps = rps
            self._limiter.rps = rps
        self._limiter.reset()

    # --- the Emulator protocol -----------------------------------------------------------------------
    def admit(self, request: Request) -> Response | None:
        resolved = self.router.resolve(request.method, request.path)
        if resolved is None:
            return _error(404, METHOD_NOT_FOUND)
        if isinstance(resolved, list):
            response = _error(405, "Method Not Allowed")
            response.headers["Allow"] = ", ".join(sorted(set(resolved)))
            return response
        route, path_params = resolved
        params = parse_query(request.query)
        if request.method == "POST":
            try:
                form = parse_form(request.body, request.header("content-type"))
            except FormError:
                return _error(400, "The request body could not be read as a form.")
            params = {**params, **form}
        key = request.header("x-api-key") or _scalar(params.get("apiKey"))
        if not key:
            return _error(self.config.missing_key_status, MISSING_KEY)
        record = self.state.api_key(key)
        if record is None:
            return _error(403, WRONG_KEY)
        if self.config.rate_limit and not self._limiter.try_acquire(key):
            return self.fault_response("rate")
        if route.scope is not None and route.scope not in record.scopes:
            return _error(403, ACCESS_DENIED)
        with self._admitted_lock:
            self._admitted[id(request)] = _Admitted(route, path_params, params, key)
        return None

    def handle(self, request: Request) -> Response:
        with self._admitted_lock:
            admitted = self._admitted.get(id(request))
        if admitted is None:  # handle() without admit(): run the gates now
            rejection = self.admit(request)
            if rejection is not None:
                return rejection
            with self._admitted_lock:
                admitted = self._admitted[id(request)]
        with self.state.lock:
            record = self.state.db.api_keys.get(admitted.key)
            if record is None:
                return _error(403, WRONG_KEY)
            call = Call(request=request, params=admitted.params, path_params=admitted.path_params, key=record,
                        db=self.state.db, config=self.config)
            try:
                reply = admitted.route.handler(call)
            except ApiError as exc:
                response = Response.json(exc.payload(), status=exc.status)
                response.weight = 1
                return response
            except Exception as exc:  # a sandbox bug still answers in RetailCRM's envelope, and says so
                return _error(500, f"Internal Server Error (sandbox bug: {exc!r})")
        payload, status = reply if isinstance(reply, tuple) else (reply, 200)
        response = Response.json(payload, status=status)
        response.weight = 1
        return response

    def release(self, request: Request) -> None:
        with self._admitted_lock:
            self._admitted.pop(id(request), None)

    def fault_response(self, kind: str) -> Response:
        if kind == "rate":
            return _error(503, RATE_LIMITED.format(rps=self.config.rps))
        status = self.config.fault_5xx_status
        body = _NGINX_PAGE.format(code=status, reason=_REASONS.get(status, "Error")).encode()
        response = Response(status=status, body=body, content_type="text/html", weight=1)
        return response


def _scalar(value: Any) -> str | None:
    return value if isinstance(value, str) else None
