"""The orders plan: read both services, let :func:`app.sync.orders.decide.decide` choose, settle the
creates (orders already in MoySklad, counterparties, numbers), record the conflicts and sum it up.

It records conflicts and nothing else; :mod:`app.sync.orders.apply` writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from app.clients.parsing import text
from app.clients.retailcrm_models import Order, Status
from app.messages import Message, msg
from app.sync.catalog.source import shared_snapshot
from app.sync.conflict_key import ConflictKey
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Counts, Flow, FlowPlan, Level
from app.sync.orders import (
    attributes,
    cancelled_lines,
    deleted,
    delivery,
    edits,
    existing,
    history,
    ms_shipments,
    payments,
    returns,
    statuses_back,
)
from app.sync.orders import customers as customers_current
from app.sync.orders.counterparties import (
    SMALL_ACCOUNT_ROWS,
    CandidateIndex,
    CounterpartyDecision,
    OrderCustomerInfo,
    ambiguous_conflict,
    ambiguous_key,
    find_candidates,
)
from app.sync.orders.counterparties import decide as decide_counterparty
from app.sync.orders.cursors import OrdersCursors
from app.sync.orders.decide import DecideInputs, decide, status_name
from app.sync.orders.history import HistoryScan, Reading
from app.sync.orders.mapping import OfferTarget
from app.sync.orders.shipments import shipment_for
from app.sync.orders.work import (
    DEFAULT_DELIVERY_NAME,
    PUSHED_TARGET,
    DeliveryPlan,
    OrderCreate,
    OrdersStats,
    PlanConflicts,
    Work,
    label,
    ms_order_url,
)
from app.sync.process_order import DEFAULT_ORDER_NOTE, ProcessOrder, read_groups
from app.vocab import ConflictKind

# Conflicts only this flow raises: every run looks at every order that could have one, so a conflict of
# these kinds not seen in a run is gone (see ConflictRepository.close_missing).
OWN_CONFLICT_KINDS = (
    ConflictKind.UNLINKED_ORDER_LINE, ConflictKind.AMBIGUOUS_COUNTERPARTY, ConflictKind.UNMAPPED_STATUS,
    ConflictKind.ORDER_CHANGED_BOTH_SIDES,  # its order waits, so it is looked at every run
)


class Planner:
    def __init__(self, ctx: RunContext, counterparty_scan_rows: int = SMALL_ACCOUNT_ROWS) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.rc = ctx.retailcrm
        self.ms = ctx.moysklad
        self.scan_rows = counterparty_scan_rows
        self.links = ctx.db.links(ctx.profile_id)
        self.cursors = OrdersCursors(ctx.db.cursors(ctx.profile_id))
        self.conflict_repo = ctx.db.conflicts(ctx.profile_id)
        self.plan: FlowPlan[Work] = FlowPlan(Flow.ORDERS)
        self.work = Work(delivery=DeliveryPlan(self.settings.delivery_service_name or DEFAULT_DELIVERY_NAME))
        self.conflicts = PlanConflicts()
        self.site = self.settings.retailcrm_site
        self.export = set(self.settings.export_statuses)
        self.statuses: dict[str, Status] = {}
        self._process: ProcessOrder | None = None
        self.created_from: date | None = None
        self.rc_url = str(getattr(self.rc, "account_url", "")).rstrip("/")
        # additional fields: the metadata, names and dictionaries, each read once a run when needed; payment
        # type names shared with the payments (app/sync/orders/payments.py)
        self.attribute_reader = attributes.AttributeReader(self.ms, self.rc,
                                                           payment_types=lambda: payments._type_names(self))

    # -- helpers -----------------------------------------------------------------------------------------
    def log(self, level: Level, message: Message | str, order: Order | None = None, *,
            ms_id: str | None = None) -> None:
        url = None
        if ms_id:
            url = ms_order_url(ms_id)
        elif order is not None and self.rc_url:
            url = f"{self.rc_url}/orders/{order.id}/edit"
        self.ctx.log(level, Flow.ORDERS, message, entity_type="order",
                     entity_ref=label(order) if order else None, entity_url=url)

    def status_name(self, code: str | None) -> str:
        return status_name(self.statuses, code)

    def state_name(self, state_id: str | None) -> Message | str:
        return self.settings.state_names.get(state_id or "", "") or msg("orders.state_unknown")

    def rc_statuses(self) -> dict[str, Status]:
        cached = self.ctx.shared.retailcrm_statuses
        if cached is not None:
            return cached
        statuses = {s.code: s for s in self.rc.statuses()}
        self.ctx.shared.retailcrm_statuses = statuses
        return statuses

    def reset_process(self) -> None:
        self._process = None

    def process(self) -> ProcessOrder:
        """The statuses' process order (group, then status in the group), read on first use and cached for
        the run like the statuses. Without the groups (the call failed) the default groups' order stands
        in, and a warning says so."""
        if self._process is None:
            groups = self.ctx.shared.retailcrm_status_groups
            if groups is None:
                groups = read_groups(self.rc.status_groups) or []  # [] (unreadable): the default order, once a run
                self.ctx.shared.retailcrm_status_groups = groups
            if not groups and self.settings.shipment_status:
                self.ctx.log(Level.WARNING, Flow.ORDERS, DEFAULT_ORDER_NOTE)
            self._process = ProcessOrder.build(self.statuses.values(), groups)
        return self._process

    # -- run ---------------------------------------------------------------------------------------------
    def run(self) -> FlowPlan[Work]:
        return self.decide(self.read())

    def read(self) -> Reading | None:
        """RetailCRM's side (:func:`app.sync.orders.history.read`). Reads only, so it may run ahead of the
        earlier flows (:meth:`app.sync.orders.flow.OrdersFlow.prefetch`)."""
        return history.read(self)

    def decide(self, reading: Reading | None) -> FlowPlan[Work]:
        """The plan from what :meth:`read` found (None: nothing to follow)."""
        if reading is None:
            return self._finish()
        orders, scan = reading
        self._decide(orders, scan)
        deleted.plan(self, scan)
        edits.plan(self)  # before statuses back: it may keep MoySklad's state in an update that goes
        returns.plan(self, orders)
        payments.plan(self, orders)
        customers_current.plan(self)
        if self.settings.reverse_status_flow:
            ms_shipments.plan(self, orders)
            statuses_back.plan(self, orders, scan)
        edits.plan_changed(self)
        return self._finish()

    def _offer_targets(self) -> dict[int, OfferTarget]:
        targets: dict[int, OfferTarget] = {}
        for rc_id, link in self.links.all("offer", by="rc").items():
            if link.ms_id and rc_id.isdigit():
                targets[int(rc_id)] = OfferTarget(link.ms_id, link.ms_type or "product")
        snapshot = shared_snapshot(self.ctx.shared)
        if snapshot is not None:
            # The catalog flow ran just before: its links are this run's (a dry run's are the ones it would make,
            # a real run may still be storing them beside the uploads).
            for ms_id, offer_id in snapshot.links.items():
                item = snapshot.ms.items.get(ms_id)
                targets[offer_id] = OfferTarget(ms_id, item.type if item is not None else "product")
        return targets

    def _decide(self, orders: Mapping[int, Order], scan: HistoryScan | None) -> None:
        order_links = self.links.all("order", by="rc")
        inputs = DecideInputs(
            settings=self.settings,
            statuses=self.statuses,
            order_links=order_links,
            pending_orders={link.rc_id for link in self.links.pending("order")},
            demand_links=self.links.all("demand", by="rc"),
            pending_demands={link.rc_id for link in self.links.pending("demand")},
            offers=self._offer_targets(),
            pushed=self.ctx.db.pushed(self.ctx.profile_id).get_many(PUSHED_TARGET),
            line_resolutions=self.conflict_repo.resolutions(ConflictKind.UNLINKED_ORDER_LINE),
            bad_resolutions=self.conflict_repo.resolutions(ConflictKind.BAD_DATA),
            status_resolutions=self.conflict_repo.resolutions(ConflictKind.UNMAPPED_STATUS),
            created_from=self.created_from,
        )
        delivery.prepare(self, orders.values())
        fields = attributes.prepare(self)
        inputs = replace(inputs, with_delivery=self.work.delivery.available,
                         reached=scan.reached_shipment if scan else set(), process=self.process,
                         cancel_lines=cancelled_lines.cancel_statuses(self) if orders else {},
                         attributes=fields.attributes, delivery_payment=fields.delivery_payment,
                         hold_new=fields.hold_new, held=fields.held)
        decided = decide(orders, inputs)
        for entry in decided.logs:
            self.log(entry.level, entry.message, entry.order)
        self._close_fixed_bad_data(orders, decided.conflicts)
        if self.attribute_reader.failed:
            self.log(Level.WARNING, msg("order_fields.names_unread"))
        for level, sentence in attributes.managers_log(self.attribute_reader):
            self.log(Level(level), sentence)
        for name, held in decided.held.items():
            attributes.record_waiting(self.conflict_repo, self.ctx.run_id, name,
                                      [(o.id, label(o)) for o in held])
        self.conflicts.merge(decided.conflicts)
        work = self.work
        work.updates.extend(decided.updates)
        work.shipments.extend(decided.shipments)
        work.waiting.update(decided.waiting)
        work.unchanged += decided.unchanged
        work.skipped += decided.skipped

        creates = existing.adopt_existing(self, decided.creates, order_links)
        if not self.settings.organization_id:
            # nowhere to put new orders yet: they wait (the note says why) and go once it is chosen
            waiting_for_org = [c for c in creates if not c.adopt_ms_id]
            work.waiting.update(c.order.id for c in waiting_for_org)
            creates = [c for c in creates if c.adopt_ms_id]
        creates = self._choose_counterparties(creates)
        self._check_names(creates)
        for create in creates:
            work.creates.append(create)
            if create.module_demand:
                continue  # the module's order is shipped in MoySklad already: that shipment stands
            # an order found already in MoySklad (a crash after its create) still ships like any other
            shipment, line = shipment_for(
                create.order, create.adopt_ms_id, shipment_status=self.settings.shipment_status,
                process=self.process, reached=inputs.reached, demand_links=inputs.demand_links,
                pending_demands=inputs.pending_demands,
            )
            if shipment is not None:
                work.shipments.append(shipment)
            if line is not None:
                self.log(Level.INFO, line, create.order)

    def _close_fixed_bad_data(self, orders: Mapping[int, Order], found: PlanConflicts) -> None:
        """An order this run looked at whose data is usable now: its bad-data conflict is gone (a person fixed the
        order in RetailCRM, or the missing dictionary element was added). Only the orders looked at: an
        incremental run says nothing of the others."""
        if self.ctx.run_id is None or not orders:
            return
        still = {key for kind, key in found.items if kind == ConflictKind.BAD_DATA}
        fixed = [str(ConflictKey.of(ConflictKind.BAD_DATA, "order", order_id)) for order_id in orders]
        self.conflict_repo.close_keys(ConflictKind.BAD_DATA, [k for k in fixed if k not in still])

    # -- creates: counterparties, numbers ------------------------------------------------------------------
    def _choose_counterparties(self, creates: list[OrderCreate]) -> list[OrderCreate]:
        todo = [c for c in creates if not c.adopt_ms_id]
        if not todo:
            return creates
        linked = {rc: link.ms_id for rc, link in self.links.all("counterparty", by="rc").items() if link.ms_id}
        pending = {link.rc_id for link in self.links.pending("counterparty")}
        resolutions = self.conflict_repo.resolutions(ConflictKind.AMBIGUOUS_COUNTERPARTY)
        customers: dict[str, OrderCustomerInfo] = {}
        for create in todo:
            customers.setdefault(create.customer.key, create.customer)
        lookup = [
            c.info for key, c in customers.items()
            if key not in linked and key not in pending and ambiguous_key(key) not in resolutions
        ]
        # a full run checks again whether the account still has more counterparties than one page
        known_big = not self.ctx.full and self.cursors.big_account
        search = find_candidates(self.ms, lookup, small_account_rows=self.scan_rows, known_big=known_big)
        if lookup:
            self.work.big_account = search.big_account
        lookups = search.requests
        index = CandidateIndex(search.candidates)
        decisions: dict[str, CounterpartyDecision] = {}
        for key, customer in customers.items():
            if key in pending and key not in linked:
                decisions[key] = CounterpartyDecision(
                    "create", how=msg("orders.cp_new_retry")
                )
                continue
            decisions[key] = decide_counterparty(customer, linked_ms_id=linked.get(key), index=index,
                                                 resolution=resolutions.get(ambiguous_key(key)))
        kept: list[OrderCreate] = [c for c in creates if c.adopt_ms_id]
        for create in todo:
            decision = decisions[create.customer.key]
            create.counterparty = decision
            key = create.customer.key
            if decision.action == "wait":
                self._ambiguous(create, decision)
                continue
            if decision.action == "skip":
                self.work.skipped += 1
                self.log(Level.INFO, msg("orders.skipped_counterparty", order=label(create.order), how=decision.how),
                         create.order)
                continue
            if decision.action == "create":
                self.work.counterparties_to_create.setdefault(key, create.customer)
            elif decision.link and decision.ms_id and key not in linked:
                self.work.counterparties_to_link.setdefault(key, decision.ms_id)
            kept.append(create)
        if lookups:
            self.log(Level.DEBUG, msg("orders.cp_lookup", customers=len(lookup), requests=lookups))
        return kept

    def _ambiguous(self, create: OrderCreate, decision: CounterpartyDecision) -> None:
        customer = create.customer
        names = ", ".join(f"«{c.name}»" for c in decision.candidates[:5])
        self.conflicts.add(
            ambiguous_conflict(customer.key),
            msg("orders.ambiguous_title", name=customer.name, how=decision.how),
            rc_data={"customer_id": customer.info.rc_customer_id, "name": customer.name, "inn": customer.info.inn,
                     "email": customer.info.email, "phone": customer.info.phone},
            ms_data={"rule": decision.rule, "candidates": [
                {"id": c.id, "name": c.name, "inn": c.inn, "email": c.email, "phone": c.phone, "archived": c.archived}
                for c in decision.candidates]},
            order=label(create.order),
        )
        self.work.waiting.add(create.order.id)
        self.log(Level.WARNING, msg("orders.ambiguous_wait", order=label(create.order), name=customer.name,
                                    names=names), create.order)

    def _check_names(self, creates: list[OrderCreate]) -> None:
        wanted = [c for c in creates if not c.adopt_ms_id and c.order.number]
        if not wanted:
            return
        rows = self.ms.find_by_values("customerorder", "name", [c.order.number for c in wanted])
        taken = {text(r.get("name")) for r in rows}
        for create in wanted:
            if create.order.number in taken:
                self.log(Level.INFO, msg("orders.number_taken", order=label(create.order)), create.order)
            else:
                create.name = create.order.number

    # -- summary -----------------------------------------------------------------------------------------
    def _finish(self) -> FlowPlan[Work]:
        work, plan = self.work, self.plan
        rows = self.conflicts.rows()
        if rows:
            self.conflict_repo.record_many(rows, self.ctx.run_id)
        if self.ctx.run_id is not None:
            self.conflict_repo.close_missing(self.ctx.run_id, OWN_CONFLICT_KINDS)
        for key, customer in work.counterparties_to_create.items():
            plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", "counterparty", key,
                                       msg("orders.change_counterparty", name=customer.name), customer))
        for create in work.creates:
            plan.changes.append(self._create_change(create))
        for update in work.updates:
            plan.changes.append(Change(
                Flow.ORDERS, Action.UPDATE, "moysklad", "customerorder", label(update.order),
                msg("orders.change_update", order=label(update.order),
                        state=self.state_name(update.mapped.state_id), count=len(update.mapped.positions)),
                update,
            ))
        for shipment in work.shipments:
            plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", "demand", label(shipment.order),
                                       msg("orders.change_shipment", order=label(shipment.order)), shipment))
        for back in work.statuses_back:
            plan.changes.append(Change(
                Flow.ORDERS, Action.UPDATE, "retailcrm", "order", back.number,
                msg("orders.change_status_back", order=back.number, old=self.status_name(back.current),
                        new=self.status_name(back.status)), back,
            ))
        for item in work.returns:
            plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", "salesreturn", label(item.order),
                                       msg("orders.change_return", order=label(item.order)),
                                       item))
        for gone in work.deleted:
            if gone.state_id is not None:
                plan.changes.append(Change(Flow.ORDERS, Action.UPDATE, "moysklad", "customerorder", gone.label,
                                           msg("order_lines.change_deleted", order=gone.label,
                                               state=self.state_name(gone.state_id)), gone))
        for found in work.ms_shipments:
            plan.changes.append(Change(Flow.ORDERS, Action.LINK, "moysklad", "demand", found.number,
                                       msg("orders.change_ms_shipment", order=found.number),
                                       found))
        new_orders = sum(1 for c in work.creates if not c.adopt_ms_id)
        adopted_updates = sum(1 for c in work.creates if c.adopt_ms_id and c.adopt_needs_update)
        plan.counts = Counts(
            created=new_orders + len(work.shipments) + len(work.counterparties_to_create) + len(work.returns)
            + (1 if work.delivery.create else 0) + len(work.payments),
            updated=len(work.updates) + adopted_updates + len(work.statuses_back)
            + customers_current.planned(work.customers)
            + sum(1 for d in work.deleted if d.state_id is not None),
            unchanged=work.unchanged + sum(1 for c in work.creates if c.adopt_ms_id and not c.adopt_needs_update),
            skipped=work.skipped + len(work.waiting),
        )
        plan.conflicts = len(rows)
        plan.work = work
        plan.stats = OrdersStats(
            to_create=new_orders,
            to_update=len(work.updates) + adopted_updates,
            shipments=len(work.shipments),
            waiting=len(work.waiting),
            skipped=work.skipped,
            unchanged=work.unchanged,
            counterparties_to_create=len(work.counterparties_to_create),
            statuses_back=len(work.statuses_back),
            returns=len(work.returns),
        )
        if work.waiting:
            plan.notes.append(msg("orders.waiting_note", count=len(work.waiting)))
        return plan

    def _create_change(self, create: OrderCreate) -> Change:
        name = label(create.order)
        if create.adopt_ms_id:
            code = "orders.change_take_over" if create.taken_over else "orders.change_link"
            if create.adopt_needs_update:
                code += "_update"
            return Change(Flow.ORDERS, Action.LINK, "moysklad", "customerorder", name,
                          msg(code, order=name), create)
        how = create.counterparty.how if create.counterparty else ""
        return Change(
            Flow.ORDERS, Action.CREATE, "moysklad", "customerorder", name,
            msg("orders.change_create", order=name, state=self.state_name(create.mapped.state_id),
                count=len(create.mapped.positions), how=how),
            create,
        )
