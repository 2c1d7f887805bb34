"""Order lines in a cancel status leave the MoySklad order.

A RetailCRM order line carries ``status``, a code of ``/reference/product-statuses`` (shared/docs/retailcrm-api.md
§7: ``"status":"new"`` on each item; history field ``order_product.status``); the statuses with ``cancelStatus``
cancel the line (fixture References/testProductStatuses: the defaults ``out-of-stock``, ``failure``, … and a
shop's own ``otmena``). Such a line is left out of the customer order's positions
(:func:`app.sync.orders.mapping.map_positions` ``skip_statuses``), so MoySklad holds no reserve for it; the
positions change, so does the fingerprint, and a linked order is updated. A line back in a plain status comes
back the same way. On a shipped order the line no longer counts as kept, so the returns module
(:mod:`app.sync.orders.returns`) brings it back with a sales return (shipped − kept − returned).

The reference is read once a run, only when there are orders to decide, and kept in
:class:`app.sync.run_shared.RunShared`. Unreadable (no rights: 403, or no such method: 404): no line counts as
cancelled, one warning says why, and the flow goes on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from app.clients.errors import NotFound, SettingsError
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.sync.model import Level
from app.sync.orders.mapping import DELIVERY, MappedPosition, item_label
from app.sync.orders.words import joined
from app.sync.orders.work import label

if TYPE_CHECKING:
    from app.sync.orders.plan import Planner


def cancel_statuses(p: Planner) -> dict[str, str]:
    """The line statuses that cancel a line, code → name (read once a run; {} when unreadable)."""
    cached = p.ctx.shared.retailcrm_cancel_line_statuses
    if cached is not None:
        return cached
    found: dict[str, str] = {}
    try:
        statuses = p.rc.product_statuses()
    except (SettingsError, NotFound) as exc:
        p.log(Level.WARNING, msg("order_lines.statuses_unreadable", error=exc.sentence))
    else:
        found = {s.code: s.name for s in statuses if s.cancel}
    p.ctx.shared.retailcrm_cancel_line_statuses = found
    return found


def cancelled_lines(order: Order, cancel: Mapping[str, str]) -> list[Message]:
    """The order's cancelled lines in words: «name» (status)."""
    return [msg("order_lines.line", name=item_label(item), status=cancel[item.status])
            for item in order.items if item.status is not None and item.status in cancel]


def notes(order: Order, cancel: Mapping[str, str], positions: Sequence[MappedPosition]) -> list[Message]:
    """What the journal says when an order goes to MoySklad without its cancelled lines (nothing when none)."""
    lines = cancelled_lines(order, cancel)
    if not lines:
        return []
    out = [msg("order_lines.removed", order=label(order), lines=joined(lines, "comma"))]
    if not any(p.assortment_id != DELIVERY for p in positions) and len(lines) == len(order.items):
        # every line cancelled: the order still goes (or stays), empty, and follows its status; a careful
        # person cancels the order itself, which moves the MoySklad order to the mapped cancel state
        out.append(msg("order_lines.all_cancelled", order=label(order)))
    return out
