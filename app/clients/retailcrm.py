"""RetailCRM (Simla) API v5 over HTTP: typed reads, paged iterators, batched writes. HTTP only.

The key travels in the ``X-API-KEY`` header (never in a URL); writes are form-encoded with JSON fields
(``order=<json>``), as every official client sends them. Requests are paced to stay under the service's
10 requests per second per key; a ``503``/``429`` anyway pauses every thread and is retried.

``orders/create``, ``customers/create``, ``store/products/batch/create`` and ``store/product-groups/create``
are never re-sent once they may have reached the server (read timeout, dropped connection, 500/502/504, a
truncated answer): :class:`MaybeApplied` tells the caller to look the entity up by its ``externalId`` first.
They are re-sent only when they surely were not processed: the connection was never made, or the service
answered 503/429 "too many requests". Everything else is retried on connection errors, 5xx and timeouts.
Redirects are reported, never followed (the key header would travel to the other host).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from app.clients.credentials import check_header_secret
from app.clients.errors import (
    FieldError,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    SettingsError,
    not_api_message,
    protocol_message,
    register_secret,
    validation_message,
)
from app.clients.http import ApiResponse, Call, HttpCore, Rejection, json_text
from app.clients.pacing import RollingWindowPacer, Slot
from app.clients.parsing import as_list, as_map, integer, require
from app.clients.phpquery import php_params
from app.clients.retailcrm_models import (
    CredentialsInfo,
    Customer,
    DeliveryType,
    HistoryRecord,
    InventoryOffer,
    InventoryUpdate,
    Offer,
    OfferRef,
    Order,
    OrderMethod,
    OrderStatusInfo,
    PaymentType,
    PriceType,
    PriceUpdate,
    Product,
    ProductBatchResult,
    ProductGroup,
    Site,
    Status,
    StatusGroup,
    Store,
    UploadResult,
)
from app.clients.retry import RejectionBudget, RetryPolicy, Safety
from app.clients.urls import normalize_account_url
from app.money import rub_to_json

__all__ = ["DEFAULT_SCOPES", "RetailCrmClient", "RetailCrmLimits", "normalize_account_url"]

SERVICE = "retailcrm"
API_KEYS_PAGE = "Настройки → Интеграция → Ключи доступа к API"
SMALLEST_PAGE = 20  # the smallest limit orders/history accepts: the cheapest way to learn the page count
# The documented page sizes are 20/50/100 (retailcrm-api.md §3, V5EN). 250 is evidenced only on
# /store/inventories (official WOO and PrestaShop modules page it by 250), so on /store/products and
# /store/offers it is tried (a 50,000-offer catalog in 200 pages, not 500) and given up on a refusal.
DOCUMENTED_PAGE = 100
INVENTORY_PAGE = 250
# What a full two-way sync needs; callers may ask for fewer (a read-only preview).
DEFAULT_SCOPES: tuple[str, ...] = (
    "order_read",
    "order_write",
    "customer_read",
    "customer_write",
    "reference_read",
    "store_read",
    "store_write",
)
_SCOPE_AREAS = {
    "order": "заказы",
    "customer": "клиенты",
    "reference": "справочники",
    "store": "склад и каталог",
}
_log = logging.getLogger("app.clients.retailcrm")
T = TypeVar("T")


@dataclass(frozen=True)
class RetailCrmLimits:
    """Client-side pacing. Defaults are the real service's: 10 requests per second per key."""

    requests_per_second: int = 10
    # the rolling window is this much longer than a second. A slot counts until its answer is back, so on the
    # service's clock two requests of one slot are always more than a window apart, however late either
    # travelled; the margin only covers timer granularity (milliseconds): ≈ 9.95 req/s with instant answers
    safety_margin: float = 0.005
    # None: a request counts in the window until its answer is back (never a 503, however late it travels).
    # A number (seconds) lets a slow answer count from start + transit instead; measured with the sync's own
    # threads competing for the interpreter, 0.02 let one request in ~300 arrive inside the next window (a
    # 503 and a 1 s pause), so the safe rule stays the default.
    transit: float | None = None
    rejection_pause: float = 1.0  # after a 503/429 nobody sends for this long
    rejections_per_minute: int = 60  # then give up with ServiceUnavailable


