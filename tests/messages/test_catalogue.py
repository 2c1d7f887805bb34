"""The message catalogue: every code has both languages with the same placeholders and renders; the template
syntax (plurals, money, numbers, flows, services, durations, nested messages) and a message's JSON form."""

from __future__ import annotations

import importlib
import json
import pickle
from decimal import Decimal

import pytest

from app.messages import (
    AREAS,
    Message,
    catalogue,
    msg,
    placeholders,
    plural,
    render,
    render_stored,
    split,
)

# sample values for parameters that are not plain words (a formatter needs a number, a service code…)
SAMPLES = {
    "count": 3, "n": 2, "size": 12, "last": 4000, "links": 5, "percent": 50, "share": "12", "dropped": 60,
    "before": 250, "current": 100, "creates": 700, "limit": 600, "rows": 3, "zeroed": 90, "above": 100,
    "shipments": 80, "grace": 30, "run_id": 7, "pid": 4242, "exitcode": -9, "shown": 1000, "more": 5,
    "created": 1, "updated": 2, "unchanged": 3, "skipped": 4, "service": "moysklad", "flow": "catalog",
    "flows": ["stock", "prices"], "n_ms": 2, "n_rc": 1, "pairs": 5, "duplicates": 1, "offers": 3, "amount": "701.50",
}


def _sample(name: str) -> object:
    return SAMPLES.get(name, f"<{name}>")


CODES = sorted(catalogue())


def test_codes_are_prefixed_by_their_area_and_every_area_loads():
    for area in AREAS:
        module = importlib.import_module(f"app.messages.{area}")
        assert module.MESSAGES, area
        for code in module.MESSAGES:
            assert code.startswith(f"{area}."), code


@pytest.mark.parametrize("code", CODES)
def test_both_languages_same_placeholders_and_render(code):
    ru, en = catalogue()[code]
    assert ru.strip() and en.strip(), code
    assert placeholders(ru) == placeholders(en), code
    params = {name: _sample(name) for name, _ in placeholders(ru)}
    for lang in ("ru", "en"):
        text = render(Message(code, params), lang)
        assert "{" not in text and "}" not in text, (code, lang, text)
    # no Cyrillic in the English template apart from the «…» names it quotes
    assert not any("а" <= ch <= "я" for ch in en.lower()), (code, en)


@pytest.mark.parametrize(("n", "form"), [(0, "товаров"), (1, "товар"), (2, "товара"), (4, "товара"),
                                         (5, "товаров"), (11, "товаров"), (12, "товаров"), (14, "товаров"),
                                         (21, "товар"), (22, "товара"), (101, "товар"), (111, "товаров")])
def test_russian_plural(n, form):
    assert plural(n, "товар", "товара", "товаров") == form


def test_english_plural():
    assert [plural(n, "item", "items") for n in (0, 1, 2, 21)] == ["items", "item", "items", "items"]


def test_held_renders_the_count_with_its_form_in_both_languages():
    held = msg("engine.held", count=2, trip="t")
    assert render(held, "ru") == "Остановлено проверкой перед записью (2 замечания): t"
    assert render(held, "en") == "Stopped by the check before writing (2 findings): t"
    assert "(1 finding)" in render(msg("engine.held", count=1, trip="t"), "en")


def test_formatters_and_nested_messages():
    m = msg("engine.crashed_flow", flow="orders", sentence=msg("engine.internal_error"))
    assert render(m, "ru") == "Поток «Заказы» остановлен. Синхронизация остановлена из-за внутренней ошибки Связки."
    assert render(m, "en").startswith("The «Orders» flow stopped. The sync stopped because")
    assert "10 мин" in render(msg("engine.overtime", limit=600), "ru")
    assert "4 h" in render(msg("engine.overtime", limit=14400), "en")
    assert render(msg("clients.protocol", service="moysklad"), "en").startswith("MoySklad sent")


def test_json_and_pickle_round_trip_render_the_same():
    m = msg("engine.crashed_flow", flow="stock", sentence=msg("engine.held", count=Decimal("5"), trip="x"))
    assert m.params["sentence"].params["count"] == "5"  # a Decimal is kept as its exact text
    back = Message.from_json(json.loads(json.dumps(m.to_json())))
    assert back == m and render(back, "en") == render(m, "en")
    assert pickle.loads(pickle.dumps(m)) == m
    text, code, params = split(m)
    assert code == "engine.crashed_flow" and text == str(m)
    assert render_stored("старый текст", code, json.loads(json.dumps(params)), "en") == render(m, "en")


def test_stored_lines_without_a_known_code_show_their_text():
    assert render_stored("старый текст", None, None, "en") == "старый текст"
    assert render_stored("текст", "nowhere.code", {}, "en") == "текст"
    assert render_stored("текст", "engine.held", {}, "en") == "текст"  # parameters missing: the text
    assert split("просто строка") == ("просто строка", None, None)


def test_unknown_code_renders_without_failing():
    assert render(Message("nowhere.code", {"a": 1}), "en") == "nowhere.code {'a': 1}"
