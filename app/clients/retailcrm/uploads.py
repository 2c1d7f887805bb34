"""RetailCRM stock and price uploads, batched, with the offers the service did not know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from app.clients.http import json_text
from app.clients.parsing import as_list, integer
from app.clients.retailcrm.core import RetailCrmCore, chunks
from app.clients.retailcrm_models import InventoryUpdate, OfferRef, PriceUpdate, UploadResult
from app.money import rub_to_json


def _quantity(value: Decimal | int | float) -> int | float:
    amount = Decimal(str(value))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


class RetailCrmUploads(RetailCrmCore):
    """Stock and price uploads."""

    # --- stock and prices -------------------------------------------------------------------------------
    def upload_inventories(
        self, offers: Sequence[InventoryUpdate | Mapping[str, Any]], *, site: str | None = None
    ) -> UploadResult:
        """Set stock (and purchase prices) per store, ``upload_batch_size`` offers per request.

        Offers the service does not know come back in ``not_found`` (nothing is created for them).
        """
        payload = [self._inventory_json(o) for o in offers]
        return self._upload("store/inventories/upload", "offers", payload, self._site_form(site))

    def upload_prices(self, prices: Sequence[PriceUpdate | Mapping[str, Any]]) -> UploadResult:
        """Set prices by price type code (``None`` removes a price), ``upload_batch_size`` per request."""
        payload = [self._price_json(p) for p in prices]
        return self._upload("store/prices/upload", "prices", payload, {})

    def _upload(self, path: str, field: str, payload: list[dict[str, Any]], extra: Mapping[str, str]) -> UploadResult:
        processed, batches = 0, 0
        not_found: list[OfferRef] = []
        for batch in chunks(payload, self.upload_batch_size):
            data = self._post(path, {field: json_text(list(batch)), **extra})
            batches += 1
            processed += integer(data.get("processedOffersCount")) or 0
            not_found += [OfferRef.from_api(x) for x in as_list(data.get("notFoundOffers"))]
        return UploadResult(processed, tuple(not_found), batches)

    @staticmethod
    def _inventory_json(item: InventoryUpdate | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, Mapping):
            return dict(item)
        stores = []
        for level in item.stores:
            entry: dict[str, Any] = {"code": level.code, "available": _quantity(level.available)}
            if level.purchase_price is not None:
                entry["purchasePrice"] = rub_to_json(level.purchase_price)
            stores.append(entry)
        return {**item.offer.to_api(), "stores": stores}

    def _price_json(self, item: PriceUpdate | Mapping[str, Any]) -> dict[str, Any]:
        if isinstance(item, Mapping):
            return dict(item)
        entry: dict[str, Any] = item.offer.to_api()
        site = item.site or (self.site if item.offer.id is None and item.offer.xml_id is None else None)
        if site:
            entry["site"] = site
        entry["prices"] = [
            {"code": code, "remove": True} if price is None else {"code": code, "price": rub_to_json(price)}
            for code, price in item.prices.items()
        ]
        return entry
