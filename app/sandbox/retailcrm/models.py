"""The emulated CRM's records. Plain mutable dataclasses guarded by the state's lock.

Money is kept as whole kopecks (``int``) so sums are exact and cheap; it becomes roubles (a JSON number
with at most two decimals) only when serialised. Quantities are ``int`` when whole, else ``Decimal``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

Number = int | Decimal


@dataclass(slots=True)
class ApiKeyRecord:
    id: int
    key: str
    scopes: frozenset[str]
    sites: tuple[str, ...] | None  # None: access to every site (siteAccess = access_full)


@dataclass(slots=True)
class Site:
    id: int
    code: str
    name: str
    url: str
    catalog_id: int | str  # a number on most accounts; a word such as "catalog" on some (References/testSites.json)
    load_from_yml: bool = False
    yml_url: str | None = None
    catalog_updated_at: datetime | None = None


@dataclass(slots=True)
class Store:
    code: str
    name: str
    type: str
    address: str
    active: bool = True
    inventory_type: str = "integer"
    external_id: str | None = None


@dataclass(slots=True)
class PriceType:
    id: int
    code: str
    name: str
    ordering: int
    default: bool = False
    active: bool = True


@dataclass(slots=True)
class Status:
    code: str
    name: str
    group: str
    ordering: int
    active: bool = True


@dataclass(slots=True)
class ProductStatus:
    """An order line's status (``/reference/product-statuses``); ``cancel`` is ``cancelStatus``."""

    code: str
    name: str
    cancel: bool
    ordering: int
    created_at: datetime
    active: bool = True


@dataclass(slots=True)
class ProductGroup:
    id: int
    site: str
    name: str
    external_id: str | None
    parent_id: int | None
    active: bool = True
    description: str | None = None


@dataclass(slots=True)
class Offer:
    id: int
    product_id: int
    site: str
    name: str
    article: str | None
    external_id: str | None
    xml_id: str | None
    barcode: str | None = None
    prices: dict[str, int] = field(default_factory=dict)  # price type code -> kopecks
    purchase_price: int | None = None  # kopecks
    stock: dict[str, Number] = field(default_factory=dict)  # store code -> quantity
    store_purchase: dict[str, int] = field(default_factory=dict)  # store code -> kopecks
    active: bool = True
    weight: int | None = None  # grams
    vat_rate: str = "none"
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Product:
    id: int
    site: str
    catalog_id: int | str
    name: str
    article: str | None
    external_id: str | None
    group_ids: list[int]
    offer_ids: list[int]
    created_at: datetime
    updated_at: datetime
    active: bool = True
    type: str = "product"
    manufacturer: str | None = None
    description: str | None = None
    url: str | None = None
    markable: bool = False
    popular: bool = False
    stock: bool = False
    novelty: bool = False
    recommended: bool = False


@dataclass(slots=True)
class User:
    """A RetailCRM user (a manager is one); shape of ``/api/v5/users`` rows: routes/users.py."""

    id: int
    first_name: str
    created_at: datetime
    last_name: str | None = None
    patronymic: str | None = None
    email: str | None = None
    active: bool = True
    is_admin: bool = False
    is_manager: bool = True


@dataclass(slots=True)
class Customer:
    id: int
    site: str
    created_at: datetime
    external_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None
    email: str | None = None
    phones: list[str] = field(default_factory=list)
    contragent: dict[str, Any] = field(default_factory=lambda: {"contragentType": "individual"})
    address: dict[str, Any] = field(default_factory=dict)
    manager_id: int | None = None
    vip: bool = False
    bad: bool = False
    custom_fields: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class OrderItem:
    id: int
    offer_id: int | None
    quantity: Number
    initial_price: int  # kopecks per unit before discounts
    created_at: datetime
    discount_manual_amount: int = 0  # kopecks per unit
    discount_manual_percent: Decimal = Decimal(0)
    price_type: str | None = None
    status: str = "new"
    purchase_price: int | None = None
    product_name: str | None = None
    comment: str | None = None
    vat_rate: str | None = None
    external_ids: list[dict[str, str]] = field(default_factory=list)
    properties: list[dict[str, Any]] = field(default_factory=list)

    def discount_total(self) -> int:
        """Kopecks off one unit: the manual amount plus the manual percentage of the initial price."""
        share = (Decimal(self.initial_price) * self.discount_manual_percent / 100).to_integral_value()
        return min(self.initial_price, self.discount_manual_amount + int(share))


@dataclass(slots=True)
class Payment:
    id: int
    type: str
    status: str
    amount: int  # kopecks
    paid_at: datetime | None = None
    external_id: str | None = None
    comment: str | None = None


@dataclass(slots=True)
class Order:
    id: int
    number: str
    site: str
    status: str
    created_at: datetime
    status_updated_at: datetime
    customer_id: int | None = None
    external_id: str | None = None
    order_type: str = "eshop-individual"
    order_method: str | None = None
    status_comment: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None
    phone: str | None = None
    additional_phone: str | None = None
    email: str | None = None
    customer_comment: str | None = None
    manager_comment: str | None = None
    manager_id: int | None = None
    country_iso: str = "RU"
    contragent: dict[str, Any] = field(default_factory=lambda: {"contragentType": "individual"})
    delivery_code: str | None = None
    delivery_cost: int = 0
    delivery_net_cost: int = 0
    delivery_address: dict[str, Any] = field(default_factory=dict)
    delivery_date: date | None = None
    delivery_time: dict[str, str] | None = None
    shipment_store: str | None = None
    shipment_date: date | None = None
    shipped: bool = False
    call: bool = False
    expired: bool = False
    from_api: bool = False
    discount_manual_amount: int = 0
    discount_manual_percent: Decimal = Decimal(0)
    custom_fields: dict[str, Any] = field(default_factory=dict)
    items: list[OrderItem] = field(default_factory=list)
    payments: dict[int, Payment] = field(default_factory=dict)


@dataclass(slots=True)
class HistoryEntry:
    """One line of ``orders/history`` or ``customers/history``. Values are JSON-ready when recorded, so a
    later change to the order never rewrites the past."""

    id: int
    created_at: datetime
    source: str  # "api" | "user" | "code"
    field: str
    old_value: Any
    new_value: Any
    entity_id: int
    entity_ref: dict[str, Any]  # minimal {id, externalId?, managerId?, site, status} / {id, externalId?, site}
    api_key_id: int | None = None
    user_id: int | None = None
    created: bool = False
    deleted: bool = False
    full: dict[str, Any] | None = None  # the whole entity, only on the creation record
    item: dict[str, Any] | None = None
    payment: dict[str, Any] | None = None
    entity_external_id: str | None = None
    extra: dict[str, Any] | None = None  # other keys the record carries, e.g. customers' "address"
