"""Catalog flow: pair MoySklad items with RetailCRM offers, and (MoySklad being the master) fill RetailCRM.

Plan reads both catalogs (:mod:`app.sync.catalog_source`), matches them (:func:`app.sync.matching.match_catalog`)
with the stored links and the user's remembered decisions, records what needs a person as conflicts, and
lists every write. It writes nothing to either service.

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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from app.clients.errors import MaybeApplied, RemoteValidationError, SettingsError, SvyazkaApiError
from app.clients.moysklad_models import ProductFolder
from app.clients.parsing import integer
from app.money import rub_to_kopecks
from app.store import NewLink
from app.store.settings import PricePair
from app.sync import stock_report
from app.sync.barcodes import ms_barcode
from app.sync.catalog_source import (
    SHARED_KEY,
    CatalogSnapshot,
    MsCatalog,
    RcCatalog,
    ms_item_url,
    rc_product_url,
    read_both_catalogs,
    stored_offer_links,
)
from app.sync.engine import RunContext
from app.sync.keys import MatchKey, MatchRule, MsItem, RcOffer, clean_key, ms_key_texts, rc_field_label
from app.sync.matching import Conflict, MatchResult, StaleLink, match_catalog
from app.sync.model import Action, Cancelled, Change, Counts, Flow, FlowPlan, Level
from app.sync.text import shorten

CATALOG_KINDS = ("duplicate_key", "only_in_moysklad", "only_in_retailcrm")
PRODUCT_BATCH = 50  # store/products/batch/create|edit take at most 50 products
READBACK_BATCH = 100  # new products read back per request, by id (100 ids keep the URL well under 8 KB)
MS_CREATE_BATCH = 1000  # MoySklad takes up to 1000 entities per POST
LINK_BATCH = 1000  # links written per store transaction (and cancel check)

_KEY_GENITIVE = {
    MatchKey.ARTICLE: "артикула",
    MatchKey.CODE: "кода",
    MatchKey.EXTERNAL_CODE: "внешнего кода",
    MatchKey.BARCODE: "штрихкода",
}


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after a number: 1 пара, 2 пары, 5 пар, 21 пара."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# --- what plan hands to apply -----------------------------------------------------------------------------


@dataclass
class GroupCreate:
    folder: ProductFolder
    parent_folder_id: str | None  # the parent folder whose group must exist first (None: top level)


@dataclass
class RcProductCreate:
    item: MsItem
    folder_id: str | None
    key_text: str | None


@dataclass
class RcProductEdit:
    rc_product_id: int
    ms_product_id: str
    changes: dict[str, Any]  # name / article as they should become
    folder_id: str | None  # set when the product must move to this folder's group
    label: str


@dataclass
class MsProductCreate:
    offer: RcOffer
    name: str
    key_text: str | None


@dataclass
class CatalogWork:
    """Everything apply does, decided by plan."""

    key: MatchKey
    site_code: str
    catalog_id: int | str | None  # see RcCatalog.catalog_id
    rule: MatchRule | None = None  # the key and the RetailCRM field it meets (None: the key's usual field)
    stale: list[StaleLink] = field(default_factory=list)
    new_links: list[NewLink] = field(default_factory=list)
    reopen: list[str] = field(default_factory=list)  # conflict keys whose remembered decision was dropped
    group_links: list[NewLink] = field(default_factory=list)  # existing RetailCRM groups found by externalId
    stale_group_links: list[str] = field(default_factory=list)  # folder ids whose linked group is gone
    group_ids: dict[str, int] = field(default_factory=dict)  # folder id -> RetailCRM group id (known now)
    group_creates: list[GroupCreate] = field(default_factory=list)
    rc_creates: list[RcProductCreate] = field(default_factory=list)
    rc_edits: list[RcProductEdit] = field(default_factory=list)
    ms_creates: list[MsProductCreate] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)


# --- the flow ----------------------------------------------------------------------------------------------


class CatalogFlow:
    flow = Flow.CATALOG

    def plan(self, ctx: RunContext) -> FlowPlan:
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

        conflicts_repo = ctx.db.conflicts(ctx.profile_id)
        resolutions: dict[str, Any] = {}
        for kind in CATALOG_KINDS:
            resolutions.update(conflicts_repo.resolutions(kind))
        stored_links = stored_offer_links(ctx.db, ctx.profile_id)
        result = match_catalog(
            ms_catalog.items.values(), rc_catalog.offers.values(), key, stored_links, resolutions, rule.rc_field
        )

        plan = FlowPlan(flow=flow)
        work = CatalogWork(key=key, site_code=site.code, catalog_id=rc_catalog.catalog_id, rule=rule)
        builder = _PlanBuilder(ctx, plan, work, ms_catalog, rc_catalog, result, stored_links)
        builder.build(icml_site=site.load_from_yml)

        open_conflicts = builder.open_conflicts
        _add_stock_to_conflicts(ctx, open_conflicts)
        conflicts_repo.record_many(open_conflicts, ctx.run_id)
        conflicts_repo.record_many(result.resolved, ctx.run_id)  # held by a decision: seen, decision kept
        if ctx.run_id is not None:  # every catalog plan reads both catalogs whole, so absence means gone
            conflicts_repo.close_missing(ctx.run_id, kinds=CATALOG_KINDS)
        plan.conflicts = len(open_conflicts)

        links_after = {pair.ms.id: pair.rc.id for pair in result.pairs}
        links_after.update({link.ms_id: int(link.rc_id) for link in work.new_links})
        ctx.shared[SHARED_KEY] = CatalogSnapshot(ms=ms_catalog, rc=rc_catalog, links=links_after)
        work.stats["pairs"] = len(links_after)
        plan.note_more_changes()
        plan.state["work"] = work
        plan.state["stats"] = work.stats
        ctx.progress(flow, 1, 1, "plan")
        return plan

    def apply(self, ctx: RunContext, plan: FlowPlan) -> Counts:
        work: CatalogWork = plan.state["work"]
        applier = _Applier(ctx, work)
        counts = applier.counts
        counts.unchanged = plan.counts.unchanged
        counts.skipped = plan.counts.skipped
        try:
            applier.run()
        finally:
            snapshot = ctx.shared.get(SHARED_KEY)
            if isinstance(snapshot, CatalogSnapshot):
                work.stats["pairs"] = len(snapshot.links)
        return counts


# --- planning ---------------------------------------------------------------------------------------------


class _PlanBuilder:
    """Turns a match result into conflicts to record, changes to show, and work for apply."""

    def __init__(
        self,
        ctx: RunContext,
        plan: FlowPlan,
        work: CatalogWork,
        ms: MsCatalog,
        rc: RcCatalog,
        result: MatchResult,
        stored_links: dict[str, int],
    ) -> None:
        self.ctx = ctx
        self.stored_links = stored_links
        self.plan = plan
        self.work = work
        self.ms = ms
        self.rc = rc
        self.result = result
        self.key = work.key
        self.rule = work.rule or MatchRule.of(work.key)
        self.settings = ctx.settings
        self.open_conflicts: list[Conflict] = []
        self.linked_rc: set[int] = {pair.rc.id for pair in result.pairs}
        self.linked_ms: set[str] = {pair.ms.id for pair in result.pairs}
        self.auto_ms_creates = 0  # only-in-RetailCRM offers created because RetailCRM is the master

    def build(self, *, icml_site: bool) -> None:
        settings = self.settings
        icml = settings.catalog_mode == "icml" or icml_site
        may_write_rc = not icml
        if settings.catalog_mode == "crm" and icml_site:
            self.plan.notes.append(
                f"Каталог магазина «{self.rc.site.name}» в RetailCRM загружается из файла ICML, поэтому Связка "
                "только связывает товары и не создаёт и не меняет их. Если каталог ведётся в RetailCRM, "
                "переключите его в настройках магазина RetailCRM; иначе выберите в Связке способ «файл ICML»."
            )
        self._links_and_stale()
        create_rc: list[MsItem] = []
        create_ms: list[RcOffer] = []
        for conflict in self.result.all_open_conflicts:
            decided = self._settle_open(conflict, icml=icml)
            if isinstance(decided, MsItem):
                create_rc.append(decided)
            elif isinstance(decided, RcOffer):
                create_ms.append(decided)
                self.auto_ms_creates += 1
        for item in self.result.to_create_in_retailcrm:  # a person chose «создать»
            if not may_write_rc:
                self._note_skip(item, "каталог RetailCRM загружается из файла ICML, товар должен прийти из него")
            elif item.type == "variant":
                self._note_skip(item, "RetailCRM не даёт создавать модификации через API; добавьте её в RetailCRM")
            else:
                create_rc.append(item)
        create_ms.extend(self.result.to_create_in_moysklad)
        self.plan.notes.extend(self.result.notes)
        for dropped in self.result.dropped_resolutions:
            self.work.reopen.append(dropped.conflict_key)

        if may_write_rc:
            # (with RetailCRM the master, only a person's «создать» puts anything here, and nothing is edited)
            create_rc = self._link_by_external_id(create_rc)
            groups = _GroupPlanner(self.ctx, self.work, self.ms, self.rc)  # reads RetailCRM's groups if needed
            edits = self._edits(groups) if settings.master == "moysklad" else []
            for item in create_rc:
                groups.need(self.ms.folder_id_of(item.id))
            groups.finish(self.plan)
            self._rc_creates(create_rc)
            self._rc_edits(edits)
        self._ms_creates(create_ms)
        self._stats()

    # -- links ---------------------------------------------------------------------------------------------
    def _links_and_stale(self) -> None:
        work, plan = self.work, self.plan
        for stale in self.result.stale_links:
            work.stale.append(stale)
        for pair in self.result.pairs:
            if pair.how == "link" or self.stored_links.get(pair.ms.id) == pair.rc.id:
                plan.counts.unchanged += 1  # a decision made earlier is already a stored link
                continue
            text = self._ms_key_text(pair.ms)
            work.new_links.append(_offer_link(pair.ms, pair.rc, text))
            if plan.keep_detail():  # thousands on a first run: the first ones are shown, the rest counted
                plan.changes.append(self._link_change(pair.ms, pair.rc, text, pair.how))
            plan.counts.created += 1

    def _link_change(self, item: MsItem, offer: RcOffer, text: str | None, how: str) -> Change:
        why = (
            "по решению, принятому вручную"
            if how == "resolution"
            else f"{self.key.label.lower()} «{text}»"
            if text
            else "по внешнему коду"
        )
        return Change(
            flow=Flow.CATALOG,
            action=Action.LINK,
            target="svyazka",
            entity="offer",
            ref=text or item.external_code or item.id,
            summary=(
                f"Связать товар МойСклад «{shorten(item.name)}» с предложением RetailCRM «{shorten(offer.name)}» "
                f"({why})"
            ),
            payload={"ms_id": item.id, "rc_id": offer.id},
        )

    def _ms_key_text(self, item: MsItem) -> str | None:
        texts, _ = ms_key_texts(item, self.key)
        return texts[0] if texts else None

    # -- conflicts -----------------------------------------------------------------------------------------
    def _settle_open(self, conflict: Conflict, *, icml: bool) -> MsItem | RcOffer | None:
        """Record an open conflict, or return the item it is about when MoySklad-as-master creates it."""
        settings = self.settings
        if conflict.kind == "only_in_moysklad" and conflict.ms_data:
            item = self.ms.items.get(str(conflict.ms_data[0]["id"]))
            if item is not None and conflict.reason is None:
                if icml:
                    conflict = replace(
                        conflict,
                        title=f"{conflict.title}. Каталог RetailCRM загружается из файла ICML: товар появится в "
                        "RetailCRM, когда попадёт в этот файл, и тогда Связка свяжет его сама",
                    )
                elif item.type == "variant":
                    conflict = replace(
                        conflict,
                        title=f"{conflict.title}. RetailCRM не даёт создавать модификации через API: добавьте "
                        "это торговое предложение в каталог RetailCRM вручную (с тем же ключом), и Связка "
                        "свяжет его сама",
                    )
                elif settings.master == "moysklad" and item.external_code:
                    return item  # (the externalCode is how the new product is found again)
        if conflict.kind == "only_in_retailcrm" and conflict.rc_data and conflict.reason is None:
            offer = self.rc.offers.get(int(conflict.rc_data[0]["id"]))
            if offer is not None and settings.master == "retailcrm":
                return offer
        self.open_conflicts.append(conflict)
        return None

    def _note_skip(self, item: MsItem, why: str) -> None:
        self.plan.counts.skipped += 1
        self.ctx.log(
            Level.WARNING,
            Flow.CATALOG,
            f"«{shorten(item.name)}» не создаётся в RetailCRM: {why}.",
            entity_type=item.type,
            entity_ref=item.article or item.code or item.external_code,
            entity_url=ms_item_url(item, item.id),
        )

    # -- RetailCRM creates and edits -------------------------------------------------------------------------
    def _link_by_external_id(self, items: list[MsItem]) -> list[MsItem]:
        """Items whose product already exists in RetailCRM (same externalId: e.g. created by a run that
        stopped before reading it back) are linked instead of created a second time."""
        by_external: dict[str, int] = {}
        for product in self.rc.products.values():
            if product.external_id and len(product.offer_ids) == 1:
                by_external.setdefault(product.external_id, product.offer_ids[0])
        remaining: list[MsItem] = []
        for item in items:
            offer_id = by_external.get(item.external_code) if item.external_code else None
            offer = self.rc.offers.get(offer_id) if offer_id is not None else None
            if offer is None or offer.id in self.linked_rc or item.id in self.linked_ms:
                remaining.append(item)
                continue
            self.linked_rc.add(offer.id)
            self.linked_ms.add(item.id)
            text = self._ms_key_text(item)
            self.work.new_links.append(_offer_link(item, offer, text))
            if self.plan.keep_detail():
                self.plan.changes.append(self._link_change(item, offer, None, "external"))
            self.plan.counts.created += 1
        return remaining

    def _edits(self, groups: _GroupPlanner) -> list[tuple[int, str, dict[str, Any], str | None]]:
        """Linked RetailCRM products whose name, article or group differ from their MoySklad product."""
        ms_of_rc: dict[int, set[str]] = {}
        for pair in self.result.pairs:
            product = self.ms.product_of(pair.ms.id)
            if product is not None:
                ms_of_rc.setdefault(pair.rc.product_id, set()).add(product.id)
        for link in self.work.new_links:  # pairs found by external id
            offer = self.rc.offers.get(int(link.rc_id))
            product = self.ms.product_of(link.ms_id)
            if offer is not None and product is not None:
                ms_of_rc.setdefault(offer.product_id, set()).add(product.id)
        edits: list[tuple[int, str, dict[str, Any], str | None]] = []
        for rc_product_id, ms_ids in sorted(ms_of_rc.items()):
            if len(ms_ids) != 1:
                continue  # offers of one RetailCRM card linked to different MoySklad products: not ours to merge
            ms_product = self.ms.products[next(iter(ms_ids))]
            rc_product = self.rc.products.get(rc_product_id)
            if rc_product is None:
                continue
            changes: dict[str, Any] = {}
            if ms_product.name and ms_product.name != rc_product.name:
                changes["name"] = ms_product.name
            article = clean_key(ms_product.article)
            if article is not None and article != rc_product.article:
                changes["article"] = article
            folder_id = ms_product.folder_id if ms_product.folder_id in self.ms.folders else None
            move_to: str | None = None
            if folder_id is not None:
                groups.need(folder_id)
                group_id = groups.known_id(folder_id)
                if group_id is None or group_id not in rc_product.group_ids:
                    move_to = folder_id
            if changes or move_to is not None:
                edits.append((rc_product_id, ms_product.id, changes, move_to))
        return edits

    def _rc_creates(self, items: list[MsItem]) -> None:
        for item in items:
            folder_id = self.ms.folder_id_of(item.id)
            text = self._ms_key_text(item)
            self.work.rc_creates.append(RcProductCreate(item=item, folder_id=folder_id, key_text=text))
            folder = self.ms.folders.get(folder_id or "")
            where = f" в группе «{shorten(folder.name)}»" if folder else ""
            key_part = f", {self.key.label.lower()} «{text}»" if text else ""
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="retailcrm",
                    entity="product",
                    ref=text or item.external_code,
                    summary=f"Создать в RetailCRM товар «{shorten(item.name)}»{key_part}{where}",
                    payload={"ms_id": item.id},
                )
            )
            self.plan.counts.created += 1

    def _rc_edits(self, edits: list[tuple[int, str, dict[str, Any], str | None]]) -> None:
        for rc_product_id, ms_product_id, changes, folder_id in edits:
            rc_product = self.rc.products[rc_product_id]
            parts = []
            if "name" in changes:
                parts.append(f"название «{shorten(rc_product.name)}» → «{shorten(changes['name'])}»")
            if "article" in changes:
                parts.append(f"артикул «{rc_product.article or ''}» → «{changes['article']}»")
            if folder_id is not None:
                parts.append(f"группа → «{self.ms.folders[folder_id].name}»")
            label = changes.get("name") or rc_product.name
            self.work.rc_edits.append(RcProductEdit(rc_product_id, ms_product_id, changes, folder_id, label))
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.UPDATE,
                    target="retailcrm",
                    entity="product",
                    ref=str(rc_product_id),
                    summary=f"Изменить в RetailCRM товар «{label}»: {', '.join(parts)}",
                    payload={"rc_product_id": rc_product_id},
                )
            )
            self.plan.counts.updated += 1

    # -- MoySklad creates ------------------------------------------------------------------------------------
    def _ms_creates(self, offers: Iterable[RcOffer]) -> None:
        for offer in offers:
            product = self.rc.products.get(offer.product_id)
            name = offer.name or (product.name if product else "") or f"Предложение {offer.id}"
            text = self.rule.rc_text(offer)
            self.work.ms_creates.append(MsProductCreate(offer=offer, name=name, key_text=text))
            key_part = f" ({self.key.label.lower()} «{text}»)" if text else ""
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="moysklad",
                    entity="product",
                    ref=text or str(offer.id),
                    summary=f"Создать в МойСклад товар «{shorten(name)}»{key_part} по предложению RetailCRM",
                    payload={"rc_id": offer.id},
                )
            )
            self.plan.counts.created += 1

    # -- numbers for the wizard --------------------------------------------------------------------------------
    def _stats(self) -> None:
        work, result = self.work, self.result
        only_ms = sum(1 for c in self.open_conflicts if c.kind == "only_in_moysklad") + len(work.rc_creates)
        only_rc = sum(1 for c in self.open_conflicts if c.kind == "only_in_retailcrm") + self.auto_ms_creates
        duplicates = sum(1 for c in self.open_conflicts if c.kind == "duplicate_key")
        work.stats.update(
            new_pairs=len(work.new_links),
            only_in_moysklad=only_ms,
            only_in_retailcrm=only_rc,
            duplicates=duplicates,
            to_create=len(work.rc_creates) + len(work.ms_creates),
            variant_code_fallbacks=result.variant_code_fallbacks,
            # how well the key and field fit: items whose key the other side carries too, of all active ones
            key_matched=result.key_matched,
            ms_items=sum(1 for item in self.ms.items.values() if not item.archived),
            rc_offers=sum(1 for offer in self.rc.offers.values() if offer.active),
            # for the safety check before writing (app/sync/safety.py)
            links_before=len(self.stored_links),
            links_dropped=len(work.stale),
        )
        pairs = len({p.ms.id for p in result.pairs} | {link.ms_id for link in work.new_links})
        self.plan.notes.insert(
            0,
            f"Найдено {pairs} {plural(pairs, 'пара', 'пары', 'пар')} "
            f"(новых {len(work.new_links)}), {only_ms} только в МойСклад, {only_rc} только в RetailCRM, "
            f"{duplicates} {plural(duplicates, 'дубль', 'дубля', 'дублей')} {_KEY_GENITIVE[self.key]}.",
        )
        if not self.rule.usual:
            self.plan.notes.insert(
                1,
                f"{self.key.label} МойСклад сравнивается с полем RetailCRM: {rc_field_label(self.rule.rc_field)}.",
            )
        if work.rc_creates or work.ms_creates or work.group_creates or work.rc_edits:
            self.plan.notes.append(
                f"Будет создано в RetailCRM товаров: {len(work.rc_creates)}, групп: {len(work.group_creates)}; "
                f"изменено товаров RetailCRM: {len(work.rc_edits)}; создано в МойСклад: {len(work.ms_creates)}."
            )


class _GroupPlanner:
    """Which RetailCRM product group stands for each MoySklad folder, and which must be created."""

    def __init__(self, ctx: RunContext, work: CatalogWork, ms: MsCatalog, rc: RcCatalog) -> None:
        self.ctx = ctx
        self.work = work
        self.ms = ms
        self.needed: set[str] = set()
        self._loaded = False
        self._stored: dict[str, int] = {}
        self._by_external: dict[str, int] = {}
        self._existing: set[int] = set()
        self._site = rc.site.code

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        groups = list(self.ctx.retailcrm.iter_product_groups(filter={"sites": [self._site]}))
        self._existing = {g.id for g in groups}
        for group in groups:
            if group.external_id:
                self._by_external.setdefault(group.external_id, group.id)
        for folder_id, link in self.ctx.db.links(self.ctx.profile_id).all("product_group").items():
            try:
                self._stored[folder_id] = int(link.rc_id)
            except ValueError:
                continue

    def known_id(self, folder_id: str) -> int | None:
        """The RetailCRM group of a folder if it exists now (linked, or found by externalId)."""
        self._load()
        group_id = self._stored.get(folder_id)
        if group_id is not None and group_id in self._existing:
            return group_id
        folder = self.ms.folders.get(folder_id)
        if folder is not None and folder.external_code:
            return self._by_external.get(folder.external_code)
        return None

    def need(self, folder_id: str | None) -> None:
        while folder_id is not None and folder_id in self.ms.folders and folder_id not in self.needed:
            self.needed.add(folder_id)
            folder_id = self.ms.folders[folder_id].parent_id

    def finish(self, plan: FlowPlan) -> None:
        if not self.needed:
            return
        self._load()
        work = self.work
        for folder_id in self._ordered(self.needed):
            folder = self.ms.folders[folder_id]
            stored = self._stored.get(folder_id)
            if stored is not None and stored in self._existing:
                work.group_ids[folder_id] = stored
                continue
            if stored is not None:
                work.stale_group_links.append(folder_id)
            found = self._by_external.get(folder.external_code) if folder.external_code else None
            if found is not None:
                work.group_ids[folder_id] = found
                work.group_links.append(
                    NewLink(
                        kind="product_group",
                        ms_id=folder_id,
                        rc_id=str(found),
                        ms_type="productfolder",
                        rc_ext=folder.external_code,
                    )
                )
                continue
            parent = folder.parent_id if folder.parent_id in self.ms.folders else None
            work.group_creates.append(GroupCreate(folder=folder, parent_folder_id=parent))
            plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="retailcrm",
                    entity="product_group",
                    ref=folder.external_code or folder.id,
                    summary=f"Создать в RetailCRM группу товаров «{shorten(folder.name)}»",
                    payload={"folder_id": folder_id},
                )
            )
            plan.counts.created += 1

    def _ordered(self, folder_ids: set[str]) -> list[str]:
        """Parents before children, otherwise by name (so plans read the same every time)."""
        depth: dict[str, int] = {}

        def level(folder_id: str) -> int:
            if folder_id not in depth:
                parent = self.ms.folders[folder_id].parent_id
                depth[folder_id] = 0
                depth[folder_id] = level(parent) + 1 if parent in self.ms.folders and parent else 0
            return depth[folder_id]

        return sorted(folder_ids, key=lambda f: (level(f), self.ms.folders[f].name, f))


# --- applying ----------------------------------------------------------------------------------------------


class _CatalogRefused(Exception):
    """RetailCRM refused the catalogId of a product create: every other create would be refused alike."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _catalog_refusal(exc: RemoteValidationError) -> str | None:
    """The service's words when it refused ``catalogId`` (``errors`` keys like ``products[0].catalogId``)."""
    return next((e.message for e in exc.errors if e.field and e.field.endswith("catalogId")), None)


