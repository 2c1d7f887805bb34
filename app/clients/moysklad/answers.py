"""How a final MoySklad answer becomes data, or the error a shop owner can act on (:class:`AnswerMapper`):
wrong token, locked API, missing rights, not MoySklad at that address, a refused item.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from app.clients.errors import (
    FieldError,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    SettingsError,
    protocol_message,
    redirect_message,
    validation_message,
)
from app.clients.http import ApiResponse, Call
from app.clients.moysklad.constants import DEFAULT_BASE_URL, SERVICE
from app.clients.parsing import as_list, as_map, integer, text


def field_errors(raw: Any) -> list[FieldError]:
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


def _foreign_location(base_url: str, response: ApiResponse) -> str:
    """The host of a redirect that was not followed (writes are never), when it leaves the API's host."""
    if response.status not in (301, 302, 303, 307, 308):
        return ""
    target = httpx.URL(base_url).join(response.headers.get("location", ""))
    base = httpx.URL(base_url)
    if (target.host, target.port) == (base.host, base.port):
        return ""
    return f"{target.host}:{target.port}" if target.port else str(target.host)


class AnswerMapper:
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
        errors = field_errors(data) if isinstance(data, Mapping) else []
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
