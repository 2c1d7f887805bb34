"""Orders deleted in RetailCRM: their MoySklad order gets the cancel state and gives up its reserve; it is never
deleted there.

RetailCRM's API has no order delete: a person deletes an order in the web UI, and ``orders/history`` gets a
record with ``deleted: true`` (shared/docs/retailcrm-api.md §6); :func:`app.sync.orders.history.walk_history`
collects those ids in ``scan.deleted``. The order is gone from lists and gets, so it is never fetched again and
leaves the waiting list.

For each one that is linked:

* the cancel state is the MoySklad state mapped (``settings.status_map``) to a status of RetailCRM's cancel
  group: ``cancel-other`` (the status RetailCRM itself uses for cancellations in the recorded statuses,
  References/testStatuses) when it is mapped, else the first mapped cancel status in process order; with none
  mapped the order waits (remembered as ``waiting``) and the journal says which status to map;
* ``GET customerorder/{id}?expand=positions`` (the positions are not known otherwise), then one ``PUT`` with the
  state and the same positions with ``reserve`` 0: inline positions replace the whole set and matching ids are
  updated (shared/docs/moysklad-api.md §5.6), so each row goes back whole, with its ``meta``. More rows than the
  expand's 100 are read from ``…/positions``;
* a shipment already made stays (the goods left; a return is a person's call) and the journal says so.

Once, under kills and retries: the outcome is remembered in ``db.pushed`` target ``order_deleted`` (``done`` or
``waiting``); a run killed between the PUT and the record sends the same PUT again, which changes nothing.
An unlinked deleted order: nothing to do (a debug line).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from app.clients.errors import NotFound, RemoteValidationError
from app.clients.parsing import as_list, as_map, integer, meta_id, text
from app.messages import msg
from app.sync.model import Level
from app.sync.orders.work import ms_order_url
from app.sync.process_order import CANCEL_GROUP
from app.sync.stock import report as stock_report

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.history import HistoryScan
    from app.sync.orders.plan import Planner

PUSHED_DELETED = "order_deleted"  # RetailCRM order id -> DONE | WAITING
DONE = "done"
WAITING = "waiting"  # no cancel state mapped yet, or the write failed: tried again every run
RETAILCRM_CANCEL = "cancel-other"  # the status RetailCRM's own cancellations use (References/testStatuses)
EXPAND_ROWS = 100  # expand=positions returns at most this many rows (shared/docs/moysklad-api.md)


@dataclass
class DeletedOrder:
    rc_id: int
    label: str  # the order's number as linked (``rc_ext``), else its id
    ms_id: str
    state_id: str | None  # None: no cancel status mapped; the order waits
    shipped: bool  # a shipment is linked: it stays


def cancel_state(p: Planner) -> tuple[str | None, str]:
    """The MoySklad state a deleted order gets, and the RetailCRM status to name when none is mapped."""
    status_map = p.settings.status_map
    codes = p.process().sorted_codes(code for code, status in p.statuses.items() if status.group == CANCEL_GROUP)
    if RETAILCRM_CANCEL in codes:  # RetailCRM's own first, then the others in process order
        codes.remove(RETAILCRM_CANCEL)
        codes.insert(0, RETAILCRM_CANCEL)
    for code in codes:
        if status_map.get(code):
            return status_map[code], code
    first = codes[0] if codes else RETAILCRM_CANCEL
    status = p.statuses.get(first)
    return None, status.name if status is not None else first


def plan(p: Planner, scan: HistoryScan | None) -> None:
    """Add the deleted orders whose MoySklad order is still to cancel to ``p.work.deleted``."""
    records = p.ctx.db.pushed(p.ctx.profile_id).get_many(PUSHED_DELETED)
    ids = set(scan.deleted) if scan is not None else set()
    ids |= {int(k) for k, v in records.items() if v == WAITING and k.isdigit()}
    if not ids:
        return
    work = p.work
    work.deleted_ids |= ids
    work.waiting -= ids
    links = p.links.all("order", by="rc")
    demands = p.links.all("demand", by="rc")
    state: tuple[str | None, str] | None = None
    for rc_id in sorted(ids):
        key = str(rc_id)
        link = links.get(key)
        if records.get(key) == DONE:
            continue
        if link is None or not link.ms_id:
            p.log(Level.DEBUG, msg("order_lines.deleted_unlinked", order=key))
            continue
        if state is None:
            state = cancel_state(p)
        name = link.rc_ext or key
        item = DeletedOrder(rc_id, name, link.ms_id, state[0], key in demands)
        work.deleted.append(item)
        if item.state_id is None:
            p.log(Level.WARNING, msg("order_lines.deleted_no_cancel_state", order=name, status=state[1]))


# -- apply ---------------------------------------------------------------------------------------------------

def _rows(a: Applier, ms_id: str, order: Mapping[str, Any]) -> list[dict[str, Any]]:
    positions = as_map(order.get("positions"))
    rows = [as_map(r) for r in as_list(positions.get("rows"))]
    size = integer(as_map(positions.get("meta")).get("size"))
    if size is not None and size > len(rows):
        rows = list(a.ms.iter_rows(f"entity/customerorder/{ms_id}/positions"))
    return rows


def _released(row: Mapping[str, Any]) -> dict[str, Any]:
    """The same position with no reserve (sent whole, with its ``meta``, so it is updated, not replaced)."""
    out = {k: row[k] for k in ("meta", "assortment", "quantity", "price", "discount", "vat", "vatEnabled")
           if k in row}
    assortment_type = text(as_map(as_map(row.get("assortment")).get("meta")).get("type"))
    if assortment_type != "service":
        out["reserve"] = 0
    return out


def apply(a: Applier) -> None:
    """Cancel the planned deleted orders in MoySklad; each outcome is remembered at once."""
    for item in a.work.deleted:
        a.ctx.check_cancel()
        key = str(item.rc_id)
        if item.state_id is None:
            a.pushed.put_many(PUSHED_DELETED, {key: WAITING})
            a.counts.skipped += 1
            continue
        try:
            found = a.ms.get("customerorder", item.ms_id, expand="positions")
            if found is None:
                a.pushed.put_many(PUSHED_DELETED, {key: DONE})
                a.log(Level.INFO, msg("order_lines.deleted_ms_gone", order=item.label), item.label, None)
                continue
            rows = _rows(a, item.ms_id, found)
            body = {"state": a.ms.state_meta(item.state_id), "positions": [_released(r) for r in rows]}
            a.ms.update("customerorder", item.ms_id, body)
        except (RemoteValidationError, NotFound) as exc:
            a.pushed.put_many(PUSHED_DELETED, {key: WAITING})
            a.counts.failed += 1
            a.log(Level.ERROR, msg("order_lines.deleted_failed", order=item.label, error=exc.sentence),
                  item.label, ms_order_url(item.ms_id))
            continue
        a.pushed.put_many(PUSHED_DELETED, {key: DONE})
        stock_report.note_touched(a.ctx.shared, [meta_id(r.get("assortment")) for r in rows], shipped=False)
        a.counts.updated += 1
        state = a.ctx.settings.state_names.get(item.state_id, "") or msg("orders.state_unknown")
        a.log(Level.INFO, msg("order_lines.deleted_cancelled", order=item.label, name=text(found.get("name")) or "",
                              state=state), item.label, ms_order_url(item.ms_id))
        if item.shipped:
            a.log(Level.INFO, msg("order_lines.deleted_shipped", order=item.label), item.label,
                  ms_order_url(item.ms_id))