class _Applier:
    def __init__(self, ctx: RunContext, work: CatalogWork) -> None:
        self.ctx = ctx
        self.work = work
        self.counts = Counts()
        self.links = ctx.db.links(ctx.profile_id)
        snapshot = ctx.shared.get(SHARED_KEY)
        self.snapshot = snapshot if isinstance(snapshot, CatalogSnapshot) else None
        self.account_url = getattr(ctx.retailcrm, "account_url", "")
        self.total = (
            len(work.new_links)
            + len(work.group_creates)
            + len(work.rc_creates)
            + len(work.rc_edits)
            + len(work.ms_creates)
        )
        self.done = 0

    def _progress(self, step: int) -> None:
        self.done += step
        self.ctx.progress(Flow.CATALOG, self.done, self.total, "apply")

    def _log(self, level: Level, message: str, **kwargs: Any) -> None:
        self.ctx.log(level, Flow.CATALOG, message, **kwargs)

    def run(self) -> None:
        self._links()
        self._reopen_dropped()
        if self.work.group_creates or self.work.group_links or self.work.stale_group_links:
            self._groups()
        if self.work.rc_creates:
            self._rc_creates()
        if self.work.rc_edits:
            self._rc_edits()
        if self.work.ms_creates:
            self._ms_creates()

    # -- links --------------------------------------------------------------------------------------------------
    def _links(self) -> None:
        work = self.work
        for stale in work.stale:
            self.links.remove("offer", ms_id=stale.ms_id)
            if self.snapshot is not None and self.snapshot.links.get(stale.ms_id) == stale.rc_id:
                del self.snapshot.links[stale.ms_id]
            self._log(Level.INFO, f"{stale.title}. Связь удалена.", entity_type="offer", entity_ref=stale.ms_id)
        if work.new_links:
            # The run goes on with the links in memory (ctx.shared), so storing 50,000 of them with a log line
            # each need not hold up the stock uploads: it runs beside them (inline without background writes).
            self.ctx.defer_bookkeeping(Flow.CATALOG, self._store_new_links, into=self.counts)

    def _store_new_links(self) -> Counts:
        work = self.work
        counts = Counts()
        new_links = work.new_links
        for start in range(0, len(new_links), LINK_BATCH):  # no Stop check: local records of matches made
            chunk = new_links[start : start + LINK_BATCH]
            self.links.bulk_upsert(chunk)
            counts.created += len(chunk)
            for link in chunk:
                self._log(
                    Level.INFO,
                    f"Связаны: «{shorten(self._ms_name(link.ms_id))}» в МойСклад и предложение RetailCRM {link.rc_id}"
                    + (f" ({work.key.label.lower()} «{link.match_key}»)." if link.match_key else "."),
                    entity_type="offer",
                    entity_ref=link.match_key or link.rc_id,
                    entity_url=self._ms_url(link.ms_id),
                )
            self._progress(len(chunk))
        return counts

    def _ms_name(self, ms_id: str) -> str:
        item = self.snapshot.ms.items.get(ms_id) if self.snapshot else None
        return item.name if item is not None else ms_id

    def _ms_url(self, ms_id: str) -> str:
        item = self.snapshot.ms.items.get(ms_id) if self.snapshot else None
        return ms_item_url(item, ms_id)

    def _reopen_dropped(self) -> None:
        if not self.work.reopen:
            return
        repo = self.ctx.db.conflicts(self.ctx.profile_id)
        for conflict_key in self.work.reopen:
            kind = conflict_key.split(":", 1)[0]
            found = repo.get_by_key(kind, conflict_key)
            if found is not None and found.status != "open":
                repo.reopen(found.id)
        if self.ctx.run_id is not None:
            # reopened decisions whose conflict is gone altogether close as gone, not as open questions
            repo.close_missing(self.ctx.run_id, kinds=CATALOG_KINDS)

    # -- product groups -------------------------------------------------------------------------------------------
    def _groups(self) -> None:
        work = self.work
        for folder_id in work.stale_group_links:
            self.links.remove("product_group", ms_id=folder_id)
        if work.group_links:
            self.links.bulk_upsert(work.group_links)
        for create in work.group_creates:
            self.ctx.check_cancel()
            folder = create.folder
            body: dict[str, Any] = {"name": folder.name, "active": True, "site": work.site_code}
            if folder.external_code:
                body["externalId"] = folder.external_code
            if create.parent_folder_id is not None:
                parent_id = work.group_ids.get(create.parent_folder_id)
                if parent_id is None:
                    self._log(
                        Level.WARNING,
                        f"Группа «{shorten(folder.name)}» не создана: не удалось создать её родительскую "
                        "группу. Связка попробует снова при следующей синхронизации.",
                    )
                    self.counts.failed += 1
                    continue
                body["parentId"] = parent_id
            try:
                group_id = self.ctx.retailcrm.create_product_group(body, site=work.site_code)
            except MaybeApplied:
                self.counts.failed += 1
                self._log(
                    Level.WARNING,
                    f"Не удалось узнать, создана ли в RetailCRM группа «{shorten(folder.name)}»: "
                    "связь прервалась. При следующей синхронизации Связка найдёт её и свяжет.",
                )
                continue
            except RemoteValidationError as exc:
                self.counts.failed += 1
                self._log(Level.ERROR, f"Группа товаров «{shorten(folder.name)}» не создана в RetailCRM. {exc.message}")
                continue
            work.group_ids[folder.id] = group_id
            self.links.bulk_upsert(
                [
                    NewLink(
                        kind="product_group",
                        ms_id=folder.id,
                        rc_id=str(group_id),
                        ms_type="productfolder",
                        rc_ext=folder.external_code,
                    )
                ]
            )
            self.counts.created += 1
            self._log(
                Level.INFO,
                f"Создана группа товаров RetailCRM «{shorten(folder.name)}».",
                entity_type="product_group",
                entity_ref=folder.external_code,
            )
            self._progress(1)

    def _edit_batch(self, batch: list[RcProductEdit], payload: list[dict[str, Any]], refused: set[int]) -> set[int]:
        """Send edits; returns ids RetailCRM did not find. Refused batches are retried one by one."""
        try:
            result = self.ctx.retailcrm.products_batch_edit(payload)
        except RemoteValidationError as exc:
            if len(batch) > 1:
                missing: set[int] = set()
                for edit, body in zip(batch, payload, strict=True):
                    missing |= self._edit_batch([edit], [body], refused)
                return missing
            edit = batch[0]
            refused.add(edit.rc_product_id)
            self.counts.failed += 1
            self._log(
                Level.ERROR,
                f"RetailCRM не принял изменения товара «{edit.label}». {exc.message}",
                entity_type="product",
                entity_ref=str(edit.rc_product_id),
                entity_url=rc_product_url(self.account_url, edit.rc_product_id),
            )
            return set()
        # "12abc" from the service is no product id of ours: nothing to look up for it (never a crash)
        return {i for i in (integer(p.get("id")) for p in result.not_found) if i}

    def _group_refs(self, folder_id: str | None) -> list[dict[str, int]] | None:
        if folder_id is None:
            return None
        group_id = self.work.group_ids.get(folder_id)
        return [{"id": group_id}] if group_id is not None else None

    # -- RetailCRM products ---------------------------------------------------------------------------------------
    def _rc_creates(self) -> None:
        work = self.work
        waiting: list[int] = []  # ids of created products not read back yet
        by_external: dict[str, RcProductCreate] = {}  # the product's externalId tells which item it came from
        try:
            for start in range(0, len(work.rc_creates), PRODUCT_BATCH):
                self.ctx.check_cancel()
                batch = work.rc_creates[start : start + PRODUCT_BATCH]
                payload = [self._create_body(c) for c in batch]
                for create in batch:
                    by_external[create.item.external_code] = create
                try:
                    waiting.extend(self._create_batch(batch, payload))
                except _CatalogRefused as refused:
                    reason = refused.reason.rstrip(".")
                    self._no_catalog(len(work.rc_creates) - start, f"RetailCRM ответил «{reason}»")
                    break
                if len(waiting) >= READBACK_BATCH:
                    self._read_back(waiting, by_external)
                self._progress(len(batch))
        except Cancelled:
            self._read_back(waiting, by_external)
            raise
        self._read_back(waiting, by_external)

    def _no_catalog(self, count: int, why: str) -> None:
        """Creates that cannot name a catalog RetailCRM takes: one clear line, not one error per product."""
        self.counts.failed += count
        catalog_id = self.work.catalog_id
        catalog = (f" (catalogId «{catalog_id}»)" if catalog_id is not None
                   else " (в справочнике магазинов RetailCRM каталог не указан)")
        self._log(
            Level.ERROR,
            f"Связка не может создать в RetailCRM новые товары из МойСклад ({count}): каталог магазина "
            f"«{self.work.site_code}»{catalog} не подходит для создания товаров через API — {why}. "
            "Уже связанные товары, их остатки и цены передаются как обычно. Создайте эти товары в RetailCRM "
            "сами (или выгружайте каталог файлом ICML: способ «файл ICML» в настройках Связки) — при следующей "
            "синхронизации Связка их свяжет.",
        )

    def _create_batch(self, batch: list[RcProductCreate], payload: list[dict[str, Any]]) -> list[int]:
        """Create a batch; the ids RetailCRM gave. A refused batch is retried one product at a time (a
        refusal changes nothing), so one bad product never holds back the other 49."""
        try:
            return list(self.ctx.retailcrm.products_batch_create(payload).added_ids)
        except MaybeApplied:
            self.counts.failed += len(batch)
            self._log(
                Level.WARNING,
                f"Связь с RetailCRM прервалась во время создания {len(batch)} товаров: "
                "неизвестно, созданы ли они. При следующей синхронизации Связка найдёт созданные "
                "по внешнему коду и свяжет их, а остальные создаст.",
            )
            return []
        except RemoteValidationError as exc:
            refusal = _catalog_refusal(exc)
            if refusal is not None:
                raise _CatalogRefused(refusal) from exc  # the same for every product: no one-by-one retry
            if len(batch) > 1:
                added: list[int] = []
                for create, body in zip(batch, payload, strict=True):
                    added.extend(self._create_batch([create], [body]))
                return added
            item = batch[0].item
            self.counts.failed += 1
            self._log(
                Level.ERROR,
                f"RetailCRM не создал товар «{shorten(item.name)}». {exc.message}",
                entity_type=item.type,
                entity_ref=batch[0].key_text or item.external_code,
                entity_url=ms_item_url(item, item.id),
            )
            return []

    def _create_body(self, create: RcProductCreate) -> dict[str, Any]:
        item = create.item
        body: dict[str, Any] = {"name": item.name, "externalId": item.external_code, "active": True}
        if self.work.catalog_id is not None:
            body["catalogId"] = self.work.catalog_id
        article = clean_key(item.article)
        if article is not None:
            body["article"] = article
        groups = self._group_refs(create.folder_id)
        if groups:
            body["groups"] = groups
        return body

    def _read_back(self, waiting: list[int], by_external: dict[str, RcProductCreate]) -> None:
        """Find the offers RetailCRM made for the new products and link them (one request per 250)."""
        if not waiting:
            return
        ids = list(waiting)
        waiting.clear()
        products = list(self.ctx.retailcrm.iter_products(filter={"ids": ids, "sites": [self.work.site_code]}))
        new_links: list[NewLink] = []
        for product in products:
            create = by_external.get(product.external_id or "")
            if create is None:
                continue
            item = create.item
            offer = next((o for o in product.offers if o.xml_id == item.external_code), None) or next(
                iter(product.offers), None
            )
            self.counts.created += 1
            url = rc_product_url(self.account_url, product.id)
            if offer is None:
                self._log(
                    Level.WARNING,
                    f"Товар «{shorten(item.name)}» создан в RetailCRM, но торгового предложения у него "
                    "нет, поэтому связать его не с чем. Добавьте предложение в RetailCRM.",
                    entity_type="product",
                    entity_ref=item.external_code,
                    entity_url=url,
                )
                continue
            new_links.append(_offer_link(item, offer, create.key_text))
            if self.snapshot is not None:
                self.snapshot.rc.add_product(product, self.work.site_code)
                self.snapshot.links[item.id] = offer.id
            self._log(
                Level.INFO,
                f"Создан товар RetailCRM «{shorten(item.name)}» и связан с товаром МойСклад.",
                entity_type="product",
                entity_ref=create.key_text or item.external_code,
                entity_url=url,
            )
        if new_links:
            self.links.bulk_upsert(new_links)

    def _rc_edits(self) -> None:
        edits = self.work.rc_edits
        for start in range(0, len(edits), PRODUCT_BATCH):
            self.ctx.check_cancel()
            batch = edits[start : start + PRODUCT_BATCH]
            payload = []
            for edit in batch:
                body: dict[str, Any] = {"id": edit.rc_product_id, **edit.changes}
                groups = self._group_refs(edit.folder_id)
                if groups:
                    body["groups"] = groups
                payload.append(body)
            refused: set[int] = set()
            missing = self._edit_batch(batch, payload, refused)
            for edit in batch:
                if edit.rc_product_id in refused:
                    continue
                url = rc_product_url(self.account_url, edit.rc_product_id)
                if edit.rc_product_id in missing:
                    self.counts.failed += 1
                    self._log(
                        Level.WARNING,
                        f"Товар «{edit.label}» не найден в RetailCRM: возможно, его удалили. "
                        "При следующей синхронизации Связка проверит связи.",
                        entity_url=url,
                    )
                    continue
                self.counts.updated += 1
                what = ", ".join({"name": "название", "article": "артикул"}[k] for k in edit.changes) + (
                    ", группа" if edit.folder_id else ""
                )
                self._log(
                    Level.INFO,
                    f"Товар RetailCRM «{edit.label}» приведён к МойСклад: {what.lstrip(', ')}.",
                    entity_type="product",
                    entity_ref=str(edit.rc_product_id),
                    entity_url=url,
                )
            self._progress(len(batch))

    # -- MoySklad products -----------------------------------------------------------------------------------------
    def _ms_creates(self) -> None:
        creates = self.work.ms_creates
        for start in range(0, len(creates), MS_CREATE_BATCH):
            self.ctx.check_cancel()
            batch = creates[start : start + MS_CREATE_BATCH]
            bodies: list[dict[str, Any]] = []
            sent: list[MsProductCreate] = []
            for create in batch:
                offer = create.offer
                link = self.links.reserve(
                    "offer", offer.id, ms_type="product", rc_ext=offer.xml_id, match_key=create.key_text
                )
                if link.is_complete:
                    continue  # created by an earlier run that stopped before reporting
                bodies.append(self._ms_body(create, link.sync_id or ""))
                sent.append(create)
            if not bodies:
                continue
            results = self.ctx.moysklad.create_many("product", bodies)
            for create, outcome in zip(sent, results, strict=True):
                offer = create.offer
                if not isinstance(outcome, dict):
                    self.counts.failed += 1
                    self._log(
                        Level.ERROR,
                        f"МойСклад не создал товар «{create.name}»: {outcome.message}.",
                        entity_type="product",
                        entity_ref=create.key_text or str(offer.id),
                    )
                    continue
                ms_id = str(outcome.get("id"))
                self.links.complete(
                    "offer", offer.id, ms_id, ms_type="product", rc_ext=offer.xml_id, match_key=create.key_text
                )
                if self.snapshot is not None:
                    self.snapshot.links[ms_id] = offer.id
                self.counts.created += 1
                self._log(
                    Level.INFO,
                    f"Создан товар МойСклад «{create.name}» и связан с предложением RetailCRM.",
                    entity_type="product",
                    entity_ref=create.key_text or str(offer.id),
                    entity_url=ms_item_url(None, ms_id),
                )
            self._progress(len(batch))

    def _ms_body(self, create: MsProductCreate, sync_id: str) -> dict[str, Any]:
        offer = create.offer
        body: dict[str, Any] = {"name": create.name, "syncId": sync_id}
        article = clean_key(offer.article)
        if article is not None:
            body["article"] = article
        if offer.xml_id:
            body["externalCode"] = offer.xml_id
        if offer.barcode and offer.barcode.strip():
            barcode = ms_barcode(offer.barcode)
            if barcode is not None:
                body["barcodes"] = [barcode]
            else:
                self._log(
                    Level.WARNING,
                    f"Штрихкод «{shorten(offer.barcode)}» товара «{create.name}» не передан в МойСклад: это не "
                    "EAN-13 и не текст для Code 128 (латинские буквы, цифры и знаки, до 255 символов). "
                    "Товар создаётся без штрихкода; проверьте штрихкод в RetailCRM и добавьте верный "
                    "в карточку товара в МойСклад.",
                    entity_type="product",
                    entity_ref=create.key_text or str(offer.id),
                )
        snapshot = self.snapshot
        if snapshot is not None:
            prices = snapshot.rc.prices.get(offer.id, {})
            body_prices = _ms_sale_prices(self.ctx.moysklad, self.ctx.settings.price_pairs, prices)
            if body_prices:
                body["salePrices"] = body_prices
            cost = snapshot.rc.purchase_prices.get(offer.id)
            if cost is not None:
                body["buyPrice"] = {"value": rub_to_kopecks(cost)}
        return body


