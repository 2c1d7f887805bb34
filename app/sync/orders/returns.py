"""Sales returns (возвраты покупателя): goods of a shipped order that come back go back to the warehouse.

A shipped order (it has a demand link: Svyazka's shipment, or one made in MoySklad and adopted) gets a
``salesreturn`` made from that shipment when

* it moves to a return status (setting ``return_statuses``; by default the statuses of the cancel group):
  everything shipped and not yet returned comes back;
* its lines are removed or reduced after shipment while it stays shipped: the difference comes back.

What to return is ``shipped − kept − returned`` per item (:func:`to_return`, pure). ``shipped`` is read once
from the demand's positions; ``returned`` is Svyazka's own record (``db.pushed`` target ``order_returned``,
one JSON per order), so the answer never depends on how MoySklad's template counts earlier returns.

Once, under kills and retries: each return reserves a link ``salesreturn`` keyed ``<order id>:<n>`` (the
n-th return of the order) and sends its ``syncId``; a run killed after MoySklad made it sends the same
``syncId`` again and MoySklad answers with the one it has (shared/docs/moysklad-api.md, "syncId"). The record is
written from MoySklad's answer (its positions), then the link is completed.

The document itself: ``PUT entity/salesreturn/new`` with ``demand`` (the OpenAPI schema's
``getSalesReturnTemplate``, shared/moysklad-openapi) gives organization, counterparty, warehouse and the
link to the shipment; the lines are the shipment's rows (price, discount, VAT) with the quantities above.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.clients.errors import ItemError, NotFound, RemoteValidationError
from app.clients.parsing import meta_id, text
from app.clients.retailcrm_models import Order
from app.messages import msg
from app.store import SyncSettings
from app.sync.model import Level
from app.sync.orders import cancelled_lines
from app.sync.orders.mapping import DELIVERY, map_positions
from app.sync.orders.work import MS_APP, chunks, label
from app.sync.process_order import CANCEL_GROUP, ProcessOrder
from app.sync.stock import report as stock_report

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner

PUSHED_RETURNED = "order_returned"  # RetailCRM order id -> JSON {"n", "shipped", "returned"}
LINK_KIND = "salesreturn"
_EPSILON = 1e-9


def ms_return_url(ms_id: str) -> str:
    return f"{MS_APP}#salesreturn/edit?id={ms_id}"


@dataclass
class Record:
    """What Svyazka knows of one order's returns: how many it made, what was shipped and returned per item."""

    count: int = 0
    shipped: dict[str, float] | None = None  # None: the demand was not read yet
    returned: dict[str, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, raw: str | None) -> Record:
        try:
            data = json.loads(raw) if raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        shipped = data.get("shipped")
        return cls(int(data.get("n") or 0), _quantities(shipped) if isinstance(shipped, dict) else None,
                   _quantities(data.get("returned")))

    def dump(self) -> str:
        return json.dumps({"n": self.count, "shipped": self.shipped, "returned": self.returned}, sort_keys=True)


def _quantities(raw: Any) -> dict[str, float]:
    if not isinstance(raw, Mapping):
        return {}
    out: dict[str, float] = {}
    for key, value in raw.items():
        if isinstance(value, int | float) and not isinstance(value, bool):
            out[str(key)] = float(value)
    return out


@dataclass
class SalesReturn:
    """One return to create: ``quantities`` of the items of ``demand_id``, the ``seq``-th of the order."""

    order: Order
    demand_id: str
    seq: int
    quantities: dict[str, float]
    rows: dict[str, dict[str, Any]]  # item id -> the shipment's row (price, discount, VAT)
    full: bool  # the order moved to a return status
    record: Record


# -- pure --------------------------------------------------------------------------------------------------

def return_statuses(settings: SyncSettings, process: ProcessOrder) -> frozenset[str]:
    """The statuses that bring a shipped order back: the setting, else every status of the cancel group."""
    if settings.return_statuses is not None:
        return frozenset(settings.return_statuses)
    return frozenset(code for code, group in process.group_of.items() if group == CANCEL_GROUP)


