"""Stock flow, MoySklad → RetailCRM: per mapped warehouse, only what changed, in batches of 250 offers.

**Which figures.** ``settings.stock_type``: ``stock`` (on hand) or ``freeStock`` (on hand minus reserves),
from MoySklad's short report ``report/stock/bystore/current``. Several MoySklad warehouses paired with the
same RetailCRM store add up. Negative stock (MoySklad allows selling into minus) goes to RetailCRM as 0,
with a warning.

**What RetailCRM stores take.** Every figure sent is a non-negative integer (:func:`stock_for_store`). A
store's ``inventoryType`` (``/reference/stores``, read once per run when there is anything to send) says how
it counts: ``integer`` stores get whole units, a fraction rounded down (MoySklad counts kilograms and metres;
RetailCRM's integer store cannot hold 2.5, and rounding up would promise what is not on the shelf);
``available`` stores only say whether the offer is in stock, so they get 1 when the figure is above 0, else 0,
as RetailCRM's own modules send them (Bitrix ``switchCount``, retailcrm-api.md §5.4; both types in the
recorded ``References/testStores.json``).

**Full pass or changes only.** A full pass reads the whole report in one request (``include=zeroLines``);
a linked offer without a row at a paired warehouse has 0 there. It runs on the first run, when the user
asks for a full run, when the last full pass is more than 24 hours old (the daily heal: anything an
incremental pass could have missed is put right), and when the last poll is too old for ``changedSince``
(MoySklad answers at most 24 hours back). Otherwise the report is asked with
``changedSince = last poll − 5 minutes`` (the overlap covers clock skew and writes that were in flight):
one request for any number of changes. Offers linked since the last run, and items whose RetailCRM store
is fed by several warehouses, cost at most a few more requests (their current figures by id).

**Only what changed.** Each figure is compared with the value last sent (``db.pushed`` target ``stock``,
entity ``"<offer id>:<store code>"``); values are recorded right after each accepted batch, so Stop or a
crash never resends or loses anything. The purchase price (MoySklad ``buyPrice``) rides along in the same
rows when this run read the catalog and it differs from what RetailCRM has (target ``purchase_price``);
a stock-only run never reads the catalog for it.

**Time.** Cursors (``last_poll``, ``last_full``) are naive Moscow wall time as ISO text
(``2026-11-23T14:05:00``), because that is what ``changedSince`` means to MoySklad. "Now" is this
computer's clock converted to UTC+3 (MoySklad's time zone, no daylight saving), taken *before* the report
is requested, so a change made while the report was being built is seen again next time, never lost.
"""

from __future__ import annotations

import functools
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal

from app.clients.errors import RemoteValidationError
from app.clients.moysklad_models import StockRow
from app.clients.retailcrm_models import InventoryUpdate, OfferRef, StoreLevel
from app.money import rub_amount
from app.store.settings import StorePair
from app.sync import stock_report
from app.sync.background import FlowOutcome
from app.sync.catalog_source import CatalogSnapshot, offer_links, rc_product_url, shared_snapshot
from app.sync.engine import RunContext
from app.sync.flows.catalog import plural
from app.sync.model import Action, Change, Counts, Flow, FlowPlan, Level
from app.sync.waiting import result_of

MSK = timezone(timedelta(hours=3))
OVERLAP = timedelta(minutes=5)
CHANGED_SINCE_LIMIT = timedelta(hours=24) - timedelta(minutes=1)  # a minute spare for the request's trip
HEAL_EVERY = timedelta(hours=24)
UPLOAD_BATCH = 250
FRESH_LIMIT = 140  # never-sent items read by id fit one request (~145 ids a URL); more: one full report
CURSOR_FLOW = "stock"
FRESH_WHY = "много товаров, остатки которых ещё не передавались"
_ZERO = Decimal(0)
_ONE = Decimal(1)
AVAILABLE = "available"  # a RetailCRM store that counts only "in stock or not" (inventoryType)


def stock_for_store(value: Decimal, inventory_type: str | None) -> Decimal:
    """The figure a RetailCRM store gets for MoySklad's ``value``: a non-negative integer (see the module doc).

    ``inventory_type`` None (a store missing from ``/reference/stores``) counts as ``integer``, the usual type.
    """
    if value <= 0:
        return _ZERO  # negative (MoySklad sells into minus) and -0 go as 0
    if inventory_type == AVAILABLE:
        return _ONE
    return value.to_integral_value(rounding=ROUND_FLOOR)


