"""Orders RetailCRM → MoySklad on the seeded sandbox: what the first run exports, re-runs, dry runs, conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.store import NewLink
from app.sync.catalog.flow import CatalogFlow
from app.sync.engine import SyncEngine
from app.sync.model import Flow
from app.sync.orders.cursors import CURSOR_FLOW, HISTORY_CURSOR
from tests.sync.orders.support import (
    OrdEnv,
    ambiguous_customer_ids,
    expected_exports,
    exportable,
    goods_rows,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def test_first_run_exports_exactly_the_orders_in_export_statuses(ord_env: OrdEnv) -> None:
    env = ord_env
    expected = expected_exports(env, exclude_customers=ambiguous_customer_ids(env))
    assert len(expected) > 20  # the seed has plenty; the assertion below must mean something

    report = env.run()

    assert report.ok and report.errors == 0
    orders = env.ms_orders()
    assert {o["externalCode"] for o in orders} == expected
    assert len(orders) == len(expected)  # one MoySklad order per RetailCRM order
    rc_orders = {str(o["id"]): o for o in env.rc_state.orders()}
    store_of = {p.rc_store_code: p.ms_store_id for p in env.settings.store_pairs}
    statuses = {s.code: s for s in env.retailcrm.statuses()}
    offer_links = env.db.links(env.profile_id).all("offer", by="rc")
    for ms in orders:
        rc = rc_orders[ms["externalCode"]]
        assert ms["name"] == rc["number"]
        assert ref_id(ms["organization"]) == env.settings.organization_id
        assert ref_id(ms["state"]) == env.settings.status_map[rc["status"]]
        assert ref_id(ms["store"]) == store_of[rc["shipmentStore"]]
        rows = ms["positions"]["rows"]
        delivery_cost = Decimal(str((rc.get("delivery") or {}).get("cost") or 0))
        goods, extra = (rows[:-1], rows[-1:]) if delivery_cost else (rows, [])
        assert [ref_id(r["assortment"]) for r in goods] == [
            offer_links[str(i["offer"]["id"])].ms_id for i in rc["items"]
        ]
        active = statuses[rc["status"]].group not in ("complete", "cancel")
        for row, item in zip(goods, rc["items"], strict=True):
            assert row["quantity"] == item["quantity"]
            assert row["reserve"] == (item["quantity"] if active else 0)
        if extra:  # the delivery cost is one line of the «Доставка» service
            assert extra[0]["assortment"]["meta"]["type"] == "service"
            assert (extra[0]["quantity"], extra[0]["reserve"]) == (1, 0)
            assert Decimal(repr(extra[0]["price"])) == delivery_cost * 100
        # goods and delivery agree with RetailCRM to the kopeck
        assert Decimal(repr(ms["sum"])) == (Decimal(str(rc["summ"])) + delivery_cost) * 100
    links = env.db.links(env.profile_id)
    assert links.count("order") == len(expected) and not links.pending("order")
    assert env.db.cursors(env.profile_id).get(CURSOR_FLOW, HISTORY_CURSOR) == str(env.rc_state.last_history_id())
    stats = report.plans[Flow.ORDERS].stats.as_dict()
    assert stats["to_create"] == len(expected)
    assert any("создан заказ покупателя" in m for m in env.messages())


def test_a_rerun_writes_nothing(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    mark = env.log_size()

    report = env.run()

    assert env.writes(mark) == []
    counts = report.counts[Flow.ORDERS]
    assert counts.created == 0 and counts.updated == 0 and counts.failed == 0
    full = env.run(full=True)  # a full re-check of every exportable order finds nothing to change either
    assert env.writes(mark) == []
    assert full.counts[Flow.ORDERS].unchanged == len(env.ms_orders())


def test_a_dry_run_plans_without_writing(ord_env: OrdEnv) -> None:
    env = ord_env
    expected = expected_exports(env, exclude_customers=ambiguous_customer_ids(env))
    mark = env.log_size()

    report = env.run(dry_run=True)

    assert env.writes(mark) == []
    plan = report.plans[Flow.ORDERS]
    assert plan.stats.to_create == len(expected)
    creates = [c for c in plan.changes if c.entity == "customerorder"]
    assert len(creates) == len(expected)
    assert all(getattr(c.summary, "code", None) == "orders.change_create"
               and "будет создан заказ покупателя" in str(c.summary) for c in creates)
    assert env.db.cursors(env.profile_id).get(CURSOR_FLOW, HISTORY_CURSOR) is None  # nothing recorded
    assert env.db.links(env.profile_id).count("order") == 0


def test_a_dry_run_of_a_first_sync_sees_the_links_the_catalog_would_make() -> None:
    with ord_environment(linking="none") as env:
        assert env.db.links(env.profile_id).count("offer") == 0
        flows = {Flow.CATALOG: CatalogFlow(), Flow.ORDERS: env.flow}
        engine = SyncEngine(env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad, flows)
        mark = env.log_size()

        report = engine.run([Flow.CATALOG, Flow.ORDERS], dry_run=True)

        assert env.writes(mark) == []
        assert env.db.links(env.profile_id).count() == 0
        stats = report.plans[Flow.ORDERS].stats.as_dict()
        assert stats["to_create"] > 20  # without the planned links every order would wait for its lines
        unlinked = env.db.conflicts(env.profile_id).list(kind="unlinked_order_line")
        assert len(unlinked) < 5


def test_no_export_status_chosen_exports_nothing_and_says_so(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(export_statuses=())
    mark = env.log_size()

    report = env.run()

    assert env.writes(mark) == [] and env.ms_orders() == []
    assert report.ok
    assert any("Не выбран ни один статус" in m for m in env.messages())


def test_an_unlinked_line_holds_the_order_back_until_it_is_linked(ord_env: OrdEnv) -> None:
    env = ord_env
    order = next(o for o in exportable(env) if len(o["items"]) >= 2 and env.settings.status_map.get(o["status"])
                 and all(str(i["offer"]["id"]) in {str(x) for x in linked_offer_ids(env)} for i in o["items"]))
    offer_id = order["items"][1]["offer"]["id"]
    links = env.db.links(env.profile_id)
    saved = links.get_by_rc("offer", offer_id)
    assert saved is not None and saved.ms_id is not None
    links.remove("offer", rc_id=offer_id)

    env.run()

    assert env.ms_state.find_customer_orders(external_code=str(order["id"])) == []
    key = f"unlinked_order_line:offer:{offer_id}"
    conflict = env.db.conflicts(env.profile_id).get_by_key("unlinked_order_line", key)
    assert conflict is not None and conflict.status == "open"
    assert order["number"] in conflict.rc_data["orders"]
    assert any(order["number"] in m and "строка 2" in m for m in env.messages())

    links.bulk_upsert([NewLink("offer", saved.ms_id, str(offer_id), ms_type=saved.ms_type)])
    env.run()  # no history about this order: it comes back from the waiting list

    assert len(goods_rows(env.ms_order(order["id"]))) == len(order["items"])
    conflict = env.db.conflicts(env.profile_id).get_by_key("unlinked_order_line", conflict.key)
    assert conflict is not None and conflict.status == "resolved"  # gone once nothing waits for it


def test_an_ignored_unlinked_line_is_left_out(ord_env: OrdEnv) -> None:
    env = ord_env
    offers = linked_offer_ids(env)
    created = new_order(env, None, offers[:2], firstName="Олег", lastName="Тестов")
    env.db.links(env.profile_id).remove("offer", rc_id=offers[1])
    env.run()
    conflicts = env.db.conflicts(env.profile_id)
    conflict = conflicts.get_by_key("unlinked_order_line", f"unlinked_order_line:offer:{offers[1]}")
    assert conflict is not None
    conflicts.resolve(conflict.id, {"action": "ignore"})

    env.run()

    rows = goods_rows(env.ms_order(created["id"]))
    assert len(rows) == 1


def test_an_unmapped_status_waits_with_a_conflict_then_goes_once_mapped(ord_env: OrdEnv) -> None:
    env = ord_env
    # the shop's own status, its suggested state cleared by the person
    unmapped = "waiting-supply"
    env.configure(status_map={**env.settings.status_map, unmapped: None},
                  export_statuses=(*env.settings.export_statuses, unmapped))
    created = new_order(env, None, linked_offer_ids(env)[:1], status=unmapped, firstName="Ия", lastName="Ли")

    env.run()

    assert env.ms_state.find_customer_orders(external_code=str(created["id"])) == []
    conflict = env.db.conflicts(env.profile_id).get_by_key("unmapped_status", f"unmapped_status:{unmapped}")
    assert conflict is not None and conflict.status == "open"
    assert any("не сопоставлен" in m and "сценарии" in m for m in env.messages())

    state_id = next(s for s in env.settings.status_map.values() if s)
    env.configure(status_map={**env.settings.status_map, unmapped: state_id})
    env.run()

    assert ref_id(env.ms_order(created["id"])["state"]) == state_id
    conflict = env.db.conflicts(env.profile_id).get_by_key("unmapped_status", conflict.key)
    assert conflict is not None and conflict.status == "resolved"


def test_bad_data_gets_a_conflict_and_the_run_goes_on(ord_env: OrdEnv) -> None:
    env = ord_env
    offers = linked_offer_ids(env)
    nameless = new_order(env, None, offers[:1], firstName="Временно")
    long_name = new_order(env, None, offers[:1], firstName="Длинный")
    negative = new_order(env, None, offers[:1], firstName="Минус")
    db = env.rc_state.db
    with env.rc_state.lock:  # what the API would refuse, but old or imported data can hold
        for order_id in (nameless["id"],):
            order = db.orders[order_id]
            order.first_name = order.last_name = order.patronymic = None
            customer = db.customers[order.customer_id]
            customer.first_name = customer.last_name = customer.patronymic = None
        db.orders[long_name["id"]].last_name = "Я" * 10_000
        db.orders[negative["id"]].items[0].quantity = -3

    report = env.run()

    assert report.ok and report.errors == 0
    conflicts = env.db.conflicts(env.profile_id)
    for order in (nameless, long_name, negative):
        assert env.ms_state.find_customer_orders(external_code=str(order["id"])) == []
        assert conflicts.get_by_key("bad_data", f"bad_data:order:{order['id']}") is not None
    assert len(env.ms_orders()) > 20  # everything else went


def test_the_first_run_reads_the_newest_history_id_in_two_requests(ord_env: OrdEnv) -> None:
    env = ord_env
    mark = env.log_size()

    env.run(dry_run=True)

    history = [e for e in env.sandbox.log.entries()[mark:] if e.path.endswith("/orders/history")]
    assert len(history) == 2 and "page=" in history[1].query
    env.run()
    assert env.db.cursors(env.profile_id).get(CURSOR_FLOW, HISTORY_CURSOR) == str(env.rc_state.last_history_id())


def test_a_bad_data_conflict_closes_once_the_order_is_fixed(ord_env: OrdEnv) -> None:
    """The person corrects the order in RetailCRM (here: a negative quantity): the next run sends it and the
    conflict is gone by itself; the conflict of an order still wrong stays open."""
    env = ord_env
    offers = linked_offer_ids(env)
    fixed = new_order(env, None, offers[:1], firstName="Исправленный")
    stays = new_order(env, None, offers[:1], firstName="Неисправленный")
    with env.rc_state.lock:
        env.rc_state.db.orders[fixed["id"]].items[0].quantity = -3
        env.rc_state.db.orders[stays["id"]].items[0].quantity = -2
    env.run()
    conflicts = env.db.conflicts(env.profile_id)
    key = f"bad_data:order:{fixed['id']}"
    assert conflicts.get_by_key("bad_data", key).status == "open"

    item_id = env.rc_state.order(fixed["id"])["items"][0]["id"]
    env.rc_state.user_edit_order(fixed["id"], items=[{"id": item_id, "quantity": 2}])
    report = env.run()

    assert report.errors == 0
    assert env.ms_state.find_customer_orders(external_code=str(fixed["id"]))
    assert conflicts.get_by_key("bad_data", key).status == "resolved"
    assert conflicts.get_by_key("bad_data", f"bad_data:order:{stays['id']}").status == "open"
