"""RetailCRM orders, their items, addresses and deliveries, order history records, and customers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.clients.parsing import as_list, as_map, boolean, day, decimal, integer, roubles, text, timestamp

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class OfferInfo:
    """How an order line or history record points at a catalog offer."""

    id: int | None = None
    external_id: str | None = None
    xml_id: str | None = None
    article: str | None = None
    name: str | None = None

    @classmethod
    def from_api(cls, raw: Any) -> OfferInfo:
        data = as_map(raw)
        return cls(
            id=integer(data.get("id")),
            external_id=text(data.get("externalId")),
            xml_id=text(data.get("xmlId")),
            article=text(data.get("article")),
            name=text(data.get("displayName")) or text(data.get("name")),
        )


@dataclass(frozen=True)
class OrderItem:
    id: int | None
    offer: OfferInfo
    quantity: Decimal
    initial_price: Decimal  # unit price before discounts, roubles
    discount_total: Decimal  # discount per unit, roubles
    product_name: str | None = None
    status: str | None = None
    price_type: str | None = None
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @property
    def unit_price(self) -> Decimal:
        """What one unit costs after discounts."""
        return self.initial_price - self.discount_total

    @classmethod
    def from_api(cls, raw: Raw) -> OrderItem:
        return cls(
            id=integer(raw.get("id")),
            offer=OfferInfo.from_api(raw.get("offer")),
            quantity=decimal(raw.get("quantity")) or Decimal(0),
            initial_price=roubles(raw.get("initialPrice")) or Decimal("0.00"),
            discount_total=roubles(raw.get("discountTotal")) or Decimal("0.00"),
            product_name=text(raw.get("productName")) or OfferInfo.from_api(raw.get("offer")).name,
            status=text(raw.get("status")),
            price_type=text(as_map(raw.get("priceType")).get("code")),
            raw=raw,
        )


@dataclass(frozen=True)
class Address:
    text: str | None = None
    index: str | None = None
    country_iso: str | None = None
    region: str | None = None
    city: str | None = None
    street: str | None = None
    building: str | None = None
    house: str | None = None  # строение (RetailCRM's own text: "д. 50, стр. 5, корп. 1, кв./офис 13")
    housing: str | None = None  # корпус
    flat: str | None = None
    parts: Raw = field(default_factory=dict, compare=False)

    @classmethod
    def from_api(cls, raw: Any) -> Address:
        data = as_map(raw)
        return cls(
            text=text(data.get("text")),
            index=text(data.get("index")),
            country_iso=text(data.get("countryIso")),
            region=text(data.get("region")),
            city=text(data.get("city")),
            street=text(data.get("street")),
            building=text(data.get("building")),
            house=text(data.get("house")),
            housing=text(data.get("housing")),
            flat=text(data.get("flat")),
            parts=data,
        )


@dataclass(frozen=True)
class Delivery:
    code: str | None = None  # delivery type code
    cost: Decimal | None = None
    address: Address = field(default_factory=Address)
    date: date | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Delivery:
        data = as_map(raw)
        return cls(
            code=text(data.get("code")),
            cost=roubles(data.get("cost")),
            address=Address.from_api(data.get("address")),
            date=day(data.get("date")),
        )


@dataclass(frozen=True)
class OrderCustomer:
    """Who ordered: the order's own contact fields, completed from the embedded customer."""

    id: int | None = None
    external_id: str | None = None
    type: str | None = None  # "customer" | "customer_corporate"
    first_name: str | None = None
    last_name: str | None = None
    patronymic: str | None = None
    phone: str | None = None
    email: str | None = None
    company: str | None = None
    inn: str | None = None
    contragent_type: str | None = None  # individual | legal-entity | enterpreneur

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)


def _customer_of(order: Raw) -> OrderCustomer:
    customer = as_map(order.get("customer"))
    contragent = as_map(order.get("contragent"))
    company = as_map(order.get("company"))
    company_contragent = as_map(company.get("contragent"))
    phones = as_list(customer.get("phones"))
    first_phone = text(as_map(phones[0]).get("number")) if phones else None
    return OrderCustomer(
        id=integer(customer.get("id")),
        external_id=text(customer.get("externalId")),
        type=text(customer.get("type")),
        first_name=text(order.get("firstName")) or text(customer.get("firstName")),
        last_name=text(order.get("lastName")) or text(customer.get("lastName")),
        patronymic=text(order.get("patronymic")) or text(customer.get("patronymic")),
        phone=text(order.get("phone")) or first_phone,
        email=text(order.get("email")) or text(customer.get("email")),
        company=text(company.get("name")) or text(contragent.get("legalName")),
        inn=text(contragent.get("INN")) or text(company_contragent.get("INN")),
        contragent_type=text(contragent.get("contragentType")),
    )


