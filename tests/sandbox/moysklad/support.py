"""Helpers shared by the MoySklad emulator tests (imported relatively, not a conftest)."""

from __future__ import annotations

import http.client
from typing import Any

import httpx

API = "/api/remap/1.2"
ACCEPT = "application/json;charset=utf-8"


def client(base_url: str, token: str, **headers: str) -> httpx.Client:
    """An httpx client as Svyazka's MoySklad client would configure it (gzip via httpx's default)."""
    return httpx.Client(
        base_url=base_url + API,
        headers={"Accept": ACCEPT, "Authorization": f"Bearer {token}", **headers},
        timeout=30,
    )


def raw_get(host: str, port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    """A GET with exactly these headers (httpx always adds Accept-Encoding; http.client adds nothing)."""
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest("GET", API + path, skip_accept_encoding=True)
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        conn.close()


def ref(base: str, path: str, type_name: str) -> dict[str, Any]:
    """``{"meta": {...}}`` for a request body; ``base`` is the client's base URL (…/api/remap/1.2)."""
    return {"meta": {"href": f"{base}/{path}", "type": type_name, "mediaType": "application/json"}}


def error_codes(response: httpx.Response) -> list[int]:
    return [e.get("code") for e in response.json()["errors"]]


def rate_headers(headers: Any) -> dict[str, str]:
    names = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-lognex-retry-timeinterval", "x-lognex-reset",
             "x-lognex-retry-after")
    return {name: headers[name] for name in names if name in headers}


class Catalog:
    """The seeded references a document needs, read once through the API."""

    def __init__(self, api: httpx.Client) -> None:
        self.organization: dict[str, Any] = api.get("/entity/organization").json()["rows"][0]
        self.agents: list[dict[str, Any]] = api.get("/entity/counterparty").json()["rows"]
        self.stores: list[dict[str, Any]] = api.get("/entity/store").json()["rows"]
        self.states: list[dict[str, Any]] = api.get("/entity/customerorder/metadata").json()["states"]
        self.demand_states: list[dict[str, Any]] = api.get("/entity/demand/metadata").json()["states"]
        self.products: list[dict[str, Any]] = [
            p for p in api.get("/entity/product").json()["rows"] if p["variantsCount"] == 0
        ]
        self.variants: list[dict[str, Any]] = api.get("/entity/variant").json()["rows"]

    def order(self, items: list[tuple[dict[str, Any], float, float, float]], *, store: int | None = 0,
              agent: int = 0, **extra: Any) -> dict[str, Any]:
        """A customer-order body; items are (product or variant, quantity, price in kopecks, reserve)."""
        body: dict[str, Any] = {
            "organization": {"meta": self.organization["meta"]},
            "agent": {"meta": self.agents[agent]["meta"]},
            "positions": [position(item, quantity, price, reserve) for item, quantity, price, reserve in items],
            **extra,
        }
        if store is not None:
            body["store"] = {"meta": self.stores[store]["meta"]}
        return body


def position(item: dict[str, Any], quantity: float, price: float, reserve: float | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"quantity": quantity, "price": price, "assortment": {"meta": item["meta"]}}
    if reserve is not None:
        result["reserve"] = reserve
    return result
