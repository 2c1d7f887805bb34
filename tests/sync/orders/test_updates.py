"""Changes to exported orders: one update per order, shipments once, statuses back without echoes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sync.model import Flow
from tests.sync.orders.support import (
    OrdEnv,
    goods_rows,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def _exported(env: OrdEnv, *statuses: str, lines: int = 1) -> list[dict[str, Any]]:
    """Exported RetailCRM orders now in one of ``statuses`` (and with at least ``lines`` lines)."""
    codes = {o["externalCode"] for o in env.ms_orders()}
    return [o for o in env.rc_state.orders()
            if str(o["id"]) in codes and o["status"] in statuses and len(o["items"]) >= lines]


def _writes(env: OrdEnv, mark: int) -> list[tuple[str, str, str]]:
    return [(e.service, e.method, e.path.rsplit("/api/", 1)[-1]) for e in env.writes(mark)]


def test_a_status_change_is_one_put_and_then_nothing(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    order = _exported(env, "new")[0]
    ms = env.ms_order(order["id"])
    env.rc_state.user_edit_order(order["id"], status="assembling")
    mark = env.log_size()

    report = env.run()

    assert _writes(env, mark) == [("moysklad", "PUT", f"remap/1.2/entity/customerorder/{ms['id']}")]
    assert ref_id(env.ms_order(order["id"])["state"]) == env.settings.status_map["assembling"]
    assert report.counts[Flow.ORDERS].updated == 1
    mark = env.log_size()
    env.run()
    assert _writes(env, mark) == []


def test_quantity_and_status_in_one_run_are_still_one_put(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    order = _exported(env, "new", "client-confirmed", lines=2)[0]
    items = [{"id": i["id"], "quantity": i["quantity"]} for i in order["items"]]
    items[0]["quantity"] += 2
    env.rc_state.user_edit_order(order["id"], items=items)
    env.rc_state.user_edit_order(order["id"], status="assembling", managerComment="Срочно")
    mark = env.log_size()

    env.run()

    assert len(_writes(env, mark)) == 1
    ms = env.ms_order(order["id"])
    rows = goods_rows(ms)
    assert [r["quantity"] for r in rows] == [i["quantity"] for i in items]
    assert rows[0]["reserve"] == items[0]["quantity"]
    assert "Комментарий менеджера: Срочно" in ms["description"]
    assert ref_id(ms["state"]) == env.settings.status_map["assembling"]


def test_a_removed_line_and_a_cancelled_order(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    first, second = _exported(env, "new", "client-confirmed", "assembling", lines=2)[:2]
    env.rc_state.user_edit_order(first["id"], items=[{"id": first["items"][0]["id"]}])
    env.rc_state.user_edit_order(second["id"], status="cancel-other")
    mark = env.log_size()

    env.run()

    writes = _writes(env, mark)
    assert writes == [("moysklad", "POST", "remap/1.2/entity/customerorder")]  # two updates, one batch
    assert len(goods_rows(env.ms_order(first["id"]))) == 1
    cancelled = env.ms_order(second["id"])
    assert ref_id(cancelled["state"]) == env.settings.status_map["cancel-other"]
    assert all(r["reserve"] == 0 for r in cancelled["positions"]["rows"])  # a cancelled order holds no stock


def test_shipment_status_makes_one_demand_once(ord_env: OrdEnv) -> None:
    env = ord_env
    shipment = env.settings.shipment_status
    assert shipment
    env.run()
    statuses = {st.code: st for st in env.retailcrm.statuses()}
    # the process order: the group's ordering first, then the status's ordering inside its group
    group_rank = {g.code: g.ordering for g in env.retailcrm.status_groups()}
    place = {code: (group_rank[st.group], st.ordering) for code, st in statuses.items()}
    shipped_statuses = [code for code, st in statuses.items()
                        if st.group != "cancel" and place[code] >= place[shipment]]
    assert "new" not in shipped_statuses and "waiting-supply" not in shipped_statuses
    at_shipment = _exported(env, *shipped_statuses)
    assert {o["status"] for o in at_shipment} > {shipment}  # later statuses are there too, and they ship
    # the first run ships those already at the shipment status or past it
    assert sorted(ref_id(d["customerOrder"]) for d in env.ms_state.demands()) == sorted(
        env.ms_order(o["id"])["id"] for o in at_shipment)
    order = _exported(env, "new", "client-confirmed")[0]
    ms_id = env.ms_order(order["id"])["id"]
    env.rc_state.user_edit_order(order["id"], status=shipment)

    env.run()

    demands = [d for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id]
    assert len(demands) == 1
    assert [ref_id(r["assortment"]) for r in demands[0]["positions"]["rows"]] == [
        ref_id(r["assortment"]) for r in env.ms_order(order["id"])["positions"]["rows"]]
    assert env.db.links(env.profile_id).get_by_rc("demand", order["id"]).ms_id == demands[0]["id"]
    mark = env.log_size()
    env.run()
    env.rc_state.user_edit_order(order["id"], status="delivering")
    env.run()
    assert [d for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == ms_id] == demands
    assert all(w[2] != "remap/1.2/entity/demand" for w in _writes(env, mark))


def test_statuses_go_back_without_echoes(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(reverse_status_flow=True)
    env.run()
    assert any("Обратная передача статусов включена" in m for m in env.messages())
    back_order, forward_order = _exported(env, "new")[:2]
    assembling_state = env.settings.status_map["assembling"]
    expected_rc = env.settings.reverse_status_map[assembling_state]
    ms = env.ms_order(back_order["id"])
    env.ms_state.update_entity("customerorder", ms["id"], {"state": env.moysklad.state_meta(assembling_state)})
    env.rc_state.user_edit_order(forward_order["id"], status="client-confirmed")
    mark = env.log_size()

    env.run()

    writes = _writes(env, mark)
    assert ("retailcrm", "POST", f"v5/orders/{back_order['id']}/edit") in writes
    assert ("moysklad", "PUT", f"remap/1.2/entity/customerorder/{env.ms_order(forward_order['id'])['id']}") in writes
    assert len(writes) == 2
    assert env.rc_state.order(back_order["id"])["status"] == expected_rc
    assert any("→ RetailCRM: статус" in m for m in env.messages())
    mark = env.log_size()

    report = env.run()  # our own edit comes back in RetailCRM's history; our PUT moved MoySklad's "updated"

    assert _writes(env, mark) == []
    assert report.counts[Flow.ORDERS].updated == 0
    env.run()
    assert _writes(env, mark) == []


def test_a_change_that_cannot_go_yet_is_not_undone_from_moysklad(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(reverse_status_flow=True)
    env.run()
    env.run()  # the reverse cursor starts after the first run
    order = _exported(env, "new")[0]
    ms = env.ms_order(order["id"])
    linked = {int(rc) for rc in env.db.links(env.profile_id).all("offer", by="rc")}
    unlinked = next(int(o["id"]) for o in env.rc_state.offers() if int(o["id"]) not in linked)
    # the manager moves the order on and adds a line MoySklad does not know yet: the update has to wait
    items = [{"id": i["id"]} for i in order["items"]] + [{"offer": {"id": unlinked}, "quantity": 1}]
    env.rc_state.user_edit_order(order["id"], status="assembling", items=items)
    env.run()  # the order waits for its line; RetailCRM's history has moved past the change
    # later someone touches the order in MoySklad (not its state), so it shows up as changed there
    env.ms_state.update_entity("customerorder", ms["id"], {"description": "Проверено складом"})
    mark = env.log_size()

    env.run()

    assert env.rc_state.order(order["id"])["status"] == "assembling"  # RetailCRM's change stands
    assert _writes(env, mark) == []
    assert env.db.conflicts(env.profile_id).get_by_key("unlinked_order_line",
                                                       f"unlinked_order_line:offer:{unlinked}") is not None


def test_an_order_moved_to_an_unmapped_status_is_not_moved_back(ord_env: OrdEnv) -> None:
    env = ord_env
    unmapped = "waiting-supply"  # the shop's own status, its suggested state cleared by the person
    env.configure(reverse_status_flow=True, status_map={**env.settings.status_map, unmapped: None})
    env.run()
    env.run()
    order = _exported(env, "new")[0]
    state_before = ref_id(env.ms_order(order["id"])["state"])
    env.rc_state.user_edit_order(order["id"], status=unmapped, managerComment="Ждём поставку от поставщика")

    env.run()  # the comment goes; the state stays (unmapped) and a conflict says so
    env.run()
    env.run()

    assert env.rc_state.order(order["id"])["status"] == unmapped
    ms = env.ms_order(order["id"])
    assert ref_id(ms["state"]) == state_before and "Ждём поставку" in ms["description"]
    assert env.db.conflicts(env.profile_id).get_by_key("unmapped_status", f"unmapped_status:{unmapped}") is not None
