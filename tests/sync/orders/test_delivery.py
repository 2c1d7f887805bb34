"""The delivery cost of an order as a line of the «Доставка» service: found or created once, reused, updated."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from app.sync.model import Flow
from app.sync.orders.cursors import CURSOR_FLOW, DELIVERY_SERVICE_CURSOR, delivery_cursor
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment, ref_id

SERVICE_PATH = "/api/remap/1.2/entity/service"


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _delivery_rows(ms_order: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in ms_order["positions"]["rows"] if r["assortment"]["meta"]["type"] == "service"]


def _service_requests(env: OrdEnv, mark: int) -> list[str]:
    return [e.method for e in env.sandbox.log.entries()[mark:] if e.path.startswith(SERVICE_PATH)]


def _order_with_delivery(env: OrdEnv, cost: int, name: str) -> dict[str, Any]:
    return new_order(env, None, linked_offer_ids(env)[:1], firstName=name, lastName="Доставкина",
                     delivery={"code": "courier", "cost": cost, "address": {"text": "Москва, ул. Тестовая, д. 1"}})


def test_delivery_cost_is_a_line_of_one_service_created_once(ord_env: OrdEnv) -> None:
    env = ord_env
    assert env.ms_state.services() == []
    dry = env.run(dry_run=True)
    planned = [c for c in dry.plans[Flow.ORDERS].changes if c.entity == "service"]
    assert [(c.summary.code, str(c.summary)) for c in planned] == [
        ("orders.change_delivery_service", "Услуга «Доставка» в МойСклад: будет создана для стоимости доставки")]
    assert env.ms_state.services() == []  # a dry run writes nothing
    mark = env.log_size()

    report = env.run()  # the seeded orders carry delivery costs

    assert report.errors == 0
    (service,) = env.ms_state.services()
    assert service["name"] == "Доставка" and service.get("syncId")
    assert _service_requests(env, mark).count("POST") == 1
    cursors = env.db.cursors(env.profile_id)
    assert cursors.get(CURSOR_FLOW, delivery_cursor(DELIVERY_SERVICE_CURSOR, "Доставка")) == service["id"]
    with_cost = [o for o in env.rc_state.orders() if (o.get("delivery") or {}).get("cost")
                 and env.ms_state.find_customer_orders(external_code=str(o["id"]))]
    assert len(with_cost) > 5
    for rc in with_cost:
        (line,) = _delivery_rows(env.ms_order(rc["id"]))
        assert ref_id(line["assortment"]) == service["id"]
        assert Decimal(repr(line["price"])) == Decimal(str(rc["delivery"]["cost"])) * 100
        assert (line["quantity"], line["reserve"]) == (1.0, 0.0)
    assert any("Создана услуга «Доставка»" in m for m in env.messages())

    # a new order with 300 ₽ delivery: 30000 kopecks on the same service, found without asking MoySklad
    first = _order_with_delivery(env, 300, "Анна")
    second = _order_with_delivery(env, 300, "Борис")
    mark = env.log_size()
    env.run()
    assert _service_requests(env, mark) == []
    for order in (first, second):
        (line,) = _delivery_rows(env.ms_order(order["id"]))
        assert (ref_id(line["assortment"]), line["price"]) == (service["id"], 30000.0)
    assert len(env.ms_state.services()) == 1

    # the cost changes in RetailCRM: one update, the line follows
    env.rc_state.user_edit_order(first["id"], delivery={"cost": 450})
    mark = env.log_size()
    env.run()
    writes = [(e.method, e.path) for e in env.writes(mark)]
    ms_first = env.ms_order(first["id"])
    assert writes == [("PUT", f"/api/remap/1.2/entity/customerorder/{ms_first['id']}")]
    (line,) = _delivery_rows(ms_first)
    assert (ref_id(line["assortment"]), line["price"]) == (service["id"], 45000.0)
    assert ms_first["sum"] == sum(r["price"] * r["quantity"] for r in ms_first["positions"]["rows"])
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []


def test_a_service_of_the_chosen_name_is_used_not_created() -> None:
    with ord_environment(linking="seed", delivery_service_name="Курьерская доставка") as env:
        existing = env.ms_state.create_entity("service", {"name": "Курьерская доставка"})
        env.ms_state.create_entity("service", {"name": "Доставка"})  # another name: not this shop's choice
        mark = env.log_size()

        env.run()

        assert _service_requests(env, mark) == ["GET"]  # looked up by name once, never created
        lines = [line for o in env.ms_orders() for line in _delivery_rows(o)]
        assert lines and {ref_id(line["assortment"]) for line in lines} == {existing["id"]}


def test_a_delivery_service_gone_from_moysklad_is_found_again(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    (service,) = env.ms_state.services()
    cursors = env.db.cursors(env.profile_id)
    key = delivery_cursor(DELIVERY_SERVICE_CURSOR, "Доставка")
    cursors.set(CURSOR_FLOW, key, str(uuid.uuid4()))  # what Svyazka remembers no longer exists
    order = _order_with_delivery(env, 300, "Вера")

    report = env.run()

    assert env.ms_state.find_customer_orders(external_code=str(order["id"])) == []
    assert report.counts[Flow.ORDERS].failed == 1
    assert any("Услуга «Доставка» для стоимости доставки не найдена" in m for m in env.messages())
    assert cursors.get(CURSOR_FLOW, key) is None

    env.run()  # the order waited; the service is found by its name again

    (line,) = _delivery_rows(env.ms_order(order["id"]))
    assert ref_id(line["assortment"]) == service["id"]
    assert len(env.ms_state.services()) == 1
    assert cursors.get(CURSOR_FLOW, key) == service["id"]


def test_orders_go_without_delivery_when_the_service_cannot_be_made_and_get_it_later() -> None:
    with ord_environment(linking="seed", delivery_service_name="Д" * 300) as env:  # MoySklad refuses the name
        report = env.run()

        assert env.ms_state.services() == []
        assert report.counts[Flow.ORDERS].failed == 1
        assert any("Не удалось создать услугу" in m for m in env.messages())
        exported = env.ms_orders()
        assert exported and not any(_delivery_rows(o) for o in exported)  # the orders went anyway

        env.configure(delivery_service_name="Доставка")
        env.run()  # the orders that lacked their delivery line were kept to be looked at again

        (service,) = env.ms_state.services()
        rc_costs = {str(o["id"]): (o.get("delivery") or {}).get("cost") or 0 for o in env.rc_state.orders()}
        refreshed = env.ms_orders()
        assert len(refreshed) == len(exported)
        for ms in refreshed:
            lines = _delivery_rows(ms)
            if rc_costs[ms["externalCode"]]:
                assert [ref_id(line["assortment"]) for line in lines] == [service["id"]]
            else:
                assert lines == []


def test_the_delivery_service_is_not_a_catalog_item_only_in_moysklad(ord_env: OrdEnv) -> None:
    """The catalog reads MoySklad's services too: the one the orders flow made for delivery costs must not come
    back on the next catalog run as a service "only in MoySklad" waiting for a decision."""
    from app.sync.catalog.flow import CatalogFlow
    from app.sync.engine import SyncEngine

    env = ord_env
    assert env.run().errors == 0
    (service,) = env.ms_state.services()
    flows = {Flow.CATALOG: CatalogFlow()}
    engine = SyncEngine(env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad, flows)
    assert engine.run([Flow.CATALOG]).errors == 0
    open_keys = [c.key for c in env.db.conflicts(env.profile_id).list(status="open")]
    assert not [k for k in open_keys if service["id"] in k], open_keys
