"""Orders already in MoySklad: linked instead of created a second time.

Before creating, MoySklad is asked for orders whose ``externalCode`` is the RetailCRM id (a lost database,
a crash after the write): such an order is linked instead of created. An order RetailCRM's own MoySklad
module exported (``customFields.moyskladexternalid``, :mod:`app.sync.orders.module_orders`) is linked to
that customer order as it stands (positions untouched until the next change in RetailCRM; its state and a
shipment it has count as Svyazka's).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from app.clients.parsing import meta_id, text
from app.messages import Message, msg
from app.store import Link, LinkConflictError
from app.sync.model import Level
from app.sync.orders import edits
from app.sync.orders.fingerprints import fingerprint_of_entity
from app.sync.orders.mapping import update_body
from app.sync.orders.module_orders import MODULE_FIELD, ModuleMark, demand_ids, find_orders, module_mark
from app.sync.orders.work import PUSHED_STATE, PUSHED_TARGET, OrderCreate, OrderUpdate, label, ms_order_url

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner


def adopt_existing(p: Planner, creates: list[OrderCreate], order_links: Mapping[str, Link]) -> list[OrderCreate]:
    """Plan: mark the creates whose customer order exists already (by externalCode, or the module's mark)."""
    if not creates:
        return creates
    linked_ms = {link.ms_id for link in order_links.values() if link.ms_id}
    by_code: dict[str, dict[str, Any]] = {}
    rows = p.ms.find_by_values(
        "customerorder", "externalCode", [str(c.order.id) for c in creates], expand="positions"
    )
    for found in rows:
        code = text(found.get("externalCode"))
        if code and code not in by_code and text(found.get("id")) not in linked_ms:
            by_code[code] = found
    # orders RetailCRM's own MoySklad module exported: their customer orders, in one batched read
    marks = {c.order.id: module_mark(c.order) for c in creates if str(c.order.id) not in by_code}
    module_rows = find_orders(p.ms, (m.ms_id for m in marks.values() if m is not None and m.ms_id),
                              expand=edits.EXPAND)  # with positions: what a later edit is compared with
    taken = {i.lower() for i in linked_ms if i}
    kept: list[OrderCreate] = []
    for create in creates:
        row = by_code.get(str(create.order.id))
        if row is None:
            if create.pending and create.order.status not in p.export:
                # reserved once but never written, and no longer in an export status: nothing to do
                p.work.skipped += 1
                continue
            _take_over(p, create, marks.get(create.order.id), module_rows, taken)
            kept.append(create)
            continue
        kept.append(create)
        create.adopt_ms_id = text(row.get("id"))
        create.found = row
        existing_fp = fingerprint_of_entity(row, p.work.delivery.service_id)
        create.adopt_needs_update = existing_fp != create.fingerprint
        p.log(Level.INFO, msg("orders.already_in_moysklad", order=label(create.order),
                              name=text(row.get("name")) or ""), create.order, ms_id=create.adopt_ms_id)
    return kept


def _take_over(p: Planner, create: OrderCreate, mark: ModuleMark | None, rows: Mapping[str, dict[str, Any]],
               taken: set[str]) -> None:
    """Link ``create`` to the customer order RetailCRM's MoySklad module made for it, when its mark names
    one that exists and no other order has (a copied order keeps the field: that copy is a new order).
    ``taken``: MoySklad ids linked already, this plan's takeovers added."""
    if mark is None:
        return
    order = create.order
    name = label(order)
    if mark.ms_id is None:
        shown = mark.value if len(mark.value) <= 60 else mark.value[:57] + "…"
        p.log(Level.INFO, msg("orders.module_field_not_id", order=name, field=MODULE_FIELD, value=shown), order)
        return
    row = rows.get(mark.ms_id)
    if row is None:
        p.log(Level.WARNING, msg("orders.module_order_missing", order=name, field=MODULE_FIELD), order)
        return
    if mark.ms_id in taken:
        p.log(Level.WARNING, msg("orders.module_order_taken", order=name, field=MODULE_FIELD), order)
        return
    taken.add(mark.ms_id)
    create.adopt_ms_id = text(row.get("id"))
    create.found = row
    create.adopt_needs_update = False  # positions stay as the module left them until RetailCRM changes
    create.taken_over = True
    create.module_state = meta_id(row.get("state"))
    demands = demand_ids(row)
    create.module_demand = demands[0] if demands else None
    p.log(Level.INFO, msg("orders.module_take_over", order=name, name=text(row.get("name")) or ""), order,
          ms_id=create.adopt_ms_id)


def adopt(a: Applier, create: OrderCreate) -> None:
    """Apply: store the link to the existing customer order; update it when it differs."""
    order = create.order
    assert create.adopt_ms_id is not None
    try:
        a.links.complete("order", order.id, create.adopt_ms_id, ms_type="customerorder", rc_ext=order.number)
    except LinkConflictError as exc:
        a.failed_orders.add(order.id)
        a.counts.failed += 1
        a.log(Level.ERROR, str(exc), label(order), ms_order_url(create.adopt_ms_id))
        return
    if create.taken_over:
        _taken_over(a, create)
        return
    a.log(Level.INFO, msg("orders.linked_existing", order=label(order)),
          label(order), ms_order_url(create.adopt_ms_id))
    if create.adopt_needs_update:
        a.work.updates.append(OrderUpdate(order, create.adopt_ms_id, create.mapped, create.fingerprint))
        a.total += 1
    else:
        a.remember(order.id, create.mapped, create.fingerprint)
        edits.remember_found(a, order.id, create.found, _body(a, create))
        a.counts.unchanged += 1


def _taken_over(a: Applier, create: OrderCreate) -> None:
    """The link to a customer order RetailCRM's MoySklad module made is stored; nothing is written to it
    now. What RetailCRM has today counts as sent, so the next change in RetailCRM updates it the usual way;
    the state it has counts as Svyazka's, so statuses back see only a person's change; a shipment it has
    counts as this order's, so none is made a second time."""
    order = create.order
    name = label(order)
    assert create.adopt_ms_id is not None
    a.pushed.put_many(PUSHED_TARGET, {str(order.id): a.sent_fingerprint(create.mapped, create.fingerprint)})
    edits.remember_found(a, order.id, create.found, _body(a, create))
    if create.module_state:
        a.pushed.put_many(PUSHED_STATE, {str(order.id): create.module_state})
    shipped: Message | str = ""
    if create.module_demand:
        with contextlib.suppress(LinkConflictError):
            a.links.complete("demand", order.id, create.module_demand, ms_type="demand", rc_ext=order.number)
            shipped = msg("orders.taken_over_shipped")
    a.counts.unchanged += 1
    a.log(Level.INFO, msg("orders.taken_over", order=name, shipped=shipped), name, ms_order_url(create.adopt_ms_id))


def _body(a: Applier, create: OrderCreate) -> dict[str, Any]:
    """What an update of ``create`` would send: RetailCRM's content as it is now."""
    service_id = a.work.delivery.service_id if a.work.delivery.available else None
    return update_body(create.mapped, a.ms.meta, a.ms.state_meta, service_id)
