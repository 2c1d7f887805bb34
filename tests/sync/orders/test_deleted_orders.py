"""Orders deleted in RetailCRM (app/sync/orders/deleted.py), over HTTP: the MoySklad order gets the cancel state
and gives up its reserve, is never deleted, and a second run does nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.sync.model import Level
from app.sync.orders.deleted import DONE, PUSHED_DELETED, WAITING
from tests.sync.orders.support import OrdEnv, goods_rows, linked_offer_ids, new_order, ord_environment, ref_id


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _codes(env: OrdEnv) -> list[str]:
    return [e.code or "" for e in env.events]


def _reserve(env: OrdEnv, offer_id: int) -> float:
    ms_id = env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id
    return sum(v["reserve"] for v in env.ms_state.stock(ms_id).values())


def test_a_deleted_linked_order_is_cancelled_in_moysklad_once(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[0]
    before = _reserve(env, offer)
    order = new_order(env, None, [offer], firstName="Дина", lastName="Удалова", quantity=3)
    env.run()
    assert _reserve(env, offer) == before + 3
    ms_before = env.ms_order(order["id"])

    env.rc_state.user_delete_order(order["id"])
    report = env.run()

    assert report.errors == 0
    ms_after = env.ms_order(order["id"])  # still there: never deleted
    assert ms_after["id"] == ms_before["id"]
    cancel_state = env.settings.status_map["cancel-other"]  # RetailCRM's own cancel status comes first
    assert cancel_state and ref_id(ms_after["state"]) == cancel_state
    assert [r["reserve"] for r in goods_rows(ms_after)] == [0.0]
    assert [(r["quantity"], ref_id(r["assortment"])) for r in goods_rows(ms_after)] == [
        (r["quantity"], ref_id(r["assortment"])) for r in goods_rows(ms_before)]  # the same lines
    assert _reserve(env, offer) == before
    assert "order_lines.deleted_cancelled" in _codes(env)
    assert env.db.pushed(env.profile_id).get_many(PUSHED_DELETED) == {str(order["id"]): DONE}
    assert order["id"] not in set(env.db.cursors(env.profile_id).all("orders").get("waiting", "").split(","))

    since = env.log_size()
    env.run()
    env.run(full=True)
    assert env.writes(since) == []  # nothing twice
    assert "order_lines.deleted_cancelled" not in _codes(env)


def test_without_a_mapped_cancel_status_the_order_waits_and_the_log_says_what_to_map(ord_env: OrdEnv) -> None:
    env = ord_env
    mapped = dict(env.settings.status_map)
    cancel = {s.code for s in env.retailcrm.statuses() if s.group == "cancel"}
    env.configure(status_map={k: v for k, v in mapped.items() if k not in cancel})
    env.run()
    offer = linked_offer_ids(env)[1]
    order = new_order(env, None, [offer], firstName="Ждан", lastName="Ожидаев")
    env.run()
    env.rc_state.user_delete_order(order["id"])
    since = env.log_size()
    env.run()
    warned = [e for e in env.events if e.code == "order_lines.deleted_no_cancel_state"]
    assert len(warned) == 1 and warned[0].level == Level.WARNING and "Отменен" in warned[0].message
    assert env.writes(since) == []
    assert env.db.pushed(env.profile_id).get_many(PUSHED_DELETED) == {str(order["id"]): WAITING}

    env.configure(status_map={**mapped, "cancel-other": None})  # another cancel status mapped: it is used
    env.run()
    assert ref_id(env.ms_order(order["id"])["state"]) == mapped["no-call"]  # the first in process order
    assert [r["reserve"] for r in goods_rows(env.ms_order(order["id"]))] == [0.0]
    assert env.db.pushed(env.profile_id).get_many(PUSHED_DELETED) == {str(order["id"]): DONE}


def test_a_deleted_shipped_order_keeps_its_shipment(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[2]
    order = new_order(env, None, [offer], status="complete", firstName="Семён", lastName="Отгрузов")
    env.run()
    ms_id = env.ms_order(order["id"])["id"]
    shipped = [d for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id]
    assert len(shipped) == 1
    env.rc_state.user_delete_order(order["id"])
    env.run()
    assert [d["id"] for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id] == [shipped[0]["id"]]
    assert "order_lines.deleted_shipped" in _codes(env)
    assert env.ms_state.sales_returns() == []


def test_an_unlinked_deleted_order_needs_nothing(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    order = new_order(env, None, [linked_offer_ids(env)[3]], status="cancel-other",  # not exported
                      firstName="Нил", lastName="Несвязанный")
    env.run()
    env.rc_state.user_delete_order(order["id"])
    since = env.log_size()
    env.run()
    assert env.writes(since) == []
    assert [e.level for e in env.events if e.code == "order_lines.deleted_unlinked"] == [Level.DEBUG]


def test_a_deleted_order_with_an_unfinished_payment_is_not_asked_for_every_run(ord_env: OrdEnv) -> None:
    """A payment write reserved and never confirmed (a kill) for an order deleted since: the order cannot be read
    any more, so later runs do not ask RetailCRM for it again and again."""
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[0]
    order = new_order(env, None, [offer], firstName="Зоя", lastName="Платёжная")
    env.run()
    env.db.links(env.profile_id).reserve("payment", f"{order['id']}:9999:1", ms_type="paymentin")
    env.rc_state.user_delete_order(order["id"])
    env.run()

    since = env.log_size()
    env.run()
    asked = [e for e in env.sandbox.log.entries()[since:]
             if e.path.endswith("/api/v5/orders") and str(order["id"]) in str(e.query)]
    assert asked == []
