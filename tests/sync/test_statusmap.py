"""Status map suggestions and checks."""

import random

from app.sync.statusmap import (
    MsState,
    RcStatus,
    normalize_name,
    status_concept,
    suggest_export_statuses,
    suggest_pairs_by_name,
    suggest_status_map,
    validate_status_map,
)

# The default states of a fresh MoySklad account, plus the issue's "Сборка" instead of "Собран".
MS_STATES = [
    MsState("s-new", "Новый"),
    MsState("s-ok", "Подтвержден"),
    MsState("s-asm", "Сборка"),
    MsState("s-ship", "Отгружен"),
    MsState("s-done", "Доставлен", "Successful"),
    MsState("s-ret", "Возврат", "Unsuccessful"),
    MsState("s-cancel", "Отменен", "Unsuccessful"),
]

# A RetailCRM account close to the defaults.
RC_STATUSES = [
    RcStatus("new", "Новый", "new", True, 10),
    RcStatus("availability-confirmed", "Наличие подтверждено", "approval", True, 20),
    RcStatus("client-confirmed", "Согласовано с клиентом", "approval", True, 30),
    RcStatus("assembling", "Комплектуется", "assembling", True, 40),
    RcStatus("send-to-delivery", "Передано в доставку", "delivery", True, 50),
    RcStatus("shipped", "Отправлен", "delivery", True, 55),
    RcStatus("complete", "Выполнен", "complete", True, 60),
    RcStatus("no-product", "Нет в наличии", "cancel", True, 70),
    RcStatus("cancel-other", "Отменён", "cancel", True, 80),
    RcStatus("return", "Возврат", "cancel", True, 90),
    RcStatus("old", "Старый статус", "custom", False, 100),
    RcStatus("weird", "Ждёт звонка", "custom", True, 110),
]


def test_the_issues_examples():
    suggestion = suggest_status_map(RC_STATUSES, MS_STATES)
    assert suggestion["new"] == "s-new"  # Новый → Новый
    assert suggestion["assembling"] == "s-asm"  # Комплектуется → Сборка
    assert suggestion["shipped"] == "s-ship"  # Отправлен → Отгружен


def test_names_synonyms_and_groups():
    suggestion = suggest_status_map(RC_STATUSES, MS_STATES)
    assert suggestion["cancel-other"] == "s-cancel"  # ё = е
    assert suggestion["return"] == "s-ret"  # exact name
    assert suggestion["client-confirmed"] == "s-ok"  # "Согласовано …" means confirmed
    assert suggestion["availability-confirmed"] == "s-ok"  # name tells nothing: the approval group does
    assert suggestion["send-to-delivery"] == "s-ship"  # "Передано в доставку" means shipped
    assert suggestion["complete"] == "s-done"  # Выполнен ↔ Доставлен, both "delivered/complete"
    assert suggestion["no-product"] == "s-cancel"  # cancel group → the cancelled concept
    assert suggestion["weird"] is None  # nothing to go on
    assert set(suggestion) == {status.code for status in RC_STATUSES}


def test_cancel_group_falls_back_to_an_unsuccessful_state():
    states = [MsState("s1", "Новый"), MsState("s2", "Ой всё", "Unsuccessful"), MsState("s3", "Ура", "Successful")]
    rc = [
        RcStatus("no-call", "Недозвон", "cancel"),
        RcStatus("done", "Вручен лично", "complete"),
        RcStatus("x", "Непонятно", None),
    ]
    assert suggest_status_map(rc, states) == {"no-call": "s2", "done": "s3", "x": None}


def test_exact_name_beats_synonym_and_punctuation_does_not_matter():
    states = [MsState("s-asm", "Сборка"), MsState("s-kompl", "комплектуется!")]
    rc = [RcStatus("assembling", "Комплектуется", "assembling")]
    assert suggest_status_map(rc, states) == {"assembling": "s-kompl"}
    assert normalize_name("  Отменён — клиентом!! ") == "отменен клиентом"


def test_negation_is_not_a_synonym():
    assert status_concept("Не подтвержден") is None
    assert status_concept("Подтвержден менеджером") == "confirmed"
    assert status_concept("Отменен клиентом") == "cancelled"
    assert status_concept("Отправлен в доставку") == "shipped"
    assert status_concept("Cancelled") == "cancelled"


def test_suggestion_is_deterministic_and_prefers_the_first_ms_state():
    states = [MsState("s-sb", "Собран"), MsState("s-asm", "Сборка")]
    rc = [RcStatus("assembling", "Комплектуется", "assembling")]
    assert suggest_status_map(rc, states) == {"assembling": "s-sb"}
    shuffled = RC_STATUSES[:]
    random.Random(3).shuffle(shuffled)
    assert suggest_status_map(shuffled, MS_STATES) == suggest_status_map(RC_STATUSES, MS_STATES)


