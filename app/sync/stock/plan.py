"""The stock flow's plan step: full pass or changes only, the report rows turned into per-offer figures,
what differs from what RetailCRM was last sent, and stores without a pair (:class:`_StockPlanner`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from app.clients.moysklad_models import StockRow
from app.messages import Message, msg
from app.money import rub_amount
from app.store.settings import StorePair
from app.sync.catalog import folders, retired
from app.sync.catalog.source import CatalogSnapshot, shared_snapshot
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Flow, FlowPlan, Level
from app.sync.stock import report as stock_report
from app.sync.stock.bundles import BundleStock, stock_links
from app.sync.stock.cursors import StockCursors
from app.sync.stock.work import (
    _ZERO,
    CHANGED_SINCE_LIMIT,
    FRESH_LIMIT,
    FRESH_WHY,
    HEAL_EVERY,
    OVERLAP,
    OfferRow,
    StockWork,
    _codes,
    _fresh,
    _inventory_types,
    _Labels,
    _Layout,
    _parse_moment,
    quantity_text,
    stock_for_store,
)
from app.sync.waiting import result_of
from app.vocab import ConflictKind


class _StockPlanner:
    """The planning half of :class:`app.sync.stock.flow.StockFlow`."""

    flow: Flow
    clock: Callable[[], datetime]

    def _moment_and_mode(self, ctx: RunContext) -> tuple[datetime, bool, Message | str, datetime | None]:
        """This run's poll moment (taken before the report is asked for), full pass or not and why, and the
        ``changedSince`` of a changes-only pass."""
        cursors = StockCursors(ctx.db.cursors(ctx.profile_id))
        last_poll = _parse_moment(cursors.last_poll)
        last_full = _parse_moment(cursors.last_full)
        now = self.clock().replace(microsecond=0)
        full, why = self._decide(ctx.full, now, last_poll, last_full)
        if not full:
            # with the links known now (the plan checks again with this run's): many never-sent offers make a
            # full pass cheaper than reading them by id
            links = stock_links(ctx).goods  # services and bundles are never in a report
            if len(_fresh(links, ctx.db.pushed(ctx.profile_id).get_many("stock"), _codes(ctx))) > FRESH_LIMIT:
                full, why = True, FRESH_WHY
        since = None if full or last_poll is None else last_poll - OVERLAP
        return now, full, why, since

    # -- plan -------------------------------------------------------------------------------------------------
    def plan(self, ctx: RunContext) -> FlowPlan[StockWork]:
        plan: FlowPlan[StockWork] = FlowPlan(flow=self.flow)
        settings = ctx.settings
        pairs = settings.store_pairs
        prefetched = stock_report.prefetched(ctx.shared)
        ctx.shared.stock_report = None
        if not pairs:
            plan.notes.append(msg("stock.no_pairs"))
            return plan
        if prefetched is not None:
            now, full, why, since = prefetched.now, prefetched.full, prefetched.why, prefetched.since
        else:
            now, full, why, since = self._moment_and_mode(ctx)

        layout = _Layout.of(pairs)
        ms_stores_of_code, codes = layout.ms_stores_of_code, layout.codes
        split = stock_links(ctx)  # services have no stock; bundles are computed from their components
        links = split.goods
        bundles = BundleStock.load(ctx, split) if split.bundles else None
        pushed = ctx.db.pushed(ctx.profile_id).get_many("stock")

        # Offers nothing was sent for yet (linked since the last run, or a warehouse paired since) need their
        # whole figures; by id that costs a request per ~150 items, so many of them make a full pass cheaper.
        # archived and deleted goods (app/sync/catalog/retired.py): their offers go to 0 on every paired store;
        # items back from the archive are read whole (a changes-only report would not name them)
        gone = retired.retired_for_stock(ctx.shared, ctx.db, ctx.profile_id)
        revived = {ms_id for ms_id in gone.revived.values() if ms_id in links}
        fresh: set[str] = set()
        if not full:
            fresh = _fresh(links, pushed, codes) | revived
            if len(fresh) > FRESH_LIMIT:
                full, why, since = True, FRESH_WHY, None
            elif bundles is not None:
                fresh |= bundles.unseen(split)  # read whole with the fresh ones: no request of their own
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
        not_linked -= split.sold.keys()
        if bundles is not None:
            bundles.take(ctx, split, targets, codes)
            targets.update(bundles.figures(ctx, self.flow, split, codes))
            work.stats.bundles = len(split.bundles)
        not_linked -= folders.excluded_items(ctx.shared)  # the folder filter's: not counted
        for offer_id in gone.offers:
            for code in codes:
                targets[(offer_id, code)] = _ZERO

        snapshot = shared_snapshot(ctx.shared)
        labels = _Labels(ctx, snapshot, split.sold)
        purchases = self._purchases(ctx, snapshot, links)
        kinds = _inventory_types(ctx) if targets else {}
        work.inventory_types = kinds  # the follow-up after the orders flow sends by the same rule
        self._build_rows(ctx, plan, work, targets, pushed, purchases, labels, ms_stores_of_code, kinds,
                         retired_offers=set(gone.offers))
        self._log_retired(ctx, work, gone)
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
        what = msg("stock.what.free" if settings.stock_type == "freeStock" else "stock.what.stock")
        head = (
            msg("stock.head.full", what=what, why=why)
            if full
            else msg("stock.head.since", what=what, since=f"{since:%d.%m.%Y %H:%M:%S}") if since
            else msg("stock.head.plain")
        )
        plan.notes.insert(
            0,
            msg("stock.note_counts", head=head, n=plan.counts.updated, offers=len(work.rows), unchanged=unchanged),
        )
        if not_linked:
            plan.notes.append(msg("stock.not_linked", n=len(not_linked)))
        plan.note_more_changes()
        plan.work = work
        plan.stats = work.stats
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

    @staticmethod
    def _decide(
        asked: bool, now: datetime, last_poll: datetime | None, last_full: datetime | None
    ) -> tuple[bool, Message | str]:
        if asked:
            return True, msg("stock.why.asked")
        if last_poll is None or last_full is None:
            return True, msg("stock.why.first")
        if last_poll > now + OVERLAP:
            return True, msg("stock.why.clock_back")
        if now - last_full > HEAL_EVERY:
            return True, msg("stock.why.daily")
        if now - (last_poll - OVERLAP) > CHANGED_SINCE_LIMIT:
            return True, msg("stock.why.day_passed")
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
        retired_offers: set[int] | None = None,
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
                    msg("stock.negative", label=labels.label(offer_id), value=quantity_text(value)),
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
                    summary=msg("stock.change_summary", label=labels.label(offer_id),
                                change=work.change_text(row, code, before)),
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
                    summary=msg("stock.purchase_summary", label=labels.label(offer_id), cost=cost),
                    payload={"offer_id": offer_id, "purchase_price": str(cost)},
                ))
        work.rows = [rows[offer_id] for offer_id in sorted(rows)]
        # for the safety check before writing (app/sync/safety.py): how many values above zero would become 0
        offers = set(labels.ms_of) | (retired_offers or set())  # deleted goods' offers are zeroed too: they count here
        work.stats.values_zeroed = zeroed
        work.stats.values_above_zero = sum(
            1 for code in ms_stores_of_code for offer_id in offers
            if pushed.get(f"{offer_id}:{code}", "0") != "0"
        )

    def _log_retired(self, ctx: RunContext, work: StockWork, gone: retired.RetiredPlan) -> None:
        """One line per retired offer whose stock this run sets to 0 (not again on the runs after)."""
        for row in work.rows:
            why = gone.offers.get(row.offer_id)
            if why is None or not row.changed:
                continue
            name = gone.names.get(row.offer_id)
            label: Message | str = f"«{name}»" if name else work.label(row.offer_id)
            ctx.log(
                Level.INFO,
                Flow.STOCK,
                msg("stock.retired", label=label, why=retired.WHY_TEXT.get(why, why)),
                entity_type="offer",
                entity_ref=str(row.offer_id),
                entity_url=work.url(row.offer_id),
            )

    def _unmapped(self, ctx: RunContext, plan: FlowPlan, unmapped: dict[str, int], full: bool) -> None:
        """One ``unmapped_store`` conflict per MoySklad warehouse that has stock but no RetailCRM pair."""
        repo = ctx.db.conflicts(ctx.profile_id)
        names: dict[str, str] | None = None
        keys = []
        for store_id in sorted(unmapped):
            key = f"moysklad_store:{store_id}"
            keys.append(key)
            existing = repo.get_by_key(ConflictKind.UNMAPPED_STORE, key)
            title: Message | str
            if existing is not None:
                # the stored message (its code and parameters) when it has one, else the stored text (old rows)
                title, ms_data = existing.title, existing.ms_data
                if existing.title_code:
                    title = Message.from_json({"code": existing.title_code, "params": existing.title_params})
            else:  # the warehouse's name is read only the first time it turns up
                if names is None:
                    names = {s.id: s.name for s in ctx.moysklad.stores()}
                name = names.get(store_id, store_id)
                title = msg("stock.unmapped_store", name=name)
                ms_data = {"id": store_id, "name": name}
            repo.record(ConflictKind.UNMAPPED_STORE, key, title, ms_data, None, ctx.run_id)
            if existing is None or existing.status == "open":
                plan.notes.append(title)
                plan.conflicts += 1
        if full and ctx.run_id is not None:
            repo.close_missing(ctx.run_id, kinds=(ConflictKind.UNMAPPED_STORE,))
