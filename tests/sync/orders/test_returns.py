"""Returns (возвраты покупателя) and shipments made in MoySklad itself, over HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sync.orders.returns import LINK_KIND, PUSHED_RETURNED, to_return
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment, ref_id


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _stock(env: OrdEnv, offer_id: int) -> float:
    ms_id = env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id
    return sum(v["stock"] for store, v in env.ms_state.stock(ms_id).items() if store is not None)


def _demands(env: OrdEnv, rc_order: dict[str, Any]) -> list[dict[str, Any]]:
    ms_id = env.ms_order(rc_order["id"])["id"]
    return [d for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id]


def _returns(env: OrdEnv, rc_order: dict[str, Any]) -> list[dict[str, Any]]:
    demand_ids = {d["id"] for d in _demands(env, rc_order)}
    return [r for r in env.ms_state.sales_returns() if ref_id(r.get("demand")) in demand_ids]


def _returned(env: OrdEnv, rc_order: dict[str, Any]) -> dict[str, float]:
    out: dict[str, float] = {}
    for document in _returns(env, rc_order):
        for row in document["positions"]["rows"]:
            key = ref_id(row["assortment"]) or ""
            out[key] = out.get(key, 0.0) + row["quantity"]
    return out


def _ms_item(env: OrdEnv, offer_id: int) -> str:
    return env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id


def test_to_return_is_shipped_less_kept_less_returned() -> None:
    assert to_return({"a": 3, "b": 2}, {"a": 1}, {"b": 1}) == {"a": 2, "b": 1}
    assert to_return({"a": 3}, {"a": 3}, {}) == {}
    assert to_return({"a": 3}, {"a": 5}, {}) == {}  # more in the order than shipped: nothing comes back
    assert to_return({"a": 3}, {}, {"a": 3}) == {}


def test_a_refused_order_gets_one_return_and_its_stock_back(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[0]
    before = _stock(env, offer)
    order = new_order(env, None, [offer], status="complete", firstName="Нина", lastName="Отказова", quantity=2)
    env.run()
    assert len(_demands(env, order)) == 1
    assert _stock(env, offer) == before - 2
    assert _returns(env, order) == []

    env.rc_state.user_edit_order(order["id"], status="cancel-other")  # a status of the cancel group
    env.run()

    (document,) = _returns(env, order)
    assert _returned(env, order) == {_ms_item(env, offer): 2.0}
    assert ref_id(document["agent"]) == ref_id(env.ms_order(order["id"])["agent"])
    assert _stock(env, offer) == before  # the goods are back in the warehouse
    assert any("создан возврат покупателя" in m for m in env.messages())
    env.run(full=True)
    env.rc_state.user_edit_order(order["id"], managerComment="Клиент отказался")
    env.run()
    assert len(_returns(env, order)) == 1  # once
    assert _stock(env, offer) == before


def test_return_statuses_can_be_chosen(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(return_statuses=())  # no status brings goods back
    env.run()
    offer = linked_offer_ids(env)[0]
    order = new_order(env, None, [offer], status="complete", firstName="Лев", lastName="Безвозвратов")
    env.run()
    env.rc_state.user_edit_order(order["id"], status="cancel-other")
    env.run()
    assert _returns(env, order) == []


def test_lines_reduced_after_shipment_come_back_as_a_partial_return(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    first, second = linked_offer_ids(env)[:2]
    before = (_stock(env, first), _stock(env, second))
    order = new_order(env, None, [first, second], status="complete", firstName="Ира", lastName="Убавила", quantity=3)
    env.run()
    assert (_stock(env, first), _stock(env, second)) == (before[0] - 3, before[1] - 3)

    items = env.rc_state.order(order["id"])["items"]
    kept = [{"id": i["id"], "quantity": 1} for i in items if i["offer"]["id"] == first]
    env.rc_state.user_edit_order(order["id"], items=kept)  # the second line is removed, the first is 1 now
    env.run()

    assert _returned(env, order) == {_ms_item(env, first): 2.0, _ms_item(env, second): 3.0}
    assert (_stock(env, first), _stock(env, second)) == (before[0] - 1, before[1])
    assert len(_demands(env, order)) == 1

    env.rc_state.user_edit_order(order["id"], status="cancel-other")  # then refused: the last one comes back
    env.run()
    assert len(_returns(env, order)) == 2
    assert _returned(env, order) == {_ms_item(env, first): 3.0, _ms_item(env, second): 3.0}
    assert (_stock(env, first), _stock(env, second)) == before


def test_a_return_sent_before_a_crash_is_found_not_repeated(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[0]
    before = _stock(env, offer)
    order = new_order(env, None, [offer], status="complete", firstName="Глеб", lastName="Упавший", quantity=2)
    env.run()
    demand_id = env.db.links(env.profile_id).get_by_rc("demand", order["id"]).ms_id
    # The previous run reserved the return's link, sent the create and died before recording the answer.
    link = env.db.links(env.profile_id).reserve(LINK_KIND, f"{order['id']}:1", rc_ext=order["number"])
    body = {k: v for k, v in env.moysklad.sales_return_template(demand_id).items() if k != "meta"}
    body["syncId"] = link.sync_id
    env.moysklad.create("salesreturn", body)
    env.rc_state.user_edit_order(order["id"], status="cancel-other")

    env.run()

    assert len(_returns(env, order)) == 1
    assert _stock(env, offer) == before
    assert env.db.links(env.profile_id).get_by_rc(LINK_KIND, f"{order['id']}:1").ms_id is not None
    assert env.db.pushed(env.profile_id).get_many(PUSHED_RETURNED)[str(order["id"])]
    mark = env.log_size()
    env.run(full=True)
    assert [e for e in env.writes(mark) if "salesreturn" in e.path] == []


def _ship_in_moysklad(env: OrdEnv, rc_order: dict[str, Any], quantity: float | None = None) -> dict[str, Any]:
    """The warehouse ships the order in MoySklad itself, not through Svyazka (``quantity``: of each line, a
    part of the order)."""
    ms_order = env.ms_order(rc_order["id"])
    body = {k: v for k, v in env.moysklad.demand_template(ms_order["id"]).items() if k != "meta"}
    if quantity is not None:
        body["positions"] = [{**row, "quantity": quantity} for row in body["positions"]["rows"]]
    return env.ms_state.create_entity("demand", body)


def test_a_shipment_made_in_moysklad_is_never_made_twice(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[0]
    order = new_order(env, None, [offer], status="assembling", firstName="Сева", lastName="Складов", quantity=2)
    env.run()
    made = _ship_in_moysklad(env, order, quantity=1)  # a part: MoySklad's template would offer the rest

    env.rc_state.user_edit_order(order["id"], status="complete")
    env.run()

    assert [d["id"] for d in _demands(env, order)] == [made["id"]]
    assert env.db.links(env.profile_id).get_by_rc("demand", order["id"]).ms_id == made["id"]
    assert any("сделана на складе в МойСклад" in m for m in env.messages())
    # and a refusal afterwards returns that shipment's goods
    env.rc_state.user_edit_order(order["id"], status="cancel-other")
    env.run()
    assert len(_returns(env, order)) == 1


def test_a_shipment_made_in_moysklad_moves_the_retailcrm_status(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(reverse_status_flow=True, shipped_in_ms_status="send-to-delivery")
    env.run()  # the statuses back start from here
    offer = linked_offer_ids(env)[0]
    order = new_order(env, None, [offer], status="assembling", firstName="Тая", lastName="Отгружена")
    env.run()
    made = _ship_in_moysklad(env, order)

    env.run()

    assert env.rc_state.order(order["id"])["status"] == "send-to-delivery"
    assert any("склад отгрузил заказ в МойСклад" in m for m in env.messages())
    assert env.db.links(env.profile_id).get_by_rc("demand", order["id"]).ms_id == made["id"]
    env.run()
    assert [d["id"] for d in _demands(env, order)] == [made["id"]]  # no second shipment