class RetailCrmGate:
    """Pacing for one key: a rolling one-second window shared by every thread of the client."""

    def __init__(self, limits: RetailCrmLimits) -> None:
        self.limits = limits
        self.pacer = RollingWindowPacer(
            limits.requests_per_second, 1.0, limits.safety_margin, transit=limits.transit
        )

    def enter(self, call: Call) -> Slot:
        return self.pacer.acquire()

    def leave(self, permit: Slot, response: httpx.Response | None) -> None:
        self.pacer.release(permit)

    def rejection(self, response: httpx.Response) -> Rejection | None:
        # RetailCRM answers "too many requests" with 503 (429 is not documented, but be ready for it).
        if response.status_code in (429, 503):
            self.pacer.block_for(self.limits.rejection_pause)
            return Rejection(wait=self.limits.rejection_pause)
        return None


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def _scope_for(method: str, path: str) -> str | None:
    """The permission RetailCRM checks for a route (for naming it when access is denied)."""
    section = path.split("/", 1)[0]
    group = {"orders": "order", "customers": "customer", "reference": "reference", "store": "store"}.get(section)
    if group is None:
        return None
    if group == "reference":
        return "reference_read" if method == "GET" else "reference_write"
    return f"{group}_{'read' if method == 'GET' else 'write'}"


def _field_errors(raw: Any) -> list[FieldError]:
    if isinstance(raw, Mapping):
        return [FieldError(field=str(k), message=str(v)) for k, v in raw.items()]
    if isinstance(raw, list):
        return [FieldError(field=None, message=str(v)) for v in raw]
    return []


def _about_limit(exc: RemoteValidationError) -> bool:
    """A 400 that names the ``limit`` parameter (RetailCRM's envelope for bad GET parameters puts the field in
    ``errors``; retailcrm-api.md §2-3). Anything else about the request is not a page-size problem."""
    if exc.status != 400:
        return False
    if any(e.field and "limit" in e.field.lower() for e in exc.errors):
        return True
    return "limit" in exc.detail.lower() or any("limit" in e.message.lower() for e in exc.errors)


