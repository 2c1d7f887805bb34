"""Shipments for orders at the shipment status or past it (by RetailCRM's process order: group, then status in
the group); never for cancelled ones."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.clients.retailcrm import RetailCrmClient
from app.sync.model import Level
from app.sync.process_order import DEFAULT_ORDER_NOTE
from tests.sync.orders.support import (
    FAST_RC,
    OrdEnv,
    fast_retry,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _demands_of(env: OrdEnv, rc_order: dict[str, Any]) -> list[dict[str, Any]]:
    ms_id = env.ms_order(rc_order["id"])["id"]
    return [d for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id]


def _stock(env: OrdEnv, offer_id: int) -> float:
    ms_id = env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id
    return sum(v["stock"] for store, v in env.ms_state.stock(ms_id).items() if store is not None)


def test_orders_first_exported_after_the_shipment_status_are_shipped_once(ord_env: OrdEnv) -> None:
    env = ord_env
    assert env.settings.shipment_status == "send-to-delivery"  # «Доставляется» and «Выполнен» come after it
    env.run()
    offer = linked_offer_ids(env)[0]
    delivering = new_order(env, None, [offer], status="delivering", firstName="Дина", lastName="Везёт")
    complete = new_order(env, None, [offer], status="complete", firstName="Кира", lastName="Готова", quantity=2)
    before = _stock(env, offer)

    env.run()

    assert len(_demands_of(env, delivering)) == 1 and len(_demands_of(env, complete)) == 1
    assert _stock(env, offer) == before - 3  # MoySklad's stock went down with the shipments
    links = env.db.links(env.profile_id)
    assert links.get_by_rc("demand", delivering["id"]).ms_id == _demands_of(env, delivering)[0]["id"]
    mark = env.log_size()
    env.run(full=True)  # a full re-check finds them shipped already
    assert len(_demands_of(env, delivering)) == 1 and len(_demands_of(env, complete)) == 1
    assert not [e for e in env.writes(mark) if e.path.endswith("/entity/demand")]


def test_a_linked_order_that_skips_the_shipment_status_is_shipped(ord_env: OrdEnv) -> None:
    env = ord_env
    order = new_order(env, None, linked_offer_ids(env)[:2], status="assembling", firstName="Ян", lastName="Скоров")
    env.run()
    assert _demands_of(env, order) == []

    env.rc_state.user_edit_order(order["id"], status="complete")  # straight past «Отправлен»
    env.run()

    (demand,) = _demands_of(env, order)
    assert sorted(ref_id(r["assortment"]) for r in demand["positions"]["rows"]) == sorted(
        ref_id(r["assortment"]) for r in env.ms_order(order["id"])["positions"]["rows"])
    env.run()
    assert len(_demands_of(env, order)) == 1


def test_cancelled_orders_get_no_demand(ord_env: OrdEnv) -> None:
    env = ord_env
    offers = linked_offer_ids(env)[:1]
    cancelled = new_order(env, None, offers, status="new", firstName="Отто", lastName="Отменов")
    returned = new_order(env, None, offers, status="new", firstName="Рита", lastName="Вернула")
    env.run()

    # «Отменен» comes after «Отправлен» in RetailCRM's ordering, but the cancel group never ships
    env.rc_state.user_edit_order(cancelled["id"], status="cancel-other")
    # sent, then cancelled before the next run: the history shows the shipment status, the order is cancelled
    env.rc_state.user_edit_order(returned["id"], status="send-to-delivery")
    env.rc_state.user_edit_order(returned["id"], status="no-product")
    env.run()

    assert _demands_of(env, cancelled) == [] and _demands_of(env, returned) == []
    assert env.db.links(env.profile_id).get_by_rc("demand", cancelled["id"]) is None


def _row_key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (ref_id(row["assortment"]), row["quantity"], row["price"], row.get("discount"), row.get("vat"))


def test_shipments_of_orders_created_in_the_run_are_built_locally_in_one_batch(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offers = linked_offer_ids(env)[:3]
    first = new_order(env, None, offers[:2], status="delivering", firstName="Ада", lastName="Быстрова", quantity=2)
    second = new_order(env, None, offers, status="complete", firstName="Боря", lastName="Скоров")
    mark = env.log_size()

    env.run()

    requests = env.sandbox.log.entries()[mark:]
    assert not [e for e in requests if e.path.endswith("/entity/demand/new")]  # no template per order
    assert len([e for e in requests if e.method == "POST" and e.path.endswith("/entity/demand")]) == 1
    for rc_order in (first, second):
        ms_order = env.ms_order(rc_order["id"])
        (demand,) = _demands_of(env, rc_order)
        # what MoySklad's template would have copied from the order
        for key in ("organization", "agent", "store"):
            assert ref_id(demand[key]) == ref_id(ms_order[key])
        assert sorted(map(_row_key, demand["positions"]["rows"])) == sorted(
            map(_row_key, ms_order["positions"]["rows"]))
        assert demand["sum"] == ms_order["sum"]
    env.run(full=True)
    assert len(_demands_of(env, first)) == 1 and len(_demands_of(env, second)) == 1


def test_demand_body_falls_back_to_the_template_when_a_field_is_missing() -> None:
    from app.sync.orders.shipments import demand_body

    order = {"meta": {"href": "x/entity/customerorder/1", "type": "customerorder"}}
    ref = {"meta": {"href": "x/entity/store/1", "type": "store"}}
    sent = {"organization": ref, "agent": ref, "store": ref, "description": "",
            "positions": [{"assortment": ref, "quantity": 2.0, "price": 100, "discount": 0.0, "reserve": 2.0}]}
    body = demand_body(order, sent)
    assert body is not None and body["customerOrder"] == order and "description" not in body
    assert body["positions"] == [{"assortment": ref, "quantity": 2.0, "price": 100, "discount": 0.0}]
    assert demand_body(order, {k: v for k, v in sent.items() if k != "store"}) is None
    assert demand_body(order, {**sent, "positions": []}) is None
    # the order's VAT flags go along, so the shipment's sum is the order's (as the template copies them)
    assert demand_body(order, {**sent, "vatIncluded": True})["vatIncluded"] is True  # type: ignore[index]
    assert "vatIncluded" not in body and "vatEnabled" not in body


def test_orders_before_the_shipment_status_get_no_demand_on_a_real_numbering(ord_env: OrdEnv) -> None:
    """The sandbox numbers statuses like a real account (``ordering`` restarts in every group, a shop's own
    status is 990): «Новый» is 10 like «Отправлен», «Ждём поставку» is 990, yet neither has shipped."""
    env = ord_env
    statuses = {s.code: s for s in env.retailcrm.statuses()}
    shipment = env.settings.shipment_status
    assert shipment == "send-to-delivery"
    assert statuses["new"].ordering == statuses[shipment].ordering  # what a cross-group comparison trips on
    assert statuses["waiting-supply"].ordering > statuses["complete"].ordering
    assert statuses["no-call"].group == "cancel"
    env.run()
    offer = linked_offer_ids(env)[0]
    fresh = new_order(env, None, [offer], status="new", firstName="Нина", lastName="Новая")
    waiting = new_order(env, None, [offer], status="waiting-supply", firstName="Жанна", lastName="Ждёт")
    delivered = new_order(env, None, [offer], status="delivering", firstName="Вера", lastName="Везут")
    done = new_order(env, None, [offer], status="complete", firstName="Гена", lastName="Готов")
    assert {fresh["status"], waiting["status"]} <= set(env.settings.export_statuses)
    before = _stock(env, offer)

    env.run()

    assert _demands_of(env, fresh) == [] and _demands_of(env, waiting) == []
    assert len(_demands_of(env, delivered)) == 1 and len(_demands_of(env, done)) == 1
    assert _stock(env, offer) == before - 2  # only the two shipped orders wrote stock off
    links = env.db.links(env.profile_id)
    assert links.get_by_rc("demand", fresh["id"]) is None and links.get_by_rc("demand", waiting["id"]) is None


class NoStatusGroups(httpx.BaseTransport):
    """The sandbox over real HTTP, except that ``/reference/status-groups`` is not there (404), as on an account
    or a proxy that does not serve it."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reference/status-groups"):
            return httpx.Response(404, json={"success": False, "errorMsg": "Not found"})
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def test_without_the_status_groups_the_default_group_order_still_keeps_new_orders_unshipped(ord_env: OrdEnv) -> None:
    env = ord_env
    env.retailcrm.close()
    env.retailcrm = RetailCrmClient(env.sandbox.retailcrm_url, env.sandbox.retailcrm.api_key, retry=fast_retry(),
                                    limits=FAST_RC, transport=NoStatusGroups())
    env.run()
    offer = linked_offer_ids(env)[0]
    fresh = new_order(env, None, [offer], status="new", firstName="Нина", lastName="Новая")
    done = new_order(env, None, [offer], status="complete", firstName="Гена", lastName="Готов")

    report = env.run()

    assert report.errors == 0, report.message
    assert _demands_of(env, fresh) == [] and len(_demands_of(env, done)) == 1
    assert any(e.level == Level.WARNING and e.code == DEFAULT_ORDER_NOTE.code for e in env.events)
