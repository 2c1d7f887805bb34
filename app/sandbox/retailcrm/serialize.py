"""Records -> the JSON shapes RetailCRM answers with (fixtures in api-client-php ``tests/src/ResourceGroup``).

Absent values are omitted rather than sent as null; money is roubles; timestamps ``Y-m-d H:i:s``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .models import Customer, HistoryEntry, Offer, Order, OrderItem, Payment, Product, ProductGroup
from .units import fmt_date, fmt_dt, jsonable, kop_json, num_json

if TYPE_CHECKING:
    from .state import Database

UNIT = {"code": "pc", "name": "Штука", "sym": "шт."}


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def empty_map(db: Database, value: dict[str, Any]) -> dict[str, Any] | list[Any]:
    """PHP sends an empty associative array as ``[]``; clients must read both."""
    if not value and db.config.php_empty_maps:
        return []
    return jsonable(value)


# --- catalog ------------------------------------------------------------------------------------------


def offer_prices(db: Database, offer: Offer) -> list[dict[str, Any]]:
    rows = []
    for code, kopecks in offer.prices.items():
        ptype = db.price_types.get(code)
        rows.append({"priceType": code, "price": kop_json(kopecks), "ordering": ptype.ordering if ptype else 990})
    rows.sort(key=lambda r: (r["ordering"], r["priceType"]))
    return rows


def base_price(db: Database, offer: Offer) -> int | None:
    default = db.default_price_code()
    if default in offer.prices:
        return offer.prices[default]
    return None


def offer_json(db: Database, offer: Offer, *, with_product: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {"name": offer.name}
    price = base_price(db, offer)
    if price is not None:
        data["price"] = kop_json(price)
    data["id"] = offer.id
    _put(data, "externalId", offer.external_id)
    _put(data, "xmlId", offer.xml_id)
    _put(data, "article", offer.article)
    _put(data, "barcode", offer.barcode)
    data["prices"] = offer_prices(db, offer)
    if offer.purchase_price is not None:
        data["purchasePrice"] = kop_json(offer.purchase_price)
    data["vatRate"] = offer.vat_rate
    data["properties"] = empty_map(db, offer.properties)
    data["quantity"] = num_json(sum(offer.stock.values(), 0))
    _put(data, "weight", offer.weight)
    data["active"] = offer.active
    data["unit"] = dict(UNIT)
    data["site"] = offer.site
    if with_product:
        product = db.products[offer.product_id]
        data["product"] = product_json(db, product, with_offers=False)
    return data


def product_json(db: Database, product: Product, *, with_offers: bool = True) -> dict[str, Any]:
    offers = [db.offers[i] for i in product.offer_ids if i in db.offers]
    prices = [p for p in (base_price(db, o) for o in offers) if p is not None]
    data: dict[str, Any] = {}
    if prices:
        data["minPrice"] = kop_json(min(prices))
        data["maxPrice"] = kop_json(max(prices))
    data["id"] = product.id
    _put(data, "article", product.article)
    data["type"] = product.type
    data["name"] = product.name
    _put(data, "url", product.url)
    _put(data, "description", product.description)
    data["groups"] = [group_ref(db, gid) for gid in product.group_ids if gid in db.groups]
    _put(data, "externalId", product.external_id)
    _put(data, "manufacturer", product.manufacturer)
    if with_offers:
        data["offers"] = [offer_json(db, o) for o in offers]
    data["updatedAt"] = fmt_dt(product.updated_at)
    data["createdAt"] = fmt_dt(product.created_at)
    data["active"] = product.active
    data["quantity"] = num_json(sum((sum(o.stock.values(), 0) for o in offers), 0))
    data["markable"] = product.markable
    data["catalogId"] = product.catalog_id
    for flag in ("popular", "stock", "novelty", "recommended"):
        if getattr(product, flag):
            data[flag] = True
    return data


def group_ref(db: Database, group_id: int) -> dict[str, Any]:
    group = db.groups[group_id]
    ref: dict[str, Any] = {"id": group.id}
    _put(ref, "externalId", group.external_id)
    return ref


def group_json(group: ProductGroup) -> dict[str, Any]:
    data: dict[str, Any] = {}
    _put(data, "parentId", group.parent_id)
    data["site"] = group.site
    data["id"] = group.id
    data["name"] = group.name
    _put(data, "externalId", group.external_id)
    _put(data, "description", group.description)
    data["active"] = group.active
    return data


def inventory_json(offer: Offer, *, details: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"id": offer.id}
    _put(data, "externalId", offer.external_id)
    _put(data, "xmlId", offer.xml_id)
    data["site"] = offer.site
    if offer.purchase_price is not None:
        data["purchasePrice"] = kop_json(offer.purchase_price)
    data["quantity"] = num_json(sum(offer.stock.values(), 0))
    if details:
        rows = []
        for code, qty in offer.stock.items():
            row: dict[str, Any] = {"store": code, "quantity": num_json(qty)}
            purchase = offer.store_purchase.get(code, offer.purchase_price)
            if purchase is not None:
                row["purchasePrice"] = kop_json(purchase)
            rows.append(row)
        data["stores"] = rows
    return data


# --- customers ------------------------------------------------------------------------------------------


def customer_json(db: Database, customer: Customer) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "customer", "id": customer.id}
    _put(data, "externalId", customer.external_id)
    data["isContact"] = False
    data["createdAt"] = fmt_dt(customer.created_at)
    _put(data, "managerId", customer.manager_id)
    data["vip"] = customer.vip
    data["bad"] = customer.bad
    data["site"] = customer.site
    data["contragent"] = jsonable(customer.contragent)
    data["tags"] = list(customer.tags)
    orders = [db.orders[i] for i in db.customer_orders.get(customer.id, ()) if i in db.orders]
    total = sum(order_totals(o)["totalSumm"] for o in orders)
    cost = sum(order_totals(o)["purchaseSumm"] for o in orders)
    data["marginSumm"] = kop_json(total - cost)
    data["totalSumm"] = kop_json(total)
    data["averageSumm"] = kop_json(round(total / len(orders)) if orders else 0)
    data["ordersCount"] = len(orders)
    data["costSumm"] = kop_json(cost)
    data["customFields"] = empty_map(db, customer.custom_fields)
    data["personalDiscount"] = 0
    data["cumulativeDiscount"] = 0
    if customer.address:
        data["address"] = jsonable(customer.address)
    data["segments"] = []
    _put(data, "firstName", customer.first_name)
    _put(data, "lastName", customer.last_name)
    _put(data, "patronymic", customer.patronymic)
    _put(data, "email", customer.email)
    data["phones"] = [{"number": p} for p in customer.phones]
    return data


def customer_ref(customer: Customer) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": customer.id}
    _put(ref, "externalId", customer.external_id)
    ref["site"] = customer.site
    return ref


# --- orders -----------------------------------------------------------------------------------------------


def order_totals(order: Order) -> dict[str, int]:
    """Kopeck totals: ``summ`` = lines after line discounts; ``totalSumm`` = summ minus the order-level
    manual discount plus delivery; ``prepaySum`` = paid payments; ``purchaseSumm`` = purchase cost."""
    summ = 0
    purchase = 0
    for item in order.items:
        unit = item.initial_price - item.discount_total()
        summ += _times(unit, item.quantity)
        if item.purchase_price is not None:
            purchase += _times(item.purchase_price, item.quantity)
    percent_off = round(summ * order.discount_manual_percent / 100)
    goods = max(0, summ - order.discount_manual_amount - percent_off)
    paid = sum(p.amount for p in order.payments.values() if p.status == "paid")
    return {
        "summ": summ,
        "totalSumm": goods + order.delivery_cost,
        "prepaySum": paid,
        "purchaseSumm": purchase,
    }


def _times(kopecks: int, quantity: int | Any) -> int:
    if isinstance(quantity, int):
        return kopecks * quantity
    return round(kopecks * quantity)


def item_offer_json(db: Database, offer: Offer) -> dict[str, Any]:
    data: dict[str, Any] = {"displayName": offer.name, "id": offer.id}
    _put(data, "externalId", offer.external_id)
    _put(data, "xmlId", offer.xml_id)
    data["name"] = offer.name
    _put(data, "article", offer.article)
    data["vatRate"] = offer.vat_rate
    if offer.properties:
        data["properties"] = dict(offer.properties)
    data["unit"] = dict(UNIT)
    return data


def item_json(db: Database, item: OrderItem) -> dict[str, Any]:
    discount = item.discount_total()
    data: dict[str, Any] = {"id": item.id}
    if item.external_ids:
        data["externalIds"] = [dict(x) for x in item.external_ids]
    if item.price_type:
        data["priceType"] = {"code": item.price_type}
    data["initialPrice"] = kop_json(item.initial_price)
    if item.discount_manual_amount:
        data["discountManualAmount"] = kop_json(item.discount_manual_amount)
    if item.discount_manual_percent:
        data["discountManualPercent"] = num_json(item.discount_manual_percent)
    data["discountTotal"] = kop_json(discount)
    # the line's discounts by kind (fixture Orders/testList: [{"type": "round", "amount": 0.5}]); the sandbox
    # only knows the manual one, and gives it for the whole line
    data["discounts"] = (
        [{"type": "manual_product", "amount": kop_json(_times(discount, item.quantity))}] if discount else []
    )
    data["prices"] = [{"price": kop_json(item.initial_price - discount), "quantity": num_json(item.quantity)}]
    data["vatRate"] = item.vat_rate or "none"
    data["createdAt"] = fmt_dt(item.created_at)
    data["quantity"] = num_json(item.quantity)
    data["status"] = item.status
    data["markingCodes"] = []  # fixtures Orders/testList, testGet: always present, empty without marking
    _put(data, "comment", item.comment)
    offer = db.offers.get(item.offer_id) if item.offer_id is not None else None
    if offer is not None:
        data["offer"] = item_offer_json(db, offer)
    _put(data, "productName", item.product_name)
    # keyed by property code, [] when none (fixture Orders/testHistory: {"size": {"name", "value", "code"}})
    data["properties"] = empty_map(db, {str(p.get("code") or p.get("name") or i): p
                                        for i, p in enumerate(item.properties)})
    if item.purchase_price is not None:
        data["purchasePrice"] = kop_json(item.purchase_price)
    return data


def payment_json(payment: Payment) -> dict[str, Any]:
    data: dict[str, Any] = {"id": payment.id, "status": payment.status, "type": payment.type}
    _put(data, "externalId", payment.external_id)
    data["amount"] = kop_json(payment.amount)
    if payment.paid_at is not None:
        data["paidAt"] = fmt_dt(payment.paid_at)
    _put(data, "comment", payment.comment)
    return data


def order_json(db: Database, order: Order, *, payments_as_list: bool = False) -> dict[str, Any]:
    """The full order. History creation records carry ``payments`` as a list (fixture testHistory);
    ``orders`` / ``orders/{id}`` key them by id."""
    totals = order_totals(order)
    data: dict[str, Any] = {"slug": order.id, "bonusesCreditTotal": 0, "bonusesChargeTotal": 0, "id": order.id,
                            "number": order.number}  # no loyalty programme: no bonuses credited or charged
    _put(data, "externalId", order.external_id)
    data["orderType"] = order.order_type
    _put(data, "orderMethod", order.order_method)
    data["privilegeType"] = "none"
    data["countryIso"] = order.country_iso
    data["createdAt"] = fmt_dt(order.created_at)
    data["statusUpdatedAt"] = fmt_dt(order.status_updated_at)
    data["summ"] = kop_json(totals["summ"])
    data["totalSumm"] = kop_json(totals["totalSumm"])
    data["prepaySum"] = kop_json(totals["prepaySum"])
    data["purchaseSumm"] = kop_json(totals["purchaseSumm"])
    if order.discount_manual_amount:
        data["discountManualAmount"] = kop_json(order.discount_manual_amount)
    if order.discount_manual_percent:
        data["discountManualPercent"] = num_json(order.discount_manual_percent)
    data["markDatetime"] = fmt_dt(order.created_at)
    _put(data, "lastName", order.last_name)
    _put(data, "firstName", order.first_name)
    _put(data, "patronymic", order.patronymic)
    _put(data, "phone", order.phone)
    _put(data, "additionalPhone", order.additional_phone)
    _put(data, "email", order.email)
    data["call"] = order.call
    data["expired"] = order.expired
    _put(data, "customerComment", order.customer_comment)
    _put(data, "managerComment", order.manager_comment)
    _put(data, "managerId", order.manager_id)
    customer = db.customers.get(order.customer_id) if order.customer_id is not None else None
    if customer is not None:
        data["customer"] = customer_json(db, customer)
        # an individual's order names the same person as its contact (fixtures Orders/testList, testGet)
        data["contact"] = dict(data["customer"])
    data["contragent"] = jsonable(order.contragent)
    delivery: dict[str, Any] = {}
    _put(delivery, "code", order.delivery_code)
    delivery["cost"] = kop_json(order.delivery_cost)
    delivery["netCost"] = kop_json(order.delivery_net_cost)
    if order.delivery_date is not None:
        delivery["date"] = fmt_date(order.delivery_date)
    if order.delivery_time:
        delivery["time"] = dict(order.delivery_time)
    delivery["address"] = jsonable(order.delivery_address) if order.delivery_address else {}
    data["delivery"] = delivery
    data["site"] = order.site
    data["status"] = order.status
    _put(data, "statusComment", order.status_comment)
    data["items"] = [item_json(db, i) for i in order.items]
    payments = [payment_json(p) for p in order.payments.values()]
    data["payments"] = payments if payments_as_list else {str(p["id"]): p for p in payments}
    data["fromApi"] = order.from_api
    # weight in grams from the offers, dimensions unknown (fixture Orders/testList: weight 1000, length 0, ...)
    data["weight"] = _weight(db, order)
    data["length"] = data["width"] = data["height"] = 0
    if order.payments and 0 < totals["totalSumm"] <= totals["prepaySum"]:
        paid_at = [p.paid_at for p in order.payments.values() if p.status == "paid" and p.paid_at is not None]
        if paid_at:
            data["fullPaidAt"] = fmt_dt(max(paid_at))
    _put(data, "shipmentStore", order.shipment_store)
    if order.shipment_date is not None:
        data["shipmentDate"] = fmt_date(order.shipment_date)
    data["shipped"] = order.shipped
    data["currency"] = "RUB"
    data["customFields"] = empty_map(db, order.custom_fields)
    return data


def _weight(db: Database, order: Order) -> int:
    grams = 0
    for item in order.items:
        offer = db.offers.get(item.offer_id) if item.offer_id is not None else None
        if offer is not None and offer.weight:
            grams += _times(offer.weight, item.quantity)
    return grams


def written_order_json(db: Database, order: Order, *, created: bool) -> dict[str, Any]:
    """The order a write answers with: ``applyRound`` as in every recorded write answer, and on a create (or
    upload) the payments as a list (fixtures Orders/testCreate, testUpload; testEdit keys them by id)."""
    return {**order_json(db, order, payments_as_list=created), "applyRound": True}


def order_ref(order: Order) -> dict[str, Any]:
    """The minimal order a non-creation history record carries."""
    ref: dict[str, Any] = {"id": order.id}
    _put(ref, "externalId", order.external_id)
    _put(ref, "managerId", order.manager_id)
    ref["site"] = order.site
    ref["status"] = order.status
    return ref


def item_ref(db: Database, item: OrderItem) -> dict[str, Any]:
    ref: dict[str, Any] = {"id": item.id}
    offer = db.offers.get(item.offer_id) if item.offer_id is not None else None
    if offer is not None:
        oref: dict[str, Any] = {"id": offer.id}
        _put(oref, "externalId", offer.external_id)
        _put(oref, "xmlId", offer.xml_id)
        ref["offer"] = oref
    return ref


def history_json(entry: HistoryEntry, kind: str, current_key_id: int | None) -> dict[str, Any]:
    """One history record; ``apiKey.current`` is computed for the key that is reading (the change was made
    with that very key), which lets a sync skip its own edits."""
    data: dict[str, Any] = {"id": entry.id, "createdAt": fmt_dt(entry.created_at)}
    if entry.created:
        data["created"] = True
    if entry.deleted:
        data["deleted"] = True
    data["source"] = entry.source
    if entry.user_id is not None:
        data["user"] = {"id": entry.user_id}
    data["field"] = entry.field
    if entry.source == "api":
        data["apiKey"] = {"current": current_key_id is not None and entry.api_key_id == current_key_id}
    data["oldValue"] = entry.old_value
    data["newValue"] = entry.new_value
    data[kind] = entry.full if entry.full is not None else dict(entry.entity_ref)
    if entry.item is not None:
        data["item"] = entry.item
    if entry.payment is not None:
        data["payment"] = entry.payment
    if entry.extra:
        data.update(entry.extra)
    return data
