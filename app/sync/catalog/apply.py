"""The catalog flow's apply: runs the steps in order (links, reopened decisions, product groups, RetailCRM
creates and edits, MoySklad creates), each recorded in the store as soon as it succeeded (:class:`_Applier`)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from app.messages import msg
from app.money import rub_to_kopecks
from app.store.settings import PricePair
from app.sync.barcodes import ms_barcode
from app.sync.catalog.keys import clean_key, key_word
from app.sync.catalog.products import _RcProductWrites
from app.sync.catalog.source import (
    ms_item_url,
)
from app.sync.catalog.work import (
    CATALOG_KINDS,
    LINK_BATCH,
    MS_CREATE_BATCH,
    MsProductCreate,
)
from app.sync.conflict_key import ConflictKey
from app.sync.model import Counts, Flow, Level
from app.sync.ports import MoySkladPort
from app.sync.text import shorten


class _Applier(_RcProductWrites):
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
            self._log(Level.INFO, msg("catalog.link_removed", title=stale.title), entity_type="offer",
                      entity_ref=stale.ms_id)
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
                    msg("catalog.linked", name=shorten(self._ms_name(link.ms_id)), rc_id=link.rc_id,
                        key_part=msg("catalog.part.key_paren", key=key_word(work.key), value=link.match_key)
                        if link.match_key else ""),
                    entity_type="offer",
                    entity_ref=link.match_key or link.rc_id,
                    entity_url=self._ms_url(link.ms_id),
                )
            self._progress(len(chunk))
        return counts

    def _reopen_dropped(self) -> None:
        if not self.work.reopen:
            return
        repo = self.ctx.db.conflicts(self.ctx.profile_id)
        for conflict_key in self.work.reopen:
            found = repo.get_by_key(ConflictKey.parse(conflict_key).kind, conflict_key)
            if found is not None and found.status != "open":
                repo.reopen(found.id)
        if self.ctx.run_id is not None:
            # reopened decisions whose conflict is gone altogether close as gone, not as open questions
            repo.close_missing(self.ctx.run_id, kinds=CATALOG_KINDS)

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
                        msg("catalog.ms_not_created", name=create.name, error=outcome.message),
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
                    msg("catalog.ms_created", name=create.name),
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
                    msg("catalog.bad_barcode", barcode=shorten(offer.barcode), name=create.name),
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


def _ms_sale_prices(ms: MoySkladPort, pairs: Sequence[PricePair], prices: dict[str, Decimal]) -> list[dict[str, Any]]:
    result = []
    for pair in pairs:
        value = prices.get(pair.rc_price_code)
        if value is not None:
            result.append({"value": rub_to_kopecks(value), "priceType": ms.price_type_meta(pair.ms_price_type_id)})
    return result
