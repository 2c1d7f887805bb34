"""The JSON fast path (``EntityKind.render_json``) writes exactly what ``dumps(render(...))`` writes.

List pages and batch answers use the fast path; single objects, ``expand`` and the Python API use
``render``. Both must give the same bytes for every kind of record, including odd values.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.moysklad.entities.base import RenderContext, dumps

from .support import Catalog

BASE = "http://127.0.0.1:9/api/remap/1.2"


def _assert_same(emulator: MoySkladEmulator, kind_name: str, record: dict[str, Any], fast: RenderContext) -> None:
    kind = emulator.state.kinds[kind_name]
    plain = dumps(kind.render(RenderContext(emulator.state, BASE, share=False), record, {}))
    assert kind.render_json(fast, record) == plain, (kind_name, record.get("id"))


def test_every_record_of_every_kind(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    cat = Catalog(api)
    order = api.post("/entity/customerorder", json=cat.order([(cat.variants[0], 2, 150.0, 1),
                                                              (cat.products[0], 1, 99.0, 0)])).json()
    api.post("/entity/demand", json={"organization": {"meta": cat.organization["meta"]},
                                     "agent": {"meta": cat.agents[0]["meta"]}, "store": {"meta": cat.stores[0]["meta"]},
                                     "customerOrder": {"meta": order["meta"]},
                                     "positions": [{"assortment": {"meta": cat.variants[0]["meta"]}, "quantity": 1}]})
    api.post("/entity/service", json={"name": "Доставка", "salePrices": [{"value": 30000.0}]})
    state = emulator.state
    fast = RenderContext(state, BASE)  # one context for all, as one page shares it between rows
    checked = 0
    for kind_name in state.kinds:
        for record in list(state.table(kind_name).values()):
            _assert_same(emulator, kind_name, record, fast)
            checked += 1
    assert checked > 100


def test_odd_values_and_a_computed_field_that_is_also_stored(emulator: MoySkladEmulator) -> None:
    state = emulator.state
    kind = state.kinds["product"]
    original = next(iter(state.table("product").values()))
    odd = kind.copy_record(original)
    odd.update({
        "name": 'Кавычки " и \\ обратная черта\nперевод строки\tтаб \u2028 и эмодзи 😀',
        "weight": float("inf"), "volume": float("nan"), "vat": 10, "code": "",
        "description": None, "pathName": "хранится в записи",  # a computed field stored too: keeps its place
        "extra": {"nested": [1, 2.5, True, None, {"_hidden": 1, "shown": "да"}], "moment": state.now()},
        "_internal": "never rendered",
    })
    fast = RenderContext(state, BASE)
    _assert_same(emulator, "product", odd, fast)
    text = kind.render_json(fast, odd)
    assert "_internal" not in text and "_hidden" not in text
    assert '"weight":Infinity' in text and '"volume":NaN' in text
    parsed = json.loads(text)
    assert parsed["pathName"] != "хранится в записи"  # the computed value wins, as render() has it
    assert list(parsed).index("pathName") < list(parsed).index("extra")  # ...in the stored field's place


def test_a_host_that_needs_escaping(emulator: MoySkladEmulator) -> None:
    state = emulator.state
    odd_base = 'http://we"ird\\host/api/remap/1.2'
    fast = RenderContext(state, odd_base)
    for kind_name in ("product", "variant", "store"):
        kind = state.kinds[kind_name]
        for record in list(state.table(kind_name).values())[:5]:
            plain = dumps(kind.render(RenderContext(state, odd_base, share=False), record, {}))
            assert kind.render_json(fast, record) == plain


def test_list_pages_and_batch_answers_parse_and_match_single_gets(api: httpx.Client) -> None:
    page = api.get("/entity/variant", params={"limit": 5, "offset": 2})
    assert page.headers["content-type"].startswith("application/json")
    rows = page.json()["rows"]
    for row in rows:
        assert api.get(f"/entity/variant/{row['id']}").json() == row
    batch = api.post("/entity/product", json=[{"name": "Пакет A"}, {"name": 5}, {"name": "Пакет B"}])
    answer = batch.json()
    assert [("errors" in item) for item in answer] == [False, True, False]
    assert api.get(f"/entity/product/{answer[2]['id']}").json() == answer[2]
