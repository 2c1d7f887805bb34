"""SIGKILL the sync at points spread over every flow, restart it each time, and finish with one complete
sync: never a duplicate (orders, counterparties, shipments, RetailCRM products), and the same final state as
a fresh shop of the same seed that was synced once without interruption.

The sync runs as ``python -m app --data-dir D sync --json`` (a real process, killed for real); the sandbox
runs in the test process and kills the child the moment a chosen request arrives (after the change is made,
before the answer leaves), after a chosen log line, or after a random delay (:mod:`tests.reliability.killing`).

The default run kills seven times in one shop (each flow's writes, the order, shipment and payment creates, a
random moment); the slow one kills twenty times and more, at random, over several shops, and loses the answer of
every kind of write once.
"""

from __future__ import annotations

import json
import re
import signal
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from random import Random
from typing import Any

import httpx
import pytest

from app.clients.parsing import meta_id
from app.sandbox.sandbox import Sandbox
from app.store import Database
from app.sync.model import ALL_FLOWS, Flow
from tests.reliability.killing import Kill, KillSwitch, Trigger, run_child, schedule
from tests.reliability.support import SHOP, diff, final_state, no_duplicates, setup_profile

pytestmark = [
    pytest.mark.timeout(600),
    # SIGKILL is POSIX (on Windows a kill is TerminateProcess); the recovery these tests prove is platform-free
    pytest.mark.skipif(sys.platform == "win32", reason="kills the sync with SIGKILL"),
]

@dataclass
class Round:
    kills: list[Kill]
    state: dict[str, Any]  # the final state (support.final_state)


def kill_round(reference: Any, data_dir: Path, triggers: list[Trigger]) -> Round:
    """A fresh shop: a kill per trigger with a restart after each, then a sync that must complete; never a
    duplicate at any moment, and at the end the clean run's state."""
    kills: list[Kill] = []
    with Sandbox(SHOP) as sandbox:
        switch = KillSwitch().install(sandbox)
        setup_profile(sandbox, data_dir)
        for trigger in triggers:
            result, kill = run_child(switch, sandbox, data_dir, trigger)
            kills.append(kill)
            if kill.killed:
                assert kill.code == -signal.SIGKILL, f"{kill.where}: the child exited with {kill.code} instead"
            else:  # it finished before the trigger: then it must have finished well
                assert result.report is not None and result.report["errors"] == 0, result.log[-10:]
            found = no_duplicates(sandbox)
            assert not found, f"duplicates after {kill.where or trigger.describe()}: {found}"

        final, _ = run_child(switch, sandbox, data_dir, None)
        assert final.report is not None, final.log[-20:]
        assert final.report["errors"] == 0 and final.report["status"] in ("ok", "partial"), final.log[-20:]
        assert not no_duplicates(sandbox)
        state = final_state(sandbox, data_dir)
    problems = diff(state, reference.state)
    assert not problems, "after the kills the shop differs from a clean sync:\n" + "\n".join(problems) + \
        "\nkills:\n" + _summary(kills)
    return Round(kills, state)


def _summary(kills: list[Kill]) -> str:
    return "\n".join(
        f"{'KILL' if k.killed else 'done'} [{k.landed.value if k.landed else '-'}] {k.trigger.describe()}: {k.where}"
        for k in kills
    )


@pytest.fixture(scope="module")
def default_round(reliability_reference, tmp_path_factory: pytest.TempPathFactory) -> Round:
    """Seven kills in one shop: at a random write of the catalog, stock and price flows, as the order create, the
    shipment create and the incoming payment create reach MoySklad (their answers lost), and at a random
    moment."""
    rng = Random(20261123)
    profile = reliability_reference.profile
    triggers = [t for t in schedule(rng, profile, per_flow=1) if t.flow is not Flow.ORDERS]
    triggers += [
        Trigger("at", Flow.ORDERS, at="POST entity/customerorder"),
        Trigger("at", Flow.ORDERS, at="POST entity/demand"),
        Trigger("at", Flow.ORDERS, at="POST entity/paymentin"),
        Trigger("delay", Flow.CATALOG, seconds=round(rng.uniform(0.0, profile.seconds), 3)),
    ]
    return kill_round(reliability_reference, tmp_path_factory.mktemp("default-round"), triggers)