def _quantity(value: Decimal | int | float) -> int | float:
    amount = Decimal(str(value))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class RetailCrmClient:
    """One RetailCRM account and key. Thread-safe; close it (or use ``with``) when done."""

    service = SERVICE

    def __init__(
        self,
        account_url: str,
        api_key: str,
        *,
        site: str | None = None,
        limits: RetailCrmLimits | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | None = None,
        transport: httpx.BaseTransport | None = None,
        upload_batch_size: int = 250,
        products_batch_size: int = 50,
        page_limit: int = 100,
        catalog_page_limit: int = INVENTORY_PAGE,
        deadline: float | None = None,
    ) -> None:
        key = (api_key or "").strip()
        if not key:
            raise SettingsError(
                SERVICE,
                f"API-ключ RetailCRM не заполнен. Создайте ключ в RetailCRM ({API_KEYS_PAGE}) "
                "и вставьте его в настройки Связки.",
                reason="bad_credentials",
                detail="empty API key",
            )
        register_secret(key)
        check_header_secret(SERVICE, key)  # a Russian letter or a line break: refused now, not retried for 12 s
        self.account_url = normalize_account_url(account_url)
        self.site = site
        self.limits = limits or RetailCrmLimits()
        self.upload_batch_size = upload_batch_size
        self.products_batch_size = products_batch_size
        self.page_limit = page_limit  # orders, customers, history accept 20/50/100
        # store/products and store/offers: 250 is not documented there. If the service refuses it, the client
        # falls back to DOCUMENTED_PAGE and keeps that here; the sync layer remembers it for the account.
        self.catalog_page_limit = catalog_page_limit
        self.inventory_page_limit = catalog_page_limit  # 250 evidenced here (INVENTORY_PAGE)
        self._limit_lock = threading.Lock()
        self.gate = RetailCrmGate(self.limits)
        self._http = HttpCore(
            service=SERVICE,
            base_url=self.account_url + "/api",
            gate=self.gate,
            headers={"X-API-KEY": key, "Accept": "application/json", "Accept-Encoding": "gzip"},
            retry=retry,
            budget=RejectionBudget(self.limits.rejections_per_minute),
            timeout=timeout,
            transport=transport,
            max_connections=max(4, self.limits.requests_per_second),
            logger=_log,
            deadline=deadline,
        )
        self.stats = self._http.stats

    def __repr__(self) -> str:
        return f"RetailCrmClient({self.account_url!r}, site={self.site!r})"

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> RetailCrmClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport ------------------------------------------------------------------------------------
    def _get(
        self,
        path: str,
        params: Sequence[tuple[str, str]] = (),
        *,
        endpoint: str | None = None,
        versionless: bool = False,
        missing_ok: bool = False,
    ) -> dict[str, Any] | None:
        call = Call(
            method="GET",
            path=path if versionless else f"v5/{path}",
            endpoint=endpoint or f"GET {path}",
            params=list(params),
        )
        return self._result(call, self._http.send(call), path, missing_ok=missing_ok)

    def _get_ok(self, path: str, params: Sequence[tuple[str, str]] = (), **kwargs: Any) -> dict[str, Any]:
        data = self._get(path, params, **kwargs)
        assert data is not None  # missing_ok is False: a 404 raised
        return data

    def _post(
        self,
        path: str,
        form: Mapping[str, str],
        *,
        endpoint: str | None = None,
        safety: Safety = Safety.IDEMPOTENT,
        what: str = "",
    ) -> dict[str, Any]:
        call = Call(
            method="POST",
            path=f"v5/{path}",
            endpoint=endpoint or f"POST {path}",
            form=dict(form),
            safety=safety,
            what=what,
        )
        data = self._result(call, self._http.send(call), path, missing_ok=False)
        assert data is not None
        return data

    def _result(self, call: Call, response: ApiResponse, path: str, *, missing_ok: bool) -> dict[str, Any] | None:
        data = response.data
        status = response.status
        if status in (301, 302, 303, 307, 308):
            # Not followed: the key travels in a header that httpx would hand to any other host.
            raise self._moved(response.headers.get("location", ""), status, call.endpoint)
        if not response.is_json or not isinstance(data, dict):
            if response.is_json and 200 <= status < 300:
                raise ProtocolError(SERVICE, protocol_message(SERVICE), status=status, detail=f"{call.endpoint}")
            raise self._not_an_account(status, response.content_type)
        if status < 400 and data.get("success") is not False:
            return data
        message = str(data.get("errorMsg") or "")
        errors = _field_errors(data.get("errors"))
        detail = f"{call.endpoint}: HTTP {status} {message}"
        lowered = message.lower()
        if "apikey" in lowered or status == 401:
            raise SettingsError(
                SERVICE,
                "RetailCRM не принял API-ключ. Скопируйте ключ заново в RetailCRM "
                f"({API_KEYS_PAGE}) и вставьте его в настройки Связки.",
                reason="bad_credentials",
                status=status,
                detail=detail,
            )
        if "access denied" in lowered or status == 403:
            raise self._access_denied(call.method, path, status, detail)
        if "account does not exist" in lowered or "account is not found" in lowered:
            raise self._not_an_account(status, response.content_type, detail)
        if "api method not found" in lowered:
            raise SettingsError(
                SERVICE,
                f"По адресу {self.account_url} RetailCRM не понимает запросы API v5. "
                "Проверьте адрес аккаунта в настройках.",
                reason="not_service",
                status=status,
                detail=detail,
            )
        if status == 404:
            if missing_ok:
                return None
            raise NotFound(
                SERVICE, "RetailCRM не нашёл запрошенную запись: возможно, её удалили.", status=status, detail=detail
            )
        raise RemoteValidationError(
            SERVICE,
            validation_message(SERVICE, errors, "" if errors else message),
            status=status,
            detail=detail,
            errors=errors,
        )

    def _moved(self, location: str, status: int, endpoint: str) -> SettingsError:
        try:
            target = normalize_account_url(location) if "://" in location else ""
        except SettingsError:
            target = ""
        where = f" на {target}" if target and target != self.account_url else ""
        return SettingsError(
            SERVICE,
            f"Адрес {self.account_url} переадресует запросы{where}. Укажите в настройках точный адрес аккаунта "
            "RetailCRM (его видно в строке браузера, когда вы вошли в RetailCRM).",
            reason="not_found",
            status=status,
            detail=f"{endpoint}: HTTP {status} redirect",
        )

    def _not_an_account(self, status: int, content_type: str, detail: str = "") -> SettingsError:
        return SettingsError(
            SERVICE,
            f"По адресу {self.account_url} не найден аккаунт RetailCRM. Проверьте адрес в настройках: "
            "он выглядит как https://вашмагазин.retailcrm.ru.",
            reason="not_found",
            status=status,
            detail=detail or f"HTTP {status}, {content_type or 'no content type'}: not a RetailCRM answer",
        )

    def _access_denied(self, method: str, path: str, status: int, detail: str) -> SettingsError:
        scope = _scope_for(method, path)
        site_hint = f" и доступ к магазину {self.site}" if self.site else ""
        if scope:
            area = _SCOPE_AREAS.get(scope.split("_", 1)[0], scope)
            message = (
                f"У API-ключа RetailCRM нет доступа к разделу «{area}»: нужно право {scope}{site_hint}. "
                f"Включите его для ключа в RetailCRM ({API_KEYS_PAGE}) и сохраните."
            )
        else:
            message = (
                "RetailCRM запретил этот запрос для вашего API-ключа. Проверьте права ключа"
                f"{site_hint} в RetailCRM ({API_KEYS_PAGE})."
            )
        return SettingsError(
            SERVICE,
            message,
            reason="no_access",
            status=status,
            detail=detail,
            missing_scopes=(scope,) if scope else (),
        )

    def _pages(
        self,
        path: str,
        key: str,
        params: Sequence[tuple[str, str]],
        limit: int,
        *,
        limit_attr: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every row of a paged list. With ``limit_attr`` (the attribute holding an undocumented page size
        above 100), a 400 about ``limit`` drops that attribute to :data:`DOCUMENTED_PAGE` and the walk goes
        on from the first row not yet yielded."""
        page, skip, seen = 1, 0, 0
        while True:
            try:
                data = self._get_ok(path, [*params, ("limit", str(limit)), ("page", str(page))])
            except RemoteValidationError as exc:
                if limit_attr is None or limit <= DOCUMENTED_PAGE or not _about_limit(exc):
                    raise
                limit = self._fall_back(limit_attr, limit, path, exc)
                page, skip = divmod(seen, limit)
                page += 1
                continue
            rows = as_list(data.get(key))
            for row in rows[skip:]:
                seen += 1
                yield as_map(row)
            skip = 0
            total_pages = integer(as_map(data.get("pagination")).get("totalPageCount"))
            if not rows or total_pages is None or page >= total_pages:
                return
            page += 1

    def _fall_back(self, limit_attr: str, limit: int, path: str, exc: RemoteValidationError) -> int:
        with self._limit_lock:
            if getattr(self, limit_attr) > DOCUMENTED_PAGE:
                setattr(self, limit_attr, DOCUMENTED_PAGE)
                _log.warning(
                    "%s refused limit=%d (%s); paging by %d from now on", path, limit, exc.detail, DOCUMENTED_PAGE
                )
        return DOCUMENTED_PAGE

    @staticmethod
    def _filter(values: Mapping[str, Any] | None) -> list[tuple[str, str]]:
        return php_params({"filter": dict(values)}) if values else []

    def _site_form(self, site: str | None) -> dict[str, str]:
        chosen = site or self.site
        return {"site": chosen} if chosen else {}

    # --- account ----------------------------------------------------------------------------------------
    def api_versions(self) -> list[str]:
        data = self._get_ok("api-versions", versionless=True, endpoint="GET api-versions")
        return [str(v) for v in as_list(data.get("versions"))]

    def credentials(self) -> CredentialsInfo:
        """What the key may do (``/api/credentials``)."""
        data = self._get_ok("credentials", versionless=True, endpoint="GET credentials")
        if not isinstance(data.get("scopes"), list):
            # the real answer always lists the key's scopes (/work/shared/docs/retailcrm-api.md §1, the PHP client's
            # ApiTest fixture); nulls there are not a key without permissions but something else answering
            raise SettingsError(SERVICE, not_api_message(SERVICE, self.account_url), reason="not_service",
                                detail="GET credentials: no scopes array")
        return CredentialsInfo(
            scopes=frozenset(str(s) for s in as_list(data.get("scopes"))),
            site_access=str(data.get("siteAccess") or "access_full"),
            sites=tuple(str(s) for s in as_list(data.get("sitesAvailable"))),
        )

    def check_credentials(self, required_scopes: Iterable[str] = DEFAULT_SCOPES) -> CredentialsInfo:
        """The key's rights; :class:`SettingsError` naming every missing scope (and a site it cannot see)."""
        info = self.credentials()
        missing = tuple(s for s in dict.fromkeys(required_scopes) if s not in info.scopes)
        result = CredentialsInfo(info.scopes, info.site_access, info.sites, missing)
        if missing:
            raise SettingsError(
                SERVICE,
                f"У API-ключа RetailCRM не хватает прав: {', '.join(missing)}. Отметьте их у ключа в RetailCRM "
                f"({API_KEYS_PAGE}), сохраните и проверьте подключение ещё раз.",
                reason="missing_scopes",
                detail=f"missing scopes: {', '.join(missing)}",
                missing_scopes=missing,
            )
        if self.site and info.site_access == "access_selective" and self.site not in info.sites:
            raise SettingsError(
                SERVICE,
                f"API-ключ RetailCRM не видит магазин «{self.site}». Дайте ключу доступ к этому магазину "
                f"в RetailCRM ({API_KEYS_PAGE}) или выберите другой магазин.",
                reason="no_access",
                detail=f"site {self.site!r} not in sitesAvailable",
            )
        return result

    # --- references -------------------------------------------------------------------------------------
    def _reference(self, name: str, key: str) -> list[dict[str, Any]]:
        data = self._get_ok(f"reference/{name}")
        return [as_map(v) for v in as_list(require(data, key, SERVICE, f"reference/{name}"))]

    def sites(self) -> list[Site]:
        return [Site.from_api(r) for r in self._reference("sites", "sites")]

    def stores(self) -> list[Store]:
        return [Store.from_api(r) for r in self._reference("stores", "stores")]

    def price_types(self) -> list[PriceType]:
        return [PriceType.from_api(r) for r in self._reference("price-types", "priceTypes")]

    def statuses(self) -> list[Status]:
        return [Status.from_api(r) for r in self._reference("statuses", "statuses")]

    def status_groups(self) -> list[StatusGroup]:
        return [StatusGroup.from_api(r) for r in self._reference("status-groups", "statusGroups")]

    def delivery_types(self) -> list[DeliveryType]:
        return [DeliveryType.from_api(r) for r in self._reference("delivery-types", "deliveryTypes")]

    def payment_types(self) -> list[PaymentType]:
        return [PaymentType.from_api(r) for r in self._reference("payment-types", "paymentTypes")]

    def order_methods(self) -> list[OrderMethod]:
        return [OrderMethod.from_api(r) for r in self._reference("order-methods", "orderMethods")]

    # --- orders -----------------------------------------------------------------------------------------
    def iter_orders(self, filter: Mapping[str, Any] | None = None) -> Iterator[Order]:
        """Every order matching ``filter`` (``{"extendedStatus": [...], "createdAtFrom": date, ...}``)."""
        for row in self._pages("orders", "orders", self._filter(filter), self.page_limit):
            yield Order.from_api(row)

    def get_order(self, identifier: int | str, *, by: str = "externalId", site: str | None = None) -> Order | None:
        """One order by ``externalId`` (default) or internal ``id``; None when there is none."""
        params = [("by", by), *self._site_form(site).items()]
        data = self._get(
            f"orders/{quote(str(identifier), safe='')}", params, endpoint="GET orders/{id}", missing_ok=True
        )
        if data is None:
            return None
        return Order.from_api(as_map(require(data, "order", SERVICE, "orders/{id}")))

    def create_order(self, order: Mapping[str, Any], *, site: str | None = None) -> Order:
        """Create an order. Never re-sent once it may have arrived: on :class:`MaybeApplied` look it up
        by its ``externalId`` (``get_order(external_id)``) before trying again."""
        label = order.get("externalId") or order.get("number") or ""
        data = self._post(
            "orders/create",
            {"order": json_text(order), **self._site_form(site)},
            safety=Safety.CREATE_ONCE,
            what=f"заказа {label}".strip(),
        )
        if isinstance(data.get("order"), Mapping):
            return Order.from_api(data["order"])
        order_id = integer(require(data, "id", SERVICE, "orders/create"))
        found = self.get_order(order_id or 0, by="id", site=site)
        if found is None:
            raise ProtocolError(SERVICE, protocol_message(SERVICE), detail="created order not found by id")
        return found

    def edit_order(
        self,
        identifier: int | str,
        changes: Mapping[str, Any],
        *,
        by: str = "externalId",
        site: str | None = None,
    ) -> Order:
        """Change the given fields of an order (``by`` = ``"externalId"`` or ``"id"``)."""
        data = self._post(
            f"orders/{quote(str(identifier), safe='')}/edit",
            {"order": json_text(changes), "by": by, **self._site_form(site)},
            endpoint="POST orders/{id}/edit",
        )
        if isinstance(data.get("order"), Mapping):
            return Order.from_api(data["order"])
        found = self.get_order(identifier, by=by, site=site)
        if found is None:
            raise NotFound(SERVICE, "RetailCRM не нашёл изменённый заказ.", detail="order vanished after edit")
        return found

    def edit_order_status(
        self, identifier: int | str, status: str, *, by: str = "id", site: str | None = None
    ) -> Order:
        return self.edit_order(identifier, {"status": status}, by=by, site=site)

    def orders_statuses(
        self, ids: Iterable[int] = (), external_ids: Iterable[str] = (), *, chunk: int = 100
    ) -> list[OrderStatusInfo]:
        """Current status of known orders (cheap polling); split into requests of ``chunk`` ids."""
        keys = [("ids[]", str(i)) for i in ids] + [("externalIds[]", str(e)) for e in external_ids]
        result: list[OrderStatusInfo] = []
        for part in _chunks(keys, chunk):
            data = self._get_ok("orders/statuses", part)
            result += [OrderStatusInfo.from_api(as_map(r)) for r in as_list(data.get("orders"))]
        return result

    def iter_order_history(self, since_id: int = 0, *, limit: int | None = None) -> Iterator[HistoryRecord]:
        """Every change after history record ``since_id``, oldest first.

        Walks by ``filter[sinceId]`` (never by page) until an empty answer, or until the service says the
        answer held its last page, so records appended meanwhile are picked up on the next call.
        """
        last = since_id
        page_limit = limit or self.page_limit
        while True:
            data = self._get_ok(
                "orders/history",
                [("filter[sinceId]", str(last)), ("limit", str(page_limit))],
            )
            records = [HistoryRecord.from_api(as_map(r)) for r in as_list(data.get("history"))]
            yield from records
            if not records:
                return
            newest = max(r.id for r in records)
            if newest <= last:
                raise ProtocolError(
                    SERVICE, protocol_message(SERVICE), detail="orders/history did not move past sinceId"
                )
            last = newest
            total_pages = integer(as_map(data.get("pagination")).get("totalPageCount"))
            if total_pages is not None and total_pages <= 1:
                return

    def newest_order_history_id(self) -> int:
        """The id of the newest ``orders/history`` record (0 when there is none), in at most two requests.

        History is listed oldest first, so the first page at the smallest page size tells how many pages
        there are, and the newest record is on the last one. Records added between the two requests only
        push the answer forward, never past a record the caller has not seen.
        """
        params = [("limit", str(SMALLEST_PAGE))]
        first = self._get_ok("orders/history", params)
        ids = [r.id for r in (HistoryRecord.from_api(as_map(x)) for x in as_list(first.get("history")))]
        if not ids:
            return 0
        total_pages = integer(as_map(first.get("pagination")).get("totalPageCount")) or 1
        if total_pages > 1:
            last = self._get_ok("orders/history", [*params, ("page", str(total_pages))])
            ids += [r.id for r in (HistoryRecord.from_api(as_map(x)) for x in as_list(last.get("history")))]
        return max(ids)

    # --- customers --------------------------------------------------------------------------------------
    def iter_customers(self, filter: Mapping[str, Any] | None = None) -> Iterator[Customer]:
        for row in self._pages("customers", "customers", self._filter(filter), self.page_limit):
            yield Customer.from_api(row)

    def get_customer(
        self, identifier: int | str, *, by: str = "externalId", site: str | None = None
    ) -> Customer | None:
        params = [("by", by), *self._site_form(site).items()]
        data = self._get(
            f"customers/{quote(str(identifier), safe='')}", params, endpoint="GET customers/{id}", missing_ok=True
        )
        if data is None:
            return None
        return Customer.from_api(as_map(require(data, "customer", SERVICE, "customers/{id}")))

    def create_customer(self, customer: Mapping[str, Any], *, site: str | None = None) -> int:
        """Create a customer; returns its id. Like :meth:`create_order`, never re-sent blindly."""
        label = customer.get("externalId") or customer.get("email") or ""
        data = self._post(
            "customers/create",
            {"customer": json_text(customer), **self._site_form(site)},
            safety=Safety.CREATE_ONCE,
            what=f"клиента {label}".strip(),
        )
        return integer(require(data, "id", SERVICE, "customers/create")) or 0

    # --- catalog ----------------------------------------------------------------------------------------
    def iter_offers(self, filter: Mapping[str, Any] | None = None) -> Iterator[Offer]:
        rows = self._pages(
            "store/offers", "offers", self._filter(filter), self.catalog_page_limit, limit_attr="catalog_page_limit"
        )
        for row in rows:
            yield Offer.from_api(row)

    def get_offer(self, offer_id: int) -> Offer | None:
        """One offer by id (``GET store/offers?filter[ids][]=…``, retailcrm-api.md: OfferFilterType); None when
        the account has none with that id."""
        return next((o for o in self.iter_offers({"ids": [offer_id]}) if o.id == offer_id), None)

    def iter_products(self, filter: Mapping[str, Any] | None = None) -> Iterator[Product]:
        rows = self._pages(
            "store/products", "products", self._filter(filter), self.catalog_page_limit,
            limit_attr="catalog_page_limit",
        )
        for row in rows:
            yield Product.from_api(row)

    def iter_inventories(
        self, filter: Mapping[str, Any] | None = None, *, details: bool = True
    ) -> Iterator[InventoryOffer]:
        """Stock of every offer; ``details`` adds the per-store breakdown."""
        values = dict(filter or {})
        if details:
            values["details"] = True
        rows = self._pages(
            "store/inventories", "offers", self._filter(values), self.inventory_page_limit,
            limit_attr="inventory_page_limit",
        )
        for row in rows:
            yield InventoryOffer.from_api(row)

    def iter_product_groups(self, filter: Mapping[str, Any] | None = None) -> Iterator[ProductGroup]:
        for row in self._pages("store/product-groups", "productGroup", self._filter(filter), self.page_limit):
            yield ProductGroup.from_api(row)

    def create_product_group(self, group: Mapping[str, Any], *, site: str | None = None) -> int:
        """Create a product group (``{"name", "externalId", "parentId"|"parentExternalId", ...}``)."""
        body = dict(group)
        if "site" not in body and (site or self.site):
            body["site"] = site or self.site
        data = self._post(
            "store/product-groups/create",
            {"productGroup": json_text(body)},
            safety=Safety.CREATE_ONCE,
            what=f"группы товаров {body.get('name', '')}".strip(),
        )
        return integer(require(data, "id", SERVICE, "store/product-groups/create")) or 0

    def products_batch_create(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult:
        """Create products, ``products_batch_size`` per request. Never re-sent blindly (look up by
        ``externalId`` after :class:`MaybeApplied`)."""
        return self._products_batch("store/products/batch/create", products, Safety.CREATE_ONCE)

    def products_batch_edit(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult:
        return self._products_batch("store/products/batch/edit", products, Safety.IDEMPOTENT)

    def _products_batch(self, path: str, products: Sequence[Mapping[str, Any]], safety: Safety) -> ProductBatchResult:
        processed, batches = 0, 0
        added: list[int] = []
        not_found: list[Mapping[str, Any]] = []
        for batch in _chunks(list(products), self.products_batch_size):
            data = self._post(path, {"products": json_text(list(batch))}, safety=safety, what="товаров")
            batches += 1
            processed += integer(data.get("processedProductsCount")) or 0
            added += [i for i in (integer(x) for x in as_list(data.get("addedProducts"))) if i is not None]
            not_found += [as_map(x) for x in as_list(data.get("notFoundProducts"))]
        return ProductBatchResult(processed, tuple(added), tuple(not_found), batches)

    # --- stock and prices -------------------------------------------------------------------------------
    def upload_inventories(
        self, offers: Sequence[InventoryUpdate | Mapping[str, Any]], *, site: str | None = None
    ) -> UploadResult:
        """Set stock (and purchase prices) per store, ``upload_batch_size`` offers per request.

        Offers the service does not know come back in ``not_found`` (nothing is created for them).
        """
        payload = [self._inventory_json(o) for o in offers]
        return self._upload("store/inventories/upload", "offers", payload, self._site_form(site))

    def upload_prices(self, prices: Sequence[PriceUpdate | Mapping[str, Any]]) -> UploadResult:
        """Set prices by price type code (``None`` removes a price), ``upload_batch_size`` per request."""
        payload = [self._price_json(p) for p in prices]
        return self._upload("store/prices/upload", "prices", payload, {})

    def _upload(self, path: str, field: str, payload: list[dict[str, Any]], extra: Mapping[str, str]) -> UploadResult:
        processed, batches = 0, 0
        not_found: list[OfferRef] = []
        for batch in _chunks(payload, self.upload_batch_size):
            data = self._post(path, {field: json_text(list(batch)), **extra})
            batches += 1
            processed += integer(data.get("processedOffersCount")) or 0
            not_found += [OfferRef.from_api(x) for x in as_list(data.get("notFoundOffers"))]
        return UploadResult(processed, tuple(not_found), batches)

    @staticmethod
    def _inventory_json(item: InventoryUpdate | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, Mapping):
            return dict(item)
        stores = []
        for level in item.stores:
            entry: dict[str, Any] = {"code": level.code, "available": _quantity(level.available)}
            if level.purchase_price is not None:
                entry["purchasePrice"] = rub_to_json(level.purchase_price)
            stores.append(entry)
        return {**item.offer.to_api(), "stores": stores}

    def _price_json(self, item: PriceUpdate | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, Mapping):
            return dict(item)
        entry: dict[str, Any] = item.offer.to_api()
        site = item.site or (self.site if item.offer.id is None and item.offer.xml_id is None else None)
        if site:
            entry["site"] = site
        entry["prices"] = [
            {"code": code, "remove": True} if price is None else {"code": code, "price": rub_to_json(price)}
            for code, price in item.prices.items()
        ]
        return entry
