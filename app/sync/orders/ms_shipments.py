"""Shipments made in MoySklad itself: the warehouse shipped a linked customer order there (a demand Svyazka did
not create). Svyazka then never creates a second shipment for that order, and, with the statuses back on, may
move the RetailCRM order to a chosen status (setting ``shipped_in_ms_status``).

Two ways such a demand is found, both reading the order's demands as MoySklad lists them:

* before Svyazka would ship an order written by an earlier run, the customer order's ``demands``
  (OpenAPI ``customerOrder.demands``, shared/moysklad-openapi) are read: a demand there that is not Svyazka's
  is taken as the order's shipment (:func:`adopt_existing`);
* with the statuses back on, the demands MoySklad changed since the statuses-back cursor (``updated``, the
  demand's ``customerOrder``) are read each run (:func:`plan`), so the order is linked and its status moved
  even when nothing changed in RetailCRM.

Svyazka's own demands are always linked (or still reserved and found by ``syncId`` first,
:func:`app.sync.orders.shipments._recover_unconfirmed`), so a demand without a link is someone else's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.clients.errors import NotFound, RemoteValidationError
from app.clients.moysklad_filter import Filter
from app.clients.parsing import meta_id, text, timestamp
from app.clients.retailcrm_models import Order
from app.messages import msg
from app.store import LinkConflictError
from app.sync.model import Level
from app.sync.orders.work import label, ms_demand_url

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner


@dataclass
class MsShipment:
    rc_id: int
    number: str
    demand_id: str
    demand_name: str
    status: str | None  # the RetailCRM status to set (None: only link)
    current: str | None


def plan(p: Planner, orders: Mapping[int, Order]) -> None:
    """Demands made in MoySklad since the last run for linked orders without a shipment of Svyazka's."""
    cursor = p.cursors.reverse_since
    since = timestamp(cursor) if cursor else None
    if since is None:
        return  # the first run with the statuses back only sets the cursor (app.sync.orders.statuses_back)
    orders_by_ms = p.links.all("order", by="ms")
    ours_by_rc = p.links.all("demand", by="rc")
    ours_by_ms = p.links.all("demand", by="ms")
    # Svyazka's own demands whose answer was lost: still reserved, found by syncId when shipping
    ours_pending = {link.sync_id.lower() for link in p.links.pending("demand") if link.sync_id}
    found: dict[int, tuple[str, str]] = {}
    for row in p.ms.iter_entities("demand", filters=Filter().ge("updated", since)):
        demand_id = text(row.get("id"))
        order_link = orders_by_ms.get(meta_id(row.get("customerOrder")) or "")
        if not demand_id or order_link is None or not order_link.rc_id.isdigit() or demand_id in ours_by_ms:
            continue
        if (text(row.get("syncId")) or "").lower() in ours_pending:
            continue
        existing = ours_by_rc.get(order_link.rc_id)
        if existing is not None and existing.ms_id:
            continue  # the order has its shipment already (Svyazka's or one adopted before)
        found.setdefault(int(order_link.rc_id), (demand_id, text(row.get("name")) or ""))
    if not found:
        return
    current: dict[int, str | None] = {o.id: o.status for o in orders.values() if o.id in found}
    numbers: dict[int, str] = {o.id: label(o) for o in orders.values()}
    unknown = [rc_id for rc_id in found if rc_id not in current]
    if unknown:
        for info in p.rc.orders_statuses(ids=unknown):
            current[info.id] = info.status
    target = p.settings.shipped_in_ms_status
    for rc_id, (demand_id, name) in sorted(found.items()):
        status = current.get(rc_id)
        number = numbers.get(rc_id) or (orders_by_ms_rc_ext(orders_by_ms, rc_id)) or str(rc_id)
        move = None
        if target and rc_id in current and status != target and not _already_shipped(p, status):
            move = target
        p.work.ms_shipments.append(MsShipment(rc_id, number, demand_id, name, move, status))


def orders_by_ms_rc_ext(links: Mapping[str, Any], rc_id: int) -> str | None:
    for link in links.values():
        if link.rc_id == str(rc_id):
            return link.rc_ext
    return None


def _already_shipped(p: Planner, status: str | None) -> bool:
    """The RetailCRM order is at the shipment status or later, or cancelled: its status is left alone."""
    shipment = p.settings.shipment_status
    process = p.process()
    if process.in_cancel(status):
        return True
    return bool(shipment) and process.shipped(status, shipment)


def apply(a: Applier) -> None:
    statuses = a.ctx.shared.retailcrm_statuses or {}
    for found in a.work.ms_shipments:
        a.ctx.check_cancel()
        if not _link(a, found.rc_id, found.number, found.demand_id, found.demand_name):
            continue
        if found.status is None:
            continue
        try:
            a.rc.edit_order_status(found.rc_id, found.status, by="id")
        except (RemoteValidationError, NotFound) as exc:
            a.counts.failed += 1
            a.log(Level.ERROR, msg("orders.status_back_failed", order=found.number, error=exc.sentence),
                  found.number, ms_demand_url(found.demand_id))
            continue
        a.counts.updated += 1
        name = statuses[found.status].name if found.status in statuses else found.status
        a.log(Level.INFO, msg("orders.status_shipped", order=found.number, status=name), found.number,
              ms_demand_url(found.demand_id))


def foreign_demands(a: Applier, ms_order_ids: list[str]) -> dict[str, tuple[str, str]]:
    """Before shipping orders written by earlier runs: MoySklad order id → (demand id, name) of a shipment
    there that is not Svyazka's. One filtered list read for all of them (reference fields filter by href,
    shared/docs/moysklad-api.md "Filtering"); should the account refuse that filter, each order's
    ``demands`` are read instead."""
    wanted = list(dict.fromkeys(ms_order_ids))
    if not wanted:
        return {}
    ours = a.links.all("demand", by="ms")
    found: dict[str, tuple[str, str]] = {}
    try:
        hrefs = {a.ms.meta("customerorder", i)["meta"]["href"]: i for i in wanted}
        rows = a.ms.find_by_values("demand", "customerOrder", list(hrefs))
        for row in rows:
            demand_id = text(row.get("id"))
            order_id = meta_id(row.get("customerOrder"))
            if demand_id and order_id in wanted and demand_id not in ours:
                found.setdefault(order_id, (demand_id, text(row.get("name")) or ""))
        return found
    except RemoteValidationError:
        pass
    for order_id in wanted:
        order_row = a.ms.get("customerorder", order_id)
        demands = order_row.get("demands") if order_row is not None else None
        for ref in demands if isinstance(demands, list) else ():
            demand_id = meta_id(ref)
            if demand_id and demand_id not in ours:
                found.setdefault(order_id, (demand_id, ""))
    return found


def adopt(a: Applier, order: Order, demand: tuple[str, str]) -> bool:
    """Link a shipment made in MoySklad as the order's own; True when it is now the order's shipment."""
    return _link(a, order.id, label(order), demand[0], demand[1])


def _link(a: Applier, rc_id: int, number: str, demand_id: str, name: str) -> bool:
    try:
        a.links.complete("demand", rc_id, demand_id, ms_type="demand", rc_ext=number)
    except LinkConflictError:
        return False  # the order has another shipment linked already
    a.log(Level.INFO, msg("orders.ms_shipment_linked", order=number, name=f" {name}" if name else ""), number,
          ms_demand_url(demand_id), "demand")
    return True
