"""Lists: the envelope, paging across more than 1000 rows, exact page sizes, expand rules, order, search."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.sandbox.core import EmulatorServer
from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.seed import generate_shop

from .support import client, error_codes


@pytest.fixture(scope="module")
def big() -> Iterator[tuple[MoySkladEmulator, httpx.Client]]:
    emulator = MoySkladEmulator(generate_shop(products=1100, orders=0, stores=2, seed=3), rate_limit=False)
    with EmulatorServer(emulator) as running, client(running.base_url, emulator.token) as http:
        yield emulator, http


def test_envelope_shape(api: httpx.Client, base: str) -> None:
    body = api.get("/entity/store").json()
    assert set(body) == {"context", "meta", "rows"}
    assert body["context"]["employee"]["meta"]["href"] == f"{base}/context/employee"
    meta = body["meta"]
    assert meta["href"] == f"{base}/entity/store"
    assert (meta["type"], meta["mediaType"], meta["limit"], meta["offset"]) == ("store", "application/json", 1000, 0)
    assert meta["size"] == len(body["rows"]) == 3
    assert "nextHref" not in meta and "previousHref" not in meta


def test_paging_over_more_than_1000_rows(big: tuple[MoySkladEmulator, httpx.Client]) -> None:
    emulator, http = big
    total = emulator.state.counts()["product"]
    assert total > 1000
    first = http.get("/entity/product", params={"limit": 1000}).json()
    assert first["meta"]["size"] == total
    assert len(first["rows"]) == 1000
    assert "previousHref" not in first["meta"]
    next_query = parse_qs(urlsplit(first["meta"]["nextHref"]).query)
    assert next_query == {"limit": ["1000"], "offset": ["1000"]}
    second = http.get("/entity/product", params={"limit": 1000, "offset": 1000}).json()
    assert len(second["rows"]) == total - 1000
    assert "nextHref" not in second["meta"]
    assert parse_qs(urlsplit(second["meta"]["previousHref"]).query)["offset"] == ["0"]
    ids = [row["id"] for row in first["rows"] + second["rows"]]
    assert len(set(ids)) == total
    # the order is stable: the same request twice gives the same rows
    assert [r["id"] for r in http.get("/entity/product", params={"limit": 1000}).json()["rows"]] == ids[:1000]


def test_following_next_href_walks_everything(big: tuple[MoySkladEmulator, httpx.Client]) -> None:
    emulator, http = big
    url: str | None = "/entity/variant?limit=400&filter=archived=false"
    seen: list[str] = []
    pages = 0
    while url:
        body = http.get(url).json()
        seen += [row["id"] for row in body["rows"]]
        url = body["meta"].get("nextHref")
        if url:
            assert "filter=archived=false" in url  # other parameters are kept
        pages += 1
    assert len(seen) == len(set(seen)) == emulator.state.counts()["variant"]
    assert pages == -(-len(seen) // 400)


def test_default_limit_is_1000(big: tuple[MoySkladEmulator, httpx.Client]) -> None:
    _, http = big
    body = http.get("/entity/product").json()
    assert body["meta"]["limit"] == 1000
    assert len(body["rows"]) == 1000
    assert "nextHref" in body["meta"]


def test_exact_sizes_0_1_1000_1001(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    orders = api.get("/entity/customerorder").json()
    assert (orders["meta"]["size"], orders["rows"]) == (0, [])
    organizations = api.get("/entity/organization").json()
    assert organizations["meta"]["size"] == 1 and len(organizations["rows"]) == 1

    existing = emulator.state.counts()["counterparty"]
    batch = [{"name": f"Покупатель {i}"} for i in range(1000 - existing)]
    assert api.post("/entity/counterparty", json=batch).status_code == 200
    full = api.get("/entity/counterparty", params={"limit": 1000}).json()
    assert full["meta"]["size"] == 1000 and len(full["rows"]) == 1000
    assert "nextHref" not in full["meta"]

    assert api.post("/entity/counterparty", json={"name": "Ещё один"}).status_code == 200
    over = api.get("/entity/counterparty", params={"limit": 1000}).json()
    assert over["meta"]["size"] == 1001 and len(over["rows"]) == 1000
    assert parse_qs(urlsplit(over["meta"]["nextHref"]).query)["offset"] == ["1000"]
    last = api.get(over["meta"]["nextHref"]).json()
    assert [row["name"] for row in last["rows"]] == ["Ещё один"]


def test_previous_href_and_middle_pages(api: httpx.Client) -> None:
    body = api.get("/entity/product", params={"limit": 3, "offset": 10}).json()
    meta = body["meta"]
    assert parse_qs(urlsplit(meta["nextHref"]).query) == {"limit": ["3"], "offset": ["13"]}
    assert parse_qs(urlsplit(meta["previousHref"]).query) == {"limit": ["3"], "offset": ["7"]}
    assert len(body["rows"]) == 3


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 1001}, {"limit": "ten"}, {"offset": -1},
                                    {"offset": "x"}])
def test_bad_limit_or_offset(api: httpx.Client, params: dict[str, Any]) -> None:
    response = api.get("/entity/product", params=params)
    assert response.status_code == 400
    assert error_codes(response) == [1040]
    assert response.json()["errors"][0]["parameter"] in ("limit", "offset")


def test_expand_ignored_without_small_limit(api: httpx.Client) -> None:
    no_limit = api.get("/entity/variant", params={"expand": "product"}).json()["rows"][0]
    assert set(no_limit["product"]) == {"meta"}
    at_1000 = api.get("/entity/variant", params={"expand": "product", "limit": 1000}).json()["rows"][0]
    assert set(at_1000["product"]) == {"meta"}
    at_101 = api.get("/entity/variant", params={"expand": "product", "limit": 101}).json()["rows"][0]
    assert set(at_101["product"]) == {"meta"}


def test_expand_honoured_at_limit_100(api: httpx.Client) -> None:
    row = api.get("/entity/variant", params={"expand": "product", "limit": 100}).json()["rows"][0]
    assert row["product"]["name"] and row["product"]["id"]
    assert row["meta"]["href"].endswith("?expand=product")
    assert "?" not in row["product"]["meta"]["href"]


def test_expand_on_get_by_id_and_nested(api: httpx.Client) -> None:
    variant = api.get("/entity/variant", params={"limit": 1}).json()["rows"][0]
    expanded = api.get(f"/entity/variant/{variant['id']}", params={"expand": "product.productFolder"}).json()
    assert expanded["product"]["productFolder"]["name"]
    assert expanded["product"]["meta"]["href"].endswith("?expand=productFolder")


def test_unsupported_expand_is_1089(api: httpx.Client) -> None:
    response = api.get("/entity/product", params={"expand": "salePrices", "limit": 10})
    assert (response.status_code, error_codes(response)) == (400, [1089])
    product = api.get("/entity/product", params={"limit": 1}).json()["rows"][0]
    response = api.get(f"/entity/product/{product['id']}", params={"expand": "nonsense"})
    assert error_codes(response) == [1089]


def test_order_and_search(api: httpx.Client) -> None:
    names = [r["name"] for r in api.get("/entity/product", params={"order": "name,desc"}).json()["rows"]]
    assert names == sorted(names, key=str.lower, reverse=True)
    codes = [r["code"] for r in api.get("/entity/product", params={"order": "code"}).json()["rows"]]
    assert codes == sorted(codes)
    assert error_codes(api.get("/entity/product", params={"order": "salePrices"})) == [1063]
    assert error_codes(api.get("/entity/product", params={"order": "name,sideways"})) == [1042]

    target = api.get("/entity/product", params={"limit": 1, "offset": 5}).json()["rows"][0]
    found = api.get("/entity/product", params={"search": target["article"].lower()}).json()["rows"]
    assert target["id"] in [r["id"] for r in found]
    assert all(target["article"].lower() in (r["name"] + r["code"] + r.get("article", "")).lower() for r in found)


def test_counterparty_search_by_phone_digits(api: httpx.Client) -> None:
    created = api.post("/entity/counterparty", json={"name": "Телефонный", "phone": "8 (916) 555-12-34"}).json()
    found = api.get("/entity/counterparty", params={"search": "9165551234"}).json()["rows"]
    assert [r["id"] for r in found] == [created["id"]]
