"""RetailCRM catalog: offers, products, stock per offer, product groups, and batched product writes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from app.clients.http import json_text
from app.clients.parsing import as_list, as_map, integer, require
from app.clients.retailcrm.constants import SERVICE
from app.clients.retailcrm.core import RetailCrmCore, chunks
from app.clients.retailcrm_models import InventoryOffer, Offer, Product, ProductBatchResult, ProductGroup
from app.clients.retry import Safety


class RetailCrmCatalog(RetailCrmCore):
    """Catalog reads and product writes."""

    # --- catalog ----------------------------------------------------------------------------------------
    def iter_offers(self, filter: Mapping[str, Any] | None = None) -> Iterator[Offer]:
        rows = self._pages(
            "store/offers", "offers", self._filter(filter), self.catalog_page_limit, limit_attr="catalog_page_limit"
        )
        for row in rows:
            yield Offer.from_api(row)

    def get_offer(self, offer_id: int) -> Offer | None:
        """One offer by id (``GET store/offers?filter[ids][]=…``, retailcrm-api.md: OfferFilterType); None when
        the account has none with that id."""
        return next((o for o in self.iter_offers({"ids": [offer_id]}) if o.id == offer_id), None)

    def iter_products(self, filter: Mapping[str, Any] | None = None) -> Iterator[Product]:
        rows = self._pages(
            "store/products", "products", self._filter(filter), self.catalog_page_limit,
            limit_attr="catalog_page_limit",
        )
        for row in rows:
            yield Product.from_api(row)

    def iter_inventories(
        self, filter: Mapping[str, Any] | None = None, *, details: bool = True
    ) -> Iterator[InventoryOffer]:
        """Stock of every offer; ``details`` adds the per-store breakdown."""
        values = dict(filter or {})
        if details:
            values["details"] = True
        rows = self._pages(
            "store/inventories", "offers", self._filter(values), self.inventory_page_limit,
            limit_attr="inventory_page_limit",
        )
        for row in rows:
            yield InventoryOffer.from_api(row)

    def iter_product_groups(self, filter: Mapping[str, Any] | None = None) -> Iterator[ProductGroup]:
        for row in self._pages("store/product-groups", "productGroup", self._filter(filter), self.page_limit):
            yield ProductGroup.from_api(row)

    def create_product_group(self, group: Mapping[str, Any], *, site: str | None = None) -> int:
        """Create a product group (``{"name", "externalId", "parentId"|"parentExternalId", ...}``)."""
        body = dict(group)
        if "site" not in body and (site or self.site):
            body["site"] = site or self.site
        data = self._post(
            "store/product-groups/create",
            {"productGroup": json_text(body)},
            safety=Safety.CREATE_ONCE,
            what=f"группы товаров {body.get('name', '')}".strip(),
        )
        return integer(require(data, "id", SERVICE, "store/product-groups/create")) or 0

    def products_batch_create(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult:
        """Create products, ``products_batch_size`` per request. Never re-sent blindly (look up by
        ``externalId`` after :class:`MaybeApplied`)."""
        return self._products_batch("store/products/batch/create", products, Safety.CREATE_ONCE)

    def products_batch_edit(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult:
        return self._products_batch("store/products/batch/edit", products, Safety.IDEMPOTENT)

    def _products_batch(self, path: str, products: Sequence[Mapping[str, Any]], safety: Safety) -> ProductBatchResult:
        processed, batches = 0, 0
        added: list[int] = []
        not_found: list[Mapping[str, Any]] = []
        for batch in chunks(list(products), self.products_batch_size):
            data = self._post(path, {"products": json_text(list(batch))}, safety=safety, what="товаров")
            batches += 1
            processed += integer(data.get("processedProductsCount")) or 0
            added += [i for i in (integer(x) for x in as_list(data.get("addedProducts"))) if i is not None]
            not_found += [as_map(x) for x in as_list(data.get("notFoundProducts"))]
        return ProductBatchResult(processed, tuple(added), tuple(not_found), batches)