def to_return(shipped: Mapping[str, float], kept: Mapping[str, float], returned: Mapping[str, float]
              ) -> dict[str, float]:
    """Per item: what was shipped, less what the order still holds, less what came back already (≥ 0)."""
    result: dict[str, float] = {}
    for item, quantity in shipped.items():
        left = quantity - kept.get(item, 0.0) - returned.get(item, 0.0)
        if left > _EPSILON:
            result[item] = left
    return result


def _add(into: dict[str, float], more: Mapping[str, float]) -> dict[str, float]:
    out = dict(into)
    for item, quantity in more.items():
        out[item] = out.get(item, 0.0) + quantity
    return out


def _rows_by_item(rows: Iterable[Any]) -> tuple[dict[str, float], dict[str, dict[str, Any]]]:
    quantities: dict[str, float] = {}
    first: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not isinstance(row, Mapping):
            continue
        assortment = row.get("assortment")
        kind = assortment.get("meta", {}).get("type") if isinstance(assortment, Mapping) else None
        if kind == "service":
            continue  # the delivery (a service) was rendered: only goods come back to the warehouse
        item = meta_id(assortment)
        quantity = row.get("quantity")
        if not item or not isinstance(quantity, int | float):
            continue
        quantities[item] = quantities.get(item, 0.0) + float(quantity)
        first.setdefault(item, dict(row))
    return quantities, first


def _positions(document: Mapping[str, Any]) -> list[Any]:
    rows = document.get("positions")
    found = rows.get("rows") if isinstance(rows, Mapping) else rows
    return list(found) if isinstance(found, list) else []


# -- plan --------------------------------------------------------------------------------------------------

def plan(p: Planner, orders: Mapping[int, Order]) -> None:
    """Add the returns this run's orders need to ``p.work.returns``."""
    settings = p.settings
    demand_links = {rc: link for rc, link in p.links.all("demand", by="rc").items() if link.ms_id}
    candidates = [o for o in orders.values() if str(o.id) in demand_links]
    if not candidates:
        return
    process = p.process()
    statuses = return_statuses(settings, process)
    records = p.ctx.db.pushed(p.ctx.profile_id).get_many(PUSHED_RETURNED)
    offers = p._offer_targets()
    for order in sorted(candidates, key=lambda o: o.id):
        full = order.status in statuses
        if full:
            kept: dict[str, float] = {}
        elif process.shipped(order.status, settings.shipment_status):
            # a line cancelled after the shipment is not kept: it comes back (app/sync/orders/cancelled_lines.py)
            positions, problems = map_positions(order, offers, reserve=False, delivery_cost=None,
                                                skip_statuses=cancelled_lines.cancel_statuses(p))
            if problems:
                continue  # its lines wait for their links (the order's own conflict says so)
            kept = {}
            for position in positions:
                if position.assortment_id != DELIVERY:
                    kept[position.assortment_id] = kept.get(position.assortment_id, 0.0) + float(position.quantity)
        else:
            continue  # moved back before the shipment: the goods did not come back
        record = Record.parse(records.get(str(order.id)))
        demand_id = demand_links[str(order.id)].ms_id
        assert demand_id is not None
        rows: dict[str, dict[str, Any]] = {}
        if record.shipped is not None and not to_return(record.shipped, kept, record.returned):
            continue  # nothing more to bring back: no request
        try:
            demand = p.ms.get("demand", demand_id, expand="positions")
        except RemoteValidationError as exc:
            p.log(Level.ERROR, msg("orders.return_read_failed", order=label(order), error=exc.sentence), order)
            p.work.waiting.add(order.id)
            continue
        if demand is None:
            p.log(Level.WARNING, msg("orders.return_shipment_deleted", order=label(order)), order)
            continue
        record.shipped, rows = _rows_by_item(_positions(demand))
        quantities = to_return(record.shipped, kept, record.returned)
        if not quantities:
            p.work.return_records[order.id] = record  # read once: apply keeps it, later runs need no request
            continue
        p.work.returns.append(SalesReturn(order, demand_id, record.count + 1, quantities, rows, full, record))
        if not full:
            p.log(Level.INFO, msg("orders.return_partial", order=label(order)), order)


# -- apply -------------------------------------------------------------------------------------------------

