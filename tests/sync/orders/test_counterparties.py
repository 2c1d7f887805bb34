"""Counterparties for exported orders: INN, e-mail, phone as people type them, ambiguity, reuse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest

from app.sync.orders.counterparties import ambiguous_key
from app.sync.orders.flow import OrdersFlow
from tests.sync.orders.support import (
    OrdEnv,
    customer_ids_by_email,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def _people(env: OrdEnv) -> dict[str, Any]:
    """Seed customers that meet each rule, with their RetailCRM ids and the counterparty they must get."""
    shop = env.sandbox.shop
    by_email = customer_ids_by_email(env)
    counterparties = {c["name"]: c for c in env.ms_state.counterparties()}
    seeded = {cp.key: cp for cp in shop.counterparties}
    legal = [c for c in shop.customers if c.inn]
    plain = [c for c in shop.customers if not c.inn]
    taken = {k.removeprefix("cp-").split("-")[0] for k in seeded}
    fresh = [c for c in plain[10:] if c.key not in taken]

    def cp_id(customer_key: str) -> str:
        return str(counterparties[seeded[f"cp-{customer_key}"].name]["id"])

    return {
        "inn": (by_email[legal[0].email], cp_id(legal[0].key)),
        "email": (by_email[plain[0].email], cp_id(plain[0].key)),
        "phone": (by_email[plain[4].email], cp_id(plain[4].key)),
        "ambiguous": by_email[plain[9].email],
        "new": (by_email[fresh[0].email], fresh[0]),
    }


def _check_rules(env: OrdEnv) -> dict[str, Any]:
    people = _people(env)
    offers = linked_offer_ids(env)
    orders = {rule: new_order(env, people[rule][0], offers[:1]) for rule in ("inn", "email", "phone")}
    ambiguous = new_order(env, people["ambiguous"], offers[:1])
    new_customer, seed_customer = people["new"]
    first = new_order(env, new_customer, offers[:1])
    second = new_order(env, new_customer, offers[1:2])

    report = env.run()

    assert report.ok and report.errors == 0
    words = {"inn": "по ИНН", "email": "по e-mail", "phone": "по телефону"}
    for rule, order in orders.items():
        assert ref_id(env.ms_order(order["id"])["agent"]) == people[rule][1], rule
        assert any(order["number"] in m and f"контрагент найден {words[rule]}" in m for m in env.messages()), rule
    # several counterparties share the phone: the order waits instead of guessing
    assert env.ms_state.find_customer_orders(external_code=str(ambiguous["id"])) == []
    conflict = env.db.conflicts(env.profile_id).get_by_key(
        "ambiguous_counterparty", ambiguous_key(str(people["ambiguous"]))
    )
    assert conflict is not None and len(conflict.ms_data["candidates"]) == 2
    # a new customer gets one counterparty, shared by both orders of the run
    name = f"{seed_customer.last_name} {seed_customer.first_name} {seed_customer.patronymic}"
    created = [c for c in env.ms_state.counterparties() if c["name"] == name]
    assert len(created) == 1
    assert created[0]["email"] == seed_customer.email and created[0]["companyType"] == "individual"
    assert {ref_id(env.ms_order(o["id"])["agent"]) for o in (first, second)} == {created[0]["id"]}
    return {"people": people, "conflict": conflict, "ambiguous": ambiguous, "new": new_customer,
            "created": created[0]}


def test_counterparties_are_found_by_inn_email_and_phone(ord_env: OrdEnv) -> None:
    _check_rules(ord_env)


def test_a_big_account_is_searched_with_or_filters(ord_env: OrdEnv) -> None:
    env = ord_env
    env.flow = OrdersFlow(counterparty_scan_rows=0)  # as if the account had too many to read whole
    mark = env.log_size()

    _check_rules(env)

    lookups = [e for e in env.sandbox.log.entries()[mark:]
               if e.method == "GET" and e.path.endswith("/entity/counterparty")]
    assert lookups and all("filter=" in e.query for e in lookups)
    assert len(lookups) <= 6  # a few OR requests for every customer of the run, not one per customer


def test_a_picked_counterparty_settles_the_ambiguity(ord_env: OrdEnv) -> None:
    env = ord_env
    found = _check_rules(env)
    chosen = found["conflict"].ms_data["candidates"][1]["id"]
    conflicts = env.db.conflicts(env.profile_id)
    conflicts.resolve(found["conflict"].id, {"action": "pick", "ms_id": chosen})

    env.run()

    assert ref_id(env.ms_order(found["ambiguous"]["id"])["agent"]) == chosen


def test_the_next_order_of_a_new_customer_reuses_its_counterparty_without_a_lookup(ord_env: OrdEnv) -> None:
    env = ord_env
    found = _check_rules(env)
    env.db.conflicts(env.profile_id).ignore(found["conflict"].id)  # else its order would be looked up again
    env.run()
    before = len(env.ms_state.counterparties())
    third = new_order(env, found["new"], linked_offer_ids(env)[2:3])
    mark = env.log_size()

    env.run()

    assert ref_id(env.ms_order(third["id"])["agent"]) == found["created"]["id"]
    assert len(env.ms_state.counterparties()) == before
    lookups = [e for e in env.sandbox.log.entries()[mark:] if "/entity/counterparty" in e.path]
    assert lookups == []
    assert any(third["number"] in m and "контрагент уже связан" in m for m in env.messages())


@pytest.mark.parametrize("contragent", [
    {"contragentType": "legal-entity", "legalName": "ООО «Новые горизонты»", "INN": "7707083893"},
    {"contragentType": "enterpreneur", "legalName": "ИП Кузьмин", "INN": "500100732259"},
])
def test_a_new_company_becomes_a_legal_counterparty(ord_env: OrdEnv, contragent: dict[str, str]) -> None:
    env = ord_env
    order = new_order(env, None, linked_offer_ids(env)[:1], firstName="Пётр", lastName="Кузьмин",
                      company={"name": contragent["legalName"]}, contragent=contragent)

    env.run()

    agent = ref_id(env.ms_order(order["id"])["agent"])
    counterparty = next(c for c in env.ms_state.counterparties() if c["id"] == agent)
    expected_type = "legal" if contragent["contragentType"] == "legal-entity" else "entrepreneur"
    assert (counterparty["name"], counterparty["inn"], counterparty["companyType"]) == (
        contragent["legalName"], contragent["INN"], expected_type)


def test_a_big_account_is_remembered_so_later_runs_skip_the_full_page(ord_env: OrdEnv) -> None:
    env = ord_env
    env.flow = OrdersFlow(counterparty_scan_rows=5)  # "one page" of 5: the seeded account holds more
    mark = env.log_size()
    env.run()

    def counterparty_reads(since: int) -> list[bool]:
        """For each counterparty list read: whether it asked by INN, e-mail or phone (else: the whole list)."""
        found = []
        for e in env.sandbox.log.entries()[since:]:
            if e.method == "GET" and e.path.endswith("/entity/counterparty"):
                query = unquote_plus(e.query)
                assert "archived=true;archived=false" in query  # archived ones are asked for too
                found.append(any(f"{name}=" in query for name in ("inn", "email", "phone")))
        return found

    first = counterparty_reads(mark)
    assert first.count(False) == 1  # one look at the first page, then OR-filters
    assert any(first)
    new_order(env, None, linked_offer_ids(env)[:1], firstName="Нина", lastName="Новикова",
              email="nina.novikova@example.ru")
    mark = env.log_size()

    env.run()

    later = counterparty_reads(mark)
    assert later and all(later)


@pytest.mark.parametrize("scan_rows", [None, 0], ids=["small-account", "big-account"])
def test_an_archived_counterparty_is_reused_not_duplicated(ord_env: OrdEnv, scan_rows: int | None) -> None:
    """MoySklad lists archived counterparties only when asked (``archived=true;archived=false``): a returning
    customer whose counterparty the shop archived keeps it, and the log says it is archived."""
    env = ord_env
    if scan_rows is not None:
        env.flow = OrdersFlow(counterparty_scan_rows=scan_rows)
    people = _people(env)
    archived = {people[rule][1]: env.ms_state.update_entity("counterparty", people[rule][1], {"archived": True})
                for rule in ("inn", "email")}
    offers = linked_offer_ids(env)
    orders = {rule: new_order(env, people[rule][0], offers[:1]) for rule in ("inn", "email")}

    report = env.run()

    assert report.ok and report.errors == 0
    for ms_id, old in archived.items():  # no second counterparty with the archived one's INN or e-mail
        twins = [c["id"] for c in env.ms_state.counterparties()
                 if (old.get("inn") and c.get("inn") == old["inn"]) or (c.get("email") or "").lower()
                 == (old.get("email") or "-").lower()]
        assert twins == [ms_id]
    for rule, order in orders.items():
        assert ref_id(env.ms_order(order["id"])["agent"]) == people[rule][1], rule
        assert any(order["number"] in m and "в архиве МойСклад" in m for m in env.messages()), rule
