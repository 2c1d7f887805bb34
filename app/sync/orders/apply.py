"""The orders apply: write what the plan decided, in batches, recording every success at once, so Stop or
a crash leaves nothing to duplicate.

A create reserves its link first (``links.reserve`` → a fresh ``syncId``) and sends that ``syncId``;
MoySklad returns the existing order when the same ``syncId`` comes again. A linked order gets one update per
run at most; positions replace the whole set. The delivery service, shipments and statuses back have their
own modules; this one runs them in order and saves the cursors last.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

from app.clients.errors import ItemError, NotFound, RemoteValidationError
from app.clients.parsing import text
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.store import Link, LinkConflictError
from app.sync.engine import RunContext
from app.sync.model import Counts, Flow, Level
from app.sync.orders import attributes as order_fields
from app.sync.orders import (
    customers,
    deleted,
    delivery,
    edits,
    existing,
    ms_shipments,
    payments,
    returns,
    shipments,
    statuses_back,
)
from app.sync.orders.counterparties import counterparty_body
from app.sync.orders.cursors import OrdersCursors
from app.sync.orders.mapping import (
    DELIVERY,
    MappedOrder,
    create_body,
    required_attributes,
    sum_mismatch,
    update_body,
)
from app.sync.orders.words import tail_notes
from app.sync.orders.work import (
    MS_APP,
    PUSHED_STATE,
    PUSHED_TARGET,
    OrderCreate,
    OrderUpdate,
    Work,
    chunks,
    label,
    ms_order_url,
)
from app.sync.stock import report as stock_report


def not_found(error: ItemError) -> bool:
    return any(e.code == 1021 for e in error.errors)


class Applier:
    def __init__(self, ctx: RunContext, work: Work, batch: int) -> None:
        self.ctx = ctx
        self.work = work
        self.batch = batch
        self.ms = ctx.moysklad
        self.rc = ctx.retailcrm
        self.links = ctx.db.links(ctx.profile_id)
        self.cursors = OrdersCursors(ctx.db.cursors(ctx.profile_id))
        self.pushed = ctx.db.pushed(ctx.profile_id)
        self.counts = Counts(unchanged=work.unchanged, skipped=work.skipped + len(work.waiting))
        self.failed_orders: set[int] = set()
        self.agents: dict[str, str] = {}
        self.created_ms: dict[int, str] = {}  # rc order id -> ms order id created in this run
        # rc order id -> the body that created its customer order in this run: a shipment of it is built from
        # this instead of asking MoySklad for a template (one request per order)
        self.created_bodies: dict[int, dict[str, Any]] = {}
        self.delivery_lost = False  # the delivery service could not be created in this run
        self.delivery_checked = False  # looked whether a cached delivery service still exists
        self.total = (len(work.creates) + len(work.updates) + len(work.shipments) + len(work.statuses_back)
                      + len(work.counterparties_to_create) + len(work.returns) + len(work.ms_shipments)
                      + len(work.deleted))
        self.done = 0

    def log(self, level: Level, message: Message | str, ref: str | None, url: str | None,
            entity: str = "order") -> None:
        self.ctx.log(level, Flow.ORDERS, message, entity_type=entity, entity_ref=ref, entity_url=url)

    def progress(self, step: int) -> None:
        self.done += step
        self.ctx.progress(Flow.ORDERS, self.done, self.total, "apply")

    def run(self) -> Counts:
        delivery.apply_service(self)
        self._counterparties()
        self._creates()
        self._updates()
        ms_shipments.apply(self)  # before shipments: an order shipped in MoySklad gets no second one
        shipments.apply_shipments(self)
        returns.apply(self)
        payments.apply_payments(self)
        deleted.apply(self)
        statuses_back.apply(self)
        customers.apply(self)
        edits.apply(self)
        self._save_cursors()
        return self.counts

    def sent_fingerprint(self, mapped: MappedOrder, planned: str) -> str:
        return delivery.sent_fingerprint(self, mapped, planned)

    def create_many(self, entity: str, bodies: list[dict[str, Any]], expand: str | None = None
                    ) -> list[dict[str, Any] | ItemError]:
        """A batch create; a batch the service refused as a whole counts as every item failing."""
        try:
            return list(self.ms.create_many(entity, bodies, batch_size=len(bodies), expand=expand))
        except RemoteValidationError as exc:
            return [ItemError(index=i, errors=exc.errors) for i in range(len(bodies))]

    # -- counterparties ----------------------------------------------------------------------------------
    def _counterparties(self) -> None:
        for key, found_id in self.work.counterparties_to_link.items():
            # a counterparty already standing for another customer is used without a link of its own
            with contextlib.suppress(LinkConflictError):
                self.links.complete("counterparty", key, found_id, ms_type="counterparty")
            self.agents[key] = found_id
        todo = list(self.work.counterparties_to_create.items())
        for chunk in chunks(todo, self.batch):
            self.ctx.check_cancel()
            bodies = []
            for key, customer in chunk:
                link = self.links.reserve("counterparty", key, ms_type="counterparty", rc_ext=customer.name[:255])
                if link.ms_id:
                    self.agents[key] = link.ms_id
                    continue
                assert link.sync_id is not None
                bodies.append((key, customer, counterparty_body(customer, link.sync_id)))
            if not bodies:
                continue
            results = self.create_many("counterparty", [b for _, _, b in bodies])
            created: dict[str, str] = {}  # what was written, so later changes know which fields are Svyazka's
            for (key, customer, sent), result in zip(bodies, results, strict=True):
                if isinstance(result, ItemError):
                    self.counts.failed += 1
                    self.log(Level.ERROR, msg("orders.cp_create_failed", name=customer.name, error=result.message),
                             customer.name, None, "counterparty")
                    continue
                ms_id = text(result.get("id"))
                if not ms_id:
                    continue
                self.links.complete("counterparty", key, ms_id, ms_type="counterparty")
                created[key] = customers.created_record(sent)
                self.agents[key] = ms_id
                self.counts.created += 1
                self.log(Level.INFO, msg("orders.cp_created", name=customer.name), customer.name,
                         f"{MS_APP}#company/edit?id={ms_id}", "counterparty")
            if created:
                self.pushed.put_many(customers.PUSHED_FIELDS, created)
            self.progress(len(chunk))

    # -- orders: create ----------------------------------------------------------------------------------
    def _agent_for(self, create: OrderCreate) -> str | None:
        decision = create.counterparty
        key = create.customer.key
        if key in self.agents:
            return self.agents[key]
        if decision is not None and decision.action == "use" and decision.ms_id:
            return decision.ms_id
        return None

    def _creates(self) -> None:
        settings = self.ctx.settings
        work = self.work
        adopt = [c for c in work.creates if c.adopt_ms_id]
        for create in adopt:
            existing.adopt(self, create)
        fresh = [c for c in work.creates if not c.adopt_ms_id]
        if fresh and not settings.organization_id:
            for create in fresh:
                self.work.waiting.add(create.order.id)
            return
        service_id = work.delivery.service_id if work.delivery.available else None
        for chunk in chunks(fresh, self.batch):
            self.ctx.check_cancel()
            ready: list[tuple[OrderCreate, Link, dict[str, Any]]] = []
            for create in chunk:
                agent = self._agent_for(create)
                order = create.order
                if agent is None:
                    self.failed_orders.add(order.id)
                    self.counts.failed += 1
                    self.log(Level.ERROR, msg("orders.no_counterparty", order=label(order)), label(order), None)
                    continue
                link = self.links.reserve("order", order.id, rc_ext=order.number, ms_type="customerorder")
                if link.ms_id:  # done meanwhile (another run finished it): nothing to create
                    continue
                assert link.sync_id is not None and settings.organization_id is not None
                body = create_body(create.mapped, self.ms.meta, self.ms.state_meta, service_id,
                                   organization_id=settings.organization_id, agent_id=agent,
                                   sync_id=link.sync_id, name=create.name)
                ready.append((create, link, body))
            if not ready:
                continue
            results = self.create_many("customerorder", [body for _, _, body in ready], expand=edits.WRITE_EXPAND)
            fingerprints: dict[str, str] = {}
            states: dict[str, str] = {}
            for (create, _link, sent), result in zip(ready, results, strict=True):
                order = create.order
                if isinstance(result, ItemError):
                    self.failed_orders.add(order.id)
                    self.counts.failed += 1
                    if any(e.field == "agent" for e in result.errors):
                        # the linked counterparty is gone (deleted in MoySklad): look the customer up afresh
                        self.links.remove("counterparty", rc_id=create.customer.key)
                    if not_found(result):
                        delivery.check_service(self, create.mapped)
                    attributes = required_attributes(result.errors)
                    if attributes:
                        self.required_refused(order, attributes, created=True)
                        continue
                    self.log(Level.ERROR, msg("orders.create_failed", order=label(order), error=result.message),
                             label(order), None)
                    continue
                ms_id = text(result.get("id"))
                if not ms_id:
                    continue
                self.links.complete("order", order.id, ms_id, ms_type="customerorder", rc_ext=order.number)
                edits.remember(self, order.id, sent, result)
                fingerprints[str(order.id)] = self.sent_fingerprint(create.mapped, create.fingerprint)
                states[str(order.id)] = create.mapped.state_id or ""
                self.created_ms[order.id] = ms_id
                self.created_bodies[order.id] = sent
                self._touched(create.mapped, shipped=False)
                self.counts.created += 1
                ms_name = text(result.get("name")) or ""
                how = create.counterparty.how if create.counterparty else ""
                self.log(Level.INFO, msg("orders.created", order=label(order), name=ms_name, how=how,
                                         notes=tail_notes(create.mapped.notes)), label(order), ms_order_url(ms_id))
                mismatch = sum_mismatch(sent, result)
                if mismatch is not None:
                    self.log(Level.WARNING, msg("orders.sum_mismatch", order=label(order), name=ms_name,
                                                got=mismatch[1], sent=mismatch[0]),
                             label(order), ms_order_url(ms_id))
            if fingerprints:
                self.pushed.put_many(PUSHED_TARGET, fingerprints)
                self.pushed.put_many(PUSHED_STATE, states)
            self.progress(len(chunk))

    # -- orders: update ----------------------------------------------------------------------------------
    def _updates(self) -> None:
        updates = self.work.updates
        if not updates:
            return
        service_id = self.work.delivery.service_id if self.work.delivery.available else None
        if len(updates) == 1:
            # one order: a plain PUT (a batch of one would cost the same request)
            update = updates[0]
            body = edits.body_for(update, update_body(update.mapped, self.ms.meta, self.ms.state_meta, service_id))
            try:
                answer = self.ms.update("customerorder", update.ms_id, body, expand=edits.WRITE_EXPAND)
            except (RemoteValidationError, NotFound) as exc:
                errors = exc.errors if isinstance(exc, RemoteValidationError) else ()
                self._update_failed(update, exc.message, missing=isinstance(exc, NotFound),
                                    attributes=required_attributes(errors))
            else:
                self._updated(update, body, answer)
            self.progress(1)
            return
        for chunk in chunks(updates, self.batch):
            self.ctx.check_cancel()
            bodies = [
                {"meta": self.ms.meta("customerorder", u.ms_id)["meta"],
                 **edits.body_for(u, update_body(u.mapped, self.ms.meta, self.ms.state_meta, service_id))}
                for u in chunk
            ]
            results = self.create_many("customerorder", bodies, expand=edits.WRITE_EXPAND)
            for update, body, result in zip(chunk, bodies, results, strict=True):
                if isinstance(result, ItemError):
                    self._update_failed(update, result.message, missing=not_found(result),
                                        attributes=required_attributes(result.errors))
                else:
                    self._updated(update, body, result)
            self.progress(len(chunk))

    def remember(self, order_id: int, mapped: MappedOrder, fp: str) -> None:
        self.pushed.put_many(PUSHED_TARGET, {str(order_id): self.sent_fingerprint(mapped, fp)})
        if mapped.state_id:  # an update without a state (unmapped status) left MoySklad's state as it was
            self.pushed.put_many(PUSHED_STATE, {str(order_id): mapped.state_id})

    def _touched(self, mapped: MappedOrder, *, shipped: bool) -> None:
        """Tell the stock flow which items this write moved (reserves here, shipments in their module): it
        carries their new figures to RetailCRM before the run ends
        (:meth:`app.sync.stock.flow.StockFlow.follow_up`)."""
        ids = (p.assortment_id for p in mapped.positions if p.assortment_id != DELIVERY)
        stock_report.note_touched(self.ctx.shared, ids, shipped=shipped)

    def _updated(self, update: OrderUpdate, body: dict[str, Any], answer: dict[str, Any] | None) -> None:
        self._touched(update.mapped, shipped=False)
        self.remember(update.order.id, update.mapped, update.fingerprint)
        edits.updated(self, update, body, answer)
        self.counts.updated += 1
        if update.edit is not None:
            return  # MoySklad's content stayed: edits.updated said what went
        state = self.ctx.settings.state_names.get(update.mapped.state_id or "", "")
        what = msg("orders.updated_state", state=state) if state else ""
        self.log(Level.INFO, msg("orders.updated", order=label(update.order), state=what,
                                 count=len(update.mapped.positions)), label(update.order), ms_order_url(update.ms_id))

    def _update_failed(self, update: OrderUpdate, message: str, *, missing: bool = False,
                       attributes: Sequence[str] = ()) -> None:
        name = label(update.order)
        if missing and self.ms.get("customerorder", update.ms_id) is None:
            # a person deleted it in MoySklad: Svyazka never brings it back by itself, and stops retrying
            # until the order changes in RetailCRM again
            self.remember(update.order.id, update.mapped, update.fingerprint)
            self.counts.skipped += 1
            self.log(Level.WARNING, msg("orders.update_target_deleted", order=name), name, ms_order_url(update.ms_id))
            return
        if missing:
            delivery.check_service(self, update.mapped)
        self.failed_orders.add(update.order.id)
        self.counts.failed += 1
        if attributes:
            self.required_refused(update.order, attributes, created=False)
            return
        self.log(Level.ERROR, msg("orders.update_failed", order=name, error=message.rstrip(".")), name,
                 ms_order_url(update.ms_id))

    def required_refused(self, order: Order, names: Sequence[str], *, created: bool) -> None:
        """A refusal for required additional fields: a conflict per field lists the order, which waits (the
        plan sends it again only once the field is mapped or optional), instead of failing every run."""
        fields = ", ".join(f"«{n}»" for n in names)
        what = msg("order_fields.what_created" if created else "order_fields.what_updated")
        self.log(Level.ERROR, msg("order_fields.refused", order=label(order), what=what, fields=fields),
                 label(order), None)
        repo = self.ctx.db.conflicts(self.ctx.profile_id)
        for name in names:
            order_fields.record_waiting(repo, self.ctx.run_id, name, [(order.id, label(order))])

    # -- cursors -----------------------------------------------------------------------------------------
    def _save_cursors(self) -> None:
        work, cursors = self.work, self.cursors
        cursors.waiting = (work.waiting | self.failed_orders) - work.deleted_ids  # a deleted order is never back
        if work.first_sync_from is not None:
            cursors.first_sync_from = work.first_sync_from
        if work.history_cursor is not None:
            cursors.history_since_id = work.history_cursor
        if work.reverse_cursor is not None:
            cursors.reverse_since = work.reverse_cursor
        if work.big_account is not None:
            cursors.big_account = work.big_account
        customers.save_cursor(self)