def moscow_now() -> datetime:
    """MoySklad's wall clock: now in UTC+3, naive, whole seconds."""
    return datetime.now(UTC).astimezone(MSK).replace(tzinfo=None, microsecond=0)


def quantity_text(value: Decimal) -> str:
    """A quantity as stored and compared: ``13``, ``1.5``, ``0`` (never ``13.0`` or ``1E+2``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _parse_moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


@dataclass(slots=True)
class OfferRow:
    """What goes to RetailCRM for one offer: stock per store code, and the purchase price if it changed.

    A first run plans one per linked offer (50,000), so the row keeps facts, not sentences: its log line is
    written from them when the batch has gone (:meth:`StockWork.describe`)."""

    offer_id: int
    levels: dict[str, Decimal] = field(default_factory=dict)  # store code -> quantity (never negative)
    purchase: Decimal | None = None
    changed: list[tuple[str, str | None]] = field(default_factory=list)  # (store code, value sent before)


@dataclass
class StockWork:
    full: bool
    poll: str  # this run's poll moment (Moscow ISO): becomes last_poll (and last_full) when all went well
    rows: list[OfferRow] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # entity -> quantity text, for purchase-only rows
    stats: dict[str, int] = field(default_factory=dict)
    labels: _Labels | None = None  # how offers are named in messages
    where: dict[str, str] = field(default_factory=dict)  # store code -> "«Основной склад» + «Склад 2»"

    def change_text(self, row: OfferRow, code: str, before: str | None) -> str:
        """«Основной склад»: 5 → 7 (or «…»: 7 (первая передача))."""
        text = quantity_text(row.levels[code])
        change = f"{before} → {text}" if before is not None else f"{text} (первая передача)"
        return f"{self.where.get(code, code)}: {change}"

    def label(self, offer_id: int) -> str:
        return self.labels.label(offer_id) if self.labels is not None else f"предложения {offer_id}"

    def url(self, offer_id: int) -> str | None:
        return self.labels.url(offer_id) if self.labels is not None else None


@dataclass(frozen=True)
class _Layout:
    """The warehouse pairs as the figures need them."""

    store_codes: dict[str, str]  # MoySklad warehouse id -> RetailCRM store code
    ms_stores_of_code: dict[str, list[StorePair]]  # RetailCRM store code -> the warehouses feeding it
    shared_codes: set[str]  # RetailCRM stores fed by several warehouses (their figure is a sum)
    codes: list[str]

    @classmethod
    def of(cls, pairs: tuple[StorePair, ...]) -> _Layout:
        ms_stores_of_code: dict[str, list[StorePair]] = defaultdict(list)
        for pair in pairs:
            ms_stores_of_code[pair.rc_store_code].append(pair)
        return cls(
            store_codes={pair.ms_store_id: pair.rc_store_code for pair in pairs},
            ms_stores_of_code=dict(ms_stores_of_code),
            shared_codes={code for code, feeding in ms_stores_of_code.items() if len(feeding) > 1},
            codes=list(ms_stores_of_code),
        )


class StockFlow:
    flow = Flow.STOCK

    def __init__(self, clock: Callable[[], datetime] = moscow_now) -> None:
        self.clock = clock

    # -- prefetch -----------------------------------------------------------------------------------------------
    def prefetch(self, ctx: RunContext) -> None:
        """Ask for the report the plan will most likely need while the catalogs are still being read: the
        full one or the changes since the last poll, as decided from the cursors alone (the plan asks again
        in the rare case that the links it then sees change the decision)."""
        if not ctx.settings.store_pairs or ctx.prefetch is None:
            return
        now, full, why, since = self._moment_and_mode(ctx)
        future = ctx.prefetch.submit(
            ctx.moysklad.stock_current, ctx.settings.stock_type, by_store=True, changed_since=since, include_zero=full
        )
        ctx.shared[stock_report.SHARED_KEY] = stock_report.PrefetchedReport(
            now=now, full=full, why=why, since=since, stock_type=ctx.settings.stock_type, report=future
        )

    def _moment_and_mode(self, ctx: RunContext) -> tuple[datetime, bool, str, datetime | None]:
        """This run's poll moment (taken before the report is asked for), full pass or not and why, and the
        ``changedSince`` of a changes-only pass."""
        cursors = ctx.db.cursors(ctx.profile_id).all(CURSOR_FLOW)
        last_poll = _parse_moment(cursors.get("last_poll"))
        last_full = _parse_moment(cursors.get("last_full"))
        now = self.clock().replace(microsecond=0)
        full, why = self._decide(ctx.full, now, last_poll, last_full)
        if not full:
            # with the links known now (the plan checks again with this run's): many never-sent offers make a
            # full pass cheaper than reading them by id
            links = offer_links(ctx.shared, ctx.db, ctx.profile_id)
            if len(_fresh(links, ctx.db.pushed(ctx.profile_id).get_many("stock"), _codes(ctx))) > FRESH_LIMIT:
                full, why = True, FRESH_WHY
        since = None if full or last_poll is None else last_poll - OVERLAP
        return now, full, why, since

    # -- plan -------------------------------------------------------------------------------------------------
    def plan(self, ctx: RunContext) -> FlowPlan:
        plan = FlowPlan(flow=self.flow)
        settings = ctx.settings
        pairs = settings.store_pairs
        prefetched = stock_report.prefetched(ctx.shared)
        ctx.shared.pop(stock_report.SHARED_KEY, None)
        if not pairs:
            plan.notes.append("Остатки не передаются: склады МойСклад не сопоставлены со складами RetailCRM.")
            return plan
        if prefetched is not None:
            now, full, why, since = prefetched.now, prefetched.full, prefetched.why, prefetched.since
        else:
            now, full, why, since = self._moment_and_mode(ctx)

        layout = _Layout.of(pairs)
        ms_stores_of_code, codes = layout.ms_stores_of_code, layout.codes
        links = offer_links(ctx.shared, ctx.db, ctx.profile_id)
        pushed = ctx.db.pushed(ctx.profile_id).get_many("stock")

        # Offers nothing was sent for yet (linked since the last run, or a warehouse paired since) need their
        # whole figures; by id that costs a request per ~150 items, so many of them make a full pass cheaper.
        fresh: set[str] = set()
        if not full:
            fresh = _fresh(links, pushed, codes)
            if len(fresh) > FRESH_LIMIT:
                full, why, since = True, FRESH_WHY, None
        work = StockWork(full=full, poll=now.isoformat(timespec="seconds"))

        ctx.progress(self.flow, 0, 0, "plan")
        if prefetched is not None and (prefetched.full, prefetched.since) == (full, since):
            rows = result_of(prefetched.report, ctx.check_cancel)  # in steps: Stop/Ctrl+C act at once
        else:
            if prefetched is not None:
                prefetched.report.cancel()  # not the report this plan needs (its answer, if any, is dropped)
            rows = ctx.moysklad.stock_current(
                settings.stock_type, by_store=True, changed_since=since, include_zero=full
            )
        ctx.check_cancel()

        targets, unmapped, not_linked = self._targets(ctx, rows, links, full=full, whole_ids=fresh)

        snapshot = shared_snapshot(ctx.shared)
        labels = _Labels(ctx, snapshot, links)
        purchases = self._purchases(ctx, snapshot, links)
        kinds = _inventory_types(ctx) if targets else {}
        plan.state["inventory_types"] = kinds  # the follow-up after the orders flow sends by the same rule
        self._build_rows(ctx, plan, work, targets, pushed, purchases, labels, ms_stores_of_code, kinds)
        self._unmapped(ctx, plan, unmapped, full)

        unchanged = plan.counts.unchanged
        work.stats.update(
            full=int(full),
            report_rows=len(rows),
            values_to_send=plan.counts.updated,
            values_unchanged=unchanged,
            offers_to_send=len(work.rows),
            not_linked=len(not_linked),
            unmapped_stores=len(unmapped),
            purchase_prices=sum(1 for r in work.rows if r.purchase is not None),
        )
        plan.counts.skipped = len(not_linked)
        what = "доступный остаток" if settings.stock_type == "freeStock" else "остаток"
        head = (
            f"Остатки ({what}): полный проход ({why})"
            if full
            else f"Остатки ({what}): изменения с {since:%d.%m.%Y %H:%M:%S} (МСК)" if since else "Остатки"
        )
        plan.notes.insert(
            0,
            f"{head}; к передаче {plan.counts.updated} "
            f"{plural(plan.counts.updated, 'значение', 'значения', 'значений')} по {len(work.rows)} "
            f"{plural(len(work.rows), 'предложению', 'предложениям', 'предложениям')}, без изменений {unchanged}.",
        )
        if not_linked:
            plan.notes.append(
                f"В отчёте МойСклад {len(not_linked)} {plural(len(not_linked), 'товар', 'товара', 'товаров')} "
                "без связи с RetailCRM: их остатки не передаются (см. конфликты каталога)."
            )
        plan.note_more_changes()
        plan.state["work"] = work
        plan.state["stats"] = work.stats
        ctx.progress(self.flow, 1, 1, "plan")
        return plan

    def _targets(
        self, ctx: RunContext, rows: list[StockRow], links: dict[str, int], *, full: bool, whole_ids: set[str]
    ) -> tuple[dict[tuple[int, str], Decimal], dict[str, int], set[str]]:
        """The figure each (offer, RetailCRM store) should have, from the report ``rows``; items in
        ``whole_ids`` (and, on a changes-only pass, items of a store several warehouses feed) are read whole by
        id, in one more request. Also the warehouses with stock but no pair, and the items without a link."""
        layout = _Layout.of(ctx.settings.store_pairs)
        store_codes, ms_stores_of_code = layout.store_codes, layout.ms_stores_of_code
        shared_codes, codes = layout.shared_codes, layout.codes
        settings = ctx.settings
        targets: dict[tuple[int, str], Decimal] = {}
        values_by_item: dict[str, dict[str, Decimal]] = defaultdict(dict)  # ms item -> ms store -> value
        unmapped: dict[str, int] = defaultdict(int)
        not_linked: set[str] = set()
        # The common full pass (each RetailCRM store fed by one warehouse): a row *is* a figure to send, and an
        # item without a row at a warehouse holds nothing there; the same figures as the general way below,
        # without a dict per item (50,000 of them).
        direct = full and not shared_codes
        for row in rows:
            if row.store_id is None:
                continue  # reserves without a warehouse: not stock anywhere
            code = store_codes.get(row.store_id)
            if code is None:
                if row.value != 0:
                    unmapped[row.store_id] += 1
                continue
            offer_id = links.get(row.assortment_id)
            if offer_id is None:
                not_linked.add(row.assortment_id)
            elif direct:
                targets[(offer_id, code)] = row.value
            else:
                values_by_item[row.assortment_id][row.store_id] = row.value
        if direct:
            for offer_id in links.values():
                for code in codes:
                    targets.setdefault((offer_id, code), _ZERO)

        # Items whose figures are read whole: on a changes-only pass, the fresh ones and items feeding a RetailCRM
        # store that several warehouses share (a sum needs all its parts).
        whole: set[str] = set() if direct else set(links) if full else set(whole_ids)
        if not full:
            if shared_codes:
                whole |= set(values_by_item)
            if whole:
                for row in ctx.moysklad.stock_current(
                    settings.stock_type, by_store=True, include_zero=True, assortment_ids=sorted(whole)
                ):
                    if row.store_id in store_codes and row.assortment_id in links:
                        values_by_item[row.assortment_id][row.store_id] = row.value
                ctx.check_cancel()

        for ms_id in sorted(whole | set(values_by_item)):
            offer_id = links[ms_id]
            by_store = values_by_item.get(ms_id, {})
            for code, feeding in ms_stores_of_code.items():
                present = [by_store[p.ms_store_id] for p in feeding if p.ms_store_id in by_store]
                if present or ms_id in whole:  # a warehouse without a row holds nothing of the item
                    # one warehouse feeding a code is the common case: keep its (shared) figure, no new Decimal
                    targets[(offer_id, code)] = present[0] if len(present) == 1 else sum(present, Decimal(0))

        return targets, unmapped, not_linked

    # -- after the orders flow ---------------------------------------------------------------------------------
    def follow_up(self, ctx: RunContext, plan: FlowPlan) -> Counts | None:
        """Carry to RetailCRM the figures the orders flow changed after this flow ran (the engine runs flows in
        the order catalog, stock, prices, orders): its shipments write stock off in MoySklad, its orders reserve
        (which lowers the free stock). Without this, one sync would leave RetailCRM showing the stock from
        before the shipments until the next run.

        Nothing happens (no request) when the orders flow changed nothing that this ``stock_type`` counts. Else
        it is this flow's changes-only pass, for those items only, and always one report request: the affected
        items read by id (up to ~150); more of them: the ``changedSince`` report since this run's poll, or, when
        a RetailCRM store sums several warehouses (a change report has only the parts that changed), the full
        report. Only figures that differ from what was sent go up, after this run's first uploads have ended
        (an older figure must never land after the newer one). The cursors stay as the first pass set them."""
        first: StockWork | None = plan.state.get("work")
        found = stock_report.touched(ctx.shared)
        if first is None or found is None:
            return None
        links = offer_links(ctx.shared, ctx.db, ctx.profile_id)
        affected = found.affecting(ctx.settings.stock_type) & links.keys()
        if not affected:
            return None
        if not ctx.wait_writes(self.flow):
            ctx.log(Level.WARNING, self.flow, "Остатки после отгрузок этой синхронизации не переданы, потому что не "
                    "прошла первая передача остатков: их передаст следующая синхронизация.")
            return None
        settings = ctx.settings
        layout = _Layout.of(settings.store_pairs)
        full, whole = False, set()
        if len(affected) <= FRESH_LIMIT:
            rows: list[StockRow] = []  # only the by-id read of the affected items, in _targets
            whole = affected
        elif not layout.shared_codes:
            since = (_parse_moment(first.poll) or self.clock()) - OVERLAP
            rows = ctx.moysklad.stock_current(settings.stock_type, by_store=True, changed_since=since)
        else:
            full = True
            rows = ctx.moysklad.stock_current(settings.stock_type, by_store=True, include_zero=True)
        ctx.check_cancel()
        targets, _, _ = self._targets(ctx, rows, links, full=full, whole_ids=whole)
        pushed = ctx.db.pushed(ctx.profile_id).get_many("stock")  # with this run's first uploads
        again = FlowPlan(flow=self.flow)
        work = StockWork(full=False, poll=first.poll)
        labels = _Labels(ctx, shared_snapshot(ctx.shared), links)
        kinds = plan.state.get("inventory_types") or (_inventory_types(ctx) if targets else {})
        self._build_rows(ctx, again, work, targets, pushed, {}, labels, layout.ms_stores_of_code, kinds)
        n = again.counts.updated
        ctx.log(
            Level.INFO,
            self.flow,
            f"Остатки после отгрузок и резервов этой синхронизации: товаров затронуто {len(affected)}, к передаче "
            f"{n} {plural(n, 'значение', 'значения', 'значений')} по {len(work.rows)} "
            f"{plural(len(work.rows), 'предложению', 'предложениям', 'предложениям')}.",
        )
        counts = Counts()
        uploads = _Uploads(ctx, work)
        for start in range(0, len(work.rows), UPLOAD_BATCH):
            ctx.defer(self.flow, functools.partial(uploads.send, work.rows[start : start + UPLOAD_BATCH]), into=counts)
        return counts

    @staticmethod
    def _decide(
        asked: bool, now: datetime, last_poll: datetime | None, last_full: datetime | None
    ) -> tuple[bool, str]:
        if asked:
            return True, "запрошена полная синхронизация"
        if last_poll is None or last_full is None:
            return True, "первый запуск"
        if last_poll > now + OVERLAP:
            return True, "часы компьютера ушли назад"
        if now - last_full > HEAL_EVERY:
            return True, "ежедневная сверка"
        if now - (last_poll - OVERLAP) > CHANGED_SINCE_LIMIT:
            return True, "с прошлой проверки прошло больше суток"
        return False, ""

    def _purchases(
        self, ctx: RunContext, snapshot: CatalogSnapshot | None, links: dict[str, int]
    ) -> dict[int, Decimal]:
        """Purchase prices to send: only when this run read the catalog, and only where RetailCRM differs."""
        if snapshot is None:
            return {}
        pushed = ctx.db.pushed(ctx.profile_id).get_many("purchase_price")
        result: dict[int, Decimal] = {}
        for ms_id, offer_id in links.items():
            item = snapshot.ms.items.get(ms_id)
            if item is None or item.buy_price is None or item.buy_price <= 0:
                continue  # no cost in MoySklad: leave RetailCRM's as it is
            cost = rub_amount(item.buy_price)
            if offer_id in snapshot.rc.offers:
                current = snapshot.rc.purchase_prices.get(offer_id)
                same = current is not None and rub_amount(current) == cost
            else:
                same = pushed.get(str(offer_id)) == str(cost)
            if not same:
                result[offer_id] = cost
        return result

    def _build_rows(
        self,
        ctx: RunContext,
        plan: FlowPlan,
        work: StockWork,
        targets: dict[tuple[int, str], Decimal],
        pushed: dict[str, str],
        purchases: dict[int, Decimal],
        labels: _Labels,
        ms_stores_of_code: dict[str, list[StorePair]],
        kinds: dict[str, str | None],
    ) -> None:
        work.labels = labels
        work.where = {code: " + ".join(f"«{p.ms_store_name}»" for p in feeding)
                      for code, feeding in ms_stores_of_code.items()}
        rows: dict[int, OfferRow] = {}
        warned: set[int] = set()
        # 150,000 figures at 50,000 offers, a few hundred distinct values (shared objects): each text once
        texts: dict[Decimal, str] = {}
        zeroed = 0
        for (offer_id, code), value in sorted(targets.items()):
            sent = stock_for_store(value, kinds.get(code))
            text = texts.get(sent)
            if text is None:
                text = texts[sent] = quantity_text(sent)
            before = pushed.get(f"{offer_id}:{code}") if pushed else None  # a first run has sent nothing
            if sent == 0 and before is not None and before != "0":
                zeroed += 1
            if before == text and offer_id not in purchases:
                plan.counts.unchanged += 1
                continue
            row = rows.get(offer_id) or rows.setdefault(offer_id, OfferRow(offer_id))
            row.levels[code] = sent
            if before == text:  # only the purchase price changed; the figure rides along unchanged
                plan.counts.unchanged += 1
                continue
            if value < 0 and offer_id not in warned:
                warned.add(offer_id)
                ctx.log(
                    Level.WARNING,
                    Flow.STOCK,
                    f"Остаток {labels.label(offer_id)} в МойСклад отрицательный ({quantity_text(value)}): RetailCRM "
                    "не хранит отрицательные остатки, передаём 0. Проверьте документы этого товара в МойСклад.",
                    entity_type="offer",
                    entity_ref=str(offer_id),
                    entity_url=labels.url(offer_id),
                )
            row.changed.append((code, before))
            if plan.keep_detail():
                plan.changes.append(Change(
                    flow=Flow.STOCK,
                    action=Action.UPDATE,
                    target="retailcrm",
                    entity="stock",
                    ref=labels.ref(offer_id),
                    summary=f"Остаток {labels.label(offer_id)} на складе {work.change_text(row, code, before)}",
                    payload={"offer_id": offer_id, "store": code, "quantity": text},
                ))
            plan.counts.updated += 1
        for offer_id, cost in sorted(purchases.items()):
            if offer_id not in rows:
                # a purchase price alone: send it with a figure RetailCRM already has (the last one sent)
                sent_codes = [code for code in ms_stores_of_code if f"{offer_id}:{code}" in pushed]
                if not sent_codes:
                    continue  # nothing known to carry it yet; it goes with the first stock upload
                rows[offer_id] = OfferRow(offer_id)
                rows[offer_id].levels[sent_codes[0]] = Decimal(pushed[f"{offer_id}:{sent_codes[0]}"])
            row = rows[offer_id]
            row.purchase = cost
            if plan.keep_detail():
                plan.changes.append(Change(
                    flow=Flow.STOCK,
                    action=Action.UPDATE,
                    target="retailcrm",
                    entity="purchase_price",
                    ref=labels.ref(offer_id),
                    summary=f"Закупочная цена {labels.label(offer_id)}: {cost} ₽",
                    payload={"offer_id": offer_id, "purchase_price": str(cost)},
                ))
        work.rows = [rows[offer_id] for offer_id in sorted(rows)]
        # for the safety check before writing (app/sync/safety.py): how many values above zero would become 0
        offers = set(labels.ms_of)
        work.stats["values_zeroed"] = zeroed
        work.stats["values_above_zero"] = sum(
            1 for code in ms_stores_of_code for offer_id in offers
            if pushed.get(f"{offer_id}:{code}", "0") != "0"
        )

    def _unmapped(self, ctx: RunContext, plan: FlowPlan, unmapped: dict[str, int], full: bool) -> None:
        """One ``unmapped_store`` conflict per MoySklad warehouse that has stock but no RetailCRM pair."""
        repo = ctx.db.conflicts(ctx.profile_id)
        names: dict[str, str] | None = None
        keys = []
        for store_id in sorted(unmapped):
            key = f"moysklad_store:{store_id}"
            keys.append(key)
            existing = repo.get_by_key("unmapped_store", key)
            if existing is not None:
                title, ms_data = existing.title, existing.ms_data
            else:  # the warehouse's name is read only the first time it turns up
                if names is None:
                    names = {s.id: s.name for s in ctx.moysklad.stores()}
                name = names.get(store_id, store_id)
                title = (
                    f"На складе МойСклад «{name}» есть остатки, но он не сопоставлен ни с одним складом RetailCRM, "
                    "поэтому они не передаются. Сопоставьте склад в настройках Связки или пропустите этот конфликт."
                )
                ms_data = {"id": store_id, "name": name}
            repo.record("unmapped_store", key, title, ms_data, None, ctx.run_id)
            if existing is None or existing.status == "open":
                plan.notes.append(title)
                plan.conflicts += 1
        if full and ctx.run_id is not None:
            repo.close_missing(ctx.run_id, kinds=("unmapped_store",))

    # -- apply ------------------------------------------------------------------------------------------------
    def apply(self, ctx: RunContext, plan: FlowPlan) -> Counts:
        counts = Counts(unchanged=plan.counts.unchanged, skipped=plan.counts.skipped)
        work: StockWork | None = plan.state.get("work")
        if work is None:
            return counts
        uploads = _Uploads(ctx, work)
        for start in range(0, len(work.rows), UPLOAD_BATCH):
            batch = work.rows[start : start + UPLOAD_BATCH]
            ctx.defer(self.flow, functools.partial(uploads.send, batch), into=counts)
        ctx.after_writes(self.flow, uploads.finish)
        return counts


class _Uploads:
    """The stock flow's upload batches (run inline or deferred, several at once) and what follows them all."""

    def __init__(self, ctx: RunContext, work: StockWork) -> None:
        self.ctx = ctx
        self.work = work
        self.pushed = ctx.db.pushed(ctx.profile_id)
        self.total = len(work.rows)
        self.sent = 0
        self.all_ok = True
        self._lock = threading.Lock()

    def send(self, batch: list[OfferRow]) -> Counts:
        """One batch of up to 250 offers; its figures are recorded as sent as soon as RetailCRM accepts it."""
        ctx = self.ctx
        ctx.check_cancel()
        counts = Counts()
        updates = [
            InventoryUpdate(
                OfferRef(id=row.offer_id),
                tuple(StoreLevel(code, qty, row.purchase) for code, qty in sorted(row.levels.items())),
            )
            for row in batch
        ]
        try:
            result = ctx.retailcrm.upload_inventories(updates)
        except RemoteValidationError as exc:
            self.all_ok = False
            counts.failed += sum(len(row.changed) for row in batch)
            ctx.log(Level.ERROR, Flow.STOCK, f"RetailCRM не принял остатки {len(batch)} предложений. {exc.message}")
            return counts
        missing = {ref.id for ref in result.not_found if ref.id is not None}
        stock_values: dict[str, str] = {}
        costs: dict[str, str] = {}
        work = self.work
        for row in batch:
            if row.offer_id in missing:
                self.all_ok = False
                counts.failed += len(row.changed)
                ctx.log(Level.WARNING, Flow.STOCK, f"Предложение {work.label(row.offer_id)} не найдено в RetailCRM: "
                        "возможно, его удалили. Связь проверит следующая синхронизация каталога.",
                        entity_type="offer", entity_ref=str(row.offer_id))
                continue
            for code, qty in row.levels.items():
                stock_values[f"{row.offer_id}:{code}"] = quantity_text(qty)
            parts = [work.change_text(row, code, before) for code, before in row.changed]
            if row.purchase is not None:
                costs[str(row.offer_id)] = str(row.purchase)
                parts.append(f"закупочная цена {row.purchase} ₽")
            counts.updated += len(row.changed)
            # one line per offer (not per warehouse): a 50,000-offer first run stays readable and quick
            ctx.log(Level.INFO, Flow.STOCK, f"Остатки {work.label(row.offer_id)}: {'; '.join(parts)}.",
                    entity_type="offer", entity_ref=str(row.offer_id), entity_url=work.url(row.offer_id))
        self.pushed.put_many("stock", stock_values)
        if costs:
            self.pushed.put_many("purchase_price", costs)
        with self._lock:
            self.sent += len(batch)
            sent = self.sent
        ctx.progress(Flow.STOCK, sent, self.total, "apply")
        return counts

    def finish(self, outcome: FlowOutcome) -> None:
        """The poll moment becomes the cursor only when every batch went through; else the next run repeats."""
        if outcome.ok and self.all_ok:
            cursors = self.ctx.db.cursors(self.ctx.profile_id)
            cursors.set(CURSOR_FLOW, "last_poll", self.work.poll)
            if self.work.full:
                cursors.set(CURSOR_FLOW, "last_full", self.work.poll)
        elif not outcome.cancelled:
            self.ctx.log(Level.WARNING, Flow.STOCK, "Не все остатки переданы: следующая синхронизация повторит их.")


