"""How a final RetailCRM answer becomes data, or the error a shop owner can act on: a refused key, a missing
right (named by its scope), a redirect, no account at that address, a missing record, refused fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.clients.errors import (
    FieldError,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    SettingsError,
    protocol_message,
    validation_message,
)
from app.clients.http import ApiResponse, Call
from app.clients.retailcrm.constants import API_KEYS_PAGE, SERVICE
from app.clients.urls import normalize_account_url

_SCOPE_AREAS = {
    "order": "заказы",
    "customer": "клиенты",
    "reference": "справочники",
    "store": "склад и каталог",
    "user": "пользователи",
}


def _scope_for(method: str, path: str) -> str | None:
    """The permission RetailCRM checks for a route (for naming it when access is denied)."""
    section = path.split("/", 1)[0]
    group = {"orders": "order", "customers": "customer", "reference": "reference", "store": "store",
             "users": "user"}.get(section)
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


class RetailCrmAnswers:
    """Answer mapping for a client of one account (``account_url``) and, maybe, one shop (``site``)."""

    account_url: str
    site: str | None

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
