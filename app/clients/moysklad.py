"""MoySklad JSON API 1.2 over HTTP: typed reads, offset paging, batched idempotent writes. HTTP only.

* Auth: ``Authorization: Bearer <token>``; :meth:`MoySkladClient.obtain_token` trades a login and password
  for a token (which **revokes the user's other tokens**: see :data:`TOKEN_REVOKES_OTHERS_WARNING`).
* Headers: ``Accept: application/json;charset=utf-8`` and ``Accept-Encoding: gzip`` always (the service
  refuses anything else), ``Content-Type`` only with a body.
* Pacing: a mirror of the service's weighted 3-second bucket (45 units, 4 per request for a user token,
  5 for ``report/stock/all|bystore``), corrected and re-learned from every answer's rate-limit headers,
  plus at most 4 requests in flight. A 429 anyway is waited out as the service says.
* Paging: ``limit``/``offset`` computed here (``nextHref`` is never followed), 1000 rows a page, 100 when
  ``expand`` is asked (the service silently ignores expand on bigger pages).
* Creates always carry a ``syncId`` (the caller's or a fresh uuid4), so re-sending one after a dropped
  connection returns the entity created the first time instead of a duplicate: creates are retried.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import re
import uuid
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from app.clients.credentials import check_header_secret
from app.clients.errors import (
    FieldError,
    ItemError,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    SettingsError,
    not_api_message,
    protocol_message,
    redirect_message,
    register_secret,
    validation_message,
)
from app.clients.http import ApiResponse, Call, HttpCore, Rejection
from app.clients.moysklad_filter import Filter, split_values
from app.clients.moysklad_models import (
    AccountInfo,
    CatalogRow,
    Counterparty,
    CustomerOrder,
    Demand,
    Organization,
    PriceType,
    Product,
    ProductFolder,
    State,
    StockRow,
    Store,
    TextPool,
    Variant,
)
from app.clients.pacing import ConcurrencyLimiter, RateHeaders, Ticket, WeightedBucketPacer
from app.clients.parsing import as_list, as_map, decimal, integer, text
from app.clients.retry import RejectionBudget, RetryPolicy
from app.clients.urls import normalize_moysklad_url

__all__ = [
    "DEFAULT_BASE_URL",
    "TOKEN_REVOKES_OTHERS_WARNING",
    "MoySkladClient",
    "MoySkladLimits",
    "normalize_base_url",
]

SERVICE = "moysklad"
R = TypeVar("R")
DEFAULT_BASE_URL = "https://api.moysklad.ru/api/remap/1.2"
ACCEPT = "application/json;charset=utf-8"
MAX_URL_LENGTH = 6000  # the service takes 8 KB of headers in all; keep every URL well below that
MAX_PAGE = 1000
MAX_EXPAND_PAGE = 100
STOCK_REPORT_PATHS = ("report/stock/all", "report/stock/bystore")

TOKEN_REVOKES_OTHERS_WARNING = (
    "Внимание: когда Связка получает токен МойСклад по логину и паролю, МойСклад отзывает все прежние "
    "токены этого пользователя. Другие программы и интеграции, которые подключены от его имени, перестанут "
    "работать, пока вы не выдадите им новый токен. Чтобы этого избежать, создайте для Связки отдельного "
    "пользователя МойСклад или вставьте уже готовый токен."
)

_log = logging.getLogger("app.clients.moysklad")


@dataclass(frozen=True)
class MoySkladLimits:
    """Client-side pacing. Defaults are the real service's for a user token (from 2026-12-01)."""

    capacity: int = 45  # units per interval
    interval_ms: int = 3000
    user_weight: int = 4  # units per ordinary request
    stock_report_weight: int = 5  # report/stock/all and report/stock/bystore
    max_parallel: int = 4  # the service allows 5 per user; one spare for the user's other apps
    learn_weights: bool = True  # adapt weights to what the headers show
    rejections_per_minute: int = 50  # the service locks a user out at 200 rejected requests a minute
    parallel_backoff: float = 0.5  # seconds to wait after "too many parallel requests"


def weight_class(path: str) -> str:
    """``stock_report`` for the two heavy stock reports (not their ``/current`` variants), else default."""
    clean = path.split("?", 1)[0].strip("/")
    return "stock_report" if clean in STOCK_REPORT_PATHS else "default"