def _inventory_types(ctx: RunContext) -> dict[str, str | None]:
    """RetailCRM store code -> ``inventoryType`` (``integer`` | ``available``), as the account has them now."""
    return {store.code: store.inventory_type for store in ctx.retailcrm.stores()}


def _codes(ctx: RunContext) -> list[str]:
    """The RetailCRM stores that get stock, each once (several warehouses may feed one)."""
    return list(dict.fromkeys(pair.rc_store_code for pair in ctx.settings.store_pairs))


def _fresh(links: dict[str, int], pushed: dict[str, str], codes: list[str]) -> set[str]:
    """Linked items with a store nothing was sent for yet (linked since the last run, or a new warehouse)."""
    return {ms_id for ms_id, offer_id in links.items() if any(f"{offer_id}:{c}" not in pushed for c in codes)}


class _Labels:
    """How an offer is named in messages: its MoySklad name when this run read the catalog, else its key."""

    def __init__(self, ctx: RunContext, snapshot: CatalogSnapshot | None, links: dict[str, int]) -> None:
        self.ctx = ctx
        self.snapshot = snapshot
        self.ms_of = {offer_id: ms_id for ms_id, offer_id in links.items()}
        self._stored: dict[str, tuple[str | None, str | None]] | None = None

    def _stored_links(self) -> dict[str, tuple[str | None, str | None]]:
        if self._stored is None:
            self._stored = {
                ms_id: (link.match_key, link.rc_ext)
                for ms_id, link in self.ctx.db.links(self.ctx.profile_id).all("offer").items()
            }
        return self._stored

    def label(self, offer_id: int) -> str:
        ms_id = self.ms_of.get(offer_id, "")
        if self.snapshot is not None:
            item = self.snapshot.ms.items.get(ms_id)
            if item is not None:
                return f"«{item.name}»"
            offer = self.snapshot.rc.offers.get(offer_id)
            if offer is not None:
                return f"«{offer.name}»"
        match_key, rc_ext = self._stored_links().get(ms_id, (None, None))
        if match_key:
            return f"«{match_key}»"
        return f"предложения {rc_ext or offer_id}"

    def ref(self, offer_id: int) -> str:
        ms_id = self.ms_of.get(offer_id, "")
        if self.snapshot is not None:
            item = self.snapshot.ms.items.get(ms_id)
            if item is not None:
                return item.article or item.code or item.external_code or str(offer_id)
        return str(offer_id)

    def url(self, offer_id: int) -> str | None:
        """The RetailCRM product page, when this run read the catalog (else the product id is unknown)."""
        if self.snapshot is None or offer_id not in self.snapshot.rc.offers:
            return None
        account = getattr(self.ctx.retailcrm, "account_url", "")
        return rc_product_url(account, self.snapshot.rc.offers[offer_id].product_id)
