"""Orders RetailCRM's own MoySklad module exported before Svyazka (``customFields.moyskladexternalid``, as
recorded from real accounts) are linked, not created a second time; a mark naming nothing is exported anew."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.clients.retailcrm import RetailCrmClient
from app.sync.model import Flow
from tests.sync.orders.support import (
    FAST_RC,
    OrdEnv,
    fast_retry,
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


@pytest.fixture
def module_key(ord_env: OrdEnv) -> Iterator[RetailCrmClient]:
    """Another key of the same account: the module's, which writes the mark over the API."""
    credentials = ord_env.sandbox.credentials()["retailcrm"]
    with RetailCrmClient(credentials["url"], credentials["other_api_key"], limits=FAST_RC, retry=fast_retry()) as c:
        yield c


def _module_order(env: OrdEnv, offers: list[str], *, state: str | None = None) -> dict[str, Any]:
    """A customer order as the module made it (its own name and externalCode, one position a line)."""
    retail = next(c for c in env.ms_state.counterparties() if c["name"] == "Розничный покупатель")
    body: dict[str, Any] = {
        "name": "МС-МОДУЛЬ-1",
        "organization": env.moysklad.meta("organization", env.settings.organization_id),
        "agent": env.moysklad.meta("counterparty", retail["id"]),
        "positions": [{"assortment": env.moysklad.meta("product", ms_id), "quantity": 1, "price": 12300}
                      for ms_id in offers],
    }
    if state:
        body["state"] = env.moysklad.state_meta(state)
    return env.ms_state.create_entity("customerorder", body)


def _product_offers(env: OrdEnv, count: int) -> tuple[list[int], list[str]]:
    """RetailCRM offers linked to MoySklad products (not variants), with their MoySklad ids."""
    links = env.db.links(env.profile_id).all("offer", by="rc")
    pairs = [(int(rc), link.ms_id) for rc, link in links.items() if link.ms_type == "product" and link.ms_id]
    pairs.sort()
    return [rc for rc, _ in pairs[:count]], [ms for _, ms in pairs[:count]]


def _mark(client: RetailCrmClient, order_id: int, value: str) -> None:
    client.edit_order(order_id, {"customFields": {"moyskladexternalid": value}}, by="id")


def test_an_order_the_module_exported_is_linked_not_created_again(ord_env: OrdEnv,
                                                                  module_key: RetailCrmClient) -> None:
    env = ord_env
    rc_offers, ms_offers = _product_offers(env, 2)
    order = new_order(env, None, rc_offers, firstName="Майя", lastName="Модульная")
    module = _module_order(env, ms_offers[:1], state=env.settings.status_map["new"])  # one line only
    _mark(module_key, order["id"], module["id"].upper())  # case does not matter
    assert env.rc_state.order(order["id"])["customFields"] == {"moyskladexternalid": module["id"].upper()}
    seeded_orders = len(env.ms_orders())
    start = env.log_size()

    first = env.run()  # the first sync after switching from the module

    assert first.errors == 0, env.messages()
    assert env.ms_state.find_customer_orders(external_code=str(order["id"])) == []  # no second order
    assert not [o for o in env.ms_orders() if o["name"] == order["number"]]
    link = env.db.links(env.profile_id).get_by_rc("order", order["id"])
    assert link is not None and link.ms_id == module["id"]
    kept = next(o for o in env.ms_orders() if o["id"] == module["id"])
    assert len(goods_rows(kept)) == 1  # untouched on link: no write names it
    assert not [e for e in env.writes(start) if module["id"] in e.path]
    assert any("уже выгружен модулем RetailCRM" in m and "связала" in m for m in env.messages())
    created_by_first = len(env.ms_orders()) - seeded_orders

    mark = env.log_size()
    assert env.run().errors == 0
    assert env.writes(mark) == []  # linked and quiet: nothing to do until RetailCRM changes

    env.rc_state.user_edit_order(order["id"], status="assembling")
    mark = env.log_size()
    report = env.run()

    assert report.errors == 0, env.messages()
    assert report.counts[Flow.ORDERS].updated == 1
    writes = [(e.method, e.path.rsplit("/api/remap/1.2/", 1)[-1]) for e in env.writes(mark)]
    assert writes == [("PUT", f"entity/customerorder/{module['id']}")]
    updated = next(o for o in env.ms_orders() if o["id"] == module["id"])
    assert ref_id(updated["state"]) == env.settings.status_map["assembling"]
    assert len(goods_rows(updated)) == 2  # from now on Svyazka keeps it like its own
    assert len(env.ms_orders()) - seeded_orders == created_by_first


def test_a_mark_naming_no_moysklad_order_or_no_id_is_exported_as_new(ord_env: OrdEnv,
                                                                     module_key: RetailCrmClient) -> None:
    env = ord_env
    assert env.run().errors == 0
    offers = linked_offer_ids(env)[:1]
    gone = _module_order(env, [], state=None)
    env.ms_state.delete_entity("customerorder", gone["id"])  # deleted in MoySklad since the module made it
    deleted = new_order(env, None, offers, firstName="Дина", lastName="Удалённая")
    _mark(module_key, deleted["id"], gone["id"])
    garbage = new_order(env, None, offers, firstName="Гоша", lastName="Негодный")
    _mark(module_key, garbage["id"], "заказ 17")

    report = env.run()

    assert report.errors == 0, env.messages()
    for order in (deleted, garbage):
        [made] = env.ms_state.find_customer_orders(external_code=str(order["id"]))
        assert env.db.links(env.profile_id).get_by_rc("order", order["id"]).ms_id == made["id"] != gone["id"]
    messages = env.messages()
    assert any(deleted["number"] in m and "такого заказа покупателя в МойСклад нет" in m for m in messages)
    assert any(garbage["number"] in m and "не идентификатор заказа МойСклад" in m for m in messages)


def test_a_module_order_shipped_already_gets_no_second_shipment(ord_env: OrdEnv,
                                                                module_key: RetailCrmClient) -> None:
    env = ord_env
    shipment = env.settings.shipment_status
    assert shipment
    rc_offers, ms_offers = _product_offers(env, 1)
    order = new_order(env, None, rc_offers, firstName="Отто", lastName="Отгруженный", status=shipment)
    module = _module_order(env, ms_offers, state=env.settings.status_map.get(shipment))
    template = env.moysklad.demand_template(module["id"])
    demand = env.ms_state.create_entity("demand", {k: v for k, v in template.items() if k != "meta"})
    _mark(module_key, order["id"], module["id"])

    report = env.run()

    assert report.errors == 0, env.messages()
    assert [d["id"] for d in env.ms_state.demands() if ref_id(d.get("customerOrder")) == module["id"]] \
        == [demand["id"]]
    assert env.db.links(env.profile_id).get_by_rc("demand", order["id"]).ms_id == demand["id"]
    assert env.db.links(env.profile_id).get_by_rc("order", order["id"]).ms_id == module["id"]
