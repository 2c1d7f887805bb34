"""Bad data on either side never stops a run: each bad thing becomes a conflict or a clear log line, and
everything else goes through exactly as in a clean run of the same shop.

Planted in one shop before its first sync:

* an order whose line is an offer that exists only in RetailCRM (not linked), and one with a free-text line
  (no offer at all);
* negative stock in MoySklad (MoySklad lets a shop sell into minus);
* a RetailCRM offer with a 10,000-character name, and an order for it;
* an order whose customer has no name at all (no surname, first name or company).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.sandbox.sandbox import Sandbox
from app.sync.model import Level, LogEvent, RunReport
from tests.reliability.support import (
    SHOP,
    final_state,
    no_duplicates,
    open_store,
    run_engine,
    setup_profile,
    unreadable,
)

pytestmark = pytest.mark.timeout(300)

LONG_NAME = "Плед " + "Я" * 9995  # 10,000 characters
TITLE_LIMIT = 1000  # a conflict a person reads in a list: a few lines at most


@dataclass
class BadRun:
    report: RunReport
    events: list[LogEvent]
    state: dict[str, Any]
    conflicts: dict[str, Any]  # key -> conflict
    secrets: tuple[str, ...]
    orders: dict[str, dict[str, Any]]  # planted order by what is wrong with it
    only_rc_offer: int
    long_offer: int
    negative_key: str  # the offer with negative stock, as final_state names it
    negative_name: str


def _first_linked_simple_offer(sandbox: Sandbox) -> Any:
    return next(o for o in sandbox.shop.offers() if o.in_moysklad and o.in_retailcrm and o.variant_key is None)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory) -> BadRun:
    data_dir: Path = tmp_path_factory.mktemp("bad")
    mp = pytest.MonkeyPatch()
    try:
        with Sandbox(SHOP) as sandbox:
            rc, ms = sandbox.retailcrm.state, sandbox.moysklad.state
            setup_profile(sandbox, data_dir)
            mp.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
            mp.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)

            good = _first_linked_simple_offer(sandbox)
            good_offer = rc.find_offers(xml_id=good.xml_id)[0]["id"]
            only_rc = rc.find_offers(article=sandbox.shop.anomalies["only_in_retailcrm"][0])[0]["id"]
            long_offer = rc.add_offer(name=LONG_NAME, article="PLD-LONG-1", prices={"base": 2990}, stock={"main": 4})
            line = {"offer": {"id": good_offer}, "quantity": 1}

            def order(**body: Any) -> dict[str, Any]:
                return rc.create_order({"status": "new", "shipmentStore": "main", **body})

            orders = {
                "unknown offer": order(firstName="Ольга", lastName="Тестова", phone="+79990000001",
                                       items=[line, {"offer": {"id": only_rc}, "quantity": 1}]),
                "free-text line": order(firstName="Пётр", lastName="Тестов", phone="+79990000002",
                                        items=[line, {"productName": "Подарочная упаковка", "initialPrice": 150,
                                                      "quantity": 1}]),
                "long name": order(firstName="Анна", lastName="Длинная", phone="+79990000004",
                                   items=[{"offer": {"id": long_offer["id"]}, "quantity": 1}]),
                "no name": order(phone="+79990000003", items=[line]),
            }
            product = ms.find_products(external_code=good.xml_id)[0]
            store = ms.store_by_name(sandbox.shop.stores[0].ms_name)
            assert store is not None
            ms.set_stock(product["id"], store["id"], -5)

            events: list[LogEvent] = []
            report = run_engine(data_dir, events)
            state = final_state(sandbox, data_dir)
            assert not no_duplicates(sandbox)
            db, profile_id = open_store(data_dir)
            try:
                conflicts = {c.key: c for c in db.conflicts(profile_id).list(status="open")}
            finally:
                db.close()
            return BadRun(report, events, state, conflicts, (sandbox.retailcrm.api_key, sandbox.moysklad.token),
                          orders, only_rc, int(long_offer["id"]), good.xml_id, product["name"])
    finally:
        mp.undo()


def _warnings_about(run: BadRun, *words: str) -> list[str]:
    return [e.message for e in run.events
            if e.level in (Level.WARNING, Level.ERROR) and all(w in e.message for w in words)]


def test_the_run_goes_on_and_everything_else_is_as_in_a_clean_run(bad_run, reliability_reference):
    run, clean = bad_run, reliability_reference.state
    assert run.report.errors == 0 and run.report.status == "partial" and not run.report.cancelled
    assert all(c.failed == 0 for c in run.report.counts.values()), run.report.counts
    # every seeded order went exactly as in the clean run; none of the planted ones went
    assert run.state["orders"] == clean["orders"]
    # all other stock and every price arrived as in the clean run
    stock = {k: v for k, v in run.state["rc_stock"].items() if k in clean["rc_stock"] and k != run.negative_key}
    assert stock == {k: v for k, v in clean["rc_stock"].items() if k != run.negative_key}
    assert {k: run.state["rc_prices"][k] for k in clean["rc_prices"]} == clean["rc_prices"]
    # the conflicts of the clean run, and the planted ones: no more, no fewer
    planted = {
        f"unlinked_order_line:offer:{run.only_rc_offer}",
        f"unlinked_order_line:order:{run.orders['free-text line']['id']}:line:2",
        f"unlinked_order_line:offer:{run.long_offer}",
        f"only_in_retailcrm:article:{run.long_offer}",
        f"bad_data:order:{run.orders['no name']['id']}",
    }
    assert set(run.conflicts) == {key for _, key in clean["open_conflicts"]} | planted


def test_an_order_line_with_an_unknown_offer_is_a_conflict(bad_run):
    order = bad_run.orders["unknown offer"]
    conflict = bad_run.conflicts[f"unlinked_order_line:offer:{bad_run.only_rc_offer}"]
    assert order["number"] in conflict.title
    assert _warnings_about(bad_run, f"Заказ {order['number']} не выгружен", "не связан")
    free = bad_run.orders["free-text line"]
    conflict = bad_run.conflicts[f"unlinked_order_line:order:{free['id']}:line:2"]
    assert "Подарочная упаковка" in conflict.title
    assert _warnings_about(bad_run, f"Заказ {free['number']}", "Подарочная упаковка")


def test_negative_stock_goes_as_zero_with_a_warning(bad_run, reliability_reference):
    levels = bad_run.state["rc_stock"][bad_run.negative_key]
    clean = reliability_reference.state["rc_stock"][bad_run.negative_key]
    assert levels["main"] == 0 and clean["main"] > 0
    assert {k: v for k, v in levels.items() if k != "main"} == {k: v for k, v in clean.items() if k != "main"}
    assert _warnings_about(bad_run, bad_run.negative_name, "отрицательный (-5)", "передаём 0")


def test_an_order_whose_customer_has_no_name_is_a_conflict(bad_run):
    order = bad_run.orders["no name"]
    conflict = bad_run.conflicts[f"bad_data:order:{order['id']}"]
    assert "не указаны ни фамилия, ни имя, ни компания" in conflict.title
    assert _warnings_about(bad_run, f"Заказ {order['number']} не выгружен", "Исправьте заказ в RetailCRM")


def test_a_ten_thousand_character_name_is_a_conflict_and_a_readable_line(bad_run):
    order = bad_run.orders["long name"]
    assert f"unlinked_order_line:offer:{bad_run.long_offer}" in bad_run.conflicts
    lines = _warnings_about(bad_run, f"Заказ {order['number']}")
    assert lines and all(len(line) < 400 for line in lines), lines


def test_every_warning_is_a_sentence_a_person_can_act_on(bad_run):
    bad = [(why, e.message[:200]) for e in bad_run.events if e.level in (Level.WARNING, Level.ERROR)
           for why in [unreadable(e, bad_run.secrets)] if why]
    assert not bad, bad




def test_no_conflict_title_is_a_wall_of_text(bad_run):
    long = {key: len(c.title) for key, c in bad_run.conflicts.items() if len(c.title) > TITLE_LIMIT}
    assert not long, long
