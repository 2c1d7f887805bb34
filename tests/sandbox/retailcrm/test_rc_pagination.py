"""limit/page validation and the pagination object."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("limit", [20, 50, 100])
def test_documented_limits(api, limit: int) -> None:
    body = api.get("/api/v5/orders", params={"limit": limit}).json()
    assert body["pagination"]["limit"] == limit
    assert len(body["orders"]) == min(limit, body["pagination"]["totalCount"])


@pytest.mark.parametrize("limit", ["10", "0", "-20", "abc", "1000", "250"])
def test_other_limits_are_refused_on_orders(api, limit: str) -> None:
    response = api.get("/api/v5/orders", params={"limit": limit})
    assert response.status_code == 400
    body = response.json()
    assert body["errorMsg"] == "Errors in the input parameters"
    assert "limit" in body["errors"]


@pytest.mark.parametrize("path", ["/api/v5/store/inventories", "/api/v5/store/offers", "/api/v5/store/products"])
def test_250_is_accepted_on_store_lists(api, path: str) -> None:
    response = api.get(path, params={"limit": 250})
    assert response.status_code == 200
    assert response.json()["pagination"]["limit"] == 250


@pytest.mark.parametrize("path", ["/api/v5/customers", "/api/v5/orders/history", "/api/v5/store/product-groups"])
def test_250_is_refused_elsewhere(api, path: str) -> None:
    assert api.get(path, params={"limit": 250}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v5/store/offers", "/api/v5/store/products"])
def test_250_on_catalog_lists_can_be_refused_like_any_bad_limit(api, emulator, path: str) -> None:
    emulator.config.limit_250_on_catalog_lists = False
    response = api.get(path, params={"limit": 250})
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert body["errorMsg"] == "Errors in the input parameters"
    assert "limit" in body["errors"]
    assert api.get(path, params={"limit": 100}).json()["pagination"]["limit"] == 100
    # /store/inventories keeps 250: official modules page it by 250 (retailcrm-api.md §3)
    assert api.get("/api/v5/store/inventories", params={"limit": 250}).status_code == 200


def test_250_everywhere_is_configurable(api, emulator) -> None:
    emulator.config.limit_250_everywhere = True
    assert api.get("/api/v5/orders", params={"limit": 250}).json()["pagination"]["limit"] == 250


@pytest.mark.parametrize("page", ["0", "-1", "x"])
def test_bad_page(api, page: str) -> None:
    response = api.get("/api/v5/orders", params={"page": page})
    assert response.status_code == 400
    assert "page" in response.json()["errors"]


def test_default_limit_and_page(api) -> None:
    pagination = api.get("/api/v5/customers").json()["pagination"]
    assert pagination["limit"] == 20 and pagination["currentPage"] == 1


def test_walking_pages_visits_every_order_once_newest_first(api, emulator) -> None:
    total = len(emulator.state.orders())
    seen: list[int] = []
    page = 1
    while True:
        body = api.get("/api/v5/orders", params={"limit": 20, "page": page}).json()
        pagination = body["pagination"]
        assert pagination["totalCount"] == total
        assert pagination["totalPageCount"] == -(-total // 20)
        seen.extend(o["id"] for o in body["orders"])
        if page >= pagination["totalPageCount"]:
            break
        page += 1
    assert page > 1
    assert len(seen) == len(set(seen)) == total
    assert seen == sorted(seen, reverse=True)


def test_page_past_the_end_is_empty(api) -> None:
    body = api.get("/api/v5/orders", params={"page": 999}).json()
    assert body["orders"] == [] and body["pagination"]["currentPage"] == 999


def test_empty_result_pagination(api) -> None:
    body = api.get("/api/v5/orders", params={"filter[numbers][]": "no-such"}).json()
    assert body["pagination"] == {"limit": 20, "totalCount": 0, "currentPage": 1, "totalPageCount": 0}
