"""Load a seeded :class:`~app.sandbox.seed.Shop` into the CRM's tables, the way a live account looks.

* Catalog: every product and offer with ``in_retailcrm``; offer ``externalId`` = ``xmlId`` = MoySklad
  externalCode (``product#variant``), ``article`` as typed in the CRM (odd case/spaces included). Every offer
  carries MoySklad's code as the property ``code`` (as RetailCRM's own MoySklad module exports it), variants
  also ``size`` / ``color``.
* Stock per CRM store, **slightly stale** against MoySklad: about 80 % of the (offer, store) rows agree,
  the rest differ or are missing, so a first sync has real work. Prices: about 10 % of offers carry an old
  base price. Offers that MoySklad no longer has keep some stock.
* Orders with their customers, payments and a journal: each order's creation, then status changes along
  a plausible path (and the payment turning paid when it completes), ids in chronological order.

Ids: products from 1001, offers from 500001, customers from 1, orders from 1001 (``number`` = "{id}C"),
history from 1. New records continue the sequences.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from app.sandbox.seed import SeedOrder, Shop

from .config import RetailCrmConfig
from .database import Actor, Clock, Database
from .models import (
    Customer,
    Number,
    Offer,
    Order,
    OrderItem,
    Payment,
    PriceType,
    Product,
    ProductGroup,
    ProductStatus,
    Site,
    Status,
    Store,
    User,
)

SITE_API_KEY_ID = 1  # the web shop's own integration key: its changes are source "api", never "current"
MANAGERS = (7, 9, 12)
# the managers as users (/api/v5/users): (first name, last name, patronymic); one without a last name, as the
# recorded user of the official PHP client's UsersTest (firstName only)
_MANAGER_NAMES = {7: ("Ольга", "Смирнова", "Игоревна"), 9: ("Дмитрий", "Кузнецов", None), 12: ("Алина", None, None)}

_MAIN_FLOW = ("new", "client-confirmed", "assembling", "assembling-complete", "send-to-delivery", "delivering",
              "complete")
_PAYMENT_STATUSES = (("not-paid", "Не оплачен", False), ("invoice", "Выставлен счет", False),
                     ("paid", "Оплачен", True), ("returned", "Возврат", False))
# A new account's order line statuses (code, name, cancelStatus), in their ordering 10, 20, …: the defaults of
# the recorded account (References/testProductStatuses), five of which cancel the line.
PRODUCT_STATUSES = (
    ("new", "Добавлен", False), ("confirming", "Подтверждение наличия", False), ("in-reserve", "В резерве", False),
    ("assembly-delivery", "Доставляется на точку сборки", False), ("ready-for-assembly", "Готов к комплектации", False),
    ("completed", "Укомплектован", False), ("saled", "Продан", False), ("out-of-stock", "Нет в наличии", True),
    ("failure", "Отказ клиента", True), ("product-is-damaged", "Товар поврежден", True),
    ("assembly-not-delivery", "Не доставлен на точку сборки", True), ("lost", "Потерян", True),
    ("returned", "Возврат", True),
)
_ORDER_TYPES = (("eshop-individual", "Физ. лицо"), ("eshop-legal", "Юр. лицо"))


def build_database(shop: Shop, config: RetailCrmConfig, clock: Clock | None = None) -> Database:
    db = Database(config=config, clock=clock or Clock())
    for name, first in (("product", 1001), ("offer", 500001), ("group", 101), ("customer", 1), ("order", 1001),
                        ("item", 5001), ("payment", 9001), ("history", 1), ("customer_history", 1),
                        ("address", 3001), ("api_key", 1)):
        db.start_sequence(name, first)
    db.next_id("api_key")  # id 1 belongs to the shop's own integration (SITE_API_KEY_ID)
    _references(db, shop)
    offer_of_key = _catalog(db, shop)
    _customers_and_orders(db, shop, offer_of_key)
    return db


def _references(db: Database, shop: Shop) -> None:
    db.sites[shop.site_code] = Site(
        id=1, code=shop.site_code, name=shop.site_name, url=f"https://{shop.site_code}.example.ru",
        catalog_id=1, catalog_updated_at=shop.epoch - timedelta(days=1),
    )
    for store in shop.stores:
        kind = "store-type-retail" if store.key == "shop" else "store-type-warehouse"
        db.stores[store.rc_code] = Store(code=store.rc_code, name=store.rc_name, type=kind, address=store.address)
    for idx, ptype in enumerate(shop.price_types):
        db.price_types[ptype.rc_code] = PriceType(
            id=idx + 1, code=ptype.rc_code, name=ptype.rc_name, ordering=991 if idx == 0 else 500 + idx * 10,
            default=idx == 0,
        )
    for status in shop.statuses:
        db.statuses[status.code] = Status(status.code, status.name, status.group, status.ordering, status.active)
    db.status_groups = [(code, name, ordering) for code, name, ordering in shop.status_groups]
    db.delivery_types = {code: (name, cost) for code, name, cost in shop.delivery_types}
    db.payment_types = dict(shop.payment_types)
    db.payment_statuses = {code: (name, complete) for code, name, complete in _PAYMENT_STATUSES}
    db.order_methods = dict(shop.order_methods)
    db.product_statuses = {code: ProductStatus(code, name, cancel, (i + 1) * 10,
                                                 shop.epoch - timedelta(days=365))
                           for i, (code, name, cancel) in enumerate(PRODUCT_STATUSES)}
    db.order_types = dict(_ORDER_TYPES)
    for user_id in MANAGERS:
        first, last, patronymic = _MANAGER_NAMES[user_id]
        db.users[user_id] = User(id=user_id, first_name=first, last_name=last, patronymic=patronymic,
                                 email=f"manager{user_id}@{shop.site_code}.example.ru",
                                 created_at=shop.epoch - timedelta(days=400))


def _catalog(db: Database, shop: Shop) -> dict[str, int]:
    """Load the catalog; returns seed offer key -> CRM offer id (for the seeded orders' lines)."""
    rng = random.Random(shop.seed * 7919 + 17)
    rand, randint, choice = rng.random, rng.randint, rng.choice
    site = shop.site_code
    group_by_key: dict[str, int] = {}
    for folder in shop.folders:  # parents come before children in the seed
        gid = db.next_id("group")
        group = ProductGroup(id=gid, site=site, name=folder.name, external_id=folder.external_code,
                             parent_id=group_by_key.get(folder.parent_key) if folder.parent_key else None)
        db.groups[gid] = group
        db.index_group(group)
        group_by_key[folder.key] = gid
    code_of_price = {p.key: p.rc_code for p in shop.price_types}
    store_codes = [(s.key, s.rc_code) for s in shop.stores]
    first_store = store_codes[0][1]
    ms_stock = shop.stock
    deltas = (-3, -2, -1, 1, 2, 5)
    offers, by_xml, by_ext = db.offers, db.offers_by_xml, db.offers_by_ext
    offer_of_key: dict[str, int] = {}
    catalog_time = shop.epoch - timedelta(days=30)
    for pos, seed_product in enumerate(shop.products):
        if not seed_product.in_retailcrm:
            continue
        pid = db.next_id("product")
        stamp = catalog_time + timedelta(seconds=pos)
        product = Product(
            id=pid, site=site, catalog_id=1, name=seed_product.name,
            article=seed_product.rc_article if seed_product.rc_article is not None else seed_product.article,
            external_id=seed_product.external_code, group_ids=[group_by_key[seed_product.folder_key]],
            offer_ids=[], created_at=stamp, updated_at=stamp,
        )
        db.products[pid] = product
        db.products_by_ext[(site, seed_product.external_code)] = pid
        units: list[tuple[str | None, str, str, str, tuple[tuple[str, int], ...], int, dict[str, str], str]] = []
        # MoySklad's «Код» rides in the offer property "code", as RetailCRM's own MoySklad module exports it
        # (retailcrm/moysklad-catalog, MoySkladICMLParser.php: <param code="code" name="Код">)
        if not seed_product.variants:
            units.append((product.article, seed_product.external_code, seed_product.name, seed_product.barcode,
                          seed_product.sale_prices, seed_product.buy_price, {"code": seed_product.code},
                          seed_product.key))
        for variant in seed_product.variants:
            label = ", ".join(value for _, value in variant.characteristics)
            props = {("size" if name == "Размер" else "color"): value for name, value in variant.characteristics}
            props["code"] = variant.code
            units.append((variant.code, f"{seed_product.external_code}#{variant.external_code}",
                          f"{seed_product.name} ({label})", variant.barcode, variant.sale_prices,
                          variant.buy_price, props, variant.key))
        weight = int(seed_product.weight * 1000)
        vat = str(seed_product.vat) if seed_product.vat else "none"
        in_moysklad = seed_product.in_moysklad
        for article, xml_id, name, barcode, sale_prices, buy_price, props, offer_key in units:
            prices = {code_of_price[k]: kop for k, kop in sale_prices}
            if prices and rand() < 0.10:  # an old base price nobody updated yet
                base = next(iter(prices))
                prices[base] = max(100, (prices[base] * 9 // 10) // 1000 * 1000)
            purchase = buy_price if rand() >= 0.10 else buy_price * 95 // 100
            # stock: ~80 % of rows as in MoySklad, the rest off by a little, missing, or invented
            stock: dict[str, Number] = {}
            if not in_moysklad:
                stock[first_store] = randint(0, 12)
            else:
                for store_key, code in store_codes:
                    actual = ms_stock.get((offer_key, store_key))
                    roll = rand()
                    if roll < 0.8:
                        if actual is not None:
                            stock[code] = actual
                    elif roll < 0.9:
                        stock[code] = max(0, (actual or 0) + choice(deltas))
                    elif actual is None or actual == 0:
                        stock[code] = randint(1, 9)
                    # else: a row MoySklad has that was never uploaded to this store
            oid = db.next_id("offer")
            offers[oid] = Offer(oid, pid, site, name, article, xml_id, xml_id, barcode, prices, purchase, stock, {},
                                True, weight, vat, props)
            by_xml.setdefault(xml_id, []).append(oid)
            by_ext[(site, xml_id)] = oid
            product.offer_ids.append(oid)
            offer_of_key[offer_key] = oid
    return offer_of_key


def _split_city(text: str) -> tuple[str, str | None]:
    if text.endswith(")") and " (" in text:
        city, region = text[:-1].split(" (", 1)
        return city, region
    return text, None


def _status_path(db: Database, target: str) -> list[str]:
    if target in _MAIN_FLOW:
        return list(_MAIN_FLOW[: _MAIN_FLOW.index(target) + 1])
    group = db.statuses[target].group if target in db.statuses else "new"
    if group in ("new", "approval"):
        return ["new", target]
    return ["new", "client-confirmed", target]


def _customers_and_orders(db: Database, shop: Shop, offer_of_key: dict[str, int]) -> None:
    rng = random.Random(shop.seed * 104729 + 3)
    site = shop.site_code
    customer_by_key: dict[str, Customer] = {}
    first_order: dict[str, datetime] = {}
    for seed_order in shop.orders:
        prev = first_order.get(seed_order.customer_key)
        if prev is None or seed_order.created_at < prev:
            first_order[seed_order.customer_key] = seed_order.created_at
    for seed_customer in shop.customers:
        created = first_order.get(seed_customer.key, shop.epoch - timedelta(days=40)) - timedelta(
            minutes=rng.randint(5, 600))
        contragent: dict[str, object] = {"contragentType": "individual"}
        if seed_customer.inn:
            contragent = {"contragentType": "legal-entity", "legalName": seed_customer.company or "",
                          "INN": seed_customer.inn}
        customer = Customer(
            id=db.next_id("customer"), site=site, created_at=created,
            external_id=None, first_name=seed_customer.first_name, last_name=seed_customer.last_name,
            patronymic=seed_customer.patronymic, email=seed_customer.email, phones=[seed_customer.phone],
            contragent=contragent, manager_id=rng.choice(MANAGERS),
        )
        db.customers[customer.id] = customer
        customer_by_key[seed_customer.key] = customer

    # Events are collected first and journaled in time order, so history ids follow createdAt.
    events: list[tuple[datetime, int, int, str, object]] = []
    for customer in db.customers.values():
        events.append((customer.created_at, 0, customer.id, "customer", customer))
    methods = list(db.order_methods)
    for seq, seed_order in enumerate(shop.orders):
        order, path_times = _seed_order(db, seed_order, customer_by_key, offer_of_key, methods, rng, shop.epoch)
        events.append((order.created_at, 1, seq, "order", (order, path_times)))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    latest = shop.epoch
    for moment, _, _, kind, payload in events:
        if kind == "customer":
            assert isinstance(payload, Customer)
            actor = Actor("user", user_id=payload.manager_id)
            db.index_customer(payload)
            db.record_customer_created(payload, actor, moment)
            continue
        assert isinstance(payload, tuple)
        order, path_times = payload
        _journal_order(db, order, path_times)
        latest = max(latest, path_times[-1][1] if path_times else moment)
    if db.orders:
        db.start_sequence("order", max(db.orders) + 1)
    db.history.sort(key=lambda h: (h.created_at, h.id))
    for new_id, entry in enumerate(db.history, start=1):
        entry.id = new_id
    db.start_sequence("history", len(db.history) + 1)
    db.clock.advance_floor(latest)


def _seed_order(db: Database, seed_order: SeedOrder, customers: dict[str, Customer], offer_of_key: dict[str, int],
                methods: list[str], rng: random.Random, epoch: datetime) -> tuple[Order, list[tuple[str, datetime]]]:
    customer = customers[seed_order.customer_key]
    items = []
    for line in seed_order.items:
        oid = offer_of_key.get(line.offer_key)
        if oid is None:
            continue
        offer = db.offers[oid]
        items.append(OrderItem(
            id=db.next_id("item"), offer_id=oid, quantity=line.quantity, initial_price=line.price,
            created_at=seed_order.created_at, discount_manual_amount=line.discount,
            price_type=db.default_price_code(), purchase_price=offer.purchase_price,
        ))
    city, region = _split_city(seed_order.city)
    address = {"countryIso": "RU", "city": city, "text": f"{city}, {seed_order.address}"}
    if region:
        address["region"] = region
    method = methods[rng.randrange(len(methods))] if methods else None
    order = Order(
        id=int(seed_order.number.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), number=seed_order.number, site=seed_order.site,
        status="new", created_at=seed_order.created_at, status_updated_at=seed_order.created_at,
        customer_id=customer.id, order_type="eshop-legal" if customer.contragent.get("INN") else "eshop-individual",
        order_method=method, first_name=customer.first_name, last_name=customer.last_name,
        patronymic=customer.patronymic, phone=customer.phones[0] if customer.phones else None,
        email=customer.email, customer_comment=seed_order.comment or None, manager_id=customer.manager_id,
        contragent=dict(customer.contragent), delivery_code=seed_order.delivery_code,
        delivery_cost=seed_order.delivery_cost, delivery_address=address,
        shipment_store=seed_order.shipment_store if seed_order.shipment_store in db.stores else None,
        from_api=method in ("shopping-cart", "one-click"), items=items,
    )
    path = _status_path(db, seed_order.status)
    times: list[tuple[str, datetime]] = []
    moment = seed_order.created_at
    horizon = epoch - timedelta(minutes=1)
    for status in path[1:]:
        moment = moment + timedelta(minutes=rng.randint(20, 20 * 60))
        times.append((status, moment))
    if times and times[-1][1] > horizon:  # squeeze the tail so no change lies after the seed's "today"
        span = max(timedelta(seconds=len(times)), horizon - seed_order.created_at)
        step = span / (len(times) + 1)
        times = [(status, seed_order.created_at + step * (k + 1)) for k, (status, _) in enumerate(times)]
    times = [(status, at.replace(microsecond=0)) for status, at in times]
    return order, times


def _journal_order(db: Database, order: Order, path_times: list[tuple[str, datetime]]) -> None:
    creator = (Actor("api", api_key_id=SITE_API_KEY_ID) if order.from_api
               else Actor("user", user_id=order.manager_id))
    payment_type = next(iter(db.payment_types), None)
    if payment_type is not None:
        ptype = "bank-card" if "bank-card" in db.payment_types and order.from_api else payment_type
        total = sum(i.initial_price * int(i.quantity) - i.discount_manual_amount * int(i.quantity)
                    for i in order.items) + order.delivery_cost
        pid = db.next_id("payment")
        order.payments[pid] = Payment(id=pid, type=ptype, status="not-paid", amount=total)
    db.orders[order.id] = order
    db.index_order(order)
    db.record_order_created(order, creator, order.created_at)
    for status, moment in path_times:
        before = db.order_snapshot(order)
        order.status = status
        order.status_updated_at = moment
        if status in ("send-to-delivery", "delivering", "complete") and not order.shipped:
            order.shipped = True
            order.shipment_date = moment.date()
        if status == "complete":
            for payment in order.payments.values():
                payment.status = "paid"
                payment.paid_at = moment
        db.record_order_changes(before, order, Actor("user", user_id=order.manager_id), moment)