def test_kills_in_every_flow_leave_no_duplicates_and_the_clean_result(default_round):
    kills = default_round.kills
    print(_summary(kills))
    killed = [k for k in kills if k.killed]
    assert len(killed) >= 6, _summary(kills)  # only the random moment may come after the run ended
    landed = Counter(k.landed for k in killed)
    assert all(landed[flow] for flow in ALL_FLOWS), _summary(kills)


def test_a_lost_payment_answer_is_recorded_on_the_next_run(default_round):
    """The incoming payment reached MoySklad but its answer was lost: the next run sends it again with the same
    syncId, gets the same document back and links it; no second payment."""
    assert any(k.killed and k.trigger.at == "POST entity/paymentin" for k in default_round.kills)
    pending = [p for p in default_round.state["pending_links"] if p.startswith(("payment:", "refund:"))]
    assert not pending, f"payment links never completed: {pending}"
    assert default_round.state["links"]["payment"] == sum(
        1 for p in default_round.state["payments"] if p[0] in ("paymentin", "cashin")) > 0


def test_a_lost_shipment_answer_is_recorded_on_the_next_run(default_round):
    """The shipment reached MoySklad but its answer was lost: the next run finds it by its syncId and links it
    (asking for a template would find nothing left to ship and leave the link reserved for ever)."""
    assert any(k.killed and k.trigger.at == "POST entity/demand" for k in default_round.kills)
    pending = [p for p in default_round.state["pending_links"] if p.startswith("demand:")]
    assert not pending, f"shipment links never completed: {pending}"
    assert default_round.state["links"]["demand"] == len(default_round.state["demands"])


@pytest.mark.slow
def test_twenty_and_more_kills_leave_no_duplicates_and_the_clean_result(reliability_reference, tmp_path):
    kills: list[Kill] = []
    rng = Random(4)
    for round_number in range(6):
        if sum(k.killed for k in kills) >= 20:
            break
        triggers = schedule(rng, reliability_reference.profile, per_flow=2)
        kills += kill_round(reliability_reference, tmp_path / f"round{round_number}", triggers).kills
    print(_summary(kills))
    killed = [k for k in kills if k.killed]
    assert len(killed) >= 20, _summary(kills)
    landed = Counter(k.landed for k in killed)
    assert all(landed[flow] >= 2 for flow in ALL_FLOWS), f"{landed}\n{_summary(kills)}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("at", "flow"),
    [
        pytest.param("POST store/products/batch/create", Flow.CATALOG, id="rc-products-create"),
        pytest.param("POST store/products/batch/edit", Flow.CATALOG, id="rc-products-edit"),
        pytest.param("POST store/inventories/upload", Flow.STOCK, id="stock-upload"),
        pytest.param("POST store/prices/upload", Flow.PRICES, id="prices-upload"),
        pytest.param("POST entity/counterparty", Flow.ORDERS, id="counterparty-create"),
        pytest.param("POST entity/customerorder", Flow.ORDERS, id="order-create"),
        pytest.param("POST entity/demand", Flow.ORDERS, id="shipment-create"),
        pytest.param("POST entity/paymentin", Flow.ORDERS, id="payment-create"),
    ],
)
def test_a_lost_answer_to_any_write_is_recovered(reliability_reference, tmp_path, at, flow):
    """The sync dies right after a write reached the service, before it heard the answer: the restart finds
    what was written, writes nothing twice, and ends where a clean sync ends."""
    kills = kill_round(reliability_reference, tmp_path, [Trigger("at", flow, at=at)]).kills
    assert kills[0].killed and kills[0].landed is flow, _summary(kills)


