"""Envelopes and status codes: every answer is JSON with `success`, the right status and RetailCRM's texts."""

from __future__ import annotations

import json

import httpx


def test_versionless_methods(api, server) -> None:
    assert api.get("/api/api-versions").json() == {"success": True, "versions": ["3.0", "4.0", "5.0"]}
    info = api.get("/api/system-info").json()
    assert info["success"] is True and info["systemVersion"]
    assert info["publicUrl"] == server.base_url


def test_unknown_route(api) -> None:
    response = api.get("/api/v5/no/such/method")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"success": False, "errorMsg": "API method not found"}


def test_wrong_method_is_405_json(api) -> None:
    response = api.http.delete("/api/v5/orders")
    assert response.status_code == 405
    assert response.json()["success"] is False
    assert response.headers["allow"] == "GET"
    assert api.get("/api/v5/orders/create").status_code == 405  # a literal route owns its path


def test_not_found(api) -> None:
    response = api.get("/api/v5/orders/999999", params={"by": "id"})
    assert response.status_code == 404
    assert response.json() == {"success": False, "errorMsg": "Not found"}
    assert api.get("/api/v5/orders/no-such-external-id").status_code == 404


def test_missing_parameter(api) -> None:
    response = api.post("/api/v5/orders/create", site="x")
    assert response.status_code == 400
    assert response.json() == {"success": False, "errorMsg": "Parameter 'order' is missing"}


def test_json_body_instead_of_form_is_a_missing_parameter(api) -> None:
    # a client that posts JSON (instead of order=<json> in a form) gets what the real API answers
    response = api.http.post("/api/v5/orders/create", json={"order": {"firstName": "A"}})
    assert response.status_code == 400
    assert response.json()["errorMsg"] == "Parameter 'order' is missing"


def test_invalid_json_in_a_field(api) -> None:
    response = api.http.post("/api/v5/orders/create", data={"order": "{not json"})
    assert response.status_code == 400
    body = response.json()
    assert body["success"] is False
    assert "valid JSON" in body["errorMsg"]
    assert "order" in body["errors"]


def test_bracketed_form_fields_instead_of_json_are_refused(api) -> None:
    response = api.http.post("/api/v5/orders/create", data={"order[firstName]": "A"})
    assert response.status_code == 400
    assert "valid JSON" in response.json()["errorMsg"]


def test_validation_error_shape(api) -> None:
    response = api.post("/api/v5/orders/create", order={"status": "no-such-status", "email": "not-an-email"})
    assert response.status_code == 400
    body = response.json()
    assert body["errorMsg"] == "Errors in the entity format"
    assert set(body["errors"]) == {"status", "email"}
    assert all(isinstance(m, str) and m for m in body["errors"].values())


def test_input_parameter_error_shape(api) -> None:
    response = api.get("/api/v5/orders", params={"filter[createdAtFrom]": "01.02.2026"})
    assert response.status_code == 400
    assert response.json()["errorMsg"] == "Errors in the input parameters"
    assert "children[createdAtFrom]" in response.json()["errors"]


def test_create_is_201(api) -> None:
    response = api.post("/api/v5/orders/create", order={"firstName": "Анна", "externalId": "env-201"})
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True and body["id"] == body["order"]["id"]
    customer = api.post("/api/v5/customers/create", customer={"firstName": "Олег"})
    assert customer.status_code == 201


def test_gzip_when_asked(server, emulator) -> None:
    raw = httpx.get(server.base_url + "/api/v5/reference/statuses",
                    headers={"X-API-KEY": emulator.api_key, "Accept-Encoding": "gzip"})
    assert raw.headers.get("content-encoding") == "gzip"
    assert raw.json()["success"] is True


def test_no_nulls_in_order_payloads(api) -> None:
    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                assert item is not None, key
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for order in api.get("/api/v5/orders", params={"limit": 100}).json()["orders"]:
        walk(order)


def test_every_error_is_json_with_success_false(api) -> None:
    for response in (
        api.get("/api/v5/orders", params={"limit": 7}),
        api.get("/api/v5/nope"),
        api.post("/api/v5/orders/1001/edit", by="nonsense", order={}),
        api.post("/api/v5/store/prices/upload"),
    ):
        assert response.status_code >= 400
        body = json.loads(response.text)
        assert body["success"] is False and isinstance(body["errorMsg"], str)
