"""The emulated CRM's tables and indexes, plus the history journal every change goes through.

Not thread-safe by itself: :class:`~app.sandbox.retailcrm.state.RetailCrmState` holds one lock around
every request and every Python-API call.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from . import serialize as ser
from .config import RetailCrmConfig
from .models import (
    ApiKeyRecord,
    Customer,
    HistoryEntry,
    Offer,
    Order,
    PriceType,
    Product,
    ProductGroup,
    ProductStatus,
    Site,
    Status,
    Store,
    User,
)
from .units import fmt_date, jsonable, kop_json, num_json


@dataclass(frozen=True)
class Actor:
    """Who made a change: an API key (``source="api"``), a manager in the web UI (``"user"``) or an
    automation rule (``"code"``)."""

    source: str
    api_key_id: int | None = None
    user_id: int | None = None


MSK = timezone(timedelta(hours=3))  # Moscow has had no DST since 2014


def moscow_now() -> datetime:
    return datetime.now(MSK).replace(tzinfo=None)


class Clock:
    """The account's local time (Moscow, naive: RetailCRM strings carry no offset), whole seconds, never
    going backwards, so history ``createdAt`` follows history ``id``."""

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._source = source or moscow_now
        self._last = datetime.min

    def now(self) -> datetime:
        moment = self._source().replace(microsecond=0, tzinfo=None)
        if moment < self._last:
            moment = self._last
        self._last = moment
        return moment

    def set_source(self, source: Callable[[], datetime]) -> None:
        self._source = source

    def advance_floor(self, moment: datetime) -> None:
        """Seeded history may end after the wall clock (a seed epoch in the future): never go below it."""
        if moment > self._last:
            self._last = moment


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _code(value: str | None) -> dict[str, str] | None:
    return {"code": value} if value is not None else None


@dataclass
class OrderSnapshot:
    fields: dict[str, Any]
    items: dict[int, tuple[dict[str, Any], dict[str, Any]]]  # item id -> (item JSON, tracked values)
    payments: dict[int, dict[str, Any]]


@dataclass
class Database:
    config: RetailCrmConfig
    clock: Clock = field(default_factory=Clock)
    sites: dict[str, Site] = field(default_factory=dict)
    stores: dict[str, Store] = field(default_factory=dict)
    price_types: dict[str, PriceType] = field(default_factory=dict)
    statuses: dict[str, Status] = field(default_factory=dict)
    status_groups: list[tuple[str, str, int]] = field(default_factory=list)  # (code, name, ordering)
    delivery_types: dict[str, tuple[str, int]] = field(default_factory=dict)  # code -> (name, kopecks)
    payment_types: dict[str, str] = field(default_factory=dict)
    payment_statuses: dict[str, tuple[str, bool]] = field(default_factory=dict)  # code -> (name, complete)
    order_methods: dict[str, str] = field(default_factory=dict)
    product_statuses: dict[str, ProductStatus] = field(default_factory=dict)  # order lines' statuses
    order_types: dict[str, str] = field(default_factory=dict)
    users: dict[int, User] = field(default_factory=dict)  # managers (seeding.MANAGERS) and others
    groups: dict[int, ProductGroup] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    offers: dict[int, Offer] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    history: list[HistoryEntry] = field(default_factory=list)
    customer_history: list[HistoryEntry] = field(default_factory=list)
    api_keys: dict[str, ApiKeyRecord] = field(default_factory=dict)
    # indexes
    offers_by_xml: dict[str, list[int]] = field(default_factory=dict)
    offers_by_ext: dict[tuple[str, str], int] = field(default_factory=dict)
    products_by_ext: dict[tuple[str, str], int] = field(default_factory=dict)
    groups_by_ext: dict[tuple[str, str], int] = field(default_factory=dict)
    orders_by_ext: dict[tuple[str, str], int] = field(default_factory=dict)
    customers_by_ext: dict[tuple[str, str], int] = field(default_factory=dict)
    customer_orders: dict[int, list[int]] = field(default_factory=dict)
    # sequences (gaps after a failed create are fine: a real database sequence has them too)
    seq: dict[str, Iterator[int]] = field(default_factory=dict)

    def next_id(self, name: str) -> int:
        return next(self.seq[name])

    def start_sequence(self, name: str, first: int) -> None:
        self.seq[name] = itertools.count(first)

    def now(self) -> datetime:
        return self.clock.now()

    def default_price_code(self) -> str:
        for ptype in self.price_types.values():
            if ptype.default:
                return ptype.code
        return "base"

    # --- indexes ---------------------------------------------------------------------------------
    def index_offer(self, offer: Offer) -> None:
        if offer.xml_id:
            self.offers_by_xml.setdefault(offer.xml_id, []).append(offer.id)
        if offer.external_id:
            self.offers_by_ext[(offer.site, offer.external_id)] = offer.id

    def index_order(self, order: Order, previous: Order | None = None) -> None:
        if previous is not None:
            if previous.external_id:
                self.orders_by_ext.pop((previous.site, previous.external_id), None)
            if previous.customer_id is not None and previous.customer_id != order.customer_id:
                ids = self.customer_orders.get(previous.customer_id, [])
                if order.id in ids:
                    ids.remove(order.id)
        if order.external_id:
            self.orders_by_ext[(order.site, order.external_id)] = order.id
        if order.customer_id is not None:
            ids = self.customer_orders.setdefault(order.customer_id, [])
            if order.id not in ids:
                ids.append(order.id)

    def index_customer(self, customer: Customer, previous_external_id: str | None = None) -> None:
        if previous_external_id:
            self.customers_by_ext.pop((customer.site, previous_external_id), None)
        if customer.external_id:
            self.customers_by_ext[(customer.site, customer.external_id)] = customer.id

    def index_product(self, product: Product, previous_external_id: str | None = None) -> None:
        if previous_external_id:
            self.products_by_ext.pop((product.site, previous_external_id), None)
        if product.external_id:
            self.products_by_ext[(product.site, product.external_id)] = product.id

    def index_group(self, group: ProductGroup, previous_external_id: str | None = None) -> None:
        if previous_external_id:
            self.groups_by_ext.pop((group.site, previous_external_id), None)
        if group.external_id:
            self.groups_by_ext[(group.site, group.external_id)] = group.id

    # --- order history ---------------------------------------------------------------------------
    def order_snapshot(self, order: Order) -> OrderSnapshot:
        values: dict[str, Any] = {
            "status": {"code": order.status},
            "status_comment": order.status_comment,
            "number": order.number,
            "external_id": order.external_id,
            "order_type": _code(order.order_type),
            "order_method": _code(order.order_method),
            "first_name": order.first_name,
            "last_name": order.last_name,
            "patronymic": order.patronymic,
            "phone": order.phone,
            "additional_phone": order.additional_phone,
            "email": order.email,
            "customer_comment": order.customer_comment,
            "manager_comment": order.manager_comment,
            "manager": {"id": order.manager_id} if order.manager_id is not None else None,
            "country": order.country_iso,
            "delivery_type": _code(order.delivery_code),
            "delivery_cost": kop_json(order.delivery_cost),
            "delivery_net_cost": kop_json(order.delivery_net_cost),
            "delivery_date": fmt_date(order.delivery_date) if order.delivery_date else None,
            "delivery_time": dict(order.delivery_time) if order.delivery_time else None,
            "shipment_store": _code(order.shipment_store),
            "shipment_date": fmt_date(order.shipment_date) if order.shipment_date else None,
            "shipped": order.shipped,
            "call": order.call,
            "expired": order.expired,
            "discount_manual_amount": kop_json(order.discount_manual_amount),
            "discount_manual_percent": num_json(order.discount_manual_percent),
            "contragent_type": order.contragent.get("contragentType"),
        }
        customer = self.customers.get(order.customer_id) if order.customer_id is not None else None
        values["customer"] = {"id": customer.id, "site": customer.site} if customer else None
        for key, value in order.delivery_address.items():
            values[f"delivery_address.{_snake(key)}"] = jsonable(value)
        for key, value in order.custom_fields.items():
            values[f"custom_{key}"] = jsonable(value)
        items = {}
        for item in order.items:
            tracked = {
                "quantity": num_json(item.quantity),
                "status": {"code": item.status},
                "initial_price": kop_json(item.initial_price),
                "discount_total": kop_json(item.discount_total()),
                "purchase_price": kop_json(item.purchase_price) if item.purchase_price is not None else None,
                "comment": item.comment,
            }
            items[item.id] = (ser.item_json(self, item), tracked)
        payments = {p.id: ser.payment_json(p) for p in order.payments.values()}
        return OrderSnapshot(values, items, payments)

    def _order_entry(self, order: Order, actor: Actor, field_name: str, old: Any, new: Any,
                     moment: datetime, **extra: Any) -> HistoryEntry:
        entry = HistoryEntry(
            id=self.next_id("history"),
            created_at=moment,
            source=actor.source,
            field=field_name,
            old_value=old,
            new_value=new,
            entity_id=order.id,
            entity_ref=ser.order_ref(order),
            entity_external_id=order.external_id,
            api_key_id=actor.api_key_id,
            user_id=actor.user_id,
            **extra,
        )
        self.history.append(entry)
        return entry

    def record_order_created(self, order: Order, actor: Actor, moment: datetime | None = None) -> None:
        self._order_entry(
            order, actor, "status", None, {"code": order.status}, moment or self.now(),
            created=True, full=ser.order_json(self, order, payments_as_list=True),
        )

    def record_order_changes(self, before: OrderSnapshot, order: Order, actor: Actor,
                             moment: datetime | None = None) -> int:
        """Write one history line per changed field, line and payment. Returns how many."""
        at = moment or self.now()
        after = self.order_snapshot(order)
        count = 0
        for name in list(before.fields) + [k for k in after.fields if k not in before.fields]:
            old, new = before.fields.get(name), after.fields.get(name)
            if old != new:
                self._order_entry(order, actor, name, old, new, at)
                count += 1
        item_by_id = {i.id: i for i in order.items}
        for item_id, (old_json, old_tracked) in before.items.items():
            if item_id not in after.items:
                ref = {"id": item_id}
                self._order_entry(order, actor, "order_product", ref, None, at, item=old_json)
                count += 1
                continue
            new_json, new_tracked = after.items[item_id]
            ref_item = ser.item_ref(self, item_by_id[item_id])
            for key, old_value in old_tracked.items():
                if new_tracked[key] != old_value:
                    self._order_entry(order, actor, f"order_product.{key}", old_value, new_tracked[key], at,
                                      item=ref_item)
                    count += 1
        for item_id, (new_json, _) in after.items.items():
            if item_id not in before.items:
                self._order_entry(order, actor, "order_product", None, {"id": item_id}, at, item=new_json)
                count += 1
        for pid, old_payment in before.payments.items():
            new_payment = after.payments.get(pid)
            pref = {"id": pid, "type": old_payment["type"]}
            if new_payment is None:
                self._order_entry(order, actor, "payments", pref, None, at, payment=old_payment)
                count += 1
                continue
            for api_key, field_name, wrap in (
                ("status", "payments.status", True), ("amount", "payments.amount", False),
                ("paidAt", "payments.paid_at", False), ("externalId", "payments.external_id", False),
                ("type", "payments.type", True), ("comment", "payments.comment", False),
            ):
                old_v, new_v = old_payment.get(api_key), new_payment.get(api_key)
                if old_v != new_v:
                    if wrap:
                        old_v, new_v = _code(old_v), _code(new_v)
                    # the payment as a record names it: id, type and its externalId if it has one
                    # (fixture Orders/testHistory, "payments.status": {"id", "type", "externalId"})
                    pref = {"id": pid, "type": new_payment["type"]}
                    if new_payment.get("externalId") is not None:
                        pref["externalId"] = new_payment["externalId"]
                    self._order_entry(order, actor, field_name, old_v, new_v, at, payment=pref)
                    count += 1
        for pid, new_payment in after.payments.items():
            if pid not in before.payments:
                self._order_entry(order, actor, "payments", None, {"id": pid, "type": new_payment["type"]}, at,
                                  payment=new_payment)
                count += 1
        return count

    # --- customer history ------------------------------------------------------------------------
    def customer_values(self, customer: Customer) -> dict[str, Any]:
        values: dict[str, Any] = {
            "external_id": customer.external_id,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "patronymic": customer.patronymic,
            "email": customer.email,
            "phones": list(customer.phones),  # one record per number: see record_customer_changes
            "manager": {"id": customer.manager_id} if customer.manager_id is not None else None,
            "vip": customer.vip,
            "bad": customer.bad,
            "contragent.contragent_type": customer.contragent.get("contragentType"),
        }
        # every contragent detail under its snake_case name, as integrations read them from real accounts:
        # contragent.legal_name, contragent.i_n_n, contragent.k_p_p (INN → i_n_n: the mechanical snake case)
        for key, value in customer.contragent.items():
            if key != "contragentType":
                values[f"contragent.{_snake(key)}"] = jsonable(value)
        for key, value in customer.address.items():
            if key != "id":
                values[f"address.{_snake(key)}"] = jsonable(value)
        for key, value in customer.custom_fields.items():
            values[f"custom_{key}"] = jsonable(value)
        return values

    def _customer_entry(self, customer: Customer, actor: Actor, field_name: str, old: Any, new: Any,
                        moment: datetime, **extra: Any) -> None:
        self.customer_history.append(
            HistoryEntry(
                id=self.next_id("customer_history"),
                created_at=moment,
                source=actor.source,
                field=field_name,
                old_value=old,
                new_value=new,
                entity_id=customer.id,
                entity_ref=ser.customer_ref(customer),
                entity_external_id=customer.external_id,
                api_key_id=actor.api_key_id,
                user_id=actor.user_id,
                **extra,
            )
        )

    def record_customer_created(self, customer: Customer, actor: Actor, moment: datetime | None = None) -> None:
        self._customer_entry(customer, actor, "id", None, customer.id, moment or self.now(),
                             created=True, full=ser.customer_json(self, customer))

    def record_customer_changes(self, before: dict[str, Any], customer: Customer, actor: Actor) -> int:
        at = self.now()
        after = self.customer_values(customer)
        count = 0
        for name in list(before) + [k for k in after if k not in before]:
            old, new = before.get(name), after.get(name)
            if name == "phones":
                # one record per number, the values plain strings (fixture testCustomersHistory.json:
                # "field": "phones", "oldValue": null, "newValue": "9515120000"); a number replaced in
                # place is one record from the old number to the new one
                olds, news = list(old or ()), list(new or ())
                for index in range(max(len(olds), len(news))):
                    was = olds[index] if index < len(olds) else None
                    now = news[index] if index < len(news) else None
                    if was != now:
                        self._customer_entry(customer, actor, name, was, now, at)
                        count += 1
                continue
            if old != new:
                extra: dict[str, Any] = {}
                if name.startswith("address."):
                    extra["extra"] = {"address": {"id": customer.address.get("id"), "isMain": True}}
                self._customer_entry(customer, actor, name, old, new, at, **extra)
                count += 1
        return count
