"""MoySklad filter building: operators, escaping, URL encoding, OR-lists split to keep URLs short."""

from datetime import date, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from app.clients.moysklad_filter import Filter, escape_value, format_value, split_values, with_archived


def test_every_operator_renders():
    f = (
        Filter()
        .eq("name", "a")
        .ne("code", "b")
        .gt("weight", 1)
        .ge("updated", datetime(2026, 1, 2, 3, 4, 5))
        .lt("weight", Decimal("2.50"))
        .le("updated", date(2026, 2, 1))
        .contains("name", "x")
        .starts_with("article", "AB")
        .ends_with("article", "Z")
    )
    assert f.render() == (
        "name=a;code!=b;weight>1;updated>=2026-01-02 03:04:05;weight<2.50;"
        "updated<=2026-02-01 00:00:00;name~x;article~=AB;article=~Z"
    )


def test_semicolon_in_a_value_is_escaped():
    assert escape_value("A;B;;C") == "A\\;B\\;\\;C"
    assert Filter().eq("article", "12;34").eq("article", "x").render() == "article=12\\;34;article=x"


def test_values_are_formatted_as_moysklad_reads_them():
    assert format_value(True) == "true"
    assert format_value(False) == "false"
    assert format_value(None) == ""
    assert format_value(datetime(2026, 1, 2, 3, 4, 5, 123000)) == "2026-01-02 03:04:05.123"
    assert format_value(Decimal("1E+2")) == "100"


def test_any_of_is_an_or_list():
    assert Filter().any_of("inn", ["1", "2", "3"]).render() == "inn=1;inn=2;inn=3"
    assert not Filter().any_of("inn", [])


def test_bad_field_or_operator_is_refused():
    with pytest.raises(ValueError):
        Filter().where("name", "==", "x")
    with pytest.raises(ValueError):
        Filter().eq("name;archived", "x")
    with pytest.raises(ValueError):
        Filter().eq(" ", "x")


def test_url_encoding_round_trips_through_httpx():
    f = Filter().eq("name", "Мир; 1&2+3=4").eq("article", "a\\b")
    request = httpx.Request("GET", "http://x/entity/product", params={"filter": f.render()})
    raw_query = urlsplit(str(request.url)).query
    assert ";" not in raw_query and "&2" not in raw_query  # reserved characters are percent-encoded
    assert parse_qs(raw_query)["filter"] == [f.render()]


def test_filters_combine_with_and():
    combined = Filter().eq("archived", False) & Filter().ge("updated", "2026-01-01 00:00:00")
    assert combined.render() == "archived=false;updated>=2026-01-01 00:00:00"
    assert combined == Filter().eq("archived", False).ge("updated", "2026-01-01 00:00:00")


def test_split_values_keeps_every_chunk_under_the_budget():
    values = [f"7701{i:06d}" for i in range(2000)]
    budget = 1500
    chunks = list(split_values("inn", values, budget, base=Filter().eq("archived", False)))
    assert len(chunks) > 1
    for chunk in chunks:
        assert chunk.encoded_length() <= budget
        assert chunk.conditions[0].render() == "archived=false"
    sent = [c.value for chunk in chunks for c in chunk.conditions if c.field == "inn"]
    assert sent == values  # every value once, in order


def test_split_values_sends_duplicates_once_and_an_oversized_value_alone():
    chunks = list(split_values("code", ["a", "a", "x" * 50, "b"], budget=30))
    rendered = [c.render() for c in chunks]
    assert rendered == ["code=a", "code=" + "x" * 50, "code=b"]


def test_with_archived_asks_for_both_archived_and_not():
    assert with_archived().render() == "archived=true;archived=false"
    assert with_archived(Filter().eq("inn", "7707083893")).render() == "inn=7707083893;archived=true;archived=false"
    chunks = list(split_values("inn", ["1", "2"], 1000, base=with_archived()))
    assert [c.render() for c in chunks] == ["archived=true;archived=false;inn=1;inn=2"]
