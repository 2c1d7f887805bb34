"""The filter parser: every operator, OR/AND rules, escapes, errors, references, archived, updated>=."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.moysklad.errors import ApiError
from app.sandbox.moysklad.filters import Condition, parse_condition, parse_filters, split_conditions

from .support import error_codes, ref


def _ids(api: httpx.Client, path: str, filter_text: str, **params: Any) -> list[str]:
    response = api.get(path, params={"filter": filter_text, **params})
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()["rows"]]


def _products(api: httpx.Client) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = api.get("/entity/product").json()["rows"]
    return rows


# -- the parser itself ------------------------------------------------------------------------------------

def test_split_honours_escaped_semicolons() -> None:
    assert split_conditions(r"name=a\;b;code=1") == ["name=a;b", "code=1"]
    assert split_conditions("a=1;;b=2;") == ["a=1", "b=2"]


@pytest.mark.parametrize(("text", "expected"), [
    ("name=x", Condition("name", "=", "x")),
    ("name!=x", Condition("name", "!=", "x")),
    ("weight>1", Condition("weight", ">", "1")),
    ("weight<1", Condition("weight", "<", "1")),
    ("weight>=1", Condition("weight", ">=", "1")),
    ("weight<=1", Condition("weight", "<=", "1")),
    ("name~x", Condition("name", "~", "x")),
    ("name~=x", Condition("name", "~=", "x")),
    ("name=~x", Condition("name", "=~", "x")),
    ("name=", Condition("name", "=", "")),
    ("updated>=2026-01-01 10:00:00", Condition("updated", ">=", "2026-01-01 10:00:00")),
])
def test_every_operator_parses(text: str, expected: Condition) -> None:
    assert parse_condition(text) == expected


def test_parser_rejects_conditions_without_operator() -> None:
    with pytest.raises(ApiError) as caught:
        parse_filters(["name"])
    assert caught.value.code == 1034


# -- over HTTP --------------------------------------------------------------------------------------------

def test_string_operators(api: httpx.Client) -> None:
    products = _products(api)
    target = products[3]
    name = str(target["name"])
    assert _ids(api, "/entity/product", f"name={name}") == [target["id"]]
    assert target["id"] not in _ids(api, "/entity/product", f"name!={name}")
    assert len(_ids(api, "/entity/product", f"name!={name}")) == len(products) - 1
    contains = _ids(api, "/entity/product", "name~" + name[3:9].upper())  # like-operators ignore case
    assert target["id"] in contains
    assert all(name[3:9].lower() in str(p["name"]).lower() for p in products if p["id"] in contains)
    assert target["id"] in _ids(api, "/entity/product", "name~=" + name[:6])
    assert target["id"] in _ids(api, "/entity/product", "name=~" + name[-6:])
    assert target["id"] not in _ids(api, "/entity/product", "name~=" + name[-6:])


def test_number_comparisons(api: httpx.Client) -> None:
    products = _products(api)
    weights = sorted(float(p["weight"]) for p in products)
    middle = weights[len(weights) // 2]
    assert len(_ids(api, "/entity/product", f"weight>{middle}")) == sum(w > middle for w in weights)
    assert len(_ids(api, "/entity/product", f"weight<{middle}")) == sum(w < middle for w in weights)
    assert len(_ids(api, "/entity/product", f"weight>={middle}")) == sum(w >= middle for w in weights)
    assert len(_ids(api, "/entity/product", f"weight<={middle}")) == sum(w <= middle for w in weights)
    both = _ids(api, "/entity/product", f"weight>={weights[2]};weight<={weights[5]}")
    assert len(both) == sum(weights[2] <= w <= weights[5] for w in weights)


def test_repeated_equals_is_or_and_repeated_not_equals_is_and(api: httpx.Client) -> None:
    products = _products(api)
    a, b = str(products[0]["code"]), str(products[1]["code"])
    assert sorted(_ids(api, "/entity/product", f"code={a};code={b}")) == sorted([products[0]["id"], products[1]["id"]])
    excluded = _ids(api, "/entity/product", f"code!={a};code!={b}")
    assert len(excluded) == len(products) - 2
    assert products[0]["id"] not in excluded and products[1]["id"] not in excluded
    # different fields: AND
    assert _ids(api, "/entity/product", f"code={a};name={products[1]['name']}") == []


def test_escaped_semicolon_in_a_value(api: httpx.Client) -> None:
    created = api.post("/entity/product", json={"name": "Набор; подарочный", "article": "GIFT;1"}).json()
    assert _ids(api, "/entity/product", r"name=Набор\; подарочный") == [created["id"]]
    assert _ids(api, "/entity/product", r"article=GIFT\;1") == [created["id"]]


def test_url_encoded_values(api: httpx.Client) -> None:
    created = api.post("/entity/product", json={"name": "Чай & кофе = 100%", "article": "TEA+COFFEE"}).json()
    # httpx percent-encodes &, =, % and +; the emulator decodes before parsing
    assert _ids(api, "/entity/product", "name=Чай & кофе = 100%") == [created["id"]]
    assert _ids(api, "/entity/product", "article=TEA+COFFEE") == [created["id"]]


def test_mixing_equals_and_range_is_an_error(api: httpx.Client) -> None:
    response = api.get("/entity/product", params={"filter": "weight=1;weight>0"})
    assert (response.status_code, error_codes(response)) == (400, [1034])


def test_bad_dates_are_1035(api: httpx.Client) -> None:
    for value in ("2026-13-45 10:00:00", "yesterday", "2026-01-01", "01.01.2026 10:00"):
        response = api.get("/entity/product", params={"filter": f"updated>={value}"})
        assert (response.status_code, error_codes(response)) == (400, [1035]), value


def test_date_formats_accepted(api: httpx.Client) -> None:
    for value in ("2020-01-01 10:00", "2020-01-01 10:00:00", "2020-01-01 10:00:00.123"):
        assert len(_ids(api, "/entity/product", f"updated>={value}")) == len(_products(api))


def test_unknown_field_and_bad_values(api: httpx.Client) -> None:
    assert error_codes(api.get("/entity/product", params={"filter": "colour=red"})) == [1034]
    assert error_codes(api.get("/entity/product", params={"filter": "archived=maybe"})) == [1014]
    assert error_codes(api.get("/entity/product", params={"filter": "weight>heavy"})) == [1014]
    assert error_codes(api.get("/entity/product", params={"filter": "productFolder=not-a-href"})) == [1014]
    assert error_codes(api.get("/entity/product", params={"filter": "weight~1"})) == [1034]  # like on a number
    assert error_codes(api.get("/entity/counterparty", params={"filter": "companyType=robot"})) == [1041]


def test_updated_filter_for_incremental_sync(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    start = (emulator.state.now() + timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    emulator.state.set_clock(start)
    product = _products(api)[0]
    emulator.state.advance_clock(60)
    changed = api.put(f"/entity/product/{product['id']}", json={"description": "новое описание"}).json()
    day = start.strftime("%Y-%m-%d")
    assert changed["updated"] == f"{day} 12:01:00.000"
    assert _ids(api, "/entity/product", f"updated>={day} 12:00:30") == [product["id"]]
    assert _ids(api, "/entity/product", f"updated>{day} 12:01:00") == []
    assert product["id"] in _ids(api, "/entity/product", f"updated<={day} 12:01:00")


def test_unchanged_put_does_not_bump_updated(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    emulator.state.set_clock(emulator.state.now() + timedelta(days=1))
    product = _products(api)[1]
    emulator.state.advance_clock(timedelta(minutes=5).total_seconds())
    same = api.put(f"/entity/product/{product['id']}", json={"name": product["name"]}).json()
    assert same["updated"] == product["updated"]


def test_reference_filters(api: httpx.Client, base: str) -> None:
    folder = api.get("/entity/productfolder", params={"filter": "name=Посуда"}).json()["rows"][0]
    in_folder = _ids(api, "/entity/product", f"productFolder={folder['meta']['href']}")
    assert in_folder
    assert all(api.get(f"/entity/product/{pid}").json()["productFolder"]["meta"]["href"] == folder["meta"]["href"]
               for pid in in_folder)
    with_folder = _ids(api, "/entity/product", "productFolder!=")
    without = _ids(api, "/entity/product", "productFolder=")
    assert len(with_folder) + len(without) == len(_products(api))


def test_variant_filters(api: httpx.Client) -> None:
    variant = api.get("/entity/variant").json()["rows"][0]
    product_id = variant["product"]["meta"]["href"].rsplit("/", 1)[1]
    siblings = _ids(api, "/entity/variant", f"productid={product_id}")
    assert variant["id"] in siblings
    assert len(siblings) == api.get(f"/entity/product/{product_id}").json()["variantsCount"]
    barcode = next(iter(variant["barcodes"][0].values()))
    assert _ids(api, "/entity/variant", f"barcode={barcode}") == [variant["id"]]
    assert _ids(api, "/entity/variant", f"id={variant['id']}") == [variant["id"]]


def test_archived_defaults_to_false(api: httpx.Client) -> None:
    product = _products(api)[2]
    assert api.put(f"/entity/product/{product['id']}", json={"archived": True}).status_code == 200
    assert product["id"] not in [p["id"] for p in _products(api)]
    assert _ids(api, "/entity/product", "archived=true") == [product["id"]]
    both = _ids(api, "/entity/product", "archived=true;archived=false")
    assert product["id"] in both and len(both) == len(_products(api)) + 1
    # id= ignores archived
    assert _ids(api, "/entity/product", f"id={product['id']}") == [product["id"]]


def test_document_filters(api: httpx.Client, emulator: MoySkladEmulator, base: str) -> None:
    org = api.get("/entity/organization").json()["rows"][0]
    agents = api.get("/entity/counterparty").json()["rows"]
    stores = api.get("/entity/store").json()["rows"]
    states = api.get("/entity/customerorder/metadata").json()["states"]
    product = _products(api)[0]

    def order(agent: dict, store: dict, state: dict) -> str:
        body = {"organization": {"meta": org["meta"]}, "agent": {"meta": agent["meta"]},
                "store": {"meta": store["meta"]}, "state": {"meta": state["meta"]},
                "positions": [{"quantity": 1, "price": 100.0, "assortment": {"meta": product["meta"]}}]}
        response = api.post("/entity/customerorder", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["id"])

    first = order(agents[0], stores[0], states[0])
    second = order(agents[1], stores[1], states[1])
    assert _ids(api, "/entity/customerorder", f"agent={agents[0]['meta']['href']}") == [first]
    assert _ids(api, "/entity/customerorder", f"store={stores[1]['meta']['href']}") == [second]
    assert _ids(api, "/entity/customerorder", f"state={states[0]['meta']['href']}") == [first]
    assert _ids(api, "/entity/customerorder", f"state.name={states[1]['name']}") == [second]
    both = _ids(api, "/entity/customerorder", f"state.name={states[0]['name']};state.name={states[1]['name']}")
    assert sorted(both) == sorted([first, second])
    assert sorted(_ids(api, "/entity/customerorder", f"organization={org['meta']['href']}")) == sorted([first, second])
    assert sorted(_ids(api, "/entity/customerorder", f"assortment={product['meta']['href']}")) == sorted(
        [first, second])
    href = ref(base, f"entity/customerorder/{first}", "customerorder")["meta"]["href"]
    assert href.endswith(first)