def _offer_link(item: MsItem, offer: RcOffer, match_key: str | None) -> NewLink:
    """The stored link of a MoySklad item and the RetailCRM offer it sells as."""
    return NewLink(
        kind="offer", ms_id=item.id, rc_id=str(offer.id), ms_type=item.type, rc_ext=offer.xml_id, match_key=match_key
    )


def _ms_sale_prices(ms: Any, pairs: Sequence[PricePair], prices: dict[str, Decimal]) -> list[dict[str, Any]]:
    result = []
    for pair in pairs:
        value = prices.get(pair.rc_price_code)
        if value is not None:
            result.append({"value": rub_to_kopecks(value), "priceType": ms.price_type_meta(pair.ms_price_type_id)})
    return result


def _site_missing(site_code: str | None) -> SettingsError:
    if site_code:
        message = (
            f"В RetailCRM нет магазина «{site_code}», выбранного в настройках Связки (или ключ API его не видит). "
            "Откройте настройки и выберите магазин заново."
        )
    else:
        message = "В аккаунте RetailCRM нет ни одного магазина. Создайте магазин в RetailCRM и запустите синхронизацию."
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
            ctx.log(Level.WARNING, Flow.CATALOG, "Остатки товаров из конфликтов не показаны: МойСклад не ответил на "
                    f"запрос остатков. {exc.message}")
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
