"""PHP-style bracket parsing, alone and as the emulator applies it to the three clients' wire styles."""

from __future__ import annotations

import httpx
import pytest

from app.sandbox.retailcrm.phpquery import FormError, parse_form, parse_query, split_key


def test_split_key() -> None:
    assert split_key("a") == ["a"]
    assert split_key("a[b][]") == ["a", "b", ""]
    assert split_key("a[b][0][c]") == ["a", "b", "0", "c"]
    assert split_key("a[b") == ["a[b"]  # unbalanced: a plain key, as PHP treats it
    assert split_key("[x]") == ["[x]"]


def test_python_client_style_lists_and_filter_none() -> None:
    qs = ("filter%5BextendedStatus%5D%5B%5D=new&filter%5BextendedStatus%5D%5B%5D=complete"
          "&filter%5Bsites%5D%5B%5D=shop&limit=100&page=2")
    assert parse_query(qs) == {
        "filter": {"extendedStatus": ["new", "complete"], "sites": ["shop"]}, "limit": "100", "page": "2"}
    assert parse_query("filter=None&limit=20&page=1") == {"filter": "None", "limit": "20", "page": "1"}


def test_php_indexed_style_and_nested_maps() -> None:
    parsed = parse_query("filter[ids][1]=8&filter[ids][0]=7&filter[customFields][nps][min]=5&x=1&x=2")
    assert parsed == {"filter": {"ids": ["7", "8"], "customFields": {"nps": {"min": "5"}}}, "x": "2"}


def test_plus_and_percent_decoding_keeps_cyrillic() -> None:
    body = "order=%7B%22status%22%3A+%22%D0%96%22%7D&site=shop"
    assert parse_query(body) == {"order": '{"status": "Ж"}', "site": "shop"}


def test_urlencoded_and_multipart_bodies() -> None:
    urlencoded = httpx.Request("POST", "http://x/", data={"order": '{"a": "Ж"}', "by": "id"})
    assert parse_form(urlencoded.read(), urlencoded.headers["content-type"]) == {"order": '{"a": "Ж"}', "by": "id"}
    multipart = httpx.Request("POST", "http://x/", files={"order": (None, '{"a": "Ж"}'), "site": (None, "s")})
    assert parse_form(multipart.read(), multipart.headers["content-type"]) == {"order": '{"a": "Ж"}', "site": "s"}


def test_json_body_is_not_a_form() -> None:
    assert parse_form(b'{"order": {}}', "application/json") == {}


def test_multipart_without_boundary_is_refused() -> None:
    with pytest.raises(FormError):
        parse_form(b"--x\r\n", "multipart/form-data")


@pytest.mark.parametrize(
    "query",
    [
        "filter[ids][]={a}&filter[ids][]={b}",  # Go / Python client
        "filter[ids][0]={a}&filter[ids][1]={b}",  # PHP http_build_query
        "filter%5Bids%5D%5B1%5D={b}&filter%5Bids%5D%5B0%5D={a}",  # encoded, out of order
    ],
)
def test_every_client_style_selects_the_same_orders(api, query: str) -> None:
    a, b = 1001, 1002
    response = api.get("/api/v5/orders?" + query.format(a=a, b=b))
    assert response.status_code == 200, response.text
    assert sorted(o["id"] for o in response.json()["orders"]) == [a, b]


def test_filter_none_means_no_filter(api) -> None:
    plain = api.get("/api/v5/orders").json()["pagination"]["totalCount"]
    with_none = api.get("/api/v5/orders?filter=None&limit=20&page=1")
    assert with_none.status_code == 200
    assert with_none.json()["pagination"]["totalCount"] == plain > 0


def test_a_bare_filter_value_is_refused(api) -> None:
    response = api.get("/api/v5/orders?filter=new")
    assert response.status_code == 400
    assert response.json()["errorMsg"] == "Errors in the input parameters"


def test_multipart_post_is_accepted(api, emulator) -> None:
    response = api.http.post("/api/v5/orders/1001/edit",
                             files={"order": (None, '{"managerComment": "из multipart"}'), "by": (None, "id")})
    assert response.status_code == 200, response.text
    assert emulator.state.order(1001)["managerComment"] == "из multipart"
