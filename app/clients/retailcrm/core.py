"""The RetailCRM client's core: the key, pacing (:class:`RetailCrmGate`, one rolling window per key), the
HTTP transport, and paged lists with the fall-back from an undocumented page size.
The operations live in :mod:`.account`, :mod:`.orders`, :mod:`.catalog` and :mod:`.uploads`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self, TypeVar

import httpx

from app.clients.credentials import check_header_secret
from app.clients.errors import RemoteValidationError, SettingsError, register_secret
from app.clients.http import Call, HttpCore, Rejection
from app.clients.pacing import RollingWindowPacer, Slot
from app.clients.parsing import as_list, as_map, integer
from app.clients.phpquery import php_params
from app.clients.retailcrm.answers import RetailCrmAnswers
from app.clients.retailcrm.constants import API_KEYS_PAGE, DOCUMENTED_PAGE, INVENTORY_PAGE, SERVICE
from app.clients.retry import RejectionBudget, RetryPolicy, Safety
from app.clients.urls import normalize_account_url

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


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), max(1, size)):
        yield items[start : start + size]


def _about_limit(exc: RemoteValidationError) -> bool:
    """A 400 that names the ``limit`` parameter (RetailCRM's envelope for bad GET parameters puts the field in
    ``errors``; retailcrm-api.md §2-3). Anything else about the request is not a page-size problem."""
    if exc.status != 400:
        return False
    if any(e.field and "limit" in e.field.lower() for e in exc.errors):
        return True
    return "limit" in exc.detail.lower() or any("limit" in e.message.lower() for e in exc.errors)


class RetailCrmCore(RetailCrmAnswers):
    """Key, transport and paging; the base of every operation module."""

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

    def __enter__(self) -> Self:
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
