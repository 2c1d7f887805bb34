"""Counterparties kept current with their RetailCRM customers (issue 15, item 6; app/sync/orders/customers.py):
changes made with the sandbox's other key reach the counterparty Svyazka created, only in the fields Svyazka
filled; a field a person changed in MoySklad stays and is named in the log; a matched counterparty is never
touched; the sync's own changes are skipped; a run with nothing new costs one request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

import httpx
import pytest

from app.sync.model import Flow
from app.sync.orders.cursors import OrdersCursors
from app.sync.orders.customers import PUSHED_FIELDS, decide_fields
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment

_SEQ = count(1)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def _fresh_customer_order(env: OrdEnv, *, legal: bool = False) -> int:
    """An order from a person no counterparty matches yet; returns the RetailCRM customer id it made."""
    n = next(_SEQ)
    fields: dict[str, Any] = {
        "firstName": "Ева", "lastName": f"Свежева{n}", "phone": f"+7 900 555-{n:02d}-{n:02d}",
        "email": f"eva{n}@fresh.example",
    }
    if legal:
        fields["contragent"] = {"contragentType": "legal-entity", "legalName": f"ООО «Свежесть {n}»",
                                "INN": f"77{n:08d}", "KPP": "770101001"}
    order = new_order(env, None, linked_offer_ids(env)[:1], status=env.settings.export_statuses[0], **fields)
    return int(order["customer"]["id"])


def _edit_with_other_key(env: OrdEnv, customer_id: int, changes: dict[str, Any]) -> None:
    """customers/{id}/edit over HTTP with the account's second key (a person's or another integration's)."""
    credentials = env.sandbox.credentials()["retailcrm"]
    response = httpx.post(
        f"{credentials['url'].rstrip('/')}/api/v5/customers/{customer_id}/edit",
        data={"customer": json.dumps(changes, ensure_ascii=False), "by": "id"},
        headers={"X-API-KEY": credentials["other_api_key"]},
    )
    assert response.status_code == 200, response.text


def _counterparty(env: OrdEnv, customer_id: int) -> dict[str, Any]:
    link = env.db.links(env.profile_id).get_by_rc("counterparty", customer_id)
    assert link is not None and link.ms_id
    found = [c for c in env.ms_state.counterparties() if c["id"] == link.ms_id]
    assert len(found) == 1
    return found[0]


def _codes(env: OrdEnv) -> list[str]:
    return [e.code for e in env.events if e.code]


def _rc_requests(env: OrdEnv, since: int, path: str) -> int:
    return sum(1 for e in env.sandbox.log.entries()[since:] if e.service == "retailcrm" and path in e.path)


def _ms_writes(env: OrdEnv, since: int, entity: str) -> list[Any]:
    return [e for e in env.writes(since) if e.service == "moysklad" and f"/entity/{entity}" in e.path]


def test_first_run_only_sets_the_cursor(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env)
    newest = env.rc_state.customer_history()[-1]["id"]
    since = env.log_size()

    assert env.run().errors == 0

    assert OrdersCursors(env.db.cursors(env.profile_id)).customers_since_id == newest
    assert _rc_requests(env, since, "/customers/history") <= 2  # the first page tells where the last one is
    # what the create wrote is remembered, "" where it wrote nothing
    record = json.loads(env.db.pushed(env.profile_id).get_many(PUSHED_FIELDS)[str(customer)])
    assert record["email"] == _counterparty(env, customer)["email"]
    assert record["actualAddress"] == "" and set(record) == {"phone", "email", "actualAddress", "inn", "kpp",
                                                              "legalTitle"}


def test_phone_email_address_changes_reach_the_counterparty_svyazka_created(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env)
    assert env.run().errors == 0
    before = _counterparty(env, customer)

    _edit_with_other_key(env, customer, {
        "phones": [{"number": "+7 901 111-22-33"}], "email": "eva.new@fresh.example",
        "address": {"city": "Казань", "street": "Баумана", "building": "5"},
    })
    since = env.log_size()
    report = env.run()

    assert report.errors == 0, report.message
    after = _counterparty(env, customer)
    assert after["phone"] == "+7 901 111-22-33" and after["email"] == "eva.new@fresh.example"
    assert after["actualAddress"] == "Казань, Баумана, д. 5"
    assert after["name"] == before["name"]  # only the changed fields went
    puts = _ms_writes(env, since, "counterparty")
    assert len(puts) == 1 and puts[0].method == "PUT"
    assert "customers.updated" in _codes(env)

    # nothing new: one customers/history request, no writes, no log of an update
    since = env.log_size()
    assert env.run().errors == 0
    assert _rc_requests(env, since, "/customers") == 1
    assert _ms_writes(env, since, "counterparty") == []
    assert "customers.updated" not in _codes(env)


def test_inn_kpp_and_legal_name_of_a_legal_entity(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env, legal=True)
    assert env.run().errors == 0
    assert _counterparty(env, customer)["inn"].startswith("77")

    _edit_with_other_key(env, customer, {"contragent": {"INN": "7812345678", "KPP": "781201001",
                                                        "legalName": "ООО «Свежесть Плюс»"}})
    history = [r for r in env.rc_state.customer_history() if r["customer"]["id"] == customer]
    assert {"contragent.i_n_n", "contragent.k_p_p", "contragent.legal_name"} <= {r["field"] for r in history}
    assert env.run().errors == 0

    after = _counterparty(env, customer)
    assert (after["inn"], after["kpp"], after["legalTitle"]) == ("7812345678", "781201001", "ООО «Свежесть Плюс»")