@pytest.mark.slow
def test_a_killed_counterparty_update_is_recorded_without_a_second_write(tmp_path):
    """A customer changed with the other key; the sync dies right after its counterparty's PUT reached
    MoySklad (app/sync/orders/customers.py): the restart finds MoySklad already holding the new value, records
    it and writes nothing twice; the run after that has nothing to do."""
    with Sandbox(SHOP) as sandbox:
        switch = KillSwitch().install(sandbox)
        setup_profile(sandbox, tmp_path)
        first, _ = run_child(switch, sandbox, tmp_path, None)
        assert first.report is not None and first.report["errors"] == 0, first.log[-10:]
        ours = [c for c in sandbox.moysklad.state.counterparties() if "создан Связкой" in (c.get("description") or "")]
        assert ours, "the first sync created no counterparty"
        counterparty = ours[0]
        match = re.search(r"№(\d+)", counterparty["description"])
        assert match is not None
        credentials = sandbox.credentials()["retailcrm"]
        edited = httpx.post(
            f"{credentials['url'].rstrip('/')}/api/v5/customers/{match.group(1)}/edit",
            data={"customer": json.dumps({"email": "after.kill@example.ru"}), "by": "id"},
            headers={"X-API-KEY": credentials["other_api_key"]},
        )
        assert edited.status_code == 200, edited.text

        _, kill = run_child(switch, sandbox, tmp_path, Trigger("at", Flow.ORDERS,
                                                               at=f"PUT counterparty/{counterparty['id']}"))
        assert kill.killed, _summary([kill])

        def puts(since: int) -> int:
            return sum(1 for e in switch.entries()[since:]
                       if e.method == "PUT" and e.path.endswith(f"counterparty/{counterparty['id']}"))

        for _round in range(2):
            since = len(switch.entries())
            result, _ = run_child(switch, sandbox, tmp_path, None)
            assert result.report is not None and result.report["errors"] == 0, result.log[-10:]
            assert puts(since) == 0
        after = next(c for c in sandbox.moysklad.state.counterparties() if c["id"] == counterparty["id"])
        assert after["email"] == "after.kill@example.ru"


@pytest.mark.slow
def test_a_deleted_order_cancelled_in_moysklad_survives_a_kill(tmp_path):
    """An order deleted in RetailCRM: the sync dies as its MoySklad order's cancel (state, reserves 0) reaches
    MoySklad; the restart sends the same update once more, and a run after that sends nothing for it
    (app/sync/orders/deleted.py). The MoySklad order is never deleted."""
    with Sandbox(SHOP) as sandbox:
        switch = KillSwitch().install(sandbox)
        setup_profile(sandbox, tmp_path)
        first, _ = run_child(switch, sandbox, tmp_path, None)
        assert first.report is not None and first.report["errors"] == 0, first.log[-10:]
        ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state
        reserved = [o for o in ms.customer_orders() if any(r.get("reserve") for r in o["positions"]["rows"])]
        target = reserved[0]
        rc.user_delete_order(int(target["externalCode"]))
        put = f"PUT entity/customerorder/{target['id']}"
        _, kill = run_child(switch, sandbox, tmp_path, Trigger("at", Flow.ORDERS, at=put))
        assert kill.killed and kill.landed is Flow.ORDERS, kill.where

        final, _ = run_child(switch, sandbox, tmp_path, None)
        assert final.report is not None and final.report["errors"] == 0, final.log[-20:]
        (after,) = [o for o in ms.customer_orders() if o["id"] == target["id"]]
        assert after["state"]["meta"]["href"] != target["state"]["meta"]["href"]
        assert all(not r.get("reserve") for r in after["positions"]["rows"])
        assert not no_duplicates(sandbox)

        since = len(switch.entries())
        again, _ = run_child(switch, sandbox, tmp_path, None)
        assert again.report is not None and again.report["errors"] == 0
        assert not [e for e in switch.entries()[since:] if e.method == "PUT" and e.path.endswith(target["id"])]