class MoySkladGate:
    """Slots (≤ max_parallel in flight) and the weighted bucket, shared by all threads of a client."""

    def __init__(self, limits: MoySkladLimits) -> None:
        self.limits = limits
        self.bucket = WeightedBucketPacer(
            capacity=limits.capacity,
            interval=limits.interval_ms / 1000,
            weights={"default": limits.user_weight, "stock_report": limits.stock_report_weight},
            learn=limits.learn_weights,
        )
        self.slots = ConcurrencyLimiter(limits.max_parallel)

    def enter(self, call: Call) -> Ticket:
        self.slots.acquire()
        try:
            return self.bucket.acquire(call.weight_class)
        except BaseException:
            self.slots.release(success=False)
            raise

    def leave(self, permit: Ticket, response: httpx.Response | None) -> None:
        headers = RateHeaders.parse(response.headers) if response is not None else None
        self.bucket.observe(permit, headers, rejected=response is not None and response.status_code == 429)
        self.slots.release(success=response is not None and response.status_code != 429)

    def rejection(self, response: httpx.Response) -> Rejection | None:
        if response.status_code not in (429, 503):
            return None
        retry_after = RateHeaders.parse(response.headers).retry_after_ms
        if retry_after is not None and retry_after > 0:
            wait = retry_after / 1000  # milliseconds, not seconds
            self.bucket.block_for(wait)
            return Rejection(wait=wait)
        if response.status_code == 429:
            # No Retry-After: the parallel limit (1073). Fewer requests at once, then try again.
            self.slots.reduce()
            return Rejection(wait=self.limits.parallel_backoff, parallel=True)
        return Rejection(wait=None)


def normalize_base_url(base_url: str) -> str:
    """The API address to talk to: the default when empty, else without user info, query or fragment, and
    ``https`` for any host that is not this computer (:func:`app.clients.urls.normalize_moysklad_url`)."""
    url = (base_url or "").strip()
    if not url:
        return DEFAULT_BASE_URL
    return normalize_moysklad_url(url)


def _field_errors(raw: Any) -> list[FieldError]:
    result = []
    for entry in as_list(as_map(raw).get("errors")):
        item = as_map(entry)
        result.append(
            FieldError(
                field=text(item.get("parameter")),
                message=str(item.get("error") or item.get("error_message") or "ошибка без описания"),
                code=integer(item.get("code")),
            )
        )
    return result


