"""MoySklad catalog and stock: products, variants, their compact listing rows (:class:`CatalogRow`), the
shared-value pools that keep 50,000 rows small, and stock report rows (:class:`StockRow`).
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from app.clients.moysklad_models.references import _meta
from app.clients.parsing import as_list, as_map, boolean, decimal, integer, kopecks, meta_id, text, timestamp

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class SalePrice:
    price_type_id: str | None
    price_type_name: str | None
    value: Decimal  # roubles

    @classmethod
    def from_api(cls, raw: Any) -> SalePrice:
        data = as_map(raw)
        price_type = as_map(data.get("priceType"))
        return cls(
            price_type_id=meta_id(price_type),
            price_type_name=text(price_type.get("name")),
            value=kopecks(data.get("value")) or Decimal("0.00"),
        )


def _sale_prices(raw: Raw) -> tuple[SalePrice, ...]:
    return tuple(SalePrice.from_api(p) for p in as_list(raw.get("salePrices")))


def _barcodes(raw: Raw) -> tuple[str, ...]:
    codes: list[str] = []
    for entry in as_list(raw.get("barcodes")):
        for value in as_map(entry).values():
            if text(value):
                codes.append(str(value))
    return tuple(codes)


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    article: str | None
    code: str | None
    external_code: str | None
    folder_id: str | None
    sale_prices: tuple[SalePrice, ...]
    buy_price: Decimal | None
    barcodes: tuple[str, ...]
    archived: bool = False
    variants_count: int = 0
    updated: datetime | None = None
    sync_id: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    def price(self, price_type_id: str) -> Decimal | None:
        return next((p.value for p in self.sale_prices if p.price_type_id == price_type_id), None)

    @classmethod
    def from_api(cls, raw: Raw) -> Product:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            article=text(raw.get("article")),
            code=text(raw.get("code")),
            external_code=text(raw.get("externalCode")),
            folder_id=meta_id(raw.get("productFolder")) if raw.get("productFolder") else None,
            sale_prices=_sale_prices(raw),
            buy_price=kopecks(as_map(raw.get("buyPrice")).get("value")),
            barcodes=_barcodes(raw),
            archived=boolean(raw.get("archived")),
            variants_count=integer(raw.get("variantsCount")) or 0,
            updated=timestamp(raw.get("updated")),
            sync_id=text(raw.get("syncId")),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class Variant:
    """A modification (модификация) of a product: its characteristics as ``(name, value)`` pairs."""

    id: str
    name: str
    code: str | None
    external_code: str | None
    product_id: str | None
    characteristics: tuple[tuple[str, str], ...]
    sale_prices: tuple[SalePrice, ...]
    buy_price: Decimal | None
    barcodes: tuple[str, ...]
    article: str | None = None
    archived: bool = False
    updated: datetime | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    def price(self, price_type_id: str) -> Decimal | None:
        return next((p.value for p in self.sale_prices if p.price_type_id == price_type_id), None)

    @classmethod
    def from_api(cls, raw: Raw) -> Variant:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            code=text(raw.get("code")),
            external_code=text(raw.get("externalCode")),
            product_id=meta_id(raw.get("product")) if raw.get("product") else None,
            characteristics=tuple(
                (str(as_map(c).get("name") or ""), str(as_map(c).get("value") or ""))
                for c in as_list(raw.get("characteristics"))
            ),
            sale_prices=_sale_prices(raw),
            buy_price=kopecks(as_map(raw.get("buyPrice")).get("value")),
            barcodes=_barcodes(raw),
            article=text(raw.get("article")),
            archived=boolean(raw.get("archived")),
            updated=timestamp(raw.get("updated")),
            meta=_meta(raw),
            raw=raw,
        )


H = TypeVar("H", bound=Hashable)


class SharedPool(Generic[H]):
    """Shares equal values between rows: every row of a page decodes its own copy of "Цена продажи", of each
    price type id and of "Размер"; at 50,000 items those copies are tens of MB. Thread-safe enough: a race
    only means two equal values survive.

    Only for values where equal means interchangeable: texts, or amounts of one scale (``Decimal("1.0")``
    equals ``Decimal("1.00")`` but does not print the same)."""

    def __init__(self) -> None:
        self._values: dict[H, H] = {}

    @overload
    def __call__(self, value: H) -> H: ...
    @overload
    def __call__(self, value: None) -> None: ...
    def __call__(self, value: H | None) -> H | None:
        if value is None:
            return None
        return self._values.setdefault(value, value)


TextPool = SharedPool[str]


@functools.lru_cache(maxsize=16384)
def _shared_kopecks(value: float | int | str) -> Decimal | None:
    # 100 and 100.0 are one key (equal and same hash) and give the same Decimal('1.00'), so that is fine
    return kopecks(value)


def _catalog_money(value: Any) -> Decimal | None:
    """Kopecks as roubles; equal amounts share one Decimal (prices repeat across a catalog)."""
    if isinstance(value, bool) or not isinstance(value, float | int | str):
        return None
    return _shared_kopecks(value)


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """A product or a variant (``kind``) as a catalog listing needs it: the parsed fields only, no JSON.

    The full :class:`Product` / :class:`Variant` keep their ``raw`` JSON (~5 KB a row); a sync that lists
    50,000 of them keeps these instead. ``sale_prices`` are ``(price type id, price type name, roubles)``.
    """

    kind: str  # "product" | "variant" | "service" | "bundle"
    id: str
    name: str
    article: str | None
    code: str | None
    external_code: str | None
    folder_id: str | None  # products
    product_id: str | None  # variants: the parent product
    characteristics: tuple[tuple[str, str], ...]  # variants: (name, value)
    sale_prices: tuple[tuple[str | None, str | None, Decimal], ...]
    buy_price: Decimal | None
    barcodes: tuple[str, ...]
    archived: bool
    variants_count: int
    # for the ICML export (app/sync/catalog/icml.py): the unit (products) and the supplier (products), by id
    uom_id: str | None = None
    supplier_id: str | None = None
    # bundles: (component's id, quantity in the bundle), read with ``expand=components``; ``components_complete``
    # is False when the answer did not carry them all (expand ignored, or more rows than it expands)
    components: tuple[tuple[str, Decimal], ...] = ()
    components_complete: bool = True

    @classmethod
    def from_api(cls, raw: Raw, kind: str, pool: TextPool | None = None) -> CatalogRow:
        share = pool or TextPool()
        prices = []
        for entry in as_list(raw.get("salePrices")):
            data = as_map(entry)
            price_type = as_map(data.get("priceType"))
            value = _catalog_money(data.get("value"))
            prices.append((share(meta_id(price_type)), share(text(price_type.get("name"))),
                           value if value is not None else Decimal("0.00")))
        characteristics = tuple(
            (share(str(as_map(c).get("name") or "")) or "", str(as_map(c).get("value") or ""))
            for c in as_list(raw.get("characteristics"))
        )
        folder = raw.get("productFolder")
        product = raw.get("product")
        return cls(
            kind=kind,
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            article=text(raw.get("article")),
            code=text(raw.get("code")),
            external_code=text(raw.get("externalCode")),
            folder_id=share(meta_id(folder)) if folder else None,
            product_id=meta_id(product) if product else None,
            characteristics=characteristics,
            sale_prices=tuple(prices),
            buy_price=_catalog_money(as_map(raw.get("buyPrice")).get("value")),
            barcodes=_barcodes(raw),
            archived=boolean(raw.get("archived")),
            variants_count=integer(raw.get("variantsCount")) or 0,
            uom_id=share(meta_id(raw["uom"])) if raw.get("uom") else None,
            supplier_id=share(meta_id(raw["supplier"])) if raw.get("supplier") else None,
            **(_components(raw) if kind == "bundle" else {}),
        )


def _components(raw: Raw) -> dict[str, Any]:
    """A bundle's ``components`` (OAS fixture ``bundle.json``: ``{"meta": {size, …}, "rows": [{assortment,
    quantity}]}``). Without ``rows``, or with fewer rows than ``meta.size``, the list is marked incomplete."""
    collection = as_map(raw.get("components"))
    rows = collection.get("rows")
    parts: list[tuple[str, Decimal]] = []
    for row in as_list(rows):
        data = as_map(row)
        component_id = meta_id(as_map(data.get("assortment")))
        quantity = decimal(data.get("quantity"))
        if component_id and quantity is not None and quantity > 0:
            parts.append((component_id, quantity))
    size = integer(as_map(collection.get("meta")).get("size"))
    complete = isinstance(rows, list) and len(parts) == len(rows) and (size is None or size <= len(parts))
    return {"components": tuple(parts), "components_complete": complete and bool(parts)}


@dataclass(frozen=True, slots=True)
class StockRow:
    """One row of ``report/stock/.../current``: stock of an item (at a store, or over all stores)."""

    assortment_id: str
    store_id: str | None  # None: over all stores (``all``), or store-less reserves (``bystore``)
    value: Decimal  # the figure named by the report's stockType