@pytest.mark.slow
def test_a_killed_order_update_is_not_taken_for_an_edit_in_moysklad(tmp_path):
    """A line's quantity changed in RetailCRM; the sync dies as the order's update reaches MoySklad, before it
    remembers what it wrote (app/sync/orders/edits.py). The restart finds MoySklad already holding RetailCRM's
    lines: no conflict «changed on both sides», and the run after that writes nothing to the order."""
    with Sandbox(SHOP) as sandbox:
        switch = KillSwitch().install(sandbox)
        setup_profile(sandbox, tmp_path)
        first, _ = run_child(switch, sandbox, tmp_path, None)
        assert first.report is not None and first.report["errors"] == 0, first.log[-10:]
        ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state
        exported = {o["externalCode"]: o for o in ms.customer_orders()}
        order = next(o for o in rc.orders() if str(o["id"]) in exported and o.get("items")
                     and o["status"] in ("new", "client-confirmed", "assembling"))
        target = exported[str(order["id"])]
        items = [{"id": i["id"], "quantity": i["quantity"]} for i in order["items"]]
        items[0]["quantity"] += 3
        rc.user_edit_order(order["id"], items=items)
        put = f"PUT entity/customerorder/{target['id']}"
        _, kill = run_child(switch, sandbox, tmp_path, Trigger("at", Flow.ORDERS, at=put))
        assert kill.killed and kill.landed is Flow.ORDERS, kill.where

        final, _ = run_child(switch, sandbox, tmp_path, None)
        assert final.report is not None and final.report["errors"] == 0, final.log[-20:]
        db = Database.open(tmp_path / "svyazka.sqlite3")
        try:
            profile = db.profiles.list()[0]
            assert db.conflicts(profile.id).list(kind="order_changed_both_sides", status=None) == []
        finally:
            db.close()
        (after,) = [o for o in ms.customer_orders() if o["id"] == target["id"]]
        goods = [r for r in after["positions"]["rows"] if r["assortment"]["meta"]["type"] != "service"]
        assert goods[0]["quantity"] == items[0]["quantity"]

        since = len(switch.entries())
        again, _ = run_child(switch, sandbox, tmp_path, None)
        assert again.report is not None and again.report["errors"] == 0
        assert not [e for e in switch.entries()[since:] if target["id"] in e.path and e.method in ("PUT", "POST")]


@pytest.mark.slow
def test_a_refused_order_gets_one_return_and_one_refund_across_kills(tmp_path):
    """A paid, shipped order refused at the door and its money refunded: the sync dies as the sales return
    reaches MoySklad, the restart dies as the outgoing payment does; the run after that finishes. One return,
    one refund, the goods back, MoySklad's paid sum 0 (app/sync/orders/returns.py, payments.py)."""
    with Sandbox(SHOP) as sandbox:
        switch = KillSwitch().install(sandbox)
        setup_profile(sandbox, tmp_path)
        first, _ = run_child(switch, sandbox, tmp_path, None)
        assert first.report is not None and first.report["errors"] == 0, first.log[-10:]
        ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state
        shipped = {meta_id(d.get("customerOrder")) for d in ms.demands()}
        target = next(o for o in ms.customer_orders() if o["id"] in shipped)
        order_id = int(target["externalCode"])
        total = rc.order(order_id)["totalSumm"]
        rc.user_edit_order(order_id, payments=[{"type": "bank-card", "amount": total, "status": "paid"}])
        paid, _ = run_child(switch, sandbox, tmp_path, None)
        assert paid.report is not None and paid.report["errors"] == 0, paid.log[-10:]
        paid_ids = [p["id"] for p in rc.order(order_id)["payments"].values() if p["status"] == "paid"]
        rc.user_edit_order(order_id, status="cancel-other",
                           payments=[{"id": pid, "status": "returned"} for pid in paid_ids])

        for at in ("POST entity/salesreturn", "POST entity/paymentout"):
            _, kill = run_child(switch, sandbox, tmp_path, Trigger("at", Flow.ORDERS, at=at))
            assert kill.killed and kill.landed is Flow.ORDERS, f"{at}: {kill.where} {kill.log_tail[-5:]}"
            assert not no_duplicates(sandbox)
        final, _ = run_child(switch, sandbox, tmp_path, None)
        assert final.report is not None and final.report["errors"] == 0, final.log[-20:]
        again, _ = run_child(switch, sandbox, tmp_path, None)
        assert again.report is not None and again.report["errors"] == 0, again.log[-20:]

        demand_ids = {d["id"] for d in ms.demands() if meta_id(d.get("customerOrder")) == target["id"]}
        assert len([r for r in ms.sales_returns() if meta_id(r.get("demand")) in demand_ids]) == 1
        refunds = [d for d in ms.money_documents("paymentout")
                   if any(meta_id(op) == target["id"] for op in d.get("operations") or ())]
        assert len(refunds) == len(paid_ids) >= 1
        (after,) = [o for o in ms.customer_orders() if o["id"] == target["id"]]
        assert after["payedSum"] == 0
        assert not no_duplicates(sandbox)
