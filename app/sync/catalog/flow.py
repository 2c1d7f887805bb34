"""Catalog flow: pair MoySklad items with RetailCRM offers, and (MoySklad being the master) fill RetailCRM.

Plan reads both catalogs (:mod:`app.sync.catalog.source`), matches them
(:func:`app.sync.catalog.matching.match_catalog`) with the stored links and the user's remembered decisions,
records what needs a person as conflicts, and lists every write. It writes nothing to either service.

What apply does, in this order, each step recorded in the store as soon as it succeeded:

1. forget links that no longer hold; store the new pairs as links (kind ``offer``);
2. catalog kept in RetailCRM and MoySklad the master: create the missing product groups (linked to the
   folders, kind ``product_group``), create the products only MoySklad has (50 per request; RetailCRM gives
   each one offer, which is read back and linked), then correct name / article / group of linked products
   whose MoySklad values changed (50 per request);
3. items that are to appear in MoySklad (RetailCRM the master, or a person's «создать»): products created
   with a ``syncId`` reserved in the store before the request, so a crash never makes a second copy.

Modifications cannot be created through RetailCRM's API (it makes one offer per product), and an ICML
catalog cannot be changed through it at all: such items stay ``only_in_moysklad`` conflicts whose title
says what to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import Any

from app.clients.errors import SettingsError, SvyazkaApiError
from app.messages import Message, msg
from app.sync.catalog import folders, icml_hook, retired
from app.sync.catalog.apply import _Applier
from app.sync.catalog.keys import MatchKey, MatchRule, MsItem
from app.sync.catalog.matching import match_catalog
from app.sync.catalog.plan import _PlanBuilder
from app.sync.catalog.source import (
    CatalogSnapshot,
    read_both_catalogs,
    stored_offer_links,
)
from app.sync.catalog.work import (
    CATALOG_KINDS,
    CatalogWork,
    RcProductEdit,
)
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Counts, Flow, FlowPlan, Level
from app.sync.orders.work import DEFAULT_DELIVERY_NAME
from app.sync.stock import report as stock_report
from app.vocab import CatalogMode


class CatalogFlow:
    flow = Flow.CATALOG

    def plan(self, ctx: RunContext) -> FlowPlan[CatalogWork]:
        flow = self.flow
        settings = ctx.settings
        key = MatchKey(settings.match_key)
        rule = MatchRule.of(key, settings.match_field)
        ms_catalog, site, rc_catalog = read_both_catalogs(
            ctx.moysklad, ctx.retailcrm, settings, lambda done: ctx.progress(flow, done, 0, "plan"), ctx.check_cancel
        )
        if site is None or rc_catalog is None:
            raise _site_missing(settings.retailcrm_site)
        ctx.check_cancel()
        # the folder filter: items of excluded folders are not linked, created or counted (folders.py)
        excluded = folders.take_out_excluded(ms_catalog, settings.excluded_folders)
        ctx.shared.excluded_items = excluded

        conflicts_repo = ctx.db.conflicts(ctx.profile_id)
        resolutions: dict[str, Any] = {}
        for kind in CATALOG_KINDS:
            resolutions.update(conflicts_repo.resolutions(kind))
        stored_links = stored_offer_links(ctx.db, ctx.profile_id)
        result = match_catalog(
            _sellable(ms_catalog.items.values(), settings), rc_catalog.offers.values(), key, stored_links, resolutions,
            rule.rc_field,
        )

        plan: FlowPlan[CatalogWork] = FlowPlan(flow=flow)
        work = CatalogWork(key=key, site_code=site.code, catalog_id=rc_catalog.catalog_id, rule=rule)
        builder = _PlanBuilder(ctx, plan, work, ms_catalog, rc_catalog, result, stored_links)
        builder.build(icml_site=site.load_from_yml)
        if excluded:
            _excluded_links(plan, work, excluded)

        open_conflicts = builder.open_conflicts
        _add_stock_to_conflicts(ctx, open_conflicts)
        conflicts_repo.record_many(open_conflicts, ctx.run_id)
        conflicts_repo.record_many(result.resolved, ctx.run_id)  # held by a decision: seen, decision kept
        if ctx.run_id is not None:  # every catalog plan reads both catalogs whole, so absence means gone
            conflicts_repo.close_missing(ctx.run_id, kinds=CATALOG_KINDS)
        plan.conflicts = len(open_conflicts)

        links_after = {pair.ms.id: pair.rc.id for pair in result.pairs}
        links_after.update({link.ms_id: int(link.rc_id) for link in work.new_links})
        ctx.shared.catalog = CatalogSnapshot(ms=ms_catalog, rc=rc_catalog, links=links_after)
        icml = settings.catalog_mode == CatalogMode.ICML or site.load_from_yml
        gone = _plan_retired(ctx, plan, work, ms_catalog, rc_catalog, links_after, excluded, icml)
        ctx.shared.retired = work.retired = gone
        work.stats.pairs = len(links_after)
        plan.note_more_changes()
        plan.work = work
        plan.stats = work.stats
        ctx.progress(flow, 1, 1, "plan")
        return plan

    def apply(self, ctx: RunContext, plan: FlowPlan[CatalogWork]) -> Counts:
        work = plan.work
        assert work is not None, "the catalog plan always hands its work to apply"
        applier = _Applier(ctx, work)
        counts = applier.counts
        counts.unchanged = plan.counts.unchanged
        counts.skipped = plan.counts.skipped
        try:
            applier.run()
            if work.retired is not None:  # for the stock-only runs that do not read the catalog
                retired.store_retired(ctx.db, ctx.profile_id, work.retired)
        finally:
            snapshot = ctx.shared.catalog
            if isinstance(snapshot, CatalogSnapshot):
                work.stats.pairs = len(snapshot.links)
        if isinstance(snapshot, CatalogSnapshot):
            icml_hook.after_catalog_run(ctx, snapshot)
        return counts


# --- planning ---------------------------------------------------------------------------------------------


def _excluded_links(plan: FlowPlan, work: CatalogWork, excluded: set[str]) -> None:
    """Links to items of excluded folders go, worded as such (the item is not deleted: its offer is left as it
    is, no stock zeroed, nothing deactivated)."""
    for index, stale in enumerate(work.stale):
        if stale.why == "moysklad_gone" and stale.ms_id in excluded:
            work.stale[index] = replace(stale, title=msg("catalog.stale.excluded", rc_id=stale.rc_id))
    count = sum(1 for s in work.stale if s.ms_id in excluded)
    plan.notes.append(msg("catalog.note.excluded", n=len(excluded), unlinked=msg(
        "catalog.note.excluded_links", n=count) if count else msg("catalog.note.excluded_end")))


def _plan_retired(
    ctx: RunContext,
    plan: FlowPlan,
    work: CatalogWork,
    ms: Any,
    rc: Any,
    links: dict[str, int],
    excluded: set[str],
    icml: bool,
) -> retired.RetiredPlan:
    """Archived and deleted goods (retired.py): which offers go to 0, and (catalog kept through the API) which
    products are deactivated or active again; the product edits join the plan's RetailCRM edits."""
    pushed = ctx.db.pushed(ctx.profile_id)
    gone = retired.plan_retired(ms, rc, links, work.stale, pushed.get_many(retired.RETIRED_TARGET), keep_out=excluded)
    if gone.offers:
        archived = sum(1 for why in gone.offers.values() if why == "archived")
        deleted = len(gone.offers) - archived
        plan.notes.append(msg("catalog.note.retired_icml" if icml else "catalog.note.retired",
                              archived=archived, deleted=deleted))
    if icml:
        return gone
    retired.plan_activity(gone, rc, links, pushed.get_many(retired.DEACTIVATED_TARGET).keys())
    edits = {edit.rc_product_id: edit for edit in work.rc_edits}
    for product_id, active in sorted(gone.activate.items()):
        product = rc.products[product_id]
        ms_id = next((m for m, o in links.items() if o in product.offer_ids), "")
        edit = edits.get(product_id)
        if edit is not None:
            edit.changes["active"] = active
        else:
            work.rc_edits.append(RcProductEdit(product_id, ms_id, {"active": active}, None, product.name))
            plan.counts.updated += 1
        why: Message | str = next(
            (retired.WHY_TEXT[gone.offers[o]] for o in product.offer_ids if o in gone.offers), "")
        plan.changes.append(Change(
            flow=Flow.CATALOG,
            action=Action.UPDATE,
            target="retailcrm",
            entity="product",
            ref=str(product_id),
            summary=(msg("catalog.change.deactivate", name=product.name, why=why) if not active
                     else msg("catalog.change.activate", name=product.name)),
            payload={"rc_product_id": product_id, "active": active},
        ))
    return gone


