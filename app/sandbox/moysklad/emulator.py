"""The MoySklad JSON API 1.2 emulator: transport gates, auth and limits in ``admit``, the API in ``handle``.

Gates, in the order the real service applies them:

1. ``Accept-Encoding`` without gzip (or absent) → **415 with an empty body** (gzip is mandatory).
2. ``Accept`` other than absent, ``*/*`` or ``application/json;charset=utf-8`` (compared without spaces,
   case-insensitively) → 400/1062. ``application/json`` alone is rejected, as observed on the live service.
3. ``Authorization``: ``Bearer <token>`` or ``Basic base64(login:password)``; otherwise 401/1056.
4. Lock-out (403/1061), parallel limit (429/1073), rate bucket (429/1049) — see :mod:`limits`.

Every response, errors included, carries ``X-RateLimit-Limit``, ``X-RateLimit-Remaining``,
``X-Lognex-Retry-TimeInterval``, ``X-Lognex-Reset`` and ``X-Lognex-Retry-After`` (absent only on the
parallel-limit 429, which is how clients tell it from the rate 429).

Choices made where the docs are silent (moysklad-api.md §10), each also noted where it is implemented:

* ``Accept: application/json`` alone → 1062 (what was observed live; OAS would allow it).
* ``limit`` outside 1..1000 / bad ``offset`` → 400/1040; ``expand`` on a list without ``limit`` ≤ 100 is ignored.
* A batch with failed items answers 200 (OAS); ``state.batch_failure_status = 400`` gives the WMK behaviour.
  Good items are committed either way.
* ``changedSince`` older than 24 h or in the future → 400/1040 with ``parameter: "changedSince"``.
* Lock-out → 403/1061; ``X-Lognex-Auth`` values 401001 (wrong credentials), 401002 (malformed), 429005.
* Unknown and read-only fields in bodies are ignored; a ``meta`` needs ``href`` (2010) and ``type`` (2011).
* Position ``quantity`` defaults to 1; ``salePrices`` on PUT merge by price type; a variant characteristic
  named but unknown is created; ``externalCode`` may repeat; ``syncId`` may not.
* No customer orders or demands exist at start (orders are born in RetailCRM).
* No services exist at start; a service (``/entity/service``) is a document position that never moves stock,
  and a reserve sent for it is ignored.
* A bundle (``/entity/bundle``, with ``components``) has no stock of its own; a demand writes its components
  off. Customer orders take additional fields (``attributes``); a required one missing is 412/3000 naming it
  (:mod:`attributes`). Neither exists in the tidy account; the lived-in one has both (``app.sandbox.lived_in``).
* A document that does not say ``vatIncluded`` gets true (the docs' example); ``state.vat_included_default =
  False`` makes an account that adds VAT on top, so a client relying on the default is caught.
* Barcodes: only GTIN is validated (3014); an EAN-13 with a wrong check digit is stored as sent, as in the
  docs' own example. Archived entities are listed only when the filter names ``archived`` (or ``id``).
* Variants carry no ``owner``/``shared``/``group`` (not in the spec's variant schema or the docs' table).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.sandbox.core import Request, Response, accepts_gzip
from app.sandbox.moysklad import errors
from app.sandbox.moysklad.assortment import Assortment
from app.sandbox.moysklad.auth import Credentials, new_token
from app.sandbox.moysklad.entities import RenderContext
from app.sandbox.moysklad.limits import INTERVAL_MS, BucketView, LimitRejection, RateLimiter, Weights
from app.sandbox.moysklad.refs import API_PREFIX
from app.sandbox.moysklad.reports import StockReports
from app.sandbox.moysklad.router import Router
from app.sandbox.moysklad.seeding import seed_state
from app.sandbox.moysklad.state import MoySkladState
from app.sandbox.seed import Shop

ACCEPTED = ("*/*", "application/json;charset=utf-8")
HEAVY_REPORTS = ("/report/stock/all", "/report/stock/bystore")
READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class _Admitted:
    user: str
    weight: int
    view: BucketView


class MoySkladEmulator:
    """A stateful MoySklad account served by :class:`~app.sandbox.core.EmulatorServer`."""

    service = "moysklad"

    def __init__(self, shop: Shop, *, rate_limit: bool = True, weights: Weights | None = None,
                 login: str | None = None, password: str | None = None, token: str | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.weights = weights or Weights()
        account = shop.site_code.replace("_", "-") or "svyazka"
        self.credentials = Credentials(login or f"admin@{account}", password or secrets.token_urlsafe(12),
                                       token or new_token())
        self.limiter = RateLimiter(enabled=rate_limit)
        self.state = MoySkladState(credentials=self.credentials, limiter=self.limiter, seed=shop.seed,
                                   clock=clock)
        seed_state(self.state, shop, self.credentials.login)
        self.router = Router(self)
        self.reports = StockReports(self.state)
        self.assortment = Assortment(self.state)
        self._admitted: dict[int, _Admitted] = {}
        self._admitted_lock = threading.Lock()
        self._local = threading.local()
        self._faults = 0
        # The docs allow only application/json;charset=utf-8 and a live check rejected plain
        # application/json (1062); OAS lists both. False lets plain application/json through.
        self.strict_accept = True

    # -- credentials --------------------------------------------------------------------------------------
    @property
    def login(self) -> str:
        return self.credentials.login

    @property
    def password(self) -> str:
        return self.credentials.password

    @property
    def token(self) -> str:
        """The current valid Bearer token ("" after ``state.revoke_tokens()``)."""
        return self.credentials.token

    def issue_token(self) -> str:
        return self.credentials.issue_token()

    @property
    def rate_limit(self) -> bool:
        return self.limiter.enabled

    # -- the Emulator protocol ---------------------------------------------------------------------------
    def weight_of(self, request: Request) -> int:
        path = request.path.rstrip("/")
        if any(path == API_PREFIX + heavy for heavy in HEAVY_REPORTS):
            return self.weights.stock_report
        return self.weights.user

    def admit(self, request: Request) -> Response | None:
        authorization = request.header("authorization")
        if not accepts_gzip(request):
            return self._reject(Response.empty(415), authorization)
        accept = (request.header("accept") or "").replace(" ", "").lower()
        if accept and accept not in ACCEPTED and not (accept == "application/json" and not self.strict_accept):
            return self._reject(errors.bad_accept().response(), authorization)
        basic_only = request.path.rstrip("/") == f"{API_PREFIX}/security/token"
        try:
            user = self.credentials.authenticate(authorization, basic_only=basic_only)
        except errors.ApiError as exc:
            return self._reject(exc.response(), None)
        weight = self.weight_of(request)
        try:
            view = self.limiter.admit(user, weight)
        except LimitRejection as rejection:
            return self._limit_response(rejection)
        admitted = _Admitted(user, weight, view)
        with self._admitted_lock:
            self._admitted[id(request)] = admitted
        self._local.admitted = admitted
        return None

    def handle(self, request: Request) -> Response:
        with self._admitted_lock:
            admitted = self._admitted.get(id(request))
        path = request.path
        host = request.header("host") or "127.0.0.1"
        base = f"http://{host}{API_PREFIX}"
        try:
            if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
                raise errors.unknown_path(path)
            with self.state.lock:
                self.state.last_base = base
                writes = request.method.upper() not in READ_METHODS
                if writes:
                    self.state.bump()  # any write path, even one that edits records in place, drops cached lists
                try:
                    response = self.router.dispatch(request, RenderContext(self.state, base), path[len(API_PREFIX):])
                finally:
                    if writes:
                        self.state.bump()
        except errors.ApiError as exc:
            response = exc.response()
        return self._finish(response, admitted)

    def release(self, request: Request) -> None:
        with self._admitted_lock:
            admitted = self._admitted.pop(id(request), None)
        if admitted is not None:
            self.limiter.release(admitted.user)

    def fault_response(self, kind: str) -> Response:
        """An injected fault, answered the way the real service would (called in the admitting thread)."""
        admitted: _Admitted | None = getattr(self._local, "admitted", None)
        if kind == "rate":
            # a drained bucket after a burst: nothing left, and the whole 3000 ms interval to wait (the real
            # service's Retry-After runs up to the full interval; clients in this repo rely on 3000)
            wait = BucketView(remaining=0, reset_ms=INTERVAL_MS, retry_after_ms=INTERVAL_MS)
            response = errors.rate_limited(wait.headers()).response()
            response.weight = 0
            return response
        with self._admitted_lock:
            self._faults += 1
            odd = self._faults % 2 == 1
        error = errors.server_error() if odd else errors.unavailable()  # alternate 500 and 503
        return self._finish(error.response(), admitted)

    # -- helpers ------------------------------------------------------------------------------------------
    def _finish(self, response: Response, admitted: _Admitted | None) -> Response:
        view = admitted.view if admitted is not None else self.limiter.peek(None)
        for name, value in view.headers().items():
            response.headers.setdefault(name, value)
        response.weight = admitted.weight if admitted is not None else 0
        return response

    def _reject(self, response: Response, authorization: str | None) -> Response:
        user = self.credentials.identify(authorization) if authorization else None
        for name, value in self.limiter.peek(user).headers().items():
            response.headers.setdefault(name, value)
        response.weight = 0
        return response

    def _limit_response(self, rejection: LimitRejection) -> Response:
        view = rejection.view
        if rejection.kind == "parallel":
            headers = {**view.headers(with_retry_after=False), "X-Lognex-Auth": "429005"}
            return errors.parallel_limited(headers).response()
        if rejection.kind == "locked":
            return errors.locked_out(view.headers()).response()
        return errors.rate_limited(view.headers()).response()