@dataclass(frozen=True)
class Order:
    id: int
    number: str | None
    external_id: str | None
    site: str | None
    status: str | None
    created_at: datetime | None
    customer: OrderCustomer
    items: tuple[OrderItem, ...]
    delivery: Delivery
    shipment_store: str | None = None
    customer_comment: str | None = None
    manager_comment: str | None = None
    order_method: str | None = None
    total_summ: Decimal | None = None
    summ: Decimal | None = None
    # the account's own fields by code (PHP sends an empty map as []); e.g. ``moyskladexternalid``, which
    # RetailCRM's own MoySklad module fills (recorded: Orders/testList.json, testHistory.json)
    custom_fields: Raw = field(default_factory=dict, compare=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Order:
        return cls(
            id=integer(raw.get("id")) or 0,
            number=text(raw.get("number")),
            external_id=text(raw.get("externalId")),
            site=text(raw.get("site")),
            status=text(raw.get("status")),
            created_at=timestamp(raw.get("createdAt")),
            customer=_customer_of(raw),
            items=tuple(OrderItem.from_api(as_map(i)) for i in as_list(raw.get("items"))),
            delivery=Delivery.from_api(raw.get("delivery")),
            shipment_store=text(raw.get("shipmentStore")),
            customer_comment=text(raw.get("customerComment")),
            manager_comment=text(raw.get("managerComment")),
            order_method=text(raw.get("orderMethod")),
            total_summ=roubles(raw.get("totalSumm")),
            summ=roubles(raw.get("summ")),
            custom_fields=as_map(raw.get("customFields")),
            raw=raw,
        )


@dataclass(frozen=True)
class OrderStatusInfo:
    """One row of ``orders/statuses``."""

    id: int
    external_id: str | None
    status: str | None
    group: str | None

    @classmethod
    def from_api(cls, raw: Raw) -> OrderStatusInfo:
        return cls(
            id=integer(raw.get("id")) or 0,
            external_id=text(raw.get("externalId")),
            status=text(raw.get("status")),
            group=text(raw.get("group")),
        )


@dataclass(frozen=True)
class HistoryRecord:
    """One change from ``orders/history``. ``old``/``new`` are as sent (``{"code": …}``, scalars, None)."""

    id: int
    created_at: datetime | None
    source: str | None  # "api" | "user" | "code" | …
    api_key_current: bool | None  # True: made with the key reading the history (our own change)
    field: str | None  # snake_case: status, order_product.quantity, delivery_address.city, …
    old: Any
    new: Any
    order_id: int | None
    order_external_id: str | None
    item: Raw | None
    created: bool
    deleted: bool
    # (``field`` is a record attribute here, hence the qualified dataclasses.field)
    raw: Raw = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @property
    def order(self) -> Raw:
        """The order as attached to the record (the full order when ``created``)."""
        return as_map(self.raw.get("order"))

    @property
    def item_offer(self) -> OfferInfo | None:
        return OfferInfo.from_api(self.item.get("offer")) if self.item else None

    @classmethod
    def from_api(cls, raw: Raw) -> HistoryRecord:
        order = as_map(raw.get("order"))
        api_key = raw.get("apiKey")
        item = raw.get("item")
        return cls(
            id=integer(raw.get("id")) or 0,
            created_at=timestamp(raw.get("createdAt")),
            source=text(raw.get("source")),
            api_key_current=boolean(as_map(api_key).get("current")) if isinstance(api_key, Mapping) else None,
            field=text(raw.get("field")),
            old=raw.get("oldValue"),
            new=raw.get("newValue"),
            order_id=integer(order.get("id")),
            order_external_id=text(order.get("externalId")),
            item=as_map(item) if isinstance(item, Mapping) else None,
            created=boolean(raw.get("created")),
            deleted=boolean(raw.get("deleted")),
            raw=raw,
        )


@dataclass(frozen=True)
class CustomerHistoryRecord:
    """One change from ``customers/history`` (/work/shared/docs/retailcrm-api.md §6, fixture
    ``Customers/testCustomersHistory.json``): ``field`` is snake_case (``phones``, ``email``, ``address.city``,
    ``contragent.legal_name``…), ``old``/``new`` as sent, ``customer`` the minimal ``{id, externalId?, site}``
    (the full customer on the ``created`` record)."""

    id: int
    source: str | None
    api_key_current: bool | None  # True: made with the key reading the history (our own change)
    field: str | None
    old: Any
    new: Any
    customer_id: int | None
    created: bool
    deleted: bool
    raw: Raw = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> CustomerHistoryRecord:
        api_key = raw.get("apiKey")
        return cls(
            id=integer(raw.get("id")) or 0,
            source=text(raw.get("source")),
            api_key_current=boolean(as_map(api_key).get("current")) if isinstance(api_key, Mapping) else None,
            field=text(raw.get("field")),
            old=raw.get("oldValue"),
            new=raw.get("newValue"),
            customer_id=integer(as_map(raw.get("customer")).get("id")),
            created=boolean(raw.get("created")),
            deleted=boolean(raw.get("deleted")),
            raw=raw,
        )


@dataclass(frozen=True)
class Customer:
    id: int
    external_id: str | None
    first_name: str | None
    last_name: str | None
    patronymic: str | None
    email: str | None
    phones: tuple[str, ...]
    site: str | None = None
    created_at: datetime | None = None
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Customer:
        return cls(
            id=integer(raw.get("id")) or 0,
            external_id=text(raw.get("externalId")),
            first_name=text(raw.get("firstName")),
            last_name=text(raw.get("lastName")),
            patronymic=text(raw.get("patronymic")),
            email=text(raw.get("email")),
            phones=tuple(number for p in as_list(raw.get("phones")) if (number := text(as_map(p).get("number")))),
            site=text(raw.get("site")),
            created_at=timestamp(raw.get("createdAt")),
            raw=raw,
        )
