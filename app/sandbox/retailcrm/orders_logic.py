"""Creating and editing orders from API bodies, with RetailCRM's validation and its history journal.

An edit works on a copy of the order: if anything in the body is invalid, nothing changes (one 400 names
every bad field); otherwise the copy replaces the order and every changed field gets a history line.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from . import serialize as ser
from . import validate as v
from .customers_logic import customer_from_order, find_customer
from .database import Actor, Database
from .errors import ApiError, entity_error
from .models import HistoryEntry, Offer, Order, OrderItem, Payment
from .serialize import order_totals

_TEXT_FIELDS = (
    ("number", "number"),
    ("statusComment", "status_comment"),
    ("firstName", "first_name"),
    ("lastName", "last_name"),
    ("patronymic", "patronymic"),
    ("phone", "phone"),
    ("additionalPhone", "additional_phone"),
    ("customerComment", "customer_comment"),
    ("managerComment", "manager_comment"),
)
_CONTACT_FIELDS = ("first_name", "last_name", "patronymic", "email")


def find_offer(db: Database, ref: Any, site: str) -> Offer | None:
    """An order line's ``offer`` reference: ``{id}`` | ``{externalId}`` (within the order's site) | ``{xmlId}``."""
    if not isinstance(ref, dict):
        return None
    if ref.get("id") is not None:
        try:
            return db.offers.get(int(ref["id"]))
        except (TypeError, ValueError):
            return None
    if ref.get("externalId") is not None:
        oid = db.offers_by_ext.get((site, str(ref["externalId"])))
        return db.offers.get(oid) if oid is not None else None
    if ref.get("xmlId") is not None:
        ids = db.offers_by_xml.get(str(ref["xmlId"]), [])
        same_site = [i for i in ids if db.offers[i].site == site]
        chosen = (same_site or ids)[:1]
        return db.offers[chosen[0]] if chosen else None
    return None


def _describe_ref(ref: Any) -> str:
    if isinstance(ref, dict):
        for key in ("id", "externalId", "xmlId"):
            if ref.get(key) is not None:
                return f"{key}={ref[key]}"
    return "no id, externalId or xmlId"


def _set_status(db: Database, order: Order, value: Any, errors: v.Errors, now: datetime) -> None:
    code = v.text(value, "status", errors, allow_empty=False)
    if code is None:
        return
    status = db.statuses.get(code)
    if status is None:
        errors.add("status", f'Status "{code}" does not exist.')
        return
    if not status.active:
        errors.add("status", f'Status "{code}" is not active.')
        return
    if code != order.status:
        order.status = code
        order.status_updated_at = now


def _apply_delivery(db: Database, order: Order, raw: Any, errors: v.Errors, creating: bool) -> None:
    body = v.mapping(raw, "delivery", errors)
    if body is None:
        return
    cost_given = "cost" in body and body["cost"] is not None
    if "code" in body:
        code = v.text(body["code"], "delivery.code", errors)
        if code is not None and code not in db.delivery_types:
            errors.add("delivery.code", f'Delivery type "{code}" does not exist.')
        else:
            order.delivery_code = code
            if creating and code is not None and not cost_given:
                order.delivery_cost = db.delivery_types[code][1]
    if cost_given:
        cost = v.money(body["cost"], "delivery.cost", errors)
        if cost is not None:
            order.delivery_cost = cost
    if body.get("netCost") is not None:
        net = v.money(body["netCost"], "delivery.netCost", errors)
        if net is not None:
            order.delivery_net_cost = net
    if "date" in body:
        order.delivery_date = v.day(body["date"], "delivery.date", errors)
    if "time" in body:
        order.delivery_time = v.time_interval(body["time"], "delivery.time", errors)
    if "address" in body:
        address = v.mapping(body["address"], "delivery.address", errors)
        if address is not None:
            merged = dict(order.delivery_address)
            for key, value in address.items():
                if key == "id":
                    continue
                if value is None:
                    merged.pop(key, None)
                elif isinstance(value, dict | list):
                    errors.add(f"delivery.address.{key}")
                else:
                    merged[key] = str(value) if not isinstance(value, int | bool) else value
            order.delivery_address = merged


def _apply_items(db: Database, order: Order, raw: Any, errors: v.Errors, creating: bool, now: datetime) -> None:
    if not isinstance(raw, list):
        errors.add("items", "This value should be a list of order items.")
        return
    existing = {item.id: item for item in order.items}
    result: list[OrderItem] = []
    for idx, row in enumerate(raw):
        key = f"items[{idx}]"
        if not isinstance(row, dict):
            errors.add(key)
            continue
        offer_ref = row.get("offer")
        offer = find_offer(db, offer_ref, order.site) if offer_ref is not None else None
        if offer_ref is not None and offer is None:
            errors.add(f"{key}.offer", f"Offer with {_describe_ref(offer_ref)} not found.")
            continue
        item: OrderItem | None = None
        if row.get("id") is not None and not creating:
            item_id = v.integer(row["id"], f"{key}.id", errors)
            item = existing.get(item_id) if item_id is not None else None
            if item is None:
                errors.add(f"{key}.id", f"The order has no item with id={row['id']}.")
                continue
            if offer is not None and offer.id != item.offer_id:
                errors.add(f"{key}.offer", "The offer of an existing order item cannot be changed.")
                continue
        else:
            if offer is None and not row.get("productName"):
                errors.add(f"{key}.offer", "Set the offer (id, externalId or xmlId) or the productName.")
                continue
            item = OrderItem(
                id=db.next_id("item"),
                offer_id=offer.id if offer else None,
                quantity=1,
                initial_price=0,
                created_at=now,
                purchase_price=offer.purchase_price if offer else None,
                vat_rate=offer.vat_rate if offer else None,
            )
            price_code = db.default_price_code()
            if offer is not None and price_code in offer.prices:
                item.initial_price = offer.prices[price_code]
                item.price_type = price_code
        _apply_item_fields(db, item, offer, row, key, errors, new="id" not in row or creating)
        result.append(item)
    if db.config.merge_duplicate_offers:
        last_for_offer = {item.offer_id: pos for pos, item in enumerate(result) if item.offer_id is not None}
        result = [it for pos, it in enumerate(result) if it.offer_id is None or last_for_offer[it.offer_id] == pos]
    order.items = result


def _apply_item_fields(db: Database, item: OrderItem, offer: Offer | None, row: dict[str, Any], key: str,
                       errors: v.Errors, *, new: bool) -> None:
    if "quantity" in row:
        qty = v.quantity(row["quantity"], f"{key}.quantity", errors)
        if qty is not None:
            item.quantity = qty
    if "priceType" in row and row["priceType"] is not None:
        ref = row["priceType"]
        code = ref.get("code") if isinstance(ref, dict) else None
        if not isinstance(code, str) or code not in db.price_types:
            errors.add(f"{key}.priceType", f'Price type "{code}" does not exist.')
        else:
            item.price_type = code
            if new and offer is not None and "initialPrice" not in row and code in offer.prices:
                item.initial_price = offer.prices[code]
    if "initialPrice" in row:
        price = v.money(row["initialPrice"], f"{key}.initialPrice", errors)
        if price is not None:
            item.initial_price = price
    if "discountManualAmount" in row:
        amount = v.money(row["discountManualAmount"], f"{key}.discountManualAmount", errors)
        if amount is not None:
            item.discount_manual_amount = amount
    if "discountManualPercent" in row:
        share = v.percent(row["discountManualPercent"], f"{key}.discountManualPercent", errors)
        if share is not None:
            item.discount_manual_percent = share
    if "purchasePrice" in row:
        item.purchase_price = v.money(row["purchasePrice"], f"{key}.purchasePrice", errors)
    if "status" in row:
        status = v.text(row["status"], f"{key}.status", errors, allow_empty=False)
        if status and status not in db.product_statuses:
            # a code of /reference/product-statuses only, as with the order's own status
            errors.add(f"{key}.status", f'Product status "{status}" does not exist.')
        elif status:
            item.status = status
    for camel, attr in (("comment", "comment"), ("productName", "product_name"), ("vatRate", "vat_rate")):
        if camel in row:
            setattr(item, attr, v.text(row[camel], f"{key}.{camel}", errors))
    if "externalIds" in row:
        ids = row["externalIds"]
        if not isinstance(ids, list) or not all(isinstance(x, dict) and "code" in x and "value" in x for x in ids):
            errors.add(f"{key}.externalIds")
        else:
            item.external_ids = [{"code": str(x["code"]), "value": str(x["value"])} for x in ids]
    if "properties" in row:
        props = row["properties"]
        if not isinstance(props, list | dict):
            errors.add(f"{key}.properties")
        else:
            item.properties = list(props.values()) if isinstance(props, dict) else list(props)


def _apply_common(db: Database, order: Order, body: dict[str, Any], errors: v.Errors, *, creating: bool,
                  now: datetime) -> None:
    for camel, attr in _TEXT_FIELDS:
        if camel in body:
            setattr(order, attr, v.text(body[camel], camel, errors, max_len=2000))
    if "externalId" in body:
        order.external_id = v.text(body["externalId"], "externalId", errors, allow_empty=False)
    if "email" in body:
        order.email = v.email(body["email"], "email", errors)
    if "status" in body:
        _set_status(db, order, body["status"], errors, now)
    if "orderType" in body:
        code = v.text(body["orderType"], "orderType", errors)
        if code is not None and code not in db.order_types:
            errors.add("orderType", f'Order type "{code}" does not exist.')
        elif code is not None:
            order.order_type = code
    if "orderMethod" in body:
        code = v.text(body["orderMethod"], "orderMethod", errors)
        if code is not None and code not in db.order_methods:
            errors.add("orderMethod", f'Order method "{code}" does not exist.')
        else:
            order.order_method = code
    if "managerId" in body:
        order.manager_id = v.integer(body["managerId"], "managerId", errors, minimum=1)
    if "countryIso" in body:
        iso = v.text(body["countryIso"], "countryIso", errors)
        if iso is not None and (len(iso) != 2 or not iso.isalpha()):
            errors.add("countryIso")
        elif iso is not None:
            order.country_iso = iso.upper()
    for name in ("call", "expired", "shipped"):
        if name in body:
            value = v.flag(body[name], name, errors)
            if value is not None:
                setattr(order, name, value)
    if "shipmentStore" in body:
        code = v.text(body["shipmentStore"], "shipmentStore", errors)
        if code is not None and code not in db.stores:
            errors.add("shipmentStore", f'Store "{code}" does not exist.')
        else:
            order.shipment_store = code
    if "shipmentDate" in body:
        order.shipment_date = v.day(body["shipmentDate"], "shipmentDate", errors)
    if "discountManualAmount" in body:
        amount = v.money(body["discountManualAmount"], "discountManualAmount", errors)
        if amount is not None:
            order.discount_manual_amount = amount
    if "discountManualPercent" in body:
        share = v.percent(body["discountManualPercent"], "discountManualPercent", errors)
        if share is not None:
            order.discount_manual_percent = share
    if "customFields" in body:
        fields = v.mapping(body["customFields"], "customFields", errors)
        if fields is not None:
            merged = {**order.custom_fields, **fields}
            order.custom_fields = {k: val for k, val in merged.items() if val is not None}
    if "contragent" in body:
        contragent = v.mapping(body["contragent"], "contragent", errors)
        if contragent is not None:
            kind = contragent.get("contragentType", order.contragent.get("contragentType"))
            if kind not in ("individual", "legal-entity", "enterpreneur"):
                errors.add("contragent.contragentType")
            else:
                order.contragent = {**order.contragent, **contragent}
    if "customer" in body and body["customer"] is not None:
        ref = v.mapping(body["customer"], "customer", errors)
        if ref:
            customer = find_customer(db, ref, order.site)
            if customer is None:
                if ref.get("id") is not None:
                    errors.add("customer.id", f"Customer with id={ref['id']} not found.")
                elif ref.get("externalId") is not None:
                    errors.add("customer.externalId", f"Customer with externalId={ref['externalId']} not found.")
            else:
                order.customer_id = customer.id
    if "delivery" in body:
        _apply_delivery(db, order, body["delivery"], errors, creating)
    if "items" in body:
        _apply_items(db, order, body["items"], errors, creating, now)


def _payments_on_create(db: Database, order: Order, raw: Any, errors: v.Errors, now: datetime) -> list[Payment]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        errors.add("payments", "This value should be a list of payments.")
        return []
    payments = []
    for idx, row in enumerate(raw):
        payment = build_payment(db, row, f"payments[{idx}]", errors)
        if payment is not None:
            payments.append(payment)
    return payments


def build_payment(db: Database, row: Any, key: str, errors: v.Errors) -> Payment | None:
    if not isinstance(row, dict):
        errors.add(key)
        return None
    ptype = row.get("type")
    if not isinstance(ptype, str) or ptype not in db.payment_types:
        errors.add(f"{key}.type", f'Payment type "{ptype}" does not exist.')
        return None
    status = row.get("status", "not-paid")
    if not isinstance(status, str) or status not in db.payment_statuses:
        errors.add(f"{key}.status", f'Payment status "{status}" does not exist.')
        return None
    payment = Payment(id=0, type=ptype, status=status, amount=-1)
    _apply_payment_fields(payment, row, key, errors)
    return payment


def _apply_payment_fields(payment: Payment, row: dict[str, Any], key: str, errors: v.Errors) -> None:
    if row.get("amount") is not None:
        amount = v.money(row["amount"], f"{key}.amount", errors)
        if amount is not None:
            payment.amount = amount
    if "paidAt" in row:
        payment.paid_at = v.moment(row["paidAt"], f"{key}.paidAt", errors)
    if "externalId" in row:
        payment.external_id = v.text(row["externalId"], f"{key}.externalId", errors)
    if "comment" in row:
        payment.comment = v.text(row["comment"], f"{key}.comment", errors, max_len=2000)


def create_order(db: Database, body: dict[str, Any], site: str, actor: Actor) -> Order:
    """``orders/create``: validate, store, auto-create the customer if none was named, journal it."""
    external_id = body.get("externalId")
    if external_id is not None and (site, str(external_id)) in db.orders_by_ext:
        raise ApiError(400, "Order already exists.",
                       {"externalId": f"Order with externalId={external_id} already exists."})
    now = db.now()
    errors = v.Errors()
    created_at = v.moment(body.get("createdAt"), "createdAt", errors) or now
    default_status = next(iter(s.code for s in db.statuses.values() if s.group == "new" and s.active), "new")
    order = Order(
        id=db.next_id("order"),
        number="",
        site=site,
        status=default_status,
        created_at=created_at,
        status_updated_at=created_at,
        from_api=actor.source == "api",
    )
    _apply_common(db, order, body, errors, creating=True, now=created_at)
    payments = _payments_on_create(db, order, body.get("payments"), errors, now)
    if errors:
        raise entity_error(errors)
    if not order.number:
        suffix = db.config.api_number_suffix if actor.source == "api" else "C"
        order.number = f"{order.id}{suffix}"
    customer = db.customers.get(order.customer_id) if order.customer_id is not None else None
    if customer is not None:
        for attr in _CONTACT_FIELDS:
            if getattr(order, attr) is None:
                setattr(order, attr, getattr(customer, attr))
        if order.phone is None and customer.phones:
            order.phone = customer.phones[0]
        if "contragent" not in body:
            order.contragent = dict(customer.contragent)
    total = order_totals(order)["totalSumm"]
    for payment in payments:
        payment.id = db.next_id("payment")
        if payment.amount < 0:
            payment.amount = total
        order.payments[payment.id] = payment
    if customer is None:
        customer = customer_from_order(db, order, actor)
        order.customer_id = customer.id
    db.orders[order.id] = order
    db.index_order(order)
    db.record_order_created(order, actor)
    return order


def edit_order(db: Database, order: Order, body: dict[str, Any], actor: Actor) -> Order:
    """``orders/{x}/edit``: a partial update; ``items`` (when sent) is the full new list of lines.
    Payments are not edited here (API v5 has ``orders/payments/*`` for that), as in RetailCRM."""
    now = db.now()
    errors = v.Errors()
    before = db.order_snapshot(order)
    work = copy.deepcopy(order)
    _apply_common(db, work, {k: val for k, val in body.items() if k != "createdAt"}, errors, creating=False,
                  now=now)
    if work.external_id != order.external_id and work.external_id is not None:
        other = db.orders_by_ext.get((work.site, work.external_id))
        if other is not None and other != work.id:
            errors.add("externalId", f"Order with externalId={work.external_id} already exists.")
    if errors:
        raise entity_error(errors)
    db.orders[work.id] = work
    db.index_order(work, previous=order)
    db.record_order_changes(before, work, actor, now)
    return work


def add_payment(db: Database, order: Order, row: dict[str, Any], actor: Actor) -> Payment:
    errors = v.Errors()
    payment = build_payment(db, row, "payment", errors)
    if errors or payment is None:
        raise entity_error(errors)
    before = db.order_snapshot(order)
    work = copy.deepcopy(order)
    payment.id = db.next_id("payment")
    if payment.amount < 0:
        payment.amount = max(0, order_totals(order)["totalSumm"] - order_totals(order)["prepaySum"])
    work.payments[payment.id] = payment
    db.orders[work.id] = work
    db.record_order_changes(before, work, actor)
    return payment


def edit_payment(db: Database, order: Order, payment_id: int, row: dict[str, Any], actor: Actor) -> Payment:
    errors = v.Errors()
    before = db.order_snapshot(order)
    work = copy.deepcopy(order)
    payment = work.payments[payment_id]
    if "type" in row:
        if not isinstance(row["type"], str) or row["type"] not in db.payment_types:
            errors.add("payment.type", f'Payment type "{row["type"]}" does not exist.')
        else:
            payment.type = row["type"]
    if "status" in row:
        if not isinstance(row["status"], str) or row["status"] not in db.payment_statuses:
            errors.add("payment.status", f'Payment status "{row["status"]}" does not exist.')
        else:
            payment.status = row["status"]
    _apply_payment_fields(payment, row, "payment", errors)
    if errors:
        raise entity_error(errors)
    db.orders[work.id] = work
    db.record_order_changes(before, work, actor)
    return payment


def delete_payment(db: Database, order: Order, payment_id: int, actor: Actor) -> None:
    before = db.order_snapshot(order)
    work = copy.deepcopy(order)
    del work.payments[payment_id]
    db.orders[work.id] = work
    db.record_order_changes(before, work, actor)


def find_payment(db: Database, key: str, by: str) -> tuple[Order, int] | None:
    for order in db.orders.values():
        for payment in order.payments.values():
            if (by == "id" and str(payment.id) == key) or (by == "externalId" and payment.external_id == key):
                return order, payment.id
    return None


def delete_order(db: Database, order: Order, actor: Actor) -> None:
    """Delete an order as a manager does in the web UI (API v5 has no order delete): it leaves lists and gets,
    and ``orders/history`` gets one record ``deleted: true``. No order deletion was recorded; the record takes
    the shape of the recorded customer deletion (Customers/testCustomersHistory: ``field: "id"``, ``oldValue``
    the id, ``newValue: null``, the whole entity)."""
    db.history.append(HistoryEntry(
        id=db.next_id("history"), created_at=db.now(), source=actor.source, field="id", old_value=order.id,
        new_value=None, entity_id=order.id, entity_ref=ser.order_ref(order), entity_external_id=order.external_id,
        api_key_id=actor.api_key_id, user_id=actor.user_id, deleted=True, full=ser.order_json(db, order),
    ))
    del db.orders[order.id]
    if order.external_id:
        db.orders_by_ext.pop((order.site, order.external_id), None)
    if order.customer_id is not None and order.id in db.customer_orders.get(order.customer_id, []):
        db.customer_orders[order.customer_id].remove(order.id)