def note_shipped(a: Applier, order_id: int, rows: Iterable[Any]) -> None:
    """Remember what a shipment Svyazka just made holds, so a later return needs no read of it."""
    stored = a.pushed.get_many(PUSHED_RETURNED).get(str(order_id))
    record = Record.parse(stored)
    record.shipped, _ = _rows_by_item(rows)
    a.pushed.put_many(PUSHED_RETURNED, {str(order_id): record.dump()})


def apply(a: Applier) -> None:
    """Create the planned returns; each success is recorded and linked at once."""
    if a.work.return_records:
        a.pushed.put_many(PUSHED_RETURNED, {str(k): r.dump() for k, r in a.work.return_records.items()})
    ready: list[tuple[SalesReturn, str, dict[str, Any]]] = []
    for item in a.work.returns:
        a.ctx.check_cancel()
        order = item.order
        rc_key = f"{order.id}:{item.seq}"
        link = a.links.reserve(LINK_KIND, rc_key, rc_ext=order.number, ms_type="salesreturn")
        if link.ms_id:
            # made and linked by an earlier run that stopped before writing the record: record it now
            found = a.ms.get("salesreturn", link.ms_id, expand="positions")
            if found is not None:
                _recorded(a, item, found, log=False)
            continue
        try:
            template = a.ms.sales_return_template(item.demand_id)
        except (NotFound, RemoteValidationError) as exc:
            _failed(a, item, exc.message)
            continue
        body = {k: v for k, v in template.items() if k not in ("meta", "positions")}
        positions = []
        for item_id, quantity in item.quantities.items():
            row = item.rows.get(item_id) or {}
            line: dict[str, Any] = {"quantity": quantity, "assortment": row.get("assortment")}
            for key in ("price", "discount", "vat", "vatEnabled"):
                if key in row:
                    line[key] = row[key]
            if line["assortment"] is None:
                continue
            positions.append(line)
        if not positions:
            continue
        body["positions"] = positions
        body["syncId"] = link.sync_id
        ready.append((item, rc_key, body))
    for chunk in chunks(ready, a.batch):
        a.ctx.check_cancel()
        results = a.create_many("salesreturn", [body for _, _, body in chunk], expand="positions")
        for (item, rc_key, _body), result in zip(chunk, results, strict=True):
            if isinstance(result, ItemError):
                _failed(a, item, result.message)
                continue
            ms_id = text(result.get("id"))
            if not ms_id:
                continue
            _recorded(a, item, result, log=True)
            a.links.complete(LINK_KIND, rc_key, ms_id, ms_type="salesreturn", rc_ext=item.order.number)
        a.progress(len(chunk))


def _recorded(a: Applier, item: SalesReturn, result: Mapping[str, Any], *, log: bool) -> None:
    """Add what MoySklad's return holds to the order's record (its answer, not what was sent: a repeated
    ``syncId`` answers with the return made before)."""
    got, _ = _rows_by_item(_positions(result))
    record = item.record
    record.count = item.seq
    record.returned = _add(record.returned, got or item.quantities)
    a.pushed.put_many(PUSHED_RETURNED, {str(item.order.id): record.dump()})
    stock_report.note_touched(a.ctx.shared, list(got or item.quantities), shipped=True)
    if not log:
        return  # made by an earlier run: recorded now, not counted again
    a.counts.created += 1
    name = text(result.get("name")) or ""
    ms_id = text(result.get("id")) or ""
    pieces = sum(got.values()) if got else sum(item.quantities.values())
    why = msg("orders.return_why_full" if item.full else "orders.return_why_partial")
    a.log(Level.INFO, msg("orders.return_created", order=label(item.order), name=name, pieces=_pieces(pieces),
                          why=why),
          label(item.order), ms_return_url(ms_id), "salesreturn")


def _pieces(count: float) -> str:
    """The number of pieces as the journal shows it: 3, 2.5 (the unit is in the sentence)."""
    value = int(count) if float(count).is_integer() else count
    return f"{value}"


def _failed(a: Applier, item: SalesReturn, message: str) -> None:
    a.failed_orders.add(item.order.id)  # read again next run, so the return is tried again
    a.counts.failed += 1
    a.log(Level.ERROR, msg("orders.return_failed", order=label(item.order), error=message.rstrip(".")),
          label(item.order), None, "salesreturn")
