"""Crash safety and flaky networks: never a duplicate order, counterparty or shipment, and the same result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.sandbox.core import FaultConfig
from app.sandbox.sandbox import Sandbox
from app.sync.model import Flow
from app.sync.orders.flow import OrdersFlow
from tests.sync.orders.support import (
    SMALL_SHOP,
    OrdEnv,
    goods_rows,
    linked_offer_ids,
    new_order,
    open_env,
    ord_environment,
    outcome,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def _edits(env: OrdEnv) -> None:
    """The same day's work on both sides, whatever run it meets: managers in RetailCRM, a clerk in MoySklad."""
    exported = sorted(int(o["externalCode"]) for o in env.ms_orders())
    orders = {o["id"]: o for o in env.rc_state.orders()}
    open_ones = [i for i in exported if orders[i]["status"] in ("new", "client-confirmed")]
    for order_id in open_ones[:4]:
        env.rc_state.user_edit_order(order_id, status="assembling")
    for order_id in open_ones[4:8]:
        items = [{"id": i["id"], "quantity": i["quantity"] + 1} for i in orders[order_id]["items"]]
        env.rc_state.user_edit_order(order_id, items=items, managerComment="Клиент добавил")
    for order_id in open_ones[8:10]:
        env.rc_state.user_edit_order(order_id, status=env.settings.shipment_status)
    done_state = env.settings.status_map["complete"]
    for order_id in open_ones[10:13]:
        ms = env.ms_order(order_id)
        env.ms_state.update_entity("customerorder", ms["id"], {"state": env.moysklad.state_meta(done_state)})


def _rc_statuses(env: OrdEnv) -> dict[str, str]:
    exported = {o["externalCode"] for o in env.ms_orders()}
    return {str(o["id"]): o["status"] for o in env.rc_state.orders() if str(o["id"]) in exported}


@pytest.fixture(scope="module")
def ord_reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """What clean runs leave behind on the same seeded shop: after the first run, and after a day's edits."""
    with Sandbox(SMALL_SHOP) as sandbox:
        env = open_env(sandbox, tmp_path_factory.mktemp("reference"), reverse_status_flow=True)
        report = env.run()
        assert report.ok and report.errors == 0
        first = outcome(env)
        _edits(env)
        report = env.run()
        assert report.ok and report.errors == 0
        second = {**outcome(env), "rc": _rc_statuses(env)}
        env.db.close()
        return {"first": first, "second": second}


@pytest.fixture
def ord_faulty_sandbox() -> Iterator[Sandbox]:
    with Sandbox(SMALL_SHOP) as sandbox:
        yield sandbox


def _assert_no_duplicates(env: OrdEnv) -> None:
    codes = Counter(o["externalCode"] for o in env.ms_orders())
    assert [code for code, n in codes.items() if n > 1] == []
    ours = Counter(c["name"] for c in env.ms_state.counterparties() if "создан Связкой" in (c.get("description") or ""))
    assert [name for name, n in ours.items() if n > 1] == []
    shipped = Counter(ref_id(d.get("customerOrder")) for d in env.ms_state.demands())
    assert [order for order, n in shipped.items() if n > 1] == []


def test_answers_lost_after_creates_never_duplicate(
    ord_faulty_sandbox: Sandbox, tmp_path: Path, ord_reference: dict[str, Any]
) -> None:
    # give up quickly: runs break off half-way
    env = open_env(ord_faulty_sandbox, tmp_path, attempts=2, reverse_status_flow=True)
    env.flow = OrdersFlow(create_batch=3)  # many creates, so many answers to lose
    ord_faulty_sandbox.set_faults(FaultConfig(share_dropped=0.3, drop_after_handling=1.0, seed=11), "moysklad")
    broken = 0
    for _ in range(60):
        report = env.run()
        if report.ok and report.errors == 0 and report.counts[Flow.ORDERS].failed == 0:
            break
        broken += 1
        _assert_no_duplicates(env)
    else:
        pytest.fail("the flow never finished under dropped answers")
    ord_faulty_sandbox.set_faults(None)
    assert broken > 0  # the faults really broke runs off, so recovery was exercised
    drops = [e for e in ord_faulty_sandbox.log.entries() if e.fault == "drop-after" and e.method == "POST"]
    assert drops, "no create lost its answer: the test would prove nothing"

    _assert_no_duplicates(env)
    assert outcome(env) == ord_reference["first"]
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []  # orders found again after a crash were recorded as they are


