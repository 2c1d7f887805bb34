"""API keys: header (any case), query and form field; missing, wrong and under-scoped keys."""

from __future__ import annotations

import httpx
import pytest

from app.sandbox.retailcrm import RetailCrmConfig, RetailCrmEmulator


@pytest.mark.parametrize("header", ["X-API-KEY", "x-api-key", "X-Api-Key"])
def test_header_in_any_case(server, emulator, header: str) -> None:
    response = httpx.get(server.base_url + "/api/v5/reference/sites", headers={header: emulator.api_key})
    assert response.status_code == 200
    assert response.json()["success"] is True


def test_key_in_query(server, emulator) -> None:
    response = httpx.get(server.base_url + "/api/v5/reference/sites", params={"apiKey": emulator.api_key})
    assert response.status_code == 200


def test_key_in_form_body(server, emulator) -> None:
    response = httpx.post(server.base_url + "/api/v5/orders/1001/edit",
                          data={"apiKey": emulator.api_key, "by": "id", "order": '{"managerComment": "x"}'})
    assert response.status_code == 200, response.text
    assert emulator.state.order(1001)["managerComment"] == "x"


def test_missing_key(server) -> None:
    response = httpx.get(server.base_url + "/api/v5/orders")
    assert response.status_code == 403
    assert response.json() == {"success": False, "errorMsg": '"apiKey" is missing.'}


def test_missing_key_status_is_configurable(shop) -> None:
    from app.sandbox.core import EmulatorServer

    emulator = RetailCrmEmulator(shop, rate_limit=False, config=RetailCrmConfig(missing_key_status=400))
    with EmulatorServer(emulator) as srv:
        assert httpx.get(srv.base_url + "/api/v5/orders").status_code == 400


def test_wrong_key(server) -> None:
    response = httpx.get(server.base_url + "/api/v5/orders", headers={"X-API-KEY": "nope"})
    assert response.status_code == 403
    assert response.json() == {"success": False, "errorMsg": 'Wrong "apiKey" value.'}


def test_wrong_key_never_changes_state(server, emulator) -> None:
    before = emulator.state.counts()
    response = httpx.post(server.base_url + "/api/v5/orders/create", headers={"X-API-KEY": "nope"},
                          data={"order": '{"firstName": "A"}'})
    assert response.status_code == 403
    assert emulator.state.counts() == before


def test_scope_missing_is_access_denied(emulator, make_api) -> None:
    emulator.state.add_api_key("reader", ["order_read", "reference_read"])
    reader = make_api("reader")
    assert reader.get("/api/v5/orders").status_code == 200
    for response in (
        reader.post("/api/v5/orders/1001/edit", by="id", order={"managerComment": "x"}),
        reader.get("/api/v5/store/inventories"),
        reader.get("/api/v5/customers"),
    ):
        assert response.status_code == 403
        assert response.json() == {"success": False, "errorMsg": "Access denied."}


def test_credentials_lists_scopes_and_routes(emulator, make_api) -> None:
    emulator.state.add_api_key("reader", ["order_read", "reference_read"])
    body = make_api("reader").get("/api/credentials").json()
    assert body["success"] is True
    assert body["scopes"] == ["order_read", "reference_read"]
    assert body["siteAccess"] == "access_full"
    assert body["sitesAvailable"] == [emulator.state.site_code()]
    assert "/api/reference/sites" in body["credentials"]  # the deprecated list, as PrestaShop checks it
    assert "/api/orders" in body["credentials"]
    assert "/api/store/inventories/upload" not in body["credentials"]


def test_site_restricted_key(emulator, make_api) -> None:
    emulator.state.add_api_key("other-shop", None, sites=["some-other-site"])
    other = make_api("other-shop")
    creds = other.get("/api/credentials").json()
    assert creds["siteAccess"] == "access_selective"
    assert creds["sitesAvailable"] == []
    assert other.get("/api/v5/orders").json()["pagination"]["totalCount"] == 0
    assert other.get("/api/v5/orders/1001", params={"by": "id"}).status_code == 403


def test_full_key_sees_all_scopes(api) -> None:
    body = api.get("/api/credentials").json()
    for scope in ("order_read", "order_write", "customer_read", "customer_write", "reference_read",
                  "store_read", "store_write"):
        assert scope in body["scopes"]
