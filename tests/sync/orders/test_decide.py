"""The orders' decision as a pure function: inputs built by hand, no sandbox, no store, no HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.clients.retailcrm_models import Order, Status
from app.messages import msg
from app.store import Link, StorePair, SyncSettings
from app.sync.model import Level
from app.sync.orders.decide import DecideInputs, decide
from app.sync.orders.fingerprints import fingerprint
from app.sync.orders.mapping import OfferTarget, map_order, map_positions
from app.sync.process_order import ProcessOrder

NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
STATUSES = {
    "new": Status("new", "Новый", group="new", ordering=10),
    "assembling": Status("assembling", "Комплектуется", group="assembling", ordering=20),
    "send": Status("send", "Отгружен", group="delivery", ordering=30),
    "done": Status("done", "Выполнен", group="complete", ordering=40),
}
SETTINGS = SyncSettings(
    organization_id="org-1",
    store_pairs=(StorePair("ms-store", "Основной", "main"),),
    status_map={"new": "state-new", "send": "state-send", "done": "state-done"},
    export_statuses=("new", "assembling", "send"),
)
OFFERS = {501: OfferTarget("ms-501", "product"), 502: OfferTarget("ms-502", "variant")}


def order(order_id: int = 10, **overrides: Any) -> Order:
    raw: dict[str, Any] = {
        "id": order_id, "number": f"{order_id}A", "status": "new", "site": "shop",
        "firstName": "Анна", "lastName": "Петрова", "createdAt": "2026-01-05 10:00:00",
        "customer": {"id": 700 + order_id}, "shipmentStore": "main",
        "items": [
            {"id": 1, "offer": {"id": 501, "name": "Кружка"}, "quantity": 2, "initialPrice": 490},
            {"id": 2, "offer": {"id": 502, "name": "Тарелка"}, "quantity": 1, "initialPrice": 650},
        ],
    }
    raw.update(overrides)
    return Order.from_api(raw)


def link(rc_id: int, ms_id: str | None, kind: str = "order") -> Link:
    return Link(id=rc_id, kind=kind, ms_id=ms_id, ms_type="customerorder", rc_id=str(rc_id), rc_ext=None,
                match_key=None, sync_id="sync", created_at=NOW, updated_at=NOW)


def inputs(**overrides: Any) -> DecideInputs:
    base: dict[str, Any] = {"settings": SETTINGS, "statuses": STATUSES, "offers": OFFERS}
    base.update(overrides)
    return DecideInputs(**base)


def by_id(*orders: Order) -> dict[int, Order]:
    return {o.id: o for o in orders}


def test_a_new_order_in_an_export_status_is_created_with_its_customer() -> None:
    decided = decide(by_id(order(10)), inputs())
    assert [c.order.id for c in decided.creates] == [10]
    create = decided.creates[0]
    assert create.customer.key == "710"
    assert [p.assortment_id for p in create.mapped.positions] == ["ms-501", "ms-502"]
    assert create.mapped.state_id == "state-new" and create.mapped.store_id == "ms-store"
    assert create.fingerprint == fingerprint(create.mapped, with_delivery=True)
    assert not decided.conflicts.items and not decided.waiting and decided.skipped == 0


def test_orders_are_looked_at_in_id_order_and_others_statuses_are_skipped() -> None:
    decided = decide(by_id(order(30), order(20, status="done"), order(10)), inputs())
    assert [c.order.id for c in decided.creates] == [10, 30]
    assert decided.skipped == 1
    assert [(line.level, line.order.id if line.order else None) for line in decided.logs] == [(Level.DEBUG, 20)]
    assert decided.logs[0].message == msg("orders.skipped_status", order="20A", status="Выполнен")


def test_an_order_created_before_the_first_sync_window_is_skipped() -> None:
    decided = decide(by_id(order(10, createdAt="2025-12-31 23:00:00")), inputs(created_from=date(2026, 1, 1)))
    assert decided.creates == [] and decided.skipped == 1


def test_an_unlinked_offer_is_one_conflict_for_every_order_that_has_it() -> None:
    offers = {501: OFFERS[501]}
    decided = decide(by_id(order(10), order(11)), inputs(offers=offers))
    assert decided.creates == []
    assert decided.waiting == {10, 11}
    rows = decided.conflicts.rows()
    assert [(r["kind"], r["key"]) for r in rows] == [("unlinked_order_line", "unlinked_order_line:offer:502")]
    assert rows[0]["rc_data"]["orders"] == ["10A", "11A"]


def test_a_line_without_an_offer_has_a_key_of_its_order_and_line() -> None:
    items = [{"id": 1, "offer": {"id": 501, "name": "Кружка"}, "quantity": 1, "initialPrice": 490},
             {"id": 2, "productName": "Гравировка", "quantity": 1, "initialPrice": 100}]
    decided = decide(by_id(order(10, items=items)), inputs())
    assert [r["key"] for r in decided.conflicts.rows()] == ["unlinked_order_line:order:10:line:2"]


def test_the_persons_decisions_on_a_line_conflict_are_kept_under_the_stored_keys() -> None:
    resolutions = {"unlinked_order_line:offer:502": {"action": "ignore"}}
    decided = decide(by_id(order(10)), inputs(offers={501: OFFERS[501]}, line_resolutions=resolutions))
    assert [p.assortment_id for p in decided.creates[0].mapped.positions] == ["ms-501"]

    linked = {"unlinked_order_line:offer:502": {"action": "link", "ms_id": "ms-chosen", "ms_type": "variant"}}
    decided = decide(by_id(order(10)), inputs(offers={501: OFFERS[501]}, line_resolutions=linked))
    assert [p.assortment_id for p in decided.creates[0].mapped.positions] == ["ms-501", "ms-chosen"]


def test_an_unmapped_status_stops_a_new_order_and_waits() -> None:
    decided = decide(by_id(order(10, status="assembling")), inputs())
    assert decided.creates == [] and decided.waiting == {10}
    assert [r["key"] for r in decided.conflicts.rows()] == ["unmapped_status:assembling"]

    ignored = {"unmapped_status:assembling": {"action": "ignore"}}
    decided = decide(by_id(order(10, status="assembling")), inputs(status_resolutions=ignored))
    assert decided.creates == [] and decided.skipped == 1 and not decided.conflicts.items


def test_a_linked_order_with_an_unmapped_status_is_updated_without_a_state_and_waits() -> None:
    decided = decide(by_id(order(10, status="assembling")), inputs(order_links={"10": link(10, "ms-10")}))
    assert [(u.ms_id, u.mapped.state_id) for u in decided.updates] == [("ms-10", None)]
    assert decided.waiting == {10}


def test_bad_data_is_a_conflict_unless_the_person_chose_to_skip_it() -> None:
    nameless = order(10, firstName="", lastName="")
    decided = decide(by_id(nameless), inputs())
    assert [r["key"] for r in decided.conflicts.rows()] == ["bad_data:order:10"] and decided.waiting == {10}

    decided = decide(by_id(nameless), inputs(bad_resolutions={"bad_data:order:10": {"action": "ignore"}}))
    assert not decided.conflicts.items and decided.skipped == 1


def test_a_linked_order_is_updated_only_when_what_svyazka_owns_changed() -> None:
    current = order(10)
    positions, _ = map_positions(current, OFFERS, reserve=True)
    sent = fingerprint(map_order(current, positions, state_id="state-new", store_id="ms-store"), with_delivery=True)
    links = {"10": link(10, "ms-10")}
    decided = decide(by_id(current), inputs(order_links=links, pushed={"10": sent}))
    assert decided.updates == [] and decided.unchanged == 1

    decided = decide(by_id(current), inputs(order_links=links, pushed={"10": "older"}))
    assert [u.order.id for u in decided.updates] == [10] and decided.unchanged == 0


def test_a_linked_order_past_the_shipment_status_gets_one_shipment() -> None:
    asked: list[int] = []

    def process() -> ProcessOrder:
        asked.append(1)
        return ProcessOrder.build(STATUSES.values())

    settings = SyncSettings(**{**SETTINGS.__dict__, "shipment_status": "send"})
    links = {"10": link(10, "ms-10"), "11": link(11, "ms-11")}
    orders = by_id(order(10, status="send"), order(11, status="new"))
    decided = decide(orders, inputs(settings=settings, order_links=links, process=process))
    assert [(s.order.id, s.ms_order_id) for s in decided.shipments] == [(10, "ms-10")]
    assert asked  # the process order is asked for only when a shipment is decided

    shipped = decide(orders, inputs(settings=settings, order_links=links, process=process,
                                    demand_links={"10": link(10, "ms-demand", kind="demand")}))
    assert shipped.shipments == []


def test_without_a_shipment_status_the_process_order_is_never_read() -> None:
    def process() -> ProcessOrder:
        raise AssertionError("read without a shipment status")

    decided = decide(by_id(order(10)), inputs(order_links={"10": link(10, "ms-10")}, process=process))
    assert decided.shipments == []


def test_a_reserved_create_goes_again_even_out_of_the_export_statuses() -> None:
    decided = decide(by_id(order(10, status="done")), inputs(pending_orders={"10"}))
    assert [(c.order.id, c.pending) for c in decided.creates] == [(10, True)]