def _site_missing(site_code: str | None) -> SettingsError:
    if site_code:
        message = msg("catalog.site_missing", site=site_code)
    else:
        message = msg("catalog.no_sites")
    return SettingsError("retailcrm", message, reason="not_found", detail="site not found")


def _add_stock_to_conflicts(ctx: RunContext, conflicts: Sequence[Any]) -> None:
    """Put each MoySklad item's stock per warehouse into its conflict data, so a person deciding which of two
    duplicates is the real one sees where the goods are.

    One short stock request for all of them (only when there are conflicts). The figures are a help, not a
    must: if MoySklad is busy, the conflicts are recorded without them, and the journal says so. A refused token
    or a missing permission is never a help to skip quietly: it stops the run like any settings problem.
    """
    items = [data for c in conflicts for data in getattr(c, "ms_data", ()) if isinstance(data, dict) and data.get("id")]
    if not items:
        return
    wanted = {str(d["id"]) for d in items}
    full_report = stock_report.full_on_hand(ctx.shared, ctx.check_cancel)  # read already, while the catalogs were
    if full_report is not None:
        rows = [row for row in full_report if row.assortment_id in wanted and row.value != 0]
    else:
        try:
            rows = ctx.moysklad.stock_current("stock", by_store=True, assortment_ids=sorted(wanted))
        except SettingsError:
            raise
        except SvyazkaApiError as exc:
            ctx.log(Level.WARNING, Flow.CATALOG, msg("catalog.conflict_stock_unread", error=exc.sentence))
            return
    names = {pair.ms_store_id: pair.ms_store_name for pair in ctx.settings.store_pairs}
    if any(row.store_id and row.store_id not in names for row in rows):
        with contextlib.suppress(SvyazkaApiError):
            names.update({store.id: store.name for store in ctx.moysklad.stores()})
    by_item: dict[str, dict[str, str]] = {}
    for row in rows:
        store = names.get(row.store_id or "", "без склада" if row.store_id is None else "другой склад")
        by_item.setdefault(row.assortment_id, {})[store] = format(row.value.normalize(), "f")
    for data in items:
        data["stock"] = by_item.get(str(data["id"]), {})


def _sellable(items: Iterable[MsItem], settings: Any) -> Iterator[MsItem]:
    """The catalog items to match: every one but the delivery-cost service, which the orders flow keeps for
    the delivery line of customer orders (app/sync/orders/delivery.py) and no shop sells as an offer. Left in,
    it would stand as "only in MoySklad" from the run after the first order with a delivery cost."""
    delivery = settings.delivery_service_name or DEFAULT_DELIVERY_NAME
    for item in items:
        if not (item.type == "service" and item.name == delivery):
            yield item
