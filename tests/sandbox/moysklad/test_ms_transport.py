"""Transport gates: gzip is mandatory (415, empty body), Accept is strict (400/1062), headers on every answer."""

from __future__ import annotations

import gzip
import json

import httpx

from app.sandbox.core import EmulatorServer
from app.sandbox.moysklad import MoySkladEmulator

from .support import ACCEPT, error_codes, rate_headers, raw_get


def _auth(emulator: MoySkladEmulator) -> dict[str, str]:
    return {"Authorization": f"Bearer {emulator.token}", "Accept": ACCEPT}


def test_missing_accept_encoding_is_415_with_empty_body(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    status, headers, body = raw_get(server.host, server.port, "/entity/product", _auth(emulator))
    assert status == 415
    assert body == b""
    assert "content-type" not in headers


def test_encodings_without_gzip_are_415(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    for encoding in ("identity", "br", "deflate", "gzip;q=0"):
        status, _, body = raw_get(server.host, server.port, "/entity/product",
                                  {**_auth(emulator), "Accept-Encoding": encoding})
        assert (status, body) == (415, b""), encoding


def test_gzip_body_really_gzipped(server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    status, headers, body = raw_get(server.host, server.port, "/entity/store",
                                    {**_auth(emulator), "Accept-Encoding": "gzip, deflate, br"})
    assert status == 200
    assert headers["content-encoding"] == "gzip"
    assert headers["content-type"] == "application/json;charset=utf-8"
    payload = json.loads(gzip.decompress(body))
    assert payload["meta"]["type"] == "store"


def test_httpx_default_encoding_passes(api: httpx.Client) -> None:
    response = api.get("/entity/store")
    assert response.status_code == 200
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["rows"]


def test_accept_application_json_alone_is_rejected(api: httpx.Client) -> None:
    response = api.get("/entity/store", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert error_codes(response) == [1062]
    error = response.json()["errors"][0]
    assert error["error"].startswith("Неверное значение заголовка 'Accept'")
    assert error["moreInfo"] == "https://dev.moysklad.ru/doc/api/remap/1.2/#error_1062"


def test_plain_json_accept_can_be_allowed(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    emulator.strict_accept = False
    assert api.get("/entity/store", headers={"Accept": "application/json"}).status_code == 200
    assert api.get("/entity/store", headers={"Accept": "text/html"}).status_code == 400


def test_accept_values_that_pass(api: httpx.Client, server: EmulatorServer, emulator: MoySkladEmulator) -> None:
    for accept in ("application/json;charset=utf-8", "application/json; charset=UTF-8", "*/*",
                   "APPLICATION/JSON;CHARSET=UTF-8"):
        assert api.get("/entity/store", headers={"Accept": accept}).status_code == 200, accept
    no_accept = {"Authorization": f"Bearer {emulator.token}", "Accept-Encoding": "gzip"}
    status, _, _ = raw_get(server.host, server.port, "/entity/store", no_accept)
    assert status == 200


def test_other_accept_values_fail(api: httpx.Client) -> None:
    for accept in ("text/html", "application/xml", "application/json, text/plain, */*"):
        response = api.get("/entity/store", headers={"Accept": accept})
        assert (response.status_code, error_codes(response)) == (400, [1062]), accept


def test_rate_headers_on_every_kind_of_answer(api: httpx.Client, server: EmulatorServer,
                                              emulator: MoySkladEmulator) -> None:
    answers = [
        api.get("/entity/store"),
        api.get("/entity/store", headers={"Accept": "text/html"}),
        api.get("/entity/store", headers={"Authorization": "Bearer nope"}),
        api.get("/entity/nothing-here"),
        api.get("/entity/product/00000000-0000-4000-8000-000000000000"),
    ]
    for response in answers:
        headers = rate_headers(response.headers)
        assert headers["x-ratelimit-limit"] == "45", response.status_code
        assert headers["x-lognex-retry-timeinterval"] == "3000"
        assert {"x-ratelimit-remaining", "x-lognex-reset", "x-lognex-retry-after"} <= set(headers)
    _, raw_headers, _ = raw_get(server.host, server.port, "/entity/store", _auth(emulator))
    assert raw_headers["x-ratelimit-limit"] == "45"  # the 415 too


def test_unknown_paths_and_methods(api: httpx.Client) -> None:
    assert error_codes(api.get("/entity/unicorn")) == [1005]
    response = api.get("/nowhere/at/all")
    assert (response.status_code, error_codes(response)) == (404, [1002])
    response = api.patch("/entity/product", json={})
    assert (response.status_code, error_codes(response)) == (405, [1039])
    response = api.delete("/entity/product")
    assert (response.status_code, error_codes(response)) == (405, [1039])


def test_delete_unknown_id_is_404_without_body(api: httpx.Client) -> None:
    response = api.delete("/entity/product/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.content == b""
    assert "content-type" not in response.headers


def test_body_needs_json_content_type(api: httpx.Client) -> None:
    response = api.post("/entity/counterparty", content=b'{"name":"x"}', headers={"Content-Type": "text/plain"})
    assert (response.status_code, error_codes(response)) == (415, [1037])
    response = api.post("/entity/counterparty", content=b'{"name":', headers={"Content-Type": "application/json"})
    assert (response.status_code, error_codes(response)) == (400, [2001])
