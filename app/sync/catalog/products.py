"""Apply's RetailCRM product writes: create new products in batches and link the offers they get, bring
linked products' name, article and group in line with MoySklad (:class:`_RcProductWrites`)."""

from __future__ import annotations

from typing import Any

from app.clients.errors import MaybeApplied, RemoteValidationError
from app.clients.parsing import integer
from app.messages import Message, msg
from app.store import NewLink
from app.sync.catalog.groups import _GroupWrites
from app.sync.catalog.keys import clean_key, joined
from app.sync.catalog.retired import DEACTIVATED_TARGET
from app.sync.catalog.source import (
    ms_item_url,
    rc_product_url,
)
from app.sync.catalog.work import (
    PRODUCT_BATCH,
    READBACK_BATCH,
    RcProductCreate,
    RcProductEdit,
    _offer_link,
)
from app.sync.model import Cancelled, Level
from app.sync.text import shorten


class _CatalogRefused(Exception):
    """RetailCRM refused the catalogId of a product create: every other create would be refused alike."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _catalog_refusal(exc: RemoteValidationError) -> str | None:
    """The service's words when it refused ``catalogId`` (``errors`` keys like ``products[0].catalogId``)."""
    return next((e.message for e in exc.errors if e.field and e.field.endswith("catalogId")), None)


class _RcProductWrites(_GroupWrites):
    """Apply's RetailCRM product steps."""

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
                msg("catalog.edit_refused", name=edit.label, error=exc.sentence),
                entity_type="product",
                entity_ref=str(edit.rc_product_id),
                entity_url=rc_product_url(self.account_url, edit.rc_product_id),
            )
            return set()
        # "12abc" from the service is no product id of ours: nothing to look up for it (never a crash)
        return {i for i in (integer(p.get("id")) for p in result.not_found) if i}

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
                    self._no_catalog(len(work.rc_creates) - start, msg("catalog.rc_answered", reason=reason))
                    break
                if len(waiting) >= READBACK_BATCH:
                    self._read_back(waiting, by_external)
                self._progress(len(batch))
        except Cancelled:
            self._read_back(waiting, by_external)
            raise
        self._read_back(waiting, by_external)

    def _no_catalog(self, count: int, why: Message) -> None:
        """Creates that cannot name a catalog RetailCRM takes: one clear line, not one error per product."""
        self.counts.failed += count
        catalog_id = self.work.catalog_id
        catalog = (msg("catalog.catalog_id", id=catalog_id) if catalog_id is not None
                   else msg("catalog.catalog_none"))
        self._log(
            Level.ERROR,
            msg("catalog.no_catalog", count=count, site=self.work.site_code, catalog=catalog, why=why),
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
                msg("catalog.create_maybe", n=len(batch)),
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
                msg("catalog.rc_not_created", name=shorten(item.name), error=exc.sentence),
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
        if item.type == "service":
            # RetailCRM products are "product" or "service" (retailcrm-api.md §5.4 product fields;
            # Store/testProducts.json records ``"type": "product"``): a MoySklad service is made a service
            body["type"] = "service"
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
                    msg("catalog.rc_no_offer", name=shorten(item.name)),
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
                msg("catalog.rc_created", name=shorten(item.name)),
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
                        msg("catalog.rc_edit_missing", name=edit.label),
                        entity_url=url,
                    )
                    continue
                self.counts.updated += 1
                what = [msg(f"catalog.what.{k}") for k in edit.changes if k != "active"]
                if edit.folder_id:
                    what.append(msg("catalog.what.group"))
                if what:
                    self._log(
                        Level.INFO,
                        msg("catalog.rc_edited", name=edit.label, what=joined(what)),
                        entity_type="product",
                        entity_ref=str(edit.rc_product_id),
                        entity_url=url,
                    )
                if "active" in edit.changes:
                    self._activity_done(edit, url)
            self._progress(len(batch))

    def _activity_done(self, edit: RcProductEdit, url: str) -> None:
        """A product switched off for archived/deleted goods, or on again (retired.py); Svyazka remembers
        which ones it switched off, so it never switches on one a person switched off."""
        pushed = self.ctx.db.pushed(self.ctx.profile_id)
        if edit.changes["active"]:
            pushed.forget(DEACTIVATED_TARGET, [str(edit.rc_product_id)])
            text = msg("catalog.rc_activated", name=edit.label)
        else:
            pushed.put_many(DEACTIVATED_TARGET, {str(edit.rc_product_id): "1"})
            text = msg("catalog.rc_deactivated", name=edit.label)
        self._log(Level.INFO, text, entity_type="product", entity_ref=str(edit.rc_product_id), entity_url=url)
