"""Statuses back (optional): a state a person set on a linked customer order in MoySklad goes to RetailCRM.

The plan reads customer orders MoySklad changed since the cursor (``updated``), skips the state Svyazka
itself sent (``db.pushed`` target "order_state") and an order whose status changed in RetailCRM too
(RetailCRM's wins); apply sets the mapped RetailCRM status and remembers the state as agreed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from app.clients.errors import NotFound, RemoteValidationError
from app.clients.moysklad_filter import Filter
from app.clients.moysklad_models import CustomerOrder
from app.clients.parsing import text, timestamp
from app.clients.retailcrm_models import Order
from app.messages import msg
from app.store import Link
from app.sync.model import Flow, Level
from app.sync.orders.fingerprints import fingerprint
from app.sync.orders.history import HistoryScan
from app.sync.orders.work import PUSHED_STATE, StatusBack, label, ms_order_url

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner


def plan(p: Planner, orders: Mapping[int, Order], scan: HistoryScan | None) -> None:
    reverse_map = p.settings.reverse_status_map
    cursor = p.cursors.reverse_since
    p.work.ms_changed = []  # the orders changed in MoySklad, shared with app/sync/orders/edits.py
    if cursor is None:
        newest = next(iter(p.ms.iter_rows("entity/customerorder", order="updated,desc", limit=1)), None)
        p.work.reverse_cursor = text(newest.get("updated")) if newest else "1970-01-01 03:00:00"
        p.plan.notes.append(msg("orders.statuses_back_on"))
        return
    since = timestamp(cursor)
    flt = Filter().ge("updated", since) if since else None
    by_ms = p.links.all("order", by="ms")
    pushed_states = p.ctx.db.pushed(p.ctx.profile_id).get_many(PUSHED_STATE)
    newest_seen = cursor
    candidates: list[tuple[CustomerOrder, Link, str]] = []
    for row in p.ms.iter_customer_orders(flt):
        p.work.ms_changed.append(dict(row.raw))
        raw_updated = text(row.raw.get("updated"))
        # MoySklad's "YYYY-MM-DD HH:MM:SS.mmm" sorts as text
        if raw_updated and raw_updated > newest_seen:
            newest_seen = raw_updated
        link = by_ms.get(row.id)
        target = reverse_map.get(row.state_id or "")
        if link is None or not target or not link.rc_id.isdigit():
            continue
        if pushed_states.get(link.rc_id) == (row.state_id or ""):
            continue  # the state Svyazka itself sent: no person changed it
        candidates.append((row, link, target))
    p.work.reverse_cursor = newest_seen
    if not candidates:
        return
    forward_changed = scan.status_changed if scan else set()
    unknown = [int(link.rc_id) for _, link, _ in candidates if int(link.rc_id) not in orders]
    current: dict[int, str | None] = {o.id: o.status for o in orders.values()}
    numbers: dict[int, str] = {o.id: label(o) for o in orders.values()}
    if unknown:
        for info in p.rc.orders_statuses(ids=unknown):
            current[info.id] = info.status
    updates = {u.order.id: u for u in p.work.updates}
    for row, link, target in candidates:
        rc_id = int(link.rc_id)
        number = numbers.get(rc_id) or link.rc_ext or str(rc_id)
        status = current.get(rc_id)
        if rc_id not in current:
            continue  # the order is gone from RetailCRM
        if status == target or (status and p.settings.status_map.get(status) == row.state_id):
            continue
        if rc_id in forward_changed:
            p.ctx.log(Level.INFO, Flow.ORDERS,
                      msg("orders.status_changed_both", order=number), entity_type="order",
                      entity_ref=number, entity_url=ms_order_url(row.id))
            continue
        p.work.statuses_back.append(
            StatusBack(rc_id, number, row.id, row.name, row.state_id or "", target, status)
        )
        update = updates.get(rc_id)
        if update is not None:  # keep MoySklad's new state in the update that goes anyway
            update.mapped = replace(update.mapped, state_id=row.state_id)
            update.fingerprint = fingerprint(update.mapped, with_delivery=p.work.delivery.available)


def apply(a: Applier) -> None:
    statuses = a.ctx.shared.retailcrm_statuses or {}
    for back in a.work.statuses_back:
        a.ctx.check_cancel()
        try:
            a.rc.edit_order_status(back.rc_id, back.status, by="id")
        except (RemoteValidationError, NotFound) as exc:
            a.counts.failed += 1
            a.log(Level.ERROR, msg("orders.status_back_failed", order=back.number, error=exc.sentence),
                  back.number, ms_order_url(back.ms_id))
            continue
        a.counts.updated += 1
        # RetailCRM now agrees with this state: it is no longer news on the next run
        a.pushed.put_many(PUSHED_STATE, {str(back.rc_id): back.state_id})
        name = statuses[back.status].name if back.status in statuses else back.status
        a.log(Level.INFO, msg("orders.status_back", order=back.number, status=name, name=back.ms_name),
              back.number, ms_order_url(back.ms_id))
        a.progress(1)
