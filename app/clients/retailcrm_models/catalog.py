"""RetailCRM catalog and stock: offers, products, product groups, per-store stock, and the write-side inputs
and results of stock, price and product uploads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.clients.parsing import as_list, as_map, boolean, decimal, integer, roubles, text, timestamp

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Offer:
    id: int
    external_id: str | None
    xml_id: str | None
    article: str | None
    name: str | None
    product_id: int | None = None
    barcode: str | None = None
    prices: Mapping[str, Decimal] = field(default_factory=dict)  # price type code -> roubles
    purchase_price: Decimal | None = None
    quantity: Decimal | None = None
    active: bool = True
    site: str | None = None
    # offer properties, code -> value: ``{"ves": "33", "artikul": "38311"}`` (Store/testOffers.json); PHP sends an
    # empty map as ``[]``. RetailCRM's MoySklad module puts MoySklad's code into the property ``code``.
    properties: Mapping[str, str] = field(default_factory=dict)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw, product_id: int | None = None) -> Offer:
        prices: dict[str, Decimal] = {}
        for entry in as_list(raw.get("prices")):
            entry_map = as_map(entry)
            code = text(entry_map.get("priceType")) or text(entry_map.get("code"))
            amount = roubles(entry_map.get("price"))
            if code and amount is not None:
                prices[code] = amount
        if not prices and raw.get("price") is not None:
            amount = roubles(raw.get("price"))
            if amount is not None:
                prices["base"] = amount
        product = as_map(raw.get("product"))
        return cls(
            id=integer(raw.get("id")) or 0,
            external_id=text(raw.get("externalId")),
            xml_id=text(raw.get("xmlId")),
            article=text(raw.get("article")),
            name=text(raw.get("name")),
            product_id=product_id if product_id is not None else integer(product.get("id")),
            barcode=text(raw.get("barcode")),
            prices=prices,
            purchase_price=roubles(raw.get("purchasePrice")),
            quantity=decimal(raw.get("quantity")),
            active=boolean(raw.get("active"), True),
            site=text(raw.get("site")),
            properties={
                code: value
                for code, item in as_map(raw.get("properties")).items()
                if isinstance(code, str) and (value := text(item)) is not None
            },
            raw=raw,
        )


@dataclass(frozen=True)
class Product:
    id: int
    external_id: str | None
    article: str | None
    name: str | None
    offers: tuple[Offer, ...]
    group_ids: tuple[int, ...] = ()
    active: bool = True
    catalog_id: str | None = None
    updated_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Product:
        product_id = integer(raw.get("id")) or 0
        return cls(
            id=product_id,
            external_id=text(raw.get("externalId")),
            article=text(raw.get("article")),
            name=text(raw.get("name")),
            offers=tuple(Offer.from_api(as_map(o), product_id) for o in as_list(raw.get("offers"))),
            group_ids=tuple(
                gid for g in as_list(raw.get("groups")) if (gid := integer(as_map(g).get("id"))) is not None
            ),
            active=boolean(raw.get("active"), True),
            catalog_id=text(raw.get("catalogId")),
            updated_at=timestamp(raw.get("updatedAt")),
            raw=raw,
        )


@dataclass(frozen=True)
class ProductGroup:
    id: int
    name: str | None
    external_id: str | None = None
    parent_id: int | None = None
    site: str | None = None
    active: bool = True
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> ProductGroup:
        return cls(
            id=integer(raw.get("id")) or 0,
            name=text(raw.get("name")),
            external_id=text(raw.get("externalId")),
            parent_id=integer(raw.get("parentId")),
            site=text(raw.get("site")),
            active=boolean(raw.get("active"), True),
            raw=raw,
        )


@dataclass(frozen=True)
class StoreStock:
    """Stock of one offer at one RetailCRM store (read side: ``stores[{store, quantity, purchasePrice}]``)."""

    store: str
    quantity: Decimal
    purchase_price: Decimal | None = None


@dataclass(frozen=True)
class InventoryOffer:
    id: int
    external_id: str | None
    xml_id: str | None
    site: str | None
    quantity: Decimal | None  # total over all stores
    purchase_price: Decimal | None
    stores: tuple[StoreStock, ...] = ()
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    def stock_by_store(self) -> dict[str, Decimal]:
        return {s.store: s.quantity for s in self.stores}

    @classmethod
    def from_api(cls, raw: Raw) -> InventoryOffer:
        return cls(
            id=integer(raw.get("id")) or 0,
            external_id=text(raw.get("externalId")),
            xml_id=text(raw.get("xmlId")),
            site=text(raw.get("site")),
            quantity=decimal(raw.get("quantity")),
            purchase_price=roubles(raw.get("purchasePrice")),
            stores=tuple(
                StoreStock(
                    store=str(as_map(s).get("store") or as_map(s).get("code") or ""),
                    quantity=decimal(as_map(s).get("quantity")) or Decimal(0),
                    purchase_price=roubles(as_map(s).get("purchasePrice")),
                )
                for s in as_list(raw.get("stores"))
            ),
            raw=raw,
        )


@dataclass(frozen=True)
class OfferRef:
    """Which offer an upload means: by ``id``, by ``xml_id``, or by ``external_id`` (+ the site)."""

    id: int | None = None
    xml_id: str | None = None
    external_id: str | None = None

    def to_api(self) -> dict[str, Any]:
        if self.id is not None:
            return {"id": self.id}
        if self.xml_id is not None:
            return {"xmlId": self.xml_id}
        if self.external_id is not None:
            return {"externalId": self.external_id}
        raise ValueError("an OfferRef needs an id, an xml_id or an external_id")

    @classmethod
    def from_api(cls, raw: Any) -> OfferRef:
        data = as_map(raw)
        return cls(
            id=integer(data.get("id")),
            xml_id=text(data.get("xmlId")),
            external_id=text(data.get("externalId")),
        )


@dataclass(frozen=True)
class StoreLevel:
    """Write side of stock: ``available`` units of an offer at store ``code`` (+ purchase price)."""

    code: str
    available: Decimal | int
    purchase_price: Decimal | None = None


@dataclass(frozen=True)
class InventoryUpdate:
    offer: OfferRef
    stores: tuple[StoreLevel, ...]


@dataclass(frozen=True)
class PriceUpdate:
    """New prices of one offer by price type code; a ``None`` price removes that price."""

    offer: OfferRef
    prices: Mapping[str, Decimal | None]
    site: str | None = None


@dataclass(frozen=True)
class UploadResult:
    """The sum over all batches of one upload."""

    processed: int
    not_found: tuple[OfferRef, ...]
    batches: int


@dataclass(frozen=True)
class ProductBatchResult:
    processed: int
    added_ids: tuple[int, ...]
    not_found: tuple[Raw, ...]
    batches: int
