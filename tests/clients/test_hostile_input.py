"""Issue 12, attacks through what the user types: credentials in the MoySklad address, a token over plain HTTP,
keys that can't be keys. Real emulators on 127.0.0.1; a recording transport sees what would leave the computer."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest

from app.clients.errors import SettingsError
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.sandbox.core import EmulatorServer, RequestLog
from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop

from .conftest import fast_retry

API = "/api/remap/1.2"


class RecordingTransport(httpx.HTTPTransport):
    """The real transport, remembering every request it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return super().handle_request(request)


class Refusing(httpx.BaseTransport):
    """Stands where the internet would be: records the request and answers nothing useful."""

    def __init__(self) -> None:
        self.sent: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(503, request=request)


@pytest.fixture(scope="module")
def ms(shop: Shop) -> Iterator[EmulatorServer]:
    with EmulatorServer(MoySkladEmulator(shop), log=RequestLog()) as server:
        yield server


@pytest.fixture(scope="module")
def rc(shop: Shop) -> Iterator[EmulatorServer]:
    with EmulatorServer(RetailCrmEmulator(shop), log=RequestLog()) as server:
        yield server


def test_a_password_in_the_moysklad_address_is_never_sent_as_basic_auth(ms):
    token = ms.emulator.token  # type: ignore[attr-defined]
    host = ms.base_url.split("://", 1)[1]
    transport = RecordingTransport()
    pasted = f"http://user%40x:PASSWORD-in-url@{host}{API}/?secret=QUERY-in-url#frag"
    with MoySkladClient(token, base_url=pasted, transport=transport, retry=fast_retry()) as client:
        assert client.base_url == ms.base_url + API
        assert client.check_access().login  # the token, not the password, opened the door
    assert transport.sent
    for request in transport.sent:
        assert request.headers["authorization"] == f"Bearer {token}"
        assert "PASSWORD-in-url" not in str(request.url) and "QUERY-in-url" not in str(request.url)
        assert request.url.userinfo == b""
    assert "PASSWORD-in-url" not in repr(client)


def test_obtain_token_ignores_a_password_in_the_address(ms):
    emulator = ms.emulator
    host = ms.base_url.split("://", 1)[1]
    transport = RecordingTransport()
    token = MoySkladClient.obtain_token(
        emulator.login,  # type: ignore[attr-defined]
        emulator.password,  # type: ignore[attr-defined]
        base_url=f"http://intruder:other-password@{host}{API}",
        transport=transport,
        retry=fast_retry(),
    )
    assert token
    sent = httpx.BasicAuth(emulator.login, emulator.password)  # type: ignore[attr-defined]
    expected = next(sent.auth_flow(httpx.Request("POST", "http://x"))).headers["authorization"]
    assert [r.headers["authorization"] for r in transport.sent] == [expected]


@pytest.mark.parametrize(
    "pasted",
    [
        "http://ms.example.test/api/remap/1.2",
        "http://api.moysklad.ru/api/remap/1.2",
        "http://localtest.me/api/remap/1.2",  # a name resolving to 127.0.0.1 is still not this computer
        "http://127.0.0.1.nip.io/api/remap/1.2",
        "http://[::ffff:127.0.0.1]/api/remap/1.2",
        "http://10.0.0.5:8080/api/remap/1.2",
    ],
)
def test_the_moysklad_token_never_goes_over_plain_http_to_another_host(pasted):
    transport = Refusing()
    with MoySkladClient("t" * 40, base_url=pasted, transport=transport, retry=fast_retry(attempts=1)) as client:
        assert client.base_url.startswith("https://")
        with pytest.raises(Exception):  # noqa: B017 - whatever the refusal becomes; only the scheme matters
            client.check_access()
    assert transport.sent and all(r.url.scheme == "https" for r in transport.sent)


@pytest.mark.parametrize("pasted", ["http://127.0.0.2:9/api/remap/1.2", "http://localhost:9/x", "http://[::1]:9/x"])
def test_plain_http_is_kept_for_this_computer_only(pasted):
    with MoySkladClient("t" * 40, base_url=pasted) as client:
        assert client.base_url.startswith("http://")
    with RetailCrmClient(pasted, "k" * 32) as rc_client:
        assert rc_client.account_url.startswith("http://")


@pytest.mark.parametrize(
    "pasted",
    ["javascript:alert(1)", "javascript://api.moysklad.ru/x", "https://🛒.moysklad.ru/api/remap/1.2",
     "ftp://api.moysklad.ru/api/remap/1.2", "https://xn--ls8h.ru/api/remap/1.2"],
)
def test_an_address_that_is_not_one_is_a_settings_error(pasted):
    with pytest.raises(SettingsError) as caught:
        MoySkladClient("t" * 40, base_url=pasted)
    assert caught.value.reason == "bad_url" and "МойСклад" in caught.value.message


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("ключ-из-письма-1234567890", "русские буквы"),
        ("abcdef0123456789\nabcdef0123456789", "перенос строки"),
        ("abcdef0123456789 abcdef0123456789", "пробел"),
        ("abcdef0123456789\x00abcdef", "управляющий символ"),
    ],
)
def test_a_key_that_cannot_travel_in_a_header_is_refused_at_once(rc, ms, key, said):
    rc.log.clear()
    ms.log.clear()
    started = time.monotonic()
    with pytest.raises(SettingsError) as rc_error:
        RetailCrmClient(rc.base_url, key, retry=fast_retry())
    with pytest.raises(SettingsError) as ms_error:
        MoySkladClient(key, base_url=ms.base_url + API, retry=fast_retry())
    assert time.monotonic() - started < 1  # no retries, no «перегружен» after 12 s
    for caught, service in ((rc_error, "RetailCRM"), (ms_error, "МойСклад")):
        error = caught.value
        assert error.reason == "bad_credentials" and service in error.message and said in error.message
        assert key not in str(error) and "перегружен" not in error.message
    assert len(rc.log) == 0 and len(ms.log) == 0  # nothing was sent
