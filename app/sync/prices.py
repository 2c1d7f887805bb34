"""Prices flow, MoySklad → RetailCRM: per mapped price type, only values that changed, 250 offers a request.

MoySklad keeps prices in kopecks; they become roubles exactly (:mod:`app.money`), so 1999.99 arrives as
1999.99. All price types of an offer travel in one row. A value is sent when it differs from what RetailCRM
has: RetailCRM's own figure when the catalog flow read it this run, else the value last sent
(``db.pushed`` target ``price``, entity ``"<offer id>:<price code>"``), recorded after each accepted batch.

A zero price in MoySklad usually means "not set" (MoySklad lists every price type, unset ones as 0), so it
is never sent: RetailCRM keeps its price, and the plan says how many were skipped. Setting
``send_zero_prices`` (in the settings' extra part) to true sends them anyway.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, field
from decimal import Decimal

from app.clients.errors import RemoteValidationError
from app.clients.retailcrm_models import OfferRef, PriceUpdate
from app.messages import Message, msg
from app.money import rub_amount
from app.store.pushed import PushedRepository
from app.sync.catalog.source import MsCatalog, load_moysklad_catalog, offer_links, shared_snapshot
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Counts, Flow, FlowPlan, Level, PlanStats

UPLOAD_BATCH = 250


@dataclass
class PriceRow:
    offer_id: int
    prices: dict[str, Decimal] = field(default_factory=dict)  # RetailCRM price code -> roubles
    label: Message | str = ""


@dataclass
class PricesStats(PlanStats):
    values_to_send: int = 0
    values_unchanged: int = 0
    offers_to_send: int = 0
    zero_prices_skipped: int = 0


@dataclass
class PricesWork:
    rows: list[PriceRow] = field(default_factory=list)
    confirmed: dict[str, str] = field(default_factory=dict)  # already right in RetailCRM: remember as sent
    stats: PricesStats = field(default_factory=PricesStats)


class PricesFlow:
    flow = Flow.PRICES

    def plan(self, ctx: RunContext) -> FlowPlan[PricesWork]:
        plan: FlowPlan[PricesWork] = FlowPlan(flow=self.flow)
        pairs = ctx.settings.price_pairs
        if not pairs:
            plan.notes.append(msg("prices.no_pairs"))
            return plan
        snapshot = shared_snapshot(ctx.shared)
        ms: MsCatalog
        if snapshot is not None:
            ms = snapshot.ms
        else:
            ms = load_moysklad_catalog(
                ctx.moysklad, lambda done: ctx.progress(self.flow, done, 0, "plan"), with_folders=False
            )
            ctx.check_cancel()
        links = offer_links(ctx.shared, ctx.db, ctx.profile_id)
        pushed = ctx.db.pushed(ctx.profile_id).get_many("price")
        send_zero = ctx.settings.extra.get("send_zero_prices") is True
        work = PricesWork()
        rows: dict[int, PriceRow] = {}
        zero = 0
        zero_examples: list[Message] = []
        texts: dict[Decimal, str] = {}  # of two-place amounts only (equal ones print the same)

        def money_text(amount: Decimal) -> str:
            found = texts.get(amount)
            if found is None:
                found = texts[amount] = str(amount)
            return found

        for ms_id, offer_id in sorted(links.items(), key=lambda kv: kv[1]):
            prices = ms.prices.get(ms_id)
            if prices is None:
                continue  # not in MoySklad any more: the catalog flow deals with the link
            item = ms.items.get(ms_id)
            label = msg("prices.label_item", name=item.name) if item else msg("prices.label_offer", id=offer_id)
            current = snapshot.rc.prices.get(offer_id) if snapshot and offer_id in snapshot.rc.offers else None
            for pair in pairs:
                raw = prices.get(pair.ms_price_type_id)
                if raw is None:
                    continue
                value = rub_amount(raw)
                entity = f"{offer_id}:{pair.rc_price_code}"
                if value == 0 and not send_zero:
                    # Not a line per price: unset price types are 0 in MoySklad, on every run, for many goods.
                    zero += 1
                    if len(zero_examples) < 3:
                        zero_examples.append(
                            msg("prices.zero_example", price_type=pair.ms_price_type_name, label=label))
                    continue
                if current is not None:
                    before = current.get(pair.rc_price_code)
                    before_text = money_text(rub_amount(before)) if before is not None else None
                else:
                    before_text = pushed.get(entity)
                if before_text == money_text(value):
                    plan.counts.unchanged += 1
                    if pushed.get(entity) != before_text:
                        work.confirmed[entity] = before_text
                    continue
                row = rows.setdefault(offer_id, PriceRow(offer_id, label=label))
                row.prices[pair.rc_price_code] = value
                change = (msg("prices.change", before=before_text, value=value) if before_text is not None
                          else msg("prices.change_first", value=value))
                plan.changes.append(
                    Change(
                        flow=self.flow,
                        action=Action.UPDATE,
                        target="retailcrm",
                        entity="price",
                        ref=(item.article or item.code or str(offer_id)) if item else str(offer_id),
                        summary=msg("prices.change_summary", price_type=pair.ms_price_type_name, label=label,
                                    change=change),
                        payload={"offer_id": offer_id, "code": pair.rc_price_code, "price": str(value)},
                    )
                )
                plan.counts.updated += 1
        work.rows = [rows[offer_id] for offer_id in sorted(rows)]
        plan.counts.skipped = zero
        work.stats.update(
            values_to_send=plan.counts.updated,
            values_unchanged=plan.counts.unchanged,
            offers_to_send=len(work.rows),
            zero_prices_skipped=zero,
        )
        plan.notes.insert(
            0,
            msg("prices.note_counts", n=plan.counts.updated, offers=len(work.rows), unchanged=plan.counts.unchanged),
        )
        if zero:
            examples: Message | str = ""
            for example in zero_examples:
                examples = msg("prices.join", head=examples, tail=example) if examples else example
            plan.notes.append(msg("prices.note_zero", n=zero, examples=examples))
        plan.work = work
        plan.stats = work.stats
        ctx.progress(self.flow, 1, 1, "plan")
        return plan

    def apply(self, ctx: RunContext, plan: FlowPlan[PricesWork]) -> Counts:
        counts = Counts(unchanged=plan.counts.unchanged, skipped=plan.counts.skipped)
        work = plan.work
        if work is None:
            return counts
        if work.confirmed:
            # ~150,000 on a first run: seconds of SQLite no later flow needs, so beside the uploads, not before
            confirmed = work.confirmed
            pushed = ctx.db.pushed(ctx.profile_id)
            ctx.defer_bookkeeping(self.flow, lambda: _remember(pushed, confirmed), into=counts)
        summaries: dict[int, list[Message | str]] = {}
        for change in plan.changes:
            summaries.setdefault(change.payload["offer_id"], []).append(change.summary)
        uploads = _Uploads(ctx, summaries, len(work.rows))
        for start in range(0, len(work.rows), UPLOAD_BATCH):
            batch = work.rows[start : start + UPLOAD_BATCH]
            ctx.defer(self.flow, functools.partial(uploads.send, batch), into=counts)
        return counts


def _remember(pushed: PushedRepository, confirmed: dict[str, str]) -> Counts:
    """Prices RetailCRM already had, recorded as sent (the next run then compares without reading them)."""
    pushed.put_many("price", confirmed)
    return Counts()


class _Uploads:
    """The price flow's upload batches, run inline or deferred (several at once)."""

    def __init__(self, ctx: RunContext, summaries: dict[int, list[Message | str]], total: int) -> None:
        self.ctx = ctx
        self.summaries = summaries
        self.pushed = ctx.db.pushed(ctx.profile_id)
        self.total = total
        self.sent = 0
        self._lock = threading.Lock()

    def send(self, batch: list[PriceRow]) -> Counts:
        """One batch of up to 250 offers; its prices are recorded as sent as soon as RetailCRM accepts it."""
        ctx = self.ctx
        ctx.check_cancel()
        counts = Counts()
        updates = [PriceUpdate(OfferRef(id=row.offer_id), dict(row.prices)) for row in batch]
        try:
            result = ctx.retailcrm.upload_prices(updates)
        except RemoteValidationError as exc:
            counts.failed += sum(len(row.prices) for row in batch)
            ctx.log(Level.ERROR, Flow.PRICES, msg("prices.refused", n=len(batch), error=exc.sentence))
            return counts
        missing = {ref.id for ref in result.not_found if ref.id is not None}
        sent: dict[str, str] = {}
        for row in batch:
            if row.offer_id in missing:
                counts.failed += len(row.prices)
                ctx.log(Level.WARNING, Flow.PRICES, msg("prices.offer_missing", label=row.label),
                        entity_type="offer", entity_ref=str(row.offer_id))
                continue
            for code, value in row.prices.items():
                sent[f"{row.offer_id}:{code}"] = str(value)
            for summary in self.summaries.get(row.offer_id, ()):
                counts.updated += 1
                ctx.log(Level.INFO, Flow.PRICES, msg("prices.sent", summary=summary), entity_type="offer",
                        entity_ref=str(row.offer_id))
        self.pushed.put_many("price", sent)
        with self._lock:
            self.sent += len(batch)
            done = self.sent
        ctx.progress(Flow.PRICES, done, self.total, "apply")
        return counts