def test_a_fifth_of_requests_failing_on_both_services_still_gives_the_right_data(
    ord_faulty_sandbox: Sandbox, tmp_path: Path, ord_reference: dict[str, Any]
) -> None:
    # small pages and batches: many requests, so a fifth of them failing really means something
    env = open_env(ord_faulty_sandbox, tmp_path, attempts=10, page_limit=20, reverse_status_flow=True)
    env.flow = OrdersFlow(create_batch=5, counterparty_scan_rows=0)
    ord_faulty_sandbox.set_faults(FaultConfig(share_5xx=0.08, share_dropped=0.06, drop_after_handling=0.5,
                                              share_malformed=0.04, share_rate_limited=0.02, seed=5), "retailcrm")
    ord_faulty_sandbox.set_faults(FaultConfig(share_5xx=0.1, share_dropped=0.06, drop_after_handling=0.5,
                                              share_malformed=0.04, seed=6), "moysklad")

    first = env.run()
    _edits(env)
    second = env.run()

    ord_faulty_sandbox.set_faults(None)
    faults = Counter((e.service, e.fault) for e in ord_faulty_sandbox.log.entries() if e.fault)
    assert {service for service, _ in faults} == {"retailcrm", "moysklad"} and sum(faults.values()) >= 6, faults
    for report in (first, second):
        assert report.ok and report.errors == 0, env.messages()
    _assert_no_duplicates(env)
    assert {**outcome(env), "rc": _rc_statuses(env)} == ord_reference["second"]
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []


def test_a_create_sent_before_a_crash_is_found_not_repeated(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    shipment = env.settings.shipment_status
    assert shipment
    order = new_order(env, None, linked_offer_ids(env)[:2], firstName="Вера", lastName="Крашева", status=shipment)
    # The previous run reserved the link, sent the create, and died before recording the answer.
    link = env.db.links(env.profile_id).reserve("order", order["id"], rc_ext=order["number"])
    retail = next(c for c in env.ms_state.counterparties() if c["name"] == "Розничный покупатель")
    sent = env.moysklad.create("customerorder", {
        "syncId": link.sync_id, "externalCode": str(order["id"]),
        "organization": env.moysklad.meta("organization", env.settings.organization_id),
        "agent": env.moysklad.meta("counterparty", retail["id"]),
    })

    env.run()

    found = env.ms_state.find_customer_orders(external_code=str(order["id"]))
    assert [o["id"] for o in found] == [sent["id"]]
    assert env.db.links(env.profile_id).get_by_rc("order", order["id"]).ms_id == sent["id"]
    assert len(goods_rows(found[0])) == 2  # brought up to date, not left half-made
    assert [ref_id(d["customerOrder"]) for d in env.ms_state.demands()].count(sent["id"]) == 1  # and shipped
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []


def test_a_counterparty_sent_before_a_crash_is_not_created_twice(ord_env: OrdEnv) -> None:
    env = ord_env
    order = new_order(env, None, linked_offer_ids(env)[:1], firstName="Глеб", lastName="Повторов",
                      email="gleb.povtorov@example.ru")
    customer_id = str(env.rc_state.order(order["id"])["customer"]["id"])
    link = env.db.links(env.profile_id).reserve("counterparty", customer_id)
    env.moysklad.create("counterparty", {"syncId": link.sync_id, "name": "Повторов Глеб"})

    env.run()

    same = [c for c in env.ms_state.counterparties() if c["name"].startswith("Повторов")]
    assert len(same) == 1
    assert ref_id(env.ms_order(order["id"])["agent"]) == same[0]["id"]
