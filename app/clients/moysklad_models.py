"""Typed, frozen views of MoySklad entities: what the sync needs, plus ``meta`` and ``raw``.

Money arrives in kopecks (JSON floats) and leaves here as ``Decimal`` roubles (:mod:`app.money`);
quantities are exact ``Decimal``; moments are naive Moscow-time ``datetime`` as the service sends them.
References to other entities are kept as ids (the last segment of their ``href``).
"""

from __future__ import annotations

import functools
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar, overload

from app.clients.parsing import as_list, as_map, boolean, decimal, integer, kopecks, meta_id, text, timestamp

Raw = Mapping[str, Any]


def _meta(raw: Raw) -> dict[str, Any]:
    return as_map(raw.get("meta"))


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
class Organization:
    id: str
    name: str
    inn: str | None = None
    legal_title: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Organization:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            inn=text(raw.get("inn")),
            legal_title=text(raw.get("legalTitle")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class Store:
    id: str
    name: str
    code: str | None = None
    external_code: str | None = None
    archived: bool = False
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Store:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            code=text(raw.get("code")),
            external_code=text(raw.get("externalCode")),
            archived=boolean(raw.get("archived")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class PriceType:
    id: str
    name: str
    external_code: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> PriceType:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            external_code=text(raw.get("externalCode")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class State:
    """A status of customer orders (``/entity/customerorder/metadata`` → ``states``)."""

    id: str
    name: str
    state_type: str = "Regular"  # Regular | Successful | Unsuccessful
    color: int | None = None
    entity_type: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> State:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            state_type=str(raw.get("stateType") or "Regular"),
            color=integer(raw.get("color")),
            entity_type=text(raw.get("entityType")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class ProductFolder:
    id: str
    name: str
    path_name: str | None = None
    external_code: str | None = None
    parent_id: str | None = None
    archived: bool = False
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> ProductFolder:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            path_name=text(raw.get("pathName")),
            external_code=text(raw.get("externalCode")),
            parent_id=meta_id(raw.get("productFolder")) if raw.get("productFolder") else None,
            archived=boolean(raw.get("archived")),
            meta=_meta(raw),
        )


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

    kind: str  # "product" | "variant"
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
        )


@dataclass(frozen=True)
class Counterparty:
    id: str
    name: str
    inn: str | None = None
    email: str | None = None
    phone: str | None = None
    company_type: str | None = None  # legal | entrepreneur | individual
    external_code: str | None = None
    tags: tuple[str, ...] = ()
    sync_id: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Counterparty:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            inn=text(raw.get("inn")),
            email=text(raw.get("email")),
            phone=text(raw.get("phone")),
            company_type=text(raw.get("companyType")),
            external_code=text(raw.get("externalCode")),
            tags=tuple(str(t) for t in as_list(raw.get("tags"))),
            sync_id=text(raw.get("syncId")),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class Position:
    """A line of a customer order or a demand (present only when ``positions`` was expanded)."""

    id: str | None
    assortment_id: str | None
    assortment_type: str | None  # product | variant | service | bundle
    quantity: Decimal
    price: Decimal  # roubles per unit, before the discount
    discount: Decimal  # percent
    vat: int | None = None
    reserve: Decimal | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Position:
        data = as_map(raw)
        assortment = as_map(data.get("assortment"))
        return cls(
            id=text(data.get("id")),
            assortment_id=meta_id(assortment),
            assortment_type=text(as_map(assortment.get("meta")).get("type")),
            quantity=decimal(data.get("quantity")) or Decimal(0),
            price=kopecks(data.get("price")) or Decimal("0.00"),
            discount=decimal(data.get("discount")) or Decimal(0),
            vat=integer(data.get("vat")),
            reserve=decimal(data.get("reserve")),
        )


def _positions(raw: Raw) -> tuple[Position, ...] | None:
    positions = raw.get("positions")
    if isinstance(positions, list):
        return tuple(Position.from_api(p) for p in positions)
    rows = as_map(positions).get("rows")
    if isinstance(rows, list):
        return tuple(Position.from_api(p) for p in rows)
    return None  # not expanded: only a meta link


@dataclass(frozen=True)
class CustomerOrder:
    id: str
    name: str
    external_code: str | None
    moment: datetime | None
    applicable: bool
    sum: Decimal | None  # roubles
    state_id: str | None
    agent_id: str | None
    organization_id: str | None
    store_id: str | None
    description: str | None = None
    sync_id: str | None = None
    positions: tuple[Position, ...] | None = None  # None when not expanded
    updated: datetime | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> CustomerOrder:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            external_code=text(raw.get("externalCode")),
            moment=timestamp(raw.get("moment")),
            applicable=boolean(raw.get("applicable"), True),
            sum=kopecks(raw.get("sum")),
            state_id=meta_id(raw.get("state")) if raw.get("state") else None,
            agent_id=meta_id(raw.get("agent")) if raw.get("agent") else None,
            organization_id=meta_id(raw.get("organization")) if raw.get("organization") else None,
            store_id=meta_id(raw.get("store")) if raw.get("store") else None,
            description=text(raw.get("description")),
            sync_id=text(raw.get("syncId")),
            positions=_positions(raw),
            updated=timestamp(raw.get("updated")),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class Demand:
    """A shipment (отгрузка); ``customer_order_id`` links it to its order."""

    id: str
    name: str
    customer_order_id: str | None
    store_id: str | None
    agent_id: str | None
    applicable: bool
    sum: Decimal | None
    moment: datetime | None = None
    external_code: str | None = None
    sync_id: str | None = None
    positions: tuple[Position, ...] | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Demand:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            customer_order_id=meta_id(raw.get("customerOrder")) if raw.get("customerOrder") else None,
            store_id=meta_id(raw.get("store")) if raw.get("store") else None,
            agent_id=meta_id(raw.get("agent")) if raw.get("agent") else None,
            applicable=boolean(raw.get("applicable"), True),
            sum=kopecks(raw.get("sum")),
            moment=timestamp(raw.get("moment")),
            external_code=text(raw.get("externalCode")),
            sync_id=text(raw.get("syncId")),
            positions=_positions(raw),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True, slots=True)
class StockRow:
    """One row of ``report/stock/.../current``: stock of an item (at a store, or over all stores)."""

    assortment_id: str
    store_id: str | None  # None: over all stores (``all``), or store-less reserves (``bystore``)
    value: Decimal  # the figure named by the report's stockType


@dataclass(frozen=True)
class AccountInfo:
    """Who the token belongs to and what it can see: the answer to "does this connection work?"."""

    employee_id: str | None
    employee_name: str | None
    login: str | None  # the employee's uid, "admin@shop"
    account_id: str | None
    organizations: tuple[Organization, ...]
    stores: tuple[Store, ...]
