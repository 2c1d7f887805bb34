"""The delivery cost as a MoySklad service position: finding the service, creating it once, noticing it gone.

A cost above zero is a position of the service named ``delivery_service_name`` (default «Доставка»),
found by name or created once with a ``syncId``; its id is kept per name in the cursors.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from app.clients.errors import RemoteValidationError, SettingsError
from app.clients.parsing import text
from app.clients.retailcrm_models import Order
from app.messages import msg
from app.sync.model import Action, Change, Flow, Level
from app.sync.orders.fingerprints import fingerprint
from app.sync.orders.mapping import DELIVERY, MappedOrder
from app.sync.orders.work import MS_APP
from app.sync.run_shared import UNREAD

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner



def prepare(p: Planner, orders: Iterable[Order]) -> None:
    """Plan: the service's id (cached, or found by name), or that it is to be created, or that MoySklad
    has no services here (the cost is then not sent)."""
    delivery = p.work.delivery
    if not any(o.delivery.cost and o.delivery.cost > 0 for o in orders):
        return
    cached = p.cursors.delivery_service_id(delivery.name)
    if cached:
        delivery.service_id = cached  # found or created by an earlier run: no request needed
        return
    if p.ctx.shared.delivery_service is not UNREAD:
        found = p.ctx.shared.delivery_service
    else:
        try:
            rows = p.ms.find_by_values("service", "name", [delivery.name])
        except SettingsError as exc:
            if exc.reason != "not_service":
                raise
            rows = None
        found = rows
        p.ctx.shared.delivery_service = found
    if found is None:
        delivery.available = False
        p.plan.notes.append(msg("orders.delivery_no_services"))
        return
    match = next((r for r in found if text(r.get("name")) == delivery.name), None)
    if match is not None:
        delivery.service_id = text(match.get("id"))
    else:
        delivery.create = True
        p.plan.changes.append(
            Change(Flow.ORDERS, Action.CREATE, "moysklad", "service", delivery.name,
                   msg("orders.change_delivery_service", name=delivery.name))
        )


def apply_service(a: Applier) -> None:
    """Apply: remember the service's id, or create the service (its syncId stored first)."""
    delivery = a.work.delivery
    if delivery.service_id:
        a.cursors.set_delivery_service_id(delivery.name, delivery.service_id)
        return
    if not delivery.create:
        return
    # the syncId is stored before the request: a lost answer is retried with it, and MoySklad returns
    # the service it already made instead of a second one
    sync_id = a.cursors.delivery_sync_id(delivery.name) or str(uuid.uuid4())
    a.cursors.set_delivery_sync_id(delivery.name, sync_id)
    try:
        created = a.ms.create("service", {"name": delivery.name, "syncId": sync_id})
    except RemoteValidationError as exc:
        lost(a)
        a.counts.failed += 1
        a.log(Level.ERROR, msg("orders.delivery_create_failed", name=delivery.name, error=exc.sentence),
              delivery.name, None, "service")
        return
    delivery.service_id = text(created.get("id"))
    if delivery.service_id:
        a.cursors.set_delivery_service_id(delivery.name, delivery.service_id)
        a.counts.created += 1
        a.log(Level.INFO, msg("orders.delivery_created", name=delivery.name),
              delivery.name, f"{MS_APP}#good/edit?id={delivery.service_id}", "service")


def lost(a: Applier) -> None:
    """The delivery service cannot be used in this run: orders go without their delivery line, and
    what is remembered as sent says so, so the line is added once the service is there again."""
    a.work.delivery.available = False
    a.work.delivery.service_id = None
    a.delivery_lost = True


def sent_fingerprint(a: Applier, mapped: MappedOrder, planned: str) -> str:
    """What is remembered as sent; without the delivery line when it could not go (the order is then
    looked at again next run, so the line is added as soon as the service exists)."""
    if not a.delivery_lost:
        return planned
    if any(p.assortment_id == DELIVERY for p in mapped.positions):
        a.work.waiting.add(mapped.rc_id)
    return fingerprint(mapped, with_delivery=False)


def check_service(a: Applier, mapped: MappedOrder) -> None:
    """After a "not found" refusal of an order with a delivery line: if the service itself is gone
    (deleted in MoySklad), forget it, so the next run finds or creates it again."""
    delivery = a.work.delivery
    if a.delivery_checked or not delivery.service_id:
        return
    if not any(p.assortment_id == DELIVERY for p in mapped.positions):
        return
    a.delivery_checked = True
    if a.ms.get("service", delivery.service_id) is not None:
        return
    name = delivery.name
    a.cursors.forget_delivery_service(name)
    a.log(Level.WARNING, msg("orders.delivery_missing", name=name), name, None, "service")
