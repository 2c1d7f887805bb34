"""What to do with each order, decided without I/O: a pure function of the orders, the links, the
settings and the person's decisions on earlier conflicts.

Per order, in this order: the status filter (not linked and not in an export status: skipped), the first
sync's window, bad data, the status mapping, the positions (an order line whose offer is not linked), the
fingerprint of what Svyazka owns (a linked order is updated only when it changed) and the shipment.
The result lists the work, the conflicts and the journal lines; the planner writes them out.
Conflicts: unmapped status, an order line whose offer is not linked, unusable data — the order waits, a
conflict says why, and the run goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.clients.parsing import text
from app.clients.retailcrm_models import Order, Status
from app.messages import Message, msg
from app.store import Link, SyncSettings
from app.sync.conflict_key import ConflictKey
from app.sync.model import Level
from app.sync.orders import cancelled_lines
from app.sync.orders.attributes import Outcome
from app.sync.orders.counterparties import customer_of
from app.sync.orders.fingerprints import fingerprint
from app.sync.orders.mapping import (
    LineProblem,
    OfferTarget,
    bad_data_reasons,
    map_order,
    map_positions,
)
from app.sync.orders.shipments import shipment_for
from app.sync.orders.words import joined
from app.sync.orders.work import OrderCreate, OrderUpdate, PlanConflicts, Shipment, label
from app.sync.process_order import ProcessOrder
from app.vocab import ConflictKind, ResolutionAction

INACTIVE_GROUPS = frozenset({"complete", "cancel"})  # orders here hold no reserve
Resolutions = Mapping[str, Mapping[str, Any]]  # conflict key -> the person's decision


@dataclass(frozen=True)
class LogLine:
    """A journal line the planner writes for ``order``."""

    level: Level
    message: Message | str
    order: Order | None = None


@dataclass(frozen=True)
class DecideInputs:
    """Everything :func:`decide` looks at besides the orders, read beforehand by the planner."""

    settings: SyncSettings
    statuses: Mapping[str, Status] = field(default_factory=dict)
    order_links: Mapping[str, Link] = field(default_factory=dict)  # RetailCRM id -> link
    pending_orders: Collection[str] = ()  # RetailCRM ids whose create was reserved, never confirmed
    demand_links: Mapping[str, Link] = field(default_factory=dict)
    pending_demands: Collection[str] = ()
    offers: Mapping[int, OfferTarget] = field(default_factory=dict)  # linked offers
    pushed: Mapping[str, str] = field(default_factory=dict)  # RetailCRM id -> fingerprint last sent
    line_resolutions: Resolutions = field(default_factory=dict)  # unlinked_order_line
    bad_resolutions: Resolutions = field(default_factory=dict)  # bad_data
    status_resolutions: Resolutions = field(default_factory=dict)  # unmapped_status
    created_from: date | None = None  # orders created before it are never exported
    with_delivery: bool = True  # the delivery cost goes as a service position
    reached: Collection[int] = ()  # passed the shipment status since the last run (history)
    # line statuses that cancel a line, code -> name (app/sync/orders/cancelled_lines.py): such lines stay out
    cancel_lines: Mapping[str, str] = field(default_factory=dict)
    # the statuses' process order; asked for only when a shipment is decided (it may cost a request)
    process: Callable[[], ProcessOrder] | None = None
    # additional fields (app/sync/orders/attributes.py): an order's values, and the delivery/payment line of
    # its description; None: none filled / no line
    attributes: Callable[[Order], Outcome] | None = None
    delivery_payment: Callable[[Order], str] | None = None
    # a required additional field no mapping fills (an open ``required_attribute`` conflict, still true):
    # every new order waits for it (its name), and so do the orders it lists (id -> name)
    hold_new: str | None = None
    held: Mapping[int, str] = field(default_factory=dict)


@dataclass
class Decided:
    """What :func:`decide` found: the work (creates still need their counterparty), conflicts and log lines."""

    creates: list[OrderCreate] = field(default_factory=list)
    updates: list[OrderUpdate] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    waiting: set[int] = field(default_factory=set)
    held: dict[str, list[Order]] = field(default_factory=dict)  # required field name -> orders waiting for it
    unchanged: int = 0
    skipped: int = 0
    conflicts: PlanConflicts = field(default_factory=PlanConflicts)
    logs: list[LogLine] = field(default_factory=list)

    def log(self, level: Level, message: Message | str, order: Order | None = None) -> None:
        self.logs.append(LogLine(level, message, order))


def status_name(statuses: Mapping[str, Status], code: str | None) -> str:
    status = statuses.get(code or "")
    return status.name if status else (code or "без статуса")


def offers_with_resolutions(offers: Mapping[int, OfferTarget], line_resolutions: Resolutions
                            ) -> tuple[dict[int, OfferTarget], frozenset[int]]:
    """The offers an order line may use (a linked offer, or one a person linked on a conflict) and the
    offers a person chose to leave out of orders."""
    targets = dict(offers)
    skip: set[int] = set()
    for key, res in line_resolutions.items():
        parsed = ConflictKey.parse(key)
        offer_part = parsed.part(-1) or ""
        if res.get("action") == ResolutionAction.IGNORE and parsed.kind == ConflictKind.UNLINKED_ORDER_LINE \
                and parsed.part(0) == "offer" \
                and len(parsed.parts) >= 2 and offer_part.isdigit():
            skip.add(int(offer_part))
        ms_id = text(res.get("ms_id"))
        # the last part of any line key, as it always was read (an order line's key ends in its index)
        if res.get("action") == "link" and ms_id and offer_part.isdigit():
            targets.setdefault(int(offer_part), OfferTarget(ms_id, text(res.get("ms_type")) or "product"))
    return targets, frozenset(skip)


def store_for(settings: SyncSettings, order: Order) -> str | None:
    pairs = settings.store_pairs
    for pair in pairs:
        if order.shipment_store and pair.rc_store_code == order.shipment_store:
            return pair.ms_store_id
    return pairs[0].ms_store_id if pairs else None


def decide(orders: Mapping[int, Order], inputs: DecideInputs) -> Decided:
    """The work for ``orders`` (by RetailCRM id), looked at in id order. Pure: reads nothing, writes nothing."""
    settings = inputs.settings
    export = set(settings.export_statuses)
    out = Decided()
    offers, skip_offers = offers_with_resolutions(inputs.offers, inputs.line_resolutions)
    with_delivery = inputs.with_delivery

    def ship(order: Order, ms_order_id: str | None) -> None:
        shipment, line = shipment_for(order, ms_order_id, shipment_status=settings.shipment_status,
                                      process=inputs.process, reached=inputs.reached,
                                      demand_links=inputs.demand_links, pending_demands=inputs.pending_demands)
        if shipment is not None:
            out.shipments.append(shipment)
        if line is not None:
            out.log(Level.INFO, line, order)

    for order in sorted(orders.values(), key=lambda o: o.id):
        rc_key = str(order.id)
        link = inputs.order_links.get(rc_key)
        pending = rc_key in inputs.pending_orders
        linked = link is not None and link.ms_id is not None
        if not linked and not pending and order.status not in export:
            out.skipped += 1
            name = status_name(inputs.statuses, order.status)
            out.log(Level.DEBUG, msg("orders.skipped_status", order=label(order), status=name), order)
            continue
        if not linked and not pending and _before_start(inputs.created_from, order):
            assert inputs.created_from is not None
            out.skipped += 1
            out.log(Level.DEBUG, msg("orders.skipped_before_start", order=label(order),
                                     date=f"{inputs.created_from:%d.%m.%Y}"), order)
            continue
        reasons = bad_data_reasons(order, creating=not linked)
        if reasons:
            _bad_data(out, order, reasons, inputs.bad_resolutions)
            continue
        state_id = settings.status_map.get(order.status or "") or None
        state_waits = False  # a linked order whose state goes once its status is mapped
        if state_id is None:
            status_key = str(ConflictKey.of(ConflictKind.UNMAPPED_STATUS, order.status))
            ignored = inputs.status_resolutions.get(status_key, {}).get("action") == "ignore"
            if not linked and ignored:
                out.skipped += 1
                name = status_name(inputs.statuses, order.status)
                out.log(Level.INFO, msg("orders.skipped_unmapped_status", order=label(order), status=name), order)
                continue
            if not ignored:
                _unmapped_status(out, inputs.statuses, order, linked)
                state_waits = linked
            if not linked:
                continue
        status = inputs.statuses.get(order.status) if order.status is not None else None
        group = status.group if status is not None else None
        active = group not in INACTIVE_GROUPS
        delivery_cost = order.delivery.cost if with_delivery else None
        positions, problems = map_positions(
            order, offers, reserve=active, skip_offers=skip_offers, delivery_cost=delivery_cost,
            skip_statuses=inputs.cancel_lines,
        )
        if problems:
            _unlinked_lines(out, order, problems, linked)
            continue
        filled = inputs.attributes(order) if inputs.attributes is not None else Outcome()
        if filled.problems:
            _bad_data(out, order, filled.problems, inputs.bad_resolutions)
            continue
        line = inputs.delivery_payment(order) if inputs.delivery_payment is not None else ""
        mapped = map_order(order, positions, state_id=state_id, store_id=store_for(settings, order),
                           delivery_payment=line, attributes=filled.values, attribute_notes=filled.notes)
        fp = fingerprint(mapped, with_delivery=with_delivery)
        hold = inputs.held.get(order.id) or (None if linked else inputs.hold_new)
        if hold is not None:
            # MoySklad refuses it until the field is filled or optional: no request, the conflict lists it
            out.held.setdefault(hold, []).append(order)
            out.waiting.add(order.id)
            out.log(Level.INFO, msg("order_fields.required_wait", order=label(order), field=hold), order)
            if linked:
                ship(order, link.ms_id if link else None)
            continue
        if linked:
            assert link is not None and link.ms_id is not None
            if inputs.pushed.get(rc_key) != fp:
                out.updates.append(OrderUpdate(order, link.ms_id, mapped, fp))
                _cancelled_notes(out, order, inputs, positions)
            else:
                out.unchanged += 1
            if state_waits:
                out.waiting.add(order.id)
            ship(order, link.ms_id)
            continue
        out.creates.append(OrderCreate(order, mapped, customer_of(order), fingerprint=fp, pending=pending))
        _cancelled_notes(out, order, inputs, positions)
    return out


def _cancelled_notes(out: Decided, order: Order, inputs: DecideInputs, positions: Sequence[Any]) -> None:
    """Say which cancelled lines stay out, when the order is written (not on every run it is unchanged)."""
    for note in cancelled_lines.notes(order, inputs.cancel_lines, positions):
        out.log(Level.INFO, note, order)


def _before_start(created_from: date | None, order: Order) -> bool:
    return created_from is not None and order.created_at is not None and order.created_at.date() < created_from


def _bad_data(out: Decided, order: Order, reasons: list[Message], resolutions: Resolutions) -> None:
    key = ConflictKey.of(ConflictKind.BAD_DATA, "order", order.id)
    if resolutions.get(str(key), {}).get("action") == "ignore":
        out.skipped += 1
        out.log(Level.INFO, msg("orders.skipped_bad_data", order=label(order), reasons=joined(reasons, "semicolon")),
                order)
        return
    text_reasons = joined(reasons, "semicolon")
    # rc_data is shown as it is (app/ui/conflict_dialog.py): the reasons in Russian, as before
    out.conflicts.add(key, msg("orders.bad_data_title", order=label(order), reasons=text_reasons),
                      rc_data={"order_id": order.id, "number": order.number, "reasons": [str(r) for r in reasons]})
    out.waiting.add(order.id)
    out.log(Level.WARNING, msg("orders.bad_data", order=label(order), reasons=text_reasons), order)


def _unmapped_status(out: Decided, statuses: Mapping[str, Status], order: Order, linked: bool) -> None:
    name = status_name(statuses, order.status)
    out.conflicts.add(
        ConflictKey.of(ConflictKind.UNMAPPED_STATUS, order.status),
        msg("orders.unmapped_status_title", status=name),
        rc_data={"status": order.status, "name": name}, order=label(order),
    )
    out.waiting.add(order.id)
    if linked:
        out.log(Level.WARNING, msg("orders.unmapped_status_linked", order=label(order), status=name), order)
    else:
        out.log(Level.WARNING, msg("orders.unmapped_status_new", order=label(order), status=name), order)


def _unlinked_lines(out: Decided, order: Order, problems: Sequence[LineProblem], linked: bool) -> None:
    lines: list[Message | str] = []
    for problem in problems:
        if problem.offer_id is not None:
            key = ConflictKey.of(ConflictKind.UNLINKED_ORDER_LINE, "offer", problem.offer_id)
            title = msg("orders.unlinked_offer_title", name=problem.name, offer=problem.offer_id)
        else:
            key = ConflictKey.of(ConflictKind.UNLINKED_ORDER_LINE, "order", order.id, "line", problem.index)
            title = msg("orders.unlinked_line_title", index=problem.index, order=label(order), name=problem.name)
        out.conflicts.add(
            key, title,
            rc_data={"offer_id": problem.offer_id, "name": problem.name}, order=label(order),
        )
        lines.append(msg("orders.unlinked_line", index=problem.index, name=problem.name))
    out.waiting.add(order.id)
    code = "orders.unlinked_lines_linked" if linked else "orders.unlinked_lines_new"
    out.log(Level.WARNING, msg(code, order=label(order), lines=joined(lines, "semicolon")), order)
