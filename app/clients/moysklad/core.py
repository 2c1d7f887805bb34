"""The MoySklad client's core: the token, the HTTP transport behind the pacing gate
(:class:`app.clients.pacing.MoySkladGate`), answer mapping, and entity references for request bodies.
The operations live in :mod:`.reads`, :mod:`.stream`, :mod:`.documents` and :mod:`.reports`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, Self

import httpx

from app.clients.credentials import check_header_secret
from app.clients.errors import ProtocolError, SettingsError, protocol_message, register_secret
from app.clients.http import ApiResponse, Call, HttpCore
from app.clients.moysklad.answers import AnswerMapper
from app.clients.moysklad.constants import ACCEPT, DEFAULT_BASE_URL, MAX_PAGE, SERVICE, STOCK_REPORT_PATHS
from app.clients.pacing import MoySkladGate, MoySkladLimits
from app.clients.parsing import as_map, text
from app.clients.retry import RejectionBudget, RetryPolicy
from app.clients.urls import normalize_moysklad_url

_log = logging.getLogger("app.clients.moysklad")


def weight_class(path: str) -> str:
    """``stock_report`` for the two heavy stock reports (not their ``/current`` variants), else default."""
    clean = path.split("?", 1)[0].strip("/")
    return "stock_report" if clean in STOCK_REPORT_PATHS else "default"


def normalize_base_url(base_url: str) -> str:
    """The API address to talk to: the default when empty, else without user info, query or fragment, and
    ``https`` for any host that is not this computer (:func:`app.clients.urls.normalize_moysklad_url`)."""
    url = (base_url or "").strip()
    if not url:
        return DEFAULT_BASE_URL
    return normalize_moysklad_url(url)


class MoySkladCore:
    """Token, transport and references; the base of every operation module."""

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

    def __enter__(self) -> Self:
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
            data = AnswerMapper(http.base_url).result(call, http.send(call))
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
        return AnswerMapper(self.base_url).result(
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
