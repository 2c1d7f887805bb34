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
from collections.abc import Callable
from datetime import datetime

from app.clients.moysklad_models import StockRow
from app.messages import msg
from app.sync.catalog import retired
from app.sync.catalog.source import shared_snapshot
from app.sync.engine import RunContext
from app.sync.model import Counts, Flow, FlowPlan, Level
from app.sync.stock import report as stock_report
from app.sync.stock.apply import _Uploads
from app.sync.stock.bundles import BundleStock, stock_links, touched_components
from app.sync.stock.plan import _StockPlanner
from app.sync.stock.work import (
    _ZERO,
    FRESH_LIMIT,
    OVERLAP,
    UPLOAD_BATCH,
    StockWork,
    _inventory_types,
    _Labels,
    _Layout,
    _parse_moment,
    moscow_now,
)


class StockFlow(_StockPlanner):
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
        ctx.shared.stock_report = stock_report.PrefetchedReport(
            now=now, full=full, why=why, since=since, stock_type=ctx.settings.stock_type, report=future
        )

    # -- after the orders flow ---------------------------------------------------------------------------------
    def follow_up(self, ctx: RunContext, plan: FlowPlan[StockWork]) -> Counts | None:
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
        first = plan.work
        found = stock_report.touched(ctx.shared)
        if first is None or found is None:
            return None
        split = stock_links(ctx)
        links = split.goods
        touched_ids = found.affecting(ctx.settings.stock_type)
        # a bundle's demand writes off its components: those are read, the bundle computed from them
        affected = (touched_ids & links.keys()) | touched_components(ctx, split, touched_ids)
        if not affected:
            return None
        if not ctx.wait_writes(self.flow):
            ctx.log(Level.WARNING, self.flow, msg("stock.again_skipped"))
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
        if split.bundles:
            bundles = BundleStock.load(ctx, split)
            bundles.take(ctx, split, targets, layout.codes)
            targets.update(bundles.figures(ctx, self.flow, split, layout.codes, log=False))
        # archived goods sell (and ship) too, but their offers stay at 0 (app/sync/catalog/retired.py)
        gone = retired.retired_for_stock(ctx.shared, ctx.db, ctx.profile_id).offers
        for key in [key for key in targets if key[0] in gone]:
            targets[key] = _ZERO
        pushed = ctx.db.pushed(ctx.profile_id).get_many("stock")  # with this run's first uploads
        again: FlowPlan[StockWork] = FlowPlan(flow=self.flow)
        work = StockWork(full=False, poll=first.poll)
        labels = _Labels(ctx, shared_snapshot(ctx.shared), split.sold)
        kinds = first.inventory_types or (_inventory_types(ctx) if targets else {})
        self._build_rows(ctx, again, work, targets, pushed, {}, labels, layout.ms_stores_of_code, kinds)
        n = again.counts.updated
        ctx.log(
            Level.INFO,
            self.flow,
            msg("stock.again", affected=len(affected), n=n, offers=len(work.rows)),
        )
        counts = Counts()
        uploads = _Uploads(ctx, work)
        for start in range(0, len(work.rows), UPLOAD_BATCH):
            ctx.defer(self.flow, functools.partial(uploads.send, work.rows[start : start + UPLOAD_BATCH]), into=counts)
        return counts

    # -- apply ------------------------------------------------------------------------------------------------
    def apply(self, ctx: RunContext, plan: FlowPlan[StockWork]) -> Counts:
        counts = Counts(unchanged=plan.counts.unchanged, skipped=plan.counts.skipped)
        work = plan.work
        if work is None:
            return counts
        uploads = _Uploads(ctx, work)
        for start in range(0, len(work.rows), UPLOAD_BATCH):
            batch = work.rows[start : start + UPLOAD_BATCH]
            ctx.defer(self.flow, functools.partial(uploads.send, batch), into=counts)
        ctx.after_writes(self.flow, uploads.finish)
        return counts
