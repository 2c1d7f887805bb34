"""The catalog flow's plan step: turns a match result into conflicts to record, changes to show, and work
for apply (:class:`_PlanBuilder`). It writes nothing to either service."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from app.messages import Message, msg
from app.sync.catalog.groups import _GroupPlanner
from app.sync.catalog.keys import (
    MatchRule,
    MsItem,
    RcOffer,
    clean_key,
    joined,
    key_of,
    key_title,
    key_word,
    ms_key_texts,
    rc_field_label,
)
from app.sync.catalog.results import Conflict, MatchResult
from app.sync.catalog.source import (
    MsCatalog,
    RcCatalog,
    ms_item_url,
)
from app.sync.catalog.work import (
    CatalogWork,
    MsProductCreate,
    RcProductCreate,
    RcProductEdit,
    _offer_link,
)
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Flow, FlowPlan, Level
from app.sync.text import shorten
from app.vocab import CatalogMode, ConflictKind, Master


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
        icml = settings.catalog_mode == CatalogMode.ICML or icml_site
        may_write_rc = not icml
        if settings.catalog_mode == CatalogMode.CRM and icml_site:
            self.plan.notes.append(msg("catalog.note.icml_site", site=self.rc.site.name))
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
                self._note_skip(item, msg("catalog.skip.icml"))
            elif item.type == "variant":
                self._note_skip(item, msg("catalog.skip.variant"))
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
            edits = self._edits(groups) if settings.master == Master.MOYSKLAD else []
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
            msg("catalog.why.resolution")
            if how == "resolution"
            else msg("catalog.why.key", key=key_word(self.key), value=text)
            if text
            else msg("catalog.why.external")
        )
        return Change(
            flow=Flow.CATALOG,
            action=Action.LINK,
            target="svyazka",
            entity="offer",
            ref=text or item.external_code or item.id,
            summary=msg("catalog.change.link", ms=shorten(item.name), rc=shorten(offer.name), why=why),
            payload={"ms_id": item.id, "rc_id": offer.id},
        )

    def _ms_key_text(self, item: MsItem) -> str | None:
        texts, _ = ms_key_texts(item, self.key)
        return texts[0] if texts else None

    # -- conflicts -----------------------------------------------------------------------------------------
    def _settle_open(self, conflict: Conflict, *, icml: bool) -> MsItem | RcOffer | None:
        """Record an open conflict, or return the item it is about when MoySklad-as-master creates it."""
        settings = self.settings
        if conflict.kind == ConflictKind.ONLY_IN_MOYSKLAD and conflict.ms_data:
            item = self.ms.items.get(str(conflict.ms_data[0]["id"]))
            if item is not None and conflict.reason is None:
                if icml:
                    conflict = replace(
                        conflict,
                        title=msg("catalog.only_ms_icml", title=conflict.title),
                    )
                elif item.type == "variant":
                    conflict = replace(
                        conflict,
                        title=msg("catalog.only_ms_variant", title=conflict.title),
                    )
                elif settings.master == Master.MOYSKLAD and item.external_code:
                    return item  # (the externalCode is how the new product is found again)
        if conflict.kind == ConflictKind.ONLY_IN_RETAILCRM and conflict.rc_data and conflict.reason is None:
            offer = self.rc.offers.get(int(conflict.rc_data[0]["id"]))
            if offer is not None and settings.master == Master.RETAILCRM:
                return offer
        self.open_conflicts.append(conflict)
        return None

    def _note_skip(self, item: MsItem, why: Message) -> None:
        self.plan.counts.skipped += 1
        self.ctx.log(
            Level.WARNING,
            Flow.CATALOG,
            msg("catalog.not_created_rc", name=shorten(item.name), why=why),
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
            where = msg("catalog.part.group", name=shorten(folder.name)) if folder else ""
            key_part = msg("catalog.part.key", key=key_word(self.key), value=text) if text else ""
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="retailcrm",
                    entity="product",
                    ref=text or item.external_code,
                    summary=msg("catalog.change.create_rc", name=shorten(item.name), key_part=key_part, where=where),
                    payload={"ms_id": item.id},
                )
            )
            self.plan.counts.created += 1

    def _rc_edits(self, edits: list[tuple[int, str, dict[str, Any], str | None]]) -> None:
        for rc_product_id, ms_product_id, changes, folder_id in edits:
            rc_product = self.rc.products[rc_product_id]
            parts: list[Message] = []
            if "name" in changes:
                parts.append(msg("catalog.edit.name", before=shorten(rc_product.name), after=shorten(changes["name"])))
            if "article" in changes:
                parts.append(msg("catalog.edit.article", before=rc_product.article or "", after=changes["article"]))
            if folder_id is not None:
                parts.append(msg("catalog.edit.group", name=self.ms.folders[folder_id].name))
            label = changes.get("name") or rc_product.name
            self.work.rc_edits.append(RcProductEdit(rc_product_id, ms_product_id, changes, folder_id, label))
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.UPDATE,
                    target="retailcrm",
                    entity="product",
                    ref=str(rc_product_id),
                    summary=msg("catalog.change.edit_rc", name=label, parts=joined(parts)),
                    payload={"rc_product_id": rc_product_id},
                )
            )
            self.plan.counts.updated += 1

    # -- MoySklad creates ------------------------------------------------------------------------------------
    def _ms_creates(self, offers: Iterable[RcOffer]) -> None:
        for offer in offers:
            product = self.rc.products.get(offer.product_id)
            name = offer.name or (product.name if product else "") or str(msg("catalog.offer_name", id=offer.id))
            text = self.rule.rc_text(offer)
            self.work.ms_creates.append(MsProductCreate(offer=offer, name=name, key_text=text))
            key_part = msg("catalog.part.key_paren", key=key_word(self.key), value=text) if text else ""
            self.plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="moysklad",
                    entity="product",
                    ref=text or str(offer.id),
                    summary=msg("catalog.change.create_ms", name=shorten(name), key_part=key_part),
                    payload={"rc_id": offer.id},
                )
            )
            self.plan.counts.created += 1

    # -- numbers for the wizard --------------------------------------------------------------------------------
    def _stats(self) -> None:
        work, result = self.work, self.result
        only_ms = sum(1 for c in self.open_conflicts if c.kind == ConflictKind.ONLY_IN_MOYSKLAD) + len(work.rc_creates)
        only_rc = sum(1 for c in self.open_conflicts if c.kind == ConflictKind.ONLY_IN_RETAILCRM) + self.auto_ms_creates
        duplicates = sum(1 for c in self.open_conflicts if c.kind == ConflictKind.DUPLICATE_KEY)
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
            msg("catalog.note.found", pairs=pairs, new=len(work.new_links), only_ms=only_ms, only_rc=only_rc,
                duplicates=duplicates, key=key_of(self.key)),
        )
        if not self.rule.usual:
            self.plan.notes.insert(
                1,
                msg("catalog.note.field", key=key_title(self.key), field=rc_field_label(self.rule.rc_field)),
            )
        if work.rc_creates or work.ms_creates or work.group_creates or work.rc_edits:
            self.plan.notes.append(msg("catalog.note.writes", rc_creates=len(work.rc_creates),
                                       groups=len(work.group_creates), rc_edits=len(work.rc_edits),
                                       ms_creates=len(work.ms_creates)))