def test_unmatched_is_none_when_moysklad_has_no_such_state():
    assert suggest_status_map([RcStatus("assembling", "Комплектуется", "assembling")], [MsState("s", "Новый")]) == {
        "assembling": None
    }


def test_export_statuses_are_active_and_not_cancelled():
    assert suggest_export_statuses(RC_STATUSES) == [
        "new",
        "availability-confirmed",
        "client-confirmed",
        "assembling",
        "send-to-delivery",
        "shipped",
        "complete",
        "weird",
    ]


def test_a_suggested_setup_for_mapped_statuses_has_no_problems():
    rc = [status for status in RC_STATUSES if status.code != "weird"]
    status_map = suggest_status_map(rc, MS_STATES)
    problems = validate_status_map(status_map, rc, MS_STATES, suggest_export_statuses(rc), "send-to-delivery")
    assert problems == []


def test_empty_export_list_means_nothing_is_exported():
    [problem] = validate_status_map({}, RC_STATUSES, MS_STATES, [], None)
    assert problem.code == "no_export_statuses"
    assert problem.msg is not None and (problem.msg.code, problem.msg.params) == ("statusmap.no_export_statuses", {})
    assert "заказы в МойСклад выгружаться не будут" in problem.message  # the Russian text stays for callers


def test_exported_but_unmapped_status_is_named():
    problems = validate_status_map({"new": "s-new"}, RC_STATUSES, MS_STATES, ["new", "assembling"], None)
    assert [(p.code, p.subject, p.severity) for p in problems] == [("unmapped_export_status", "assembling", "error")]
    assert problems[0].msg is not None and problems[0].msg.params == {"name": "Комплектуется"}
    assert problems[0].message.startswith("Статус «Комплектуется» не сопоставлен со статусом МойСклад")
    assert problems[0].text("en").startswith("The status «Комплектуется» is not mapped to a MoySklad status")


def test_stale_codes_and_states_are_reported():
    status_map = {"new": "s-new", "assembling": "s-deleted", "gone-code": "s-new"}
    problems = validate_status_map(status_map, RC_STATUSES, MS_STATES, ["new", "gone-export", "old"], "gone-ship")
    by_code = {p.code: p for p in problems}
    assert set(by_code) == {
        "unknown_export_status",
        "inactive_export_status",
        "unmapped_export_status",  # "old" is exported but not mapped
        "unknown_rc_status",
        "unknown_ms_state",
        "unknown_shipment_status",
    }
    assert "«gone-export»" in by_code["unknown_export_status"].message
    assert "Статус «Комплектуется» сопоставлен со статусом МойСклад, которого больше нет" in (
        by_code["unknown_ms_state"].message
    )
    assert by_code["unknown_shipment_status"].subject == "gone-ship"
    for problem in problems:  # plain sentences, never a code dump
        assert problem.message.endswith(".") and "Traceback" not in problem.message


def test_shipment_status_that_is_never_exported_is_a_warning():
    problems = validate_status_map({"new": "s-new"}, RC_STATUSES, MS_STATES, ["new"], "shipped")
    assert [(p.code, p.severity) for p in problems] == [("shipment_status_not_exported", "warning")]
    assert "«Отправлен»" in problems[0].message


def test_pairs_by_name_for_stores_and_price_types():
    stores = suggest_pairs_by_name(
        [("ms-main", "Основной склад"), ("ms-2", "Склад на Ленина"), ("ms-3", "Основной магазин")],
        [("main", "Основной"), ("lenina", "склад на ленина"), ("extra", "Пункт выдачи")],
    )
    assert stores == {"ms-main": "main", "ms-2": "lenina", "ms-3": None}
    prices = suggest_pairs_by_name(
        [("pt-sale", "Цена продажи"), ("pt-opt", "Оптовая цена")],
        [("base", "base"), ("wholesale", "Оптовая цена")],
    )
    assert prices == {"pt-sale": "base", "pt-opt": "wholesale"}
    assert suggest_pairs_by_name([(1, "Цена продажи")], [("b", "Базовая")]) == {1: "b"}


def test_pairs_by_name_is_one_to_one_and_exact_first():
    result = suggest_pairs_by_name(
        [("a", "Основной"), ("b", "Основной склад")],
        [("x", "Основной склад")],
    )
    assert result == {"a": None, "b": "x"}  # the exact name wins even though "a" comes first