class MoySkladClient:
    """One MoySklad user (token). Thread-safe; close it (or use ``with``) when done."""

    service = SERVICE

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        limits: MoySkladLimits | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        batch_size: int = 1000,
        deadline: float | None = None,
    ) -> None:
        clean = (token or "").strip()
        if not clean:
            raise SettingsError(
                SERVICE,
                "Токен МойСклад не заполнен. Вставьте токен или войдите по логину и паролю.",
                reason="bad_credentials",
                detail="empty token",
            )
        register_secret(clean)
        check_header_secret(SERVICE, clean)  # a Russian letter or a line break: refused now, not retried for 12 s
        self.base_url = normalize_base_url(base_url)
        self.limits = limits or MoySkladLimits()
        self.batch_size = max(1, min(batch_size, MAX_PAGE))
        self.gate = MoySkladGate(self.limits)
        self._http = HttpCore(
            service=SERVICE,
            base_url=self.base_url,
            gate=self.gate,
            headers={"Accept": ACCEPT, "Accept-Encoding": "gzip", "Authorization": f"Bearer {clean}"},
            retry=retry,
            budget=RejectionBudget(self.limits.rejections_per_minute),
            timeout=timeout,
            transport=transport,
            max_connections=self.limits.max_parallel + 2,
            logger=_log,
            deadline=deadline,
        )
        self.stats = self._http.stats

    def __repr__(self) -> str:
        return f"MoySkladClient({self.base_url!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> MoySkladClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- token ------------------------------------------------------------------------------------------
    @classmethod
    def obtain_token(
        cls,
        login: str,
        password: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> str:
        """Trade a login (``user@account``) and password for a Bearer token (``POST /security/token``).

        **Issuing a token revokes every earlier token of this user**: other apps connected as the same
        user stop working. Show :data:`TOKEN_REVOKES_OTHERS_WARNING` and get the user's consent first.
        The password is used for this one request and kept nowhere.
        """
        user = (login or "").strip()
        register_secret(password)
        if not user or not password:
            raise SettingsError(
                SERVICE,
                "Введите логин и пароль МойСклад (логин выглядит как имя@аккаунт, например admin@romashka).",
                reason="bad_credentials",
                detail="empty login or password",
            )
        limits = MoySkladLimits(learn_weights=False)
        http = HttpCore(
            service=SERVICE,
            base_url=normalize_base_url(base_url),
            gate=MoySkladGate(limits),
            headers={"Accept": ACCEPT, "Accept-Encoding": "gzip"},
            auth=httpx.BasicAuth(user, password),
            retry=retry,
            timeout=timeout,
            transport=transport,
            logger=_log,
        )
        try:
            # Re-sending is harmless: the newest token wins and it is the one we keep.
            call = Call(method="POST", path="security/token", endpoint="POST security/token")
            data = _Mapper(http.base_url).result(call, http.send(call))
        finally:
            http.close()
        token = text(as_map(data).get("access_token"))
        if not token:
            raise ProtocolError(SERVICE, protocol_message(SERVICE), detail="security/token: no access_token")
        register_secret(token)
        return token

    # --- transport --------------------------------------------------------------------------------------
    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: Any = None,
        has_body: bool = False,
        endpoint: str | None = None,
        raw: bool = False,
    ) -> ApiResponse:
        call = Call(
            method=method,
            path=path,
            endpoint=endpoint or f"{method} {path}",
            params=list(params) or None,
            json_body=body,
            has_json_body=has_body,
            weight_class=weight_class(path),
            # e.g. 308 from a UI id to the API id; httpx keeps the token only on the same origin
            follow_redirects=method == "GET",
            raw_body=raw,
        )
        return self._http.send(call)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        body: Any = None,
        has_body: bool = False,
        endpoint: str | None = None,
        missing_ok: bool = False,
        raw: bool = False,
    ) -> Any:
        call_endpoint = endpoint or f"{method} {path}"
        response = self._send(
            method, path, params=params, body=body, has_body=has_body, endpoint=call_endpoint, raw=raw
        )
        return _Mapper(self.base_url).result(
            Call(method=method, path=path, endpoint=call_endpoint), response, missing_ok=missing_ok
        )

    def _get(self, path: str, params: Sequence[tuple[str, str]] = (), **kwargs: Any) -> Any:
        return self._request("GET", path, params=params, **kwargs)

    # --- references -------------------------------------------------------------------------------------
    def meta(self, entity: str, entity_id: str) -> dict[str, Any]:
        """A reference ``{"meta": {...}}`` to an entity, for request bodies."""
        return {
            "meta": {
                "href": f"{self.base_url}/entity/{entity}/{entity_id}",
                "type": entity,
                "mediaType": "application/json",
            }
        }

    def state_meta(self, state_id: str, entity: str = "customerorder") -> dict[str, Any]:
        return {
            "meta": {
                "href": f"{self.base_url}/entity/{entity}/metadata/states/{state_id}",
                "type": "state",
                "mediaType": "application/json",
            }
        }

    def price_type_meta(self, price_type_id: str) -> dict[str, Any]:
        return {
            "meta": {
                "href": f"{self.base_url}/context/companysettings/pricetype/{price_type_id}",
                "type": "pricetype",
                "mediaType": "application/json",
            }
        }

    # --- account ----------------------------------------------------------------------------------------
    def check_access(self) -> AccountInfo:
        """Who the token belongs to, with the organizations and stores it can see.

        :class:`SettingsError` when the token is refused, the API is locked, or the user sees no
        organization or no store (the sync needs both).
        """
        employee = self._get("context/employee")
        organizations = tuple(self.organizations())
        stores = tuple(self.stores())
        # a wrong structure is not an account without organizations (the real answers: MoySklad JSON API 1.2,
        # /work/shared/moysklad-openapi: an employee and every list row carry "id" and "meta")
        if not isinstance(employee, Mapping) or not text(employee.get("id")) or not all(
            o.id for o in organizations
        ) or not all(s.id for s in stores):
            raise SettingsError(SERVICE, not_api_message(SERVICE, self.base_url), reason="not_service",
                                detail="context/employee or a list row without an id")
        if not organizations:
            raise SettingsError(
                SERVICE,
                "Пользователь МойСклад не видит ни одного юрлица. Попросите администратора МойСклад выдать "
                "ему права на справочник «Юрлица».",
                reason="no_access",
                detail="no organizations visible",
            )
        if not stores:
            raise SettingsError(
                SERVICE,
                "Пользователь МойСклад не видит ни одного склада. Попросите администратора МойСклад выдать "
                "ему доступ к складам, с которыми работает Связка.",
                reason="no_access",
                detail="no stores visible",
            )
        return AccountInfo(
            employee_id=text(employee.get("id")),
            employee_name=text(employee.get("name")) or text(employee.get("fullName")),
            login=text(employee.get("uid")),
            account_id=text(employee.get("accountId")),
            organizations=organizations,
            stores=stores,
        )

    def organizations(self) -> list[Organization]:
        return [Organization.from_api(r) for r in self.iter_entities("organization")]

    def stores(self) -> list[Store]:
        return [Store.from_api(r) for r in self.iter_entities("store")]

    def product_folders(self) -> list[ProductFolder]:
        return [ProductFolder.from_api(r) for r in self.iter_entities("productfolder")]

    def price_types(self) -> list[PriceType]:
        data = self._get("context/companysettings/pricetype")
        if not isinstance(data, list):
            raise ProtocolError(SERVICE, protocol_message(SERVICE), detail="pricetype: not an array")
        return [PriceType.from_api(as_map(r)) for r in data]

    def order_states(self, entity: str = "customerorder") -> list[State]:
        data = as_map(self._get(f"entity/{entity}/metadata"))
        return [State.from_api(as_map(s)) for s in as_list(data.get("states"))]

    # --- lists ------------------------------------------------------------------------------------------
    def iter_rows(
        self,
        path: str,
        *,
        filters: Filter | str | None = None,
        expand: str | Sequence[str] | None = None,
        limit: int = MAX_PAGE,
        order: str | None = None,
        search: str | None = None,
        params: Sequence[tuple[str, str]] = (),
    ) -> Iterator[dict[str, Any]]:
        """Every row of a list endpoint, page by page (offset/limit computed here).

        The page size is ``limit`` capped at 1000, or at 100 when ``expand`` is asked.
        """
        expand_text = expand if expand is None or isinstance(expand, str) else ",".join(expand)
        page = max(1, min(limit, MAX_EXPAND_PAGE if expand_text else MAX_PAGE))
        extra = list(params)
        filter_text = filters.render() if isinstance(filters, Filter) else filters
        if filter_text:
            extra.append(("filter", filter_text))
        if expand_text:
            extra.append(("expand", expand_text))
        if order:
            extra.append(("order", order))
        if search:
            extra.append(("search", search))
        offset = 0
        endpoint = f"GET {path}"
        while True:
            data = as_map(self._get(path, [("limit", str(page)), ("offset", str(offset)), *extra], endpoint=endpoint))
            if not isinstance(data.get("rows"), list):  # absent, null or not a list: not MoySklad answering
                raise ProtocolError(SERVICE, not_api_message(SERVICE, self.base_url),
                                    detail=f"{path}: no rows array in a list answer")
            rows = data["rows"]
            for row in rows:
                yield as_map(row)
            offset += page
            size = integer(as_map(data.get("meta")).get("size"))
            if len(rows) < page or (size is not None and offset >= size):
                return

    def map_pages(
        self,
        path: str,
        transform: Callable[[Iterable[dict[str, Any]]], R],
        *,
        filters: Filter | str | None = None,
        parallel: int = 3,
        params: Sequence[tuple[str, str]] = (),
    ) -> Iterator[R]:
        """``transform(rows)`` of every 1000-row page of a list, in page order, with up to ``parallel`` pages
        requested at once.

        A page of 1000 products takes the service a good part of a second to build, longer than the rate limit
        makes us wait between two requests; asked one after another, a big catalog would be read at the
        service's speed instead of at the rate limit. The first page tells the size; the other offsets are then
        requested by ``parallel`` worker threads (the gate still keeps the bucket and the in-flight limit).
        ``transform`` runs in the worker and gets the page's rows one at a time, each decoded from the answer's
        text as it is asked for (:class:`_ListAnswer`): a 1000-row page is never a parsed tree of a million
        objects, and at most ``parallel`` transformed pages wait for the caller, so memory stays that of a
        few pages' text however big the list. Closing the iterator early cancels the pages not yet asked for.
        """
        extra = list(params)
        filter_text = filters.render() if isinstance(filters, Filter) else filters
        if filter_text:
            extra.append(("filter", filter_text))
        endpoint = f"GET {path}"

        def fetch(offset: int) -> tuple[R, _ListAnswer]:
            query = [("limit", str(MAX_PAGE)), ("offset", str(offset)), *extra]
            answer = _ListAnswer(self._get(path, query, endpoint=endpoint, raw=True), path)
            result = transform(answer.rows())
            answer.finish()  # the rest of the answer (its meta may follow the rows)
            return result, answer

        first, answer = fetch(0)
        size = answer.size
        yield first
        del first
        if answer.count < MAX_PAGE:
            return
        if size is None:  # a list that does not tell its size: one page after another until a short one
            offset = MAX_PAGE
            while True:
                result, answer = fetch(offset)
                yield result
                if answer.count < MAX_PAGE:
                    return
                offset += MAX_PAGE
        offsets = list(range(MAX_PAGE, size, MAX_PAGE))
        if not offsets:
            return

        def job(offset: int) -> R:
            return fetch(offset)[0]

        workers = max(1, min(parallel, len(offsets)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="svyazka-moysklad-pages") as pool:
            pending: deque[Future[R]] = deque()
            queue = iter(offsets)
            try:
                for offset in itertools.islice(queue, workers):
                    pending.append(pool.submit(job, offset))
                while pending:
                    result = pending.popleft().result()
                    nxt = next(queue, None)
                    if nxt is not None:
                        pending.append(pool.submit(job, nxt))
                    yield result
            finally:
                for future in pending:
                    future.cancel()

    def catalog_pages(
        self,
        entity: str,
        *,
        filters: Filter | str | None = None,
        parallel: int = 2,
        pool: TextPool | None = None,
    ) -> Iterator[list[CatalogRow]]:
        """Every ``product`` or ``variant`` as :class:`CatalogRow` (parsed fields, no JSON), a page at a time,
        pages read ``parallel`` at once (:meth:`map_pages`). ``pool`` shares repeated texts across pages."""
        share = pool or TextPool()

        def rows_of(page: Iterable[dict[str, Any]]) -> list[CatalogRow]:
            return [CatalogRow.from_api(row, entity, share) for row in page]

        return self.map_pages(f"entity/{entity}", rows_of, filters=filters, parallel=parallel)

    def iter_entities(
        self,
        entity: str,
        *,
        filters: Filter | str | None = None,
        expand: str | Sequence[str] | None = None,
        limit: int = MAX_PAGE,
        order: str | None = None,
        search: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every ``/entity/<entity>`` row matching ``filters`` (raw JSON dicts)."""
        return self.iter_rows(
            f"entity/{entity}", filters=filters, expand=expand, limit=limit, order=order, search=search
        )

    def find_by_values(
        self,
        entity: str,
        field: str,
        values: Iterable[object],
        *,
        filters: Filter | None = None,
        expand: str | Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows whose ``field`` equals any of ``values``, in as few OR requests as keep URLs short."""
        wanted = [v for v in dict.fromkeys(values) if v is not None and str(v) != ""]
        if not wanted:
            return []
        budget = MAX_URL_LENGTH - len(self.base_url) - len(entity) - 200
        found: dict[str, dict[str, Any]] = {}
        for chunk in split_values(field, wanted, budget, base=filters):
            for row in self.iter_entities(entity, filters=chunk, expand=expand):
                found.setdefault(str(row.get("id") or len(found)), row)
        return list(found.values())

    def get(self, entity: str, entity_id: str, *, expand: str | None = None) -> dict[str, Any] | None:
        """One entity by id; None when it does not exist."""
        params = [("expand", expand)] if expand else []
        data = self._get(
            f"entity/{entity}/{quote(entity_id, safe='')}",
            params,
            endpoint=f"GET entity/{entity}/{{id}}",
            missing_ok=True,
        )
        return as_map(data) if data is not None else None

    # typed iterators
    def iter_products(self, filters: Filter | str | None = None) -> Iterator[Product]:
        return (Product.from_api(r) for r in self.iter_entities("product", filters=filters))

    def iter_variants(self, filters: Filter | str | None = None) -> Iterator[Variant]:
        return (Variant.from_api(r) for r in self.iter_entities("variant", filters=filters))

    def iter_counterparties(self, filters: Filter | str | None = None) -> Iterator[Counterparty]:
        return (Counterparty.from_api(r) for r in self.iter_entities("counterparty", filters=filters))

    def iter_customer_orders(
        self, filters: Filter | str | None = None, *, with_positions: bool = False
    ) -> Iterator[CustomerOrder]:
        expand = "positions" if with_positions else None
        return (CustomerOrder.from_api(r) for r in self.iter_entities("customerorder", filters=filters, expand=expand))

    def iter_demands(self, filters: Filter | str | None = None) -> Iterator[Demand]:
        return (Demand.from_api(r) for r in self.iter_entities("demand", filters=filters))

    # --- writes -----------------------------------------------------------------------------------------
    def create(self, entity: str, body: Mapping[str, Any], *, expand: str | None = None) -> dict[str, Any]:
        """Create one entity (with a ``syncId``: safe to retry). Refusal -> :class:`RemoteValidationError`."""
        payload = _with_sync_id(body)
        params = [("expand", expand)] if expand else []
        data = self._request("POST", f"entity/{entity}", params=params, body=payload, has_body=True)
        return as_map(data)

    def create_many(
        self,
        entity: str,
        items: Sequence[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        expand: str | None = None,
    ) -> list[dict[str, Any] | ItemError]:
        """Create (or, for items with ``meta``, update) many entities, ``batch_size`` per request (≤ 1000).

        Every new item gets a ``syncId`` unless it has one, so a batch re-sent after a lost answer creates
        nothing twice. The result is aligned with ``items``: the saved entity, or an :class:`ItemError`
        with the service's complaints about that one item (the others are saved anyway).
        """
        size = max(1, min(batch_size or self.batch_size, MAX_PAGE))
        prepared = [item if "meta" in item else _with_sync_id(item) for item in items]
        results: list[dict[str, Any] | ItemError] = []
        params = [("expand", expand)] if expand else []
        for start in range(0, len(prepared), size):
            batch = prepared[start : start + size]
            response = self._send("POST", f"entity/{entity}", params=params, body=batch, has_body=True)
            results.extend(self._batch_results(response, start, len(batch), f"entity/{entity}"))
        return results

    def _batch_results(
        self, response: ApiResponse, start: int, count: int, path: str
    ) -> list[dict[str, Any] | ItemError]:
        data = response.data
        if not isinstance(data, list):
            # the whole batch was refused (or an error object came back): map it like any answer
            mapped = _Mapper(self.base_url).result(Call(method="POST", path=path, endpoint=f"POST {path}"), response)
            raise ProtocolError(
                SERVICE, protocol_message(SERVICE), detail=f"{path}: batch answer is {type(mapped).__name__}"
            )
        if len(data) != count:
            raise ProtocolError(
                SERVICE, protocol_message(SERVICE), detail=f"{path}: {len(data)} results for {count} items"
            )
        results: list[dict[str, Any] | ItemError] = []
        for offset, entry in enumerate(data):
            item = as_map(entry)
            if "errors" in item and "id" not in item:
                results.append(ItemError(index=start + offset, errors=tuple(_field_errors(item))))
            else:
                results.append(item)
        return results

    def update(
        self, entity: str, entity_id: str, body: Mapping[str, Any], *, expand: str | None = None
    ) -> dict[str, Any]:
        """Change the given fields (PUT; idempotent, so retried)."""
        params = [("expand", expand)] if expand else []
        data = self._request(
            "PUT",
            f"entity/{entity}/{quote(entity_id, safe='')}",
            params=params,
            body=dict(body),
            has_body=True,
            endpoint=f"PUT entity/{entity}/{{id}}",
        )
        return as_map(data)

    def delete_many(self, entity: str, ids: Sequence[str]) -> list[ItemError | None]:
        """Delete entities by id (batch ``POST …/delete``); aligned results, None where it went well."""
        results: list[ItemError | None] = []
        for start in range(0, len(ids), self.batch_size):
            batch = [self.meta(entity, i) for i in ids[start : start + self.batch_size]]
            response = self._send(
                "POST", f"entity/{entity}/delete", body=batch, has_body=True, endpoint=f"POST entity/{entity}/delete"
            )
            data = response.data
            if not isinstance(data, list):
                _Mapper(self.base_url).result(
                    Call(method="POST", path=f"entity/{entity}/delete", endpoint=f"POST entity/{entity}/delete"),
                    response,
                )
                data = [{}] * len(batch)
            for offset, entry in enumerate(data):
                item = as_map(entry)
                results.append(ItemError(start + offset, tuple(_field_errors(item))) if item.get("errors") else None)
        return results

    def demand_template(self, order_id: str) -> dict[str, Any]:
        """An unsaved demand prefilled from a customer order (``PUT /entity/demand/new``)."""
        data = self._request(
            "PUT",
            "entity/demand/new",
            body={"customerOrder": self.meta("customerorder", order_id)},
            has_body=True,
        )
        return as_map(data)

    def create_demand_from_order(
        self, order_id: str, overrides: Mapping[str, Any] | None = None, *, sync_id: str | None = None
    ) -> Demand:
        """Ship a customer order: its template plus ``overrides`` (e.g. ``store``), created with a syncId."""
        body = {**self.demand_template(order_id), **(overrides or {})}
        body.pop("meta", None)
        if sync_id:
            body["syncId"] = sync_id
        return Demand.from_api(self.create("demand", body))

    # --- stock ------------------------------------------------------------------------------------------
    def stock_current(
        self,
        stock_type: str = "stock",
        *,
        by_store: bool = True,
        changed_since: datetime | None = None,
        include_zero: bool = False,
        assortment_ids: Sequence[str] | None = None,
        store_ids: Sequence[str] | None = None,
    ) -> list[StockRow]:
        """The short current-stock report: absolute figures of ``stock_type`` (stock | freeStock |
        quantity | reserve | inTransit) per item and store (``by_store``) or over all stores.

        ``changed_since`` (≤ 24 h ago) gives only items changed since then, zeros included.
        Long id lists are split over several requests to keep URLs short.
        """
        path = "report/stock/bystore/current" if by_store else "report/stock/all/current"
        params = [("stockType", stock_type)]
        if include_zero:
            params.append(("include", "zeroLines"))
        if changed_since is not None:
            params.append(("changedSince", changed_since.strftime("%Y-%m-%d %H:%M:%S")))
        store_part = f"storeId={','.join(store_ids)}" if store_ids else ""
        filters: list[str] = []
        if assortment_ids:
            budget = MAX_URL_LENGTH - len(self.base_url) - len(store_part) - 200
            filters = [
                ";".join(p for p in (f"assortmentId={','.join(chunk)}", store_part) if p)
                for chunk in _comma_chunks(list(dict.fromkeys(assortment_ids)), budget)
            ]
        elif store_part:
            filters = [store_part]
        rows: list[StockRow] = []
        stores = TextPool()  # a full report repeats a handful of store ids over 100,000 rows
        items = TextPool()  # and each item's id once per warehouse: one string each instead of three
        for filter_text in filters or [""]:
            query = [*params, ("filter", filter_text)] if filter_text else params
            # A full report is ~100 bytes a row, 130,000 rows at 50,000 offers: parsed whole it would be a
            # transient tree several times the rows kept, so it is read one row at a time.
            data = self._request("GET", path, params=query, raw=True)
            for entry in _array_items(data, path):
                row = as_map(entry)
                assortment = items(text(row.get("assortmentId")))
                if assortment is None:
                    continue
                rows.append(
                    StockRow(
                        assortment_id=assortment,
                        store_id=stores(text(row.get("storeId"))),
                        value=_quantity(row.get(stock_type)),
                    )
                )
            del data
        return rows


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _malformed(path: str, what: str = "malformed JSON") -> ProtocolError:
    return ProtocolError(SERVICE, protocol_message(SERVICE), detail=f"{path}: {what}")


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()  # type: ignore[union-attr]  # the pattern matches the empty string


def _decode_at(text: str, at: int, path: str) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, at)
    except ValueError:
        raise _malformed(path) from None


def _items_at(text: str, at: int, path: str) -> Generator[Any, None, int]:
    """The items of the JSON array starting at ``text[at]``, one at a time; returns the position after it."""
    if text[at : at + 1] != "[":
        raise _malformed(path, "not an array")
    at = _skip(text, at + 1)
    if text[at : at + 1] == "]":
        return at + 1
    while True:
        item, at = _decode_at(text, at, path)
        yield item
        at = _skip(text, at)
        mark = text[at : at + 1]
        if mark == "]":
            return at + 1
        if mark != ",":
            raise _malformed(path)
        at = _skip(text, at + 1)


def _as_text(body: bytes | bytearray) -> str:
    return bytes(body).decode("utf-8", errors="replace")


def _array_items(body: Any, path: str) -> Iterator[Any]:
    """The items of a JSON array answer, decoded one at a time (``body``: the raw bytes, or an already parsed
    list). Anything but an array is the service not answering as documented."""
    if isinstance(body, list):
        yield from body
        return
    if not isinstance(body, bytes | bytearray):
        raise _malformed(path, "not an array")
    text = _as_text(body)
    yield from _items_at(text, _skip(text, 0), path)


class _ListAnswer:
    """A list answer (``{"context": …, "meta": {"size": …}, "rows": […]}``) whose rows are decoded one at a
    time as :meth:`rows` is iterated; ``size`` (from ``meta``) and ``count`` are known once it is
    finished (:meth:`finish`). ``body`` is the raw bytes, or an already parsed object."""

    def __init__(self, body: Any, path: str) -> None:
        self.path = path
        self.size: int | None = None
        self.count = 0
        self._walk = self._members(body)

    def rows(self) -> Iterator[dict[str, Any]]:
        return self._walk

    def finish(self) -> None:
        for _ in self._walk:  # rows the caller did not take, then the members after them
            pass

    def _members(self, body: Any) -> Iterator[dict[str, Any]]:
        if isinstance(body, Mapping):  # parsed already (an answer the transport could not hand over raw)
            yield from self._parsed(body)
            return
        if not isinstance(body, bytes | bytearray):
            raise _malformed(self.path, "not a list answer")
        text = _as_text(body)
        at = _skip(text, 0)
        if text[at : at + 1] != "{":
            raise _malformed(self.path, "not a list answer")
        at = _skip(text, at + 1)
        seen_rows = False
        while text[at : at + 1] != "}":
            key, at = _decode_at(text, at, self.path)
            at = _skip(text, at)
            if not isinstance(key, str) or text[at : at + 1] != ":":
                raise _malformed(self.path)
            at = _skip(text, at + 1)
            if key == "rows":
                seen_rows = True
                rows = _items_at(text, at, self.path)
                while True:
                    try:
                        row = next(rows)
                    except StopIteration as end:
                        at = end.value
                        break
                    self.count += 1
                    yield as_map(row)
            else:
                value, at = _decode_at(text, at, self.path)
                if key == "meta":
                    self.size = integer(as_map(value).get("size"))
            at = _skip(text, at)
            if text[at : at + 1] == ",":
                at = _skip(text, at + 1)
            elif text[at : at + 1] != "}":
                raise _malformed(self.path)
        if not seen_rows:
            raise _malformed(self.path, "no rows in a list answer")

    def _parsed(self, data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
        if "rows" not in data:
            raise _malformed(self.path, "no rows in a list answer")
        self.size = integer(as_map(data.get("meta")).get("size"))
        for row in as_list(data.get("rows")):
            self.count += 1
            yield as_map(row)


@functools.lru_cache(maxsize=4096, typed=True)  # typed: 5 stays Decimal('5'), 5.0 stays Decimal('5.0')
def _shared_quantity(value: float | int | str) -> Decimal:
    return decimal(value) or Decimal(0)


def _quantity(value: Any) -> Decimal:
    """A stock figure; equal figures share one Decimal (a full report holds 100,000 of a few hundred values)."""
    if isinstance(value, bool) or not isinstance(value, float | int | str):
        return decimal(value) or Decimal(0)
    return _shared_quantity(value)


def _with_sync_id(body: Mapping[str, Any]) -> dict[str, Any]:
    payload = dict(body)
    if not payload.get("syncId"):
        payload["syncId"] = str(uuid.uuid4())
    return payload


def _comma_chunks(ids: list[str], budget: int) -> Iterator[list[str]]:
    """Ids in groups whose comma-joined, percent-encoded text fits ``budget`` characters."""
    current: list[str] = []
    length = 0
    for item in ids:
        piece = len(quote(item, safe="")) + 3  # "%2C"
        if current and length + piece > budget:
            yield current
            current, length = [], 0
        current.append(item)
        length += piece
    if current:
        yield current


def _foreign_location(base_url: str, response: ApiResponse) -> str:
    """The host of a redirect that was not followed (writes are never), when it leaves the API's host."""
    if response.status not in (301, 302, 303, 307, 308):
        return ""
    target = httpx.URL(base_url).join(response.headers.get("location", ""))
    base = httpx.URL(base_url)
    if (target.host, target.port) == (base.host, base.port):
        return ""
    return f"{target.host}:{target.port}" if target.port else str(target.host)


class _Mapper:
    """Turns a final answer into data, or into the error a shop owner can act on."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def result(self, call: Call, response: ApiResponse, *, missing_ok: bool = False) -> Any:
        status = response.status
        data = response.data
        detail = f"{call.endpoint}: HTTP {status}"
        elsewhere = response.redirected_to or _foreign_location(self.base_url, response)
        if elsewhere:  # whatever the other server answered, it is not MoySklad refusing the token
            raise SettingsError(SERVICE, redirect_message(SERVICE, self.base_url, elsewhere), reason="not_service",
                                status=status, detail=f"{detail} redirected to another host")
        if 200 <= status < 300:
            if data is None and response.snippet and not response.is_json:
                raise self._not_moysklad(status, detail + f" ({response.content_type or 'no content type'})")
            return data
        errors = _field_errors(data) if isinstance(data, Mapping) else []
        codes = {e.code for e in errors}
        if errors:
            detail += " codes " + ",".join(str(c) for c in sorted(c for c in codes if c is not None))
        if status == 401:
            raise SettingsError(
                SERVICE,
                "МойСклад не принял токен (или логин и пароль). Проверьте их в настройках Связки; если токен "
                "выдавали заново, вставьте новый.",
                reason="bad_credentials",
                status=status,
                detail=detail,
            )
        if status == 403:
            if 1061 in codes or any("заблок" in e.message.lower() for e in errors):
                raise SettingsError(
                    SERVICE,
                    "МойСклад закрыл этому пользователю доступ к API (например, заблокировал его из-за "
                    "превышения лимитов запросов). Попросите администратора аккаунта МойСклад проверить "
                    "доступ к API; если доступ заблокирован автоматически, напишите в поддержку МойСклад.",
                    reason="locked",
                    status=status,
                    detail=detail,
                )
            what = f" ({errors[0].message})" if errors else ""
            raise SettingsError(
                SERVICE,
                f"У пользователя МойСклад нет прав на это действие{what}. Попросите администратора МойСклад "
                "выдать пользователю Связки нужные права.",
                reason="no_access",
                status=status,
                detail=detail,
            )
        if status == 404:
            if not response.is_json or codes & {1002, 1005}:
                raise self._not_moysklad(status, detail)
            if missing_ok:
                return None
            raise NotFound(
                SERVICE, "МойСклад не нашёл запрошенный объект: возможно, его удалили.", status=status, detail=detail
            )
        if not response.is_json and not errors:
            raise self._not_moysklad(status, detail)
        if status in (405, 410, 413, 414, 415) or codes & {1062, 1037, 2007, 2022, 1044}:
            # our requests are built to avoid all of these: reaching one is a bug in Svyazka
            raise ProtocolError(SERVICE, protocol_message(SERVICE), status=status, detail=detail)
        raise RemoteValidationError(
            SERVICE,
            validation_message(SERVICE, errors),
            status=status,
            detail=detail,
            errors=errors,
        )

    def _not_moysklad(self, status: int, detail: str) -> SettingsError:
        return SettingsError(
            SERVICE,
            f"По адресу {self.base_url} не отвечает API МойСклад. Проверьте адрес в настройках "
            f"(обычно это {DEFAULT_BASE_URL}).",
            reason="not_service",
            status=status,
            detail=detail,
        )