def test_a_field_edited_in_moysklad_is_kept_and_named(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env)
    assert env.run().errors == 0
    ms_id = _counterparty(env, customer)["id"]
    env.moysklad.update("counterparty", ms_id, {"phone": "+7 (495) 000-00-00 офис"})  # a person, in MoySklad

    _edit_with_other_key(env, customer, {"phones": [{"number": "+7 902 222-33-44"}], "email": "eva.b@fresh.example"})
    assert env.run().errors == 0

    after = _counterparty(env, customer)
    assert after["phone"] == "+7 (495) 000-00-00 офис"
    assert after["email"] == "eva.b@fresh.example"
    kept = [e for e in env.events if e.code == "customers.manual_phone"]
    assert len(kept) == 1
    assert "телефон изменён в МойСклад вручную — оставлен как есть" in kept[0].message


def test_a_matched_counterparty_is_never_touched(ord_env: OrdEnv) -> None:
    env = ord_env
    assert env.run().errors == 0
    links = env.db.links(env.profile_id).all("counterparty", by="rc")
    saved = env.db.pushed(env.profile_id).get_many(PUSHED_FIELDS)
    matched = next(int(k) for k, link in links.items() if link.sync_id is None and k.isdigit() and k not in saved)
    before = _counterparty(env, matched)

    _edit_with_other_key(env, matched, {"phones": [{"number": "+7 903 333-44-55"}], "email": "other@match.example"})
    since = env.log_size()
    assert env.run().errors == 0

    assert _counterparty(env, matched) == before
    assert _ms_writes(env, since, "counterparty") == []


def test_own_key_changes_are_skipped(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env)
    assert env.run().errors == 0
    before = _counterparty(env, customer)
    env.retailcrm._post("customers/" + str(customer) + "/edit",  # Svyazka's own key: apiKey.current
                        {"customer": json.dumps({"email": "mine@fresh.example"}), "by": "id"})
    since = env.log_size()
    assert env.run().errors == 0
    assert _counterparty(env, customer)["email"] == before["email"]
    assert _ms_writes(env, since, "counterparty") == []


def test_a_counterparty_from_before_this_version_follows_the_old_values(ord_env: OrdEnv) -> None:
    env = ord_env
    created = _fresh_customer_order(env)
    edited = _fresh_customer_order(env)
    assert env.run().errors == 0
    env.db.pushed(env.profile_id).forget(PUSHED_FIELDS)  # as a database written before this version
    ms_edited = _counterparty(env, edited)["id"]
    env.moysklad.update("counterparty", ms_edited, {"email": "hand@typed.example"})

    for customer in (created, edited):
        _edit_with_other_key(env, customer, {"email": f"n{customer}@fresh.example",
                                             "address": {"text": "Пермь, ул. Ленина, 1"}})
    assert env.run().errors == 0

    assert _counterparty(env, created)["email"] == f"n{created}@fresh.example"
    assert _counterparty(env, created)["actualAddress"] == "Пермь, ул. Ленина, 1"  # empty before: Svyazka's
    assert _counterparty(env, edited)["email"] == "hand@typed.example"
    assert [e.code for e in env.events if e.code == "customers.manual_email"] == ["customers.manual_email"]


def test_a_killed_run_after_the_write_records_without_writing_again(ord_env: OrdEnv) -> None:
    env = ord_env
    customer = _fresh_customer_order(env)
    assert env.run().errors == 0
    _edit_with_other_key(env, customer, {"email": "k@fresh.example"})
    # the write landed, the record and the cursor did not (killed in between)
    env.moysklad.update("counterparty", _counterparty(env, customer)["id"], {"email": "k@fresh.example"})
    since = env.log_size()
    report = env.run()
    assert report.errors == 0 and report.counts[Flow.ORDERS].failed == 0
    assert _ms_writes(env, since, "counterparty") == []
    record = json.loads(env.db.pushed(env.profile_id).get_many(PUSHED_FIELDS)[str(customer)])
    assert record["email"] == "k@fresh.example"


def test_whose_field_is_it() -> None:
    """The rule by hand: the record decides; without one, a Svyazka-created counterparty and the old value."""
    wanted = {"phone": "+79010000000", "email": "new@x.ru", "actualAddress": "Омск"}
    current = {"phone": "8 (900) 000-00-00", "email": "hand@x.ru", "actualAddress": ""}
    record = {"phone": "+7 900 000-00-00", "email": "old@x.ru", "actualAddress": ""}
    d = decide_fields(touched={"phone", "email", "actualAddress"}, wanted=wanted, current=current, record=record,
                      old={}, created_by_svyazka=True)
    assert d.body == {"phone": "+79010000000", "actualAddress": "Омск"} and d.manual == ("email",)
    d = decide_fields(touched={"email"}, wanted=wanted, current=current, record=None, old={"email": "hand@x.ru"},
                      created_by_svyazka=False)
    assert d.body == {} and d.manual == ("email",)
    d = decide_fields(touched={"email"}, wanted=wanted, current=current, record=None, old={"email": "HAND@x.ru"},
                      created_by_svyazka=True)
    assert d.body == {"email": "new@x.ru"} and d.record == {"email": "new@x.ru"}
