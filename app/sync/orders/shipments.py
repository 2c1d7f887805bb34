"""Shipments (MoySklad demands) of orders whose goods have left: whether one is due, and creating it.

A demand is created once (``syncId``) for an order in the shipment status or in any later status of the
process order (the status's group, then its place in the group: ``app.sync.process_order``), never for a
status of the cancel group, never for one in a group before the shipment status's.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from app.clients.errors import ItemError, NotFound, RemoteValidationError
from app.clients.parsing import meta_id, text
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.store import Link
from app.sync.model import Level
from app.sync.orders import ms_shipments, returns
from app.sync.orders.work import Shipment, chunks, label, ms_demand_url, ms_order_url
from app.sync.process_order import ProcessOrder
from app.sync.stock import report as stock_report

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier


def shipment_for(order: Order, ms_order_id: str | None, *, shipment_status: str | None,
                 process: Callable[[], ProcessOrder] | None, reached: Collection[int],
                 demand_links: Mapping[str, Link], pending_demands: Collection[str]
                 ) -> tuple[Shipment | None, Message | None]:
    """The shipment ``order`` needs (None: none), and a journal line when an earlier one may exist.

    The goods have left when the status is the shipment status or a later one in the process order (group
    first, then the status in its group: :mod:`app.sync.process_order`), or the order passed the shipment
    status since the last run and is not now in an earlier group; never while it is in the cancel group.
    RetailCRM's ``ordering`` alone restarts in every group, so comparing it across groups would ship
    brand-new orders. ``process`` is asked for only here (reading the groups may cost a request)."""
    if not shipment_status or process is None:
        return None, None
    if not process().shipped(order.status, shipment_status, reached=order.id in reached):
        return None, None
    if str(order.id) in demand_links:
        return None, None
    line = None
    if str(order.id) in pending_demands:
        line = msg("orders.shipment_retry", order=label(order))
    return Shipment(order, ms_order_id), line


def apply_shipments(a: Applier) -> None:
    """Create the planned demands in batches; each success is linked at once."""
    ready: list[tuple[Shipment, dict[str, Any]]] = []
    recovered = _recover_unconfirmed(a)
    foreign = ms_shipments.foreign_demands(a, [
        s.ms_order_id for s in a.work.shipments
        if s.ms_order_id and s.order.id not in a.created_bodies and s.order.id not in recovered
    ])
    for shipment in a.work.shipments:
        a.ctx.check_cancel()
        order = shipment.order
        ms_order = shipment.ms_order_id or a.created_ms.get(order.id)
        if ms_order is None or order.id in a.failed_orders or order.id in recovered:
            continue  # the order itself did not go (its shipment waits with it), or it is shipped already
        link = a.links.reserve("demand", order.id, rc_ext=order.number, ms_type="demand")
        if link.ms_id:
            continue
        sent = a.created_bodies.get(order.id)
        body = demand_body(a.ms.meta("customerorder", ms_order), sent) if sent is not None else None
        if body is None and ms_order in foreign and ms_shipments.adopt(a, order, foreign[ms_order]):
            continue  # the warehouse shipped it in MoySklad: never a second shipment
        if body is None:
            # an order written by an earlier run (or a body missing a field): MoySklad's template knows what
            # is left to ship
            try:
                template = a.ms.demand_template(ms_order)
            except (NotFound, RemoteValidationError) as exc:
                a.counts.failed += 1
                a.log(Level.ERROR, msg("orders.shipment_failed", order=label(order), error=exc.sentence),
                      label(order), ms_order_url(ms_order), "demand")
                continue
            rows = template.get("positions")
            positions = rows.get("rows") if isinstance(rows, Mapping) else rows
            if not positions:
                a.log(Level.INFO, msg("orders.shipment_nothing", order=label(order)), label(order),
                      ms_order_url(ms_order))
                continue
            body = {k: v for k, v in template.items() if k != "meta"}
        body["syncId"] = link.sync_id
        ready.append((shipment, body))
    for chunk in chunks(ready, a.batch):
        a.ctx.check_cancel()
        results = a.create_many("demand", [body for _, body in chunk])
        for (shipment, sent_body), result in zip(chunk, results, strict=True):
            order = shipment.order
            if isinstance(result, ItemError):
                a.failed_orders.add(order.id)
                a.counts.failed += 1
                a.log(Level.ERROR, msg("orders.shipment_refused", order=label(order), error=result.message),
                      label(order), None, "demand")
                continue
            ms_id = text(result.get("id"))
            if not ms_id:
                continue
            a.links.complete("demand", order.id, ms_id, ms_type="demand", rc_ext=order.number)
            a.counts.created += 1
            # the shipment wrote these items off in MoySklad after the stock flow read them
            rows = sent_body.get("positions") or ()
            if isinstance(rows, Mapping):  # a template's positions may come as {"rows": [...]}
                rows = rows.get("rows") or ()
            returns.note_shipped(a, order.id, rows)
            stock_report.note_touched(
                a.ctx.shared, (meta_id(row.get("assortment")) for row in rows if isinstance(row, Mapping)),
                shipped=True,
            )
            demand_name = text(result.get("name")) or ""
            a.log(Level.INFO, msg("orders.shipment_created", order=label(order), name=demand_name),
                  label(order), ms_demand_url(ms_id), "demand")
        a.progress(len(chunk))


def _recover_unconfirmed(a: Applier) -> set[int]:
    """Shipments an earlier run created but could not record (it stopped before the answer came): their
    link is still a reservation. They are found by the reservation's syncId and linked, in one request.
    Asking for a template instead would find nothing left to ship (that shipment shipped it) and leave
    the link reserved for ever. Returns the RetailCRM ids of the orders whose shipment was found."""
    wanted = {str(s.order.id) for s in a.work.shipments}
    pending = {link.sync_id.lower(): link for link in a.links.pending("demand")
               if link.sync_id and link.rc_id in wanted}
    if not pending:
        return set()
    recovered: set[int] = set()
    for row in a.ms.find_by_values("demand", "syncId", list(pending)):
        link = pending.get((text(row.get("syncId")) or "").lower())
        ms_id = text(row.get("id"))
        if link is None or not ms_id:
            continue
        a.links.complete("demand", link.rc_id, ms_id, ms_type="demand", rc_ext=link.rc_ext)
        recovered.add(int(link.rc_id))
        a.counts.created += 1
        number = link.rc_ext or link.rc_id
        a.log(Level.INFO, msg("orders.shipment_recovered", order=number, name=text(row.get("name")) or ""),
              number, ms_demand_url(ms_id), "demand")
    return recovered


# what MoySklad's demand template (``PUT entity/demand/new``) copies from a customer order besides positions
_DEMAND_REFS = ("organization", "agent", "store")
_DEMAND_TEXTS = ("shipmentAddress", "description")
_DEMAND_FLAGS = ("vatEnabled", "vatIncluded")  # copied as sent, so the shipment's sum is the order's


def demand_body(order_meta: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any] | None:
    """A shipment of a whole customer order this run has just created, from the body that created it: what the
    template would copy (organization, counterparty, warehouse, address, comment, every position with its
    quantity, price and discount; VAT comes from the goods as it did for the order). Nothing is shipped of a
    new order yet, so every position goes in full. None when the body lacks something a shipment needs
    (e.g. no warehouse): the caller asks MoySklad for the template instead."""
    if any(sent.get(key) is None for key in _DEMAND_REFS):
        return None
    positions = [{k: v for k, v in row.items() if k != "reserve"}  # a shipment has no reserve
                 for row in sent.get("positions") or () if isinstance(row, Mapping)]
    if not positions:
        return None
    body: dict[str, Any] = {"customerOrder": dict(order_meta)}
    for key in _DEMAND_REFS:
        body[key] = sent[key]
    for key in _DEMAND_TEXTS:
        if sent.get(key):
            body[key] = sent[key]
    for key in _DEMAND_FLAGS:
        if key in sent:
            body[key] = sent[key]
    body["positions"] = positions
    return body
