"""Counterparty matching: INN, then e-mail, then phone; several hits are ambiguous, never guessed."""

import pytest

from app.messages import msg
from app.sync.orders.counterparties import (
    CounterpartyCandidate,
    CounterpartyMatch,
    CustomerInfo,
    describe,
    lookup_values,
    match_counterparty,
    normalize_email,
    normalize_inn,
    normalize_phone,
    normalize_phones,
)


@pytest.mark.parametrize("raw", ["+7 (912) 345-67-89", "89123456789", "9123456789", "8-912-345-67-89", "+79123456789"])
def test_russian_phone_forms_are_equal(raw):
    assert normalize_phone(raw) == "79123456789"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+375 29 123-45-67", "375291234567"),  # foreign numbers are kept as digits
        ("+7 912 345-67-89 доб. 123", "79123456789"),  # the extension is not part of the number
        ("123-45", None),  # too short to be a phone
        ("", None),
        (None, None),
        ("нет телефона", None),
    ],
)
def test_phone_edge_cases(raw, expected):
    assert normalize_phone(raw) == expected


def test_free_text_phone_field_with_several_numbers():
    assert normalize_phones("8 912 345-67-89, +7 913 000-00-01; 89123456789") == ("79123456789", "79130000001")
    assert normalize_phones(None) == ()


def test_email_and_inn_normalization():
    assert normalize_email("  Ivan.Petrov@Example.RU ") == "ivan.petrov@example.ru"
    assert normalize_email("mailto:shop@example.com") == "shop@example.com"
    assert normalize_email("not an email") is None
    assert normalize_email("a@b") is None
    assert normalize_inn(" 7707 083 893 ") == "7707083893"
    assert normalize_inn("500100732259") == "500100732259"
    assert normalize_inn("12345") is None
    assert normalize_inn("77070838931") is None  # 11 digits is no INN
    assert normalize_inn(None) is None


ACME = CounterpartyCandidate(
    "cp-acme", "ООО «Акме»", inn="7707083893", email="office@acme.ru", phone="+7 495 000-00-00"
)
IVAN = CounterpartyCandidate("cp-ivan", "Иван Петров", email="ivan@example.ru", phone="8 912 345-67-89")
IVAN2 = CounterpartyCandidate("cp-ivan2", "Петров И.", phone="+7 (912) 345-67-89, 8 913 000 00 01")
OTHER = CounterpartyCandidate("cp-other", "ООО «Другое»", inn="5001007322", email="ivan@example.ru")


def test_inn_beats_email():
    customer = CustomerInfo("ООО Акме", inn="7707083893", email="ivan@example.ru")
    match = match_counterparty(customer, [IVAN, ACME])
    assert match == CounterpartyMatch(rule="inn", counterparty=ACME)
    assert describe(match) == msg("orders.cp_found", how=msg("orders.cp_rule_inn"))
    assert str(describe(match)) == "контрагент найден по ИНН"  # rendered as before


def test_email_when_no_inn_matches():
    customer = CustomerInfo("Иван", email="IVAN@example.ru ", phone="+7 999 111-22-33")
    match = match_counterparty(customer, [ACME, IVAN])
    assert (match.rule, match.counterparty) == ("email", IVAN)
    assert describe(match) == msg("orders.cp_found", how=msg("orders.cp_rule_email"))


def test_phone_in_any_form_finds_the_counterparty():
    customer = CustomerInfo("Пётр", phone="9130000001")
    match = match_counterparty(customer, [ACME, IVAN, IVAN2])
    assert (match.rule, match.counterparty) == ("phone", IVAN2)
    assert describe(match) == msg("orders.cp_found", how=msg("orders.cp_rule_phone"))


def test_extra_customer_phones_are_used():
    customer = CustomerInfo("Пётр", phone="+7 000 000-00-00", extra_phones=("+7 495 000 00 00",))
    assert match_counterparty(customer, [ACME, IVAN]).counterparty == ACME


def test_ambiguous_phone_is_reported_not_guessed():
    customer = CustomerInfo("Иван", phone="89123456789")
    match = match_counterparty(customer, [IVAN, ACME, IVAN2])
    assert match.rule == "phone"
    assert match.counterparty is None
    assert match.ambiguous == (IVAN, IVAN2)
    assert match.is_ambiguous
    assert describe(match).code == "orders.cp_ambiguous"
    assert describe(match).params["how"] == msg("orders.cp_rule_phone")
    assert str(describe(match)).startswith("несколько контрагентов подходят по телефону")
    assert "«Иван Петров»" in str(describe(match))


def test_ambiguity_stops_the_search():
    # Two counterparties share the e-mail; a unique phone match must not override that doubt.
    twin = CounterpartyCandidate("cp-twin", "Иван (дубль)", email="ivan@example.ru")
    customer = CustomerInfo("Иван", email="ivan@example.ru", phone="9123456789")
    match = match_counterparty(customer, [IVAN, twin])
    assert (match.rule, match.ambiguous) == ("email", (IVAN, twin))


def test_nothing_matches_means_create():
    match = match_counterparty(CustomerInfo("Новый клиент", email="new@example.ru", phone="9990000000"), [ACME, IVAN])
    assert match == CounterpartyMatch(rule=None)
    assert describe(match) == msg("orders.cp_new")
    assert match_counterparty(CustomerInfo("Без контактов"), [ACME, IVAN]).rule is None


def test_a_different_inn_is_a_different_company_even_with_the_same_email():
    customer = CustomerInfo("ООО Акме", inn="7707083893", email="ivan@example.ru")
    # OTHER shares the e-mail but has another INN; IVAN has no INN and the same e-mail.
    assert match_counterparty(customer, [OTHER, IVAN]).counterparty == IVAN
    assert match_counterparty(customer, [OTHER]).rule is None


def test_lookup_values_collects_normalized_unique_values():
    customers = [
        CustomerInfo("a", inn="7707083893", email="A@x.ru", phone="+7 (912) 345-67-89"),
        CustomerInfo("b", inn="bad", email="a@x.ru", phone="89123456789", extra_phones=("9130000001",)),
        CustomerInfo("c"),
    ]
    assert lookup_values(customers) == (["7707083893"], ["a@x.ru"], ["79123456789", "79130000001"])


def test_an_archived_counterparty_still_matches_and_the_log_says_so():
    archived = CounterpartyCandidate("cp-old", "ООО «Акме»", inn="7707083893", archived=True)
    match = match_counterparty(CustomerInfo("ООО Акме", inn="7707083893"), [archived, IVAN])
    assert match == CounterpartyMatch(rule="inn", counterparty=archived)
    assert describe(match) == msg("orders.cp_found_archived", name="ООО «Акме»", how=msg("orders.cp_rule_inn"))


def test_of_several_matches_the_only_one_not_archived_wins():
    """A shop archives the old copy of a customer: the one in use is taken, not a conflict."""
    old = CounterpartyCandidate("cp-old", "Иван (старый)", email="ivan@example.ru", archived=True)
    customer = CustomerInfo("Иван", email="ivan@example.ru")
    assert match_counterparty(customer, [old, IVAN]) == CounterpartyMatch(rule="email", counterparty=IVAN)
    both_old = CounterpartyCandidate("cp-old2", "Иван (совсем старый)", email="ivan@example.ru", archived=True)
    match = match_counterparty(customer, [old, both_old])
    assert match.ambiguous == (old, both_old)  # two archived ones: still a person's choice
    assert "(в архиве)" in str(describe(match))
