"""Auth: Bearer and Basic, 401/1056 with the real service's messages, tokens issued and revoked."""

from __future__ import annotations

import re

import httpx

from app.sandbox.core import EmulatorServer
from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.moysklad.auth import basic_header

from .support import ACCEPT, API, error_codes

WRONG = "Ошибка аутентификации: Неправильный пароль или имя пользователя"
FORMAT = ("Ошибка аутентификации: Неверный формат имени пользователя. Укажите свою учетную запись, "
          "например admin@romashka.")


def _get(server: EmulatorServer, authorization: str | None) -> httpx.Response:
    headers = {"Accept": ACCEPT}
    if authorization is not None:
        headers["Authorization"] = authorization
    return httpx.get(f"{server.base_url}{API}/entity/store", headers=headers)


def _message(response: httpx.Response) -> str:
    assert response.status_code == 401
    assert error_codes(response) == [1056]
    return str(response.json()["errors"][0]["error"])


def test_bearer_and_basic_both_work(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    assert _get(server, f"Bearer {emulator.token}").status_code == 200
    assert _get(server, basic_header(emulator.login, emulator.password)).status_code == 200


def test_wrong_credentials(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    assert _message(_get(server, "Bearer " + "0" * 40)) == WRONG
    response = _get(server, basic_header(emulator.login, "not-the-password"))
    assert _message(response) == WRONG
    assert response.headers["X-Lognex-Auth"] == "401001"
    assert emulator.password not in response.text


def test_malformed_credentials(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    assert _message(_get(server, None)) == FORMAT
    assert _message(_get(server, basic_header("admin", emulator.password))) == FORMAT  # no @account
    assert _message(_get(server, "Basic !!!not-base64!!!")) == FORMAT
    assert _message(_get(server, "Token abc")) == FORMAT
    assert _get(server, None).headers["X-Lognex-Auth"] == "401002"


def test_login_is_case_insensitive(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    assert _get(server, basic_header(emulator.login.upper(), emulator.password)).status_code == 200


def test_new_token_revokes_earlier_ones(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    old = emulator.token
    response = httpx.post(f"{server.base_url}{API}/security/token",
                          headers={"Accept": ACCEPT, "Authorization": basic_header(emulator.login, emulator.password)})
    assert response.status_code == 200
    token = response.json()["access_token"]
    assert re.fullmatch(r"[0-9a-f]{40}", token)
    assert token != old
    assert emulator.token == token
    assert _get(server, f"Bearer {old}").status_code == 401
    assert _get(server, f"Bearer {token}").status_code == 200


def test_token_endpoint_needs_basic(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    response = httpx.post(f"{server.base_url}{API}/security/token",
                          headers={"Accept": ACCEPT, "Authorization": f"Bearer {emulator.token}"})
    assert response.status_code == 401
    response = httpx.get(f"{server.base_url}{API}/security/token",
                         headers={"Accept": ACCEPT, "Authorization": basic_header(emulator.login, emulator.password)})
    assert response.status_code == 405


def test_state_revokes_tokens(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    token = emulator.token
    emulator.state.revoke_tokens()
    assert emulator.token == ""
    assert _get(server, f"Bearer {token}").status_code == 401
    fresh = emulator.state.issue_token()
    assert _get(server, f"Bearer {fresh}").status_code == 200


def test_given_credentials_are_used(shop: object) -> None:
    emulator = MoySkladEmulator(shop, login="boss@romashka", password="secret-1", token="a" * 40)  # type: ignore[arg-type]
    assert (emulator.login, emulator.password, emulator.token) == ("boss@romashka", "secret-1", "a" * 40)
