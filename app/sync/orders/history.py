"""RetailCRM's side of the orders plan: which orders to look at this run (a first run's window, or the
history since the cursor), read only, so it may run ahead of the earlier flows.

The first run (no history cursor, or a full run) lists the orders now in one of the export statuses,
created in the last ``first_sync_days`` days (the cut-off date is kept: an order created before it is never
exported, unless the setting is 0); later runs walk ``orders/history`` from the stored ``sinceId`` and fetch
every touched order once (100 ids a request). Changes made with Svyazka's own key (``apiKey.current``) are
skipped, so the sync never echoes itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from app.clients.parsing import text
from app.clients.retailcrm_models import Order
from app.messages import msg
from app.sync.conflict_key import ConflictKey
from app.sync.model import Flow, Level
from app.sync.orders.work import chunks
from app.vocab import ConflictKind

if TYPE_CHECKING:
    from app.sync.orders.plan import Planner

MSK = timezone(timedelta(hours=3))  # RetailCRM accounts of Russian shops keep Moscow dates
IDS_PER_REQUEST = 100  # filter[ids][] and orders/statuses take at most 100 ids
HISTORY_PAGE = 100

Reading = tuple[dict[int, Order], "HistoryScan | None"]


def first_sync_start(days: int, today: date | None = None) -> date | None:
    """The first day a first sync takes orders from (``days`` = 0: no limit)."""
    if days <= 0:
        return None
    today = today or datetime.now(UTC).astimezone(MSK).date()
    return today - timedelta(days=days)


@dataclass
class HistoryScan:
    newest: int
    touched: set[int] = field(default_factory=set)
    status_changed: set[int] = field(default_factory=set)
    reached_shipment: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    own: int = 0
    records: int = 0


def _code(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return text(value.get("code"))
    return text(value)


def read(p: Planner) -> Reading | None:
    """The orders to look at and the history that touched them (None: nothing to do)."""
    ctx = p.ctx
    cursor = p.cursors.history_since_id
    waiting = p.cursors.waiting
    if not p.export:
        p.plan.notes.append(msg("orders.no_export_statuses"))
        if cursor is None:  # nothing was ever exported: nothing to keep up to date either
            return None
    if not p.settings.organization_id:
        p.plan.notes.append(msg("orders.no_organization"))
    p.statuses = p.rc_statuses()
    p.reset_process()  # read when the first order's shipment is decided (a run may have none)

    p.created_from = created_from(p, first_run=cursor is None)

    scan: HistoryScan | None = None
    if cursor is None or ctx.full:
        newest = p.rc.newest_order_history_id()
        orders = list_exportable(p)
        missing = [i for i in waiting if i not in orders]
        orders.update(fetch(p, missing))
        p.work.history_cursor = newest
        what = msg("orders.what_full" if ctx.full and cursor is not None else "orders.what_first")
        if cursor is None and p.created_from is not None:
            days = p.settings.first_sync_days
            p.plan.notes.append(msg("orders.first_sync_window", count=days))
        elif p.created_from is not None:
            p.plan.notes.append(msg("orders.created_before", date=f"{p.created_from:%d.%m.%Y}"))
        p.plan.notes.append(msg("orders.exportable_count", what=what, count=len(orders)))
    else:
        scan = walk_history(p, cursor)
        p.work.history_cursor = scan.newest
        orders = fetch(p, sorted(scan.touched | waiting))
        if scan.records:
            own = msg("orders.history_own", count=scan.own) if scan.own else ""
            p.plan.notes.append(msg("orders.history_counts", records=scan.records, orders=len(scan.touched), own=own))
    return orders, scan


def _order_filter(p: Planner) -> dict[str, Any]:
    return {"sites": [p.site]} if p.site else {}


def created_from(p: Planner, *, first_run: bool) -> date | None:
    """The day before which orders are never exported: set by the first sync, kept in a cursor."""
    days = p.settings.first_sync_days
    if days <= 0:
        return None  # 0: every order, including those a limited first sync left out
    if first_run:
        start = first_sync_start(days, p.ctx.clock().astimezone(MSK).date())
        p.work.first_sync_from = start
        return start
    return p.cursors.first_sync_from


def list_exportable(p: Planner) -> dict[int, Order]:
    orders: dict[int, Order] = {}
    if not p.export:
        return orders
    flt = {**_order_filter(p), "extendedStatus": sorted(p.export)}
    if p.created_from is not None:
        flt["createdAtFrom"] = p.created_from.isoformat()  # RetailCRM's Y-m-d
    for order in p.rc.iter_orders(flt):
        if unusable_id(p, order):
            continue
        orders[order.id] = order
        if len(orders) % 100 == 0:
            p.ctx.check_cancel()
            p.ctx.progress(Flow.ORDERS, len(orders), 0, "plan")
    return orders


def unusable_id(p: Planner, order: Order) -> bool:
    """An order whose RetailCRM id is not a positive whole number ("12abc"; RetailCRM's ids are integers,
    /work/shared/docs/retailcrm-api.md) cannot be linked, looked up or sent: a bad-data conflict for that order,
    and the run goes on with the others (the model reads such an id as 0)."""
    if order.id > 0:
        return False
    raw_id = str(order.raw.get("id"))
    label = order.number or order.external_id or raw_id
    title = msg("orders.bad_id", order=label, raw_id=raw_id)
    p.conflicts.add(ConflictKey.of(ConflictKind.BAD_DATA, "order-id", label), title,
                    rc_data={"number": order.number, "id": raw_id})
    p.log(Level.WARNING, title, None)
    return True


def fetch(p: Planner, ids: Sequence[int]) -> dict[int, Order]:
    orders: dict[int, Order] = {}
    for done, chunk in enumerate(chunks(list(ids), IDS_PER_REQUEST), start=1):
        p.ctx.check_cancel()
        for order in p.rc.iter_orders({**_order_filter(p), "ids": list(chunk)}):
            if not unusable_id(p, order):
                orders[order.id] = order
        p.ctx.progress(Flow.ORDERS, min(done * IDS_PER_REQUEST, len(ids)), len(ids), "plan")
    return orders


def walk_history(p: Planner, since: int) -> HistoryScan:
    scan = HistoryScan(newest=since)
    shipment = p.settings.shipment_status
    for record in p.rc.iter_order_history(since, limit=HISTORY_PAGE):
        scan.records += 1
        scan.newest = max(scan.newest, record.id)
        if scan.records % HISTORY_PAGE == 0:
            p.ctx.check_cancel()
            p.ctx.progress(Flow.ORDERS, scan.records, 0, "plan")
        if record.api_key_current:
            scan.own += 1
            continue
        if record.order_id is None:
            continue
        site = text(record.order.get("site"))
        if p.site and site and site != p.site:
            continue
        if record.deleted:
            scan.deleted.add(record.order_id)
            continue
        scan.touched.add(record.order_id)
        if record.field == "status":
            scan.status_changed.add(record.order_id)
            if shipment and _code(record.new) == shipment:
                scan.reached_shipment.add(record.order_id)
    if scan.deleted:
        p.plan.notes.append(msg("orders.deleted_in_retailcrm", count=len(scan.deleted)))
    return scan
