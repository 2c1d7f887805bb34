"""The "lived-in" account: the tidy demo shop after years of real use, for ``--account lived-in``.

It is built on top of the tidy shop (:mod:`app.sandbox.seed`, loaded by both emulators as usual) through the
emulators' own Python APIs and records, so the tidy account stays exactly as it was and as fast. What a shop
that has run for years has, and where each piece comes from:

RetailCRM
* Statuses as real accounts have them (recorded ``References/testStatuses.json``): more default ones in every
  group with ``ordering`` restarting per group (``prepayed`` approval 40, ``send-to-assembling`` assembling 10,
  ``redirect`` and ``delivered`` in delivery, the cancel group's reasons), shop's own statuses at 990 in
  several groups (``abandoned-cart`` in cancel as recorded, and «Ждёт упаковки» in assembling, which a
  comparison of ``ordering`` across groups would put after «Отправлен») and inactive old ones
  (``dict-statuses-…`` in the new group, as recorded). A few recent orders sit in them.
* Two sites (``testSites.json`` shows two): the main one's ``catalogId`` is the word ``"catalog"``, as the
  recorded first site's; a second site ("витрина") with a small catalog and a few orders of its own.
* The retail store «Магазин Тверская» counts stock by availability: ``inventoryType: "available"``
  (``testStores.json`` has one such store).
* Offers for a MoySklad bundle and a service, and orders holding them; offers for variants without a code.

MoySklad
* The organization pays VAT (OAS ``organization.payerVat``); products carry their VAT rates already.
* A required additional field on customer orders («Канал продаж»): creates without it are refused (412/3000,
  :mod:`app.sandbox.moysklad.attributes`).
* Archived counterparties, one of them the same e-mail as a customer with a new order (a returning customer),
  and archived products (two that RetailCRM still sells, one that only MoySklad ever had).
* Variants without a code (their product has an article; the RetailCRM offers have none or the parent's).
* A bundle (комплект, OAS ``bundle.json``) of two products and a service «Подарочная упаковка».

Orders changed after export (lines removed, quantities changed) are made by the end-to-end tests after the
first sync, with the account's other API key, as a person or another integration would.

:func:`furnish` returns :class:`LivedIn`, the facts a test needs to find each of these again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from app.sandbox.retailcrm.models import Offer, Product, ProductStatus, Site, Status
from app.sandbox.seed import Shop

if TYPE_CHECKING:
    from app.sandbox.moysklad import MoySkladEmulator
    from app.sandbox.retailcrm import RetailCrmEmulator

TIDY = "tidy"
LIVED_IN = "lived-in"
ACCOUNTS = (TIDY, LIVED_IN)
MIN_STORES = 4  # the fourth store of the seed is the retail one, counted by availability here

SECOND_SITE = "uyut-vitrina"
AVAILABLE_STORE = "tverskaya"  # rc_code of the seed's retail store «Магазин Тверская»
WORD_CATALOG_ID = "catalog"  # recorded References/testSites.json, site "test"
REQUIRED_ATTRIBUTE = "Канал продаж"

# (code, name, group, ordering, active): added to the tidy account's statuses (seed._STATUSES)
_MORE_STATUSES = (
    ("availability-confirmed", "Наличие подтверждено", "approval", 30, True),
    ("prepayed", "Предоплата поступила", "approval", 40, True),
    ("send-to-assembling", "Передано в комплектацию", "assembling", 10, True),
    ("waiting-packing", "Ждёт упаковки", "assembling", 990, True),  # the shop's own
    ("redirect", "Доставка перенесена", "delivery", 30, True),
    ("delivered", "Доставлен", "delivery", 40, True),
    ("courier-handed", "Передан курьеру", "delivery", 990, True),  # the shop's own
    ("self-pickup-done", "Выдан в магазине", "complete", 990, True),  # the shop's own
    ("already-buyed", "Купил в другом месте", "cancel", 30, True),
    ("delyvery-did-not-suit", "Не устроила доставка", "cancel", 40, True),
    ("prices-did-not-suit", "Не устроила цена", "cancel", 50, True),
    ("abandoned-cart", "Брошенная корзина", "cancel", 990, True),
    ("dict-statuses-1571123798", "Старый статус 2019", "new", 990, False),
    ("dict-statuses-1581413644", "Старый статус 2020", "new", 990, False),
    ("old-courier", "Курьер (старый)", "delivery", 990, False),
)
_WORKED_ON = ("new", "client-confirmed", "offer-analog", "assembling", "assembling-complete")
# recent orders moved into these after they were placed: before, at and after the shipment status
# (code, name, cancelStatus, ordering, active): the shop's own line statuses beside the defaults (seeding.py)
_MORE_PRODUCT_STATUSES = (("otmena", "Отмена", True, 360, True), ("4", "Старый статус позиции", False, 270, False))
_MOVED_TO = ("prepayed", "waiting-packing", "courier-handed", "dict-statuses-1571123798")


@dataclass
class LivedIn:
    """Where each trait of the lived-in account is, for tests and the demo."""

    second_site: str = SECOND_SITE
    second_site_orders: list[int] = field(default_factory=list)
    word_catalog_site: str = ""
    available_store: str = AVAILABLE_STORE
    custom_statuses: list[str] = field(default_factory=list)  # ordering 990
    inactive_statuses: list[str] = field(default_factory=list)
    moved_orders: dict[int, str] = field(default_factory=dict)  # RetailCRM order id -> the status it is in now
    required_attribute: str = REQUIRED_ATTRIBUTE
    returning_customer_email: str = ""
    returning_order: int = 0
    archived_counterparty_id: str = ""
    archived_counterparty_ids: list[str] = field(default_factory=list)
    archived_product_ids: list[str] = field(default_factory=list)  # MoySklad ids
    archived_only_in_moysklad: str = ""  # externalCode of an archived product RetailCRM never had
    no_code_variant_ids: list[str] = field(default_factory=list)
    no_article_offer_ids: list[int] = field(default_factory=list)
    bundle_id: str = ""
    service_id: str = ""
    bundle_offer_id: int = 0
    service_offer_id: int = 0
    bundle_order: int = 0
    service_order: int = 0


def shop_stores(stores: int) -> int:
    """How many stores the lived-in account's shop is generated with (its retail store is the fourth)."""
    return max(MIN_STORES, stores)


def furnish(retailcrm: RetailCrmEmulator, moysklad: MoySkladEmulator, shop: Shop) -> LivedIn:
    """Turn a freshly seeded tidy pair into the lived-in one."""
    facts = LivedIn()
    _statuses(retailcrm, facts)
    _moysklad_account(moysklad, shop, facts)
    _catalog_extras(retailcrm, moysklad, shop, facts)
    _orders(retailcrm, moysklad, shop, facts)
    _second_site(retailcrm, shop, facts)
    _retire_statuses(retailcrm)
    # last: the word catalogId moves the main site's products with it (RetailCrmState.set_catalog_id)
    rc = retailcrm.state
    facts.word_catalog_site = rc.site_code()
    rc.set_catalog_id(WORD_CATALOG_ID, facts.word_catalog_site)
    rc.set_store_inventory_type(AVAILABLE_STORE, "available")
    return facts


# --- RetailCRM ------------------------------------------------------------------------------------------

def _statuses(retailcrm: RetailCrmEmulator, facts: LivedIn) -> None:
    db = retailcrm.state.db
    with retailcrm.state.lock:
        for code, name, group, ordering, _active in _MORE_STATUSES:
            db.statuses[code] = Status(code, name, group, ordering)  # retired only once orders sit in them
        facts.custom_statuses = [s.code for s in db.statuses.values() if s.ordering == 990 and s.active
                                 and s.code not in {c for c, *_, active in _MORE_STATUSES if not active}]
        facts.inactive_statuses = [code for code, *_, active in _MORE_STATUSES if not active]
        facts.inactive_statuses += [s.code for s in db.statuses.values() if not s.active]
        # order line statuses of the shop's own, as recorded (References/testProductStatuses): one that cancels
        # the line (``otmena``) and one no longer used
        for code, name, cancel, ordering, active in _MORE_PRODUCT_STATUSES:
            db.product_statuses[code] = ProductStatus(code, name, cancel, ordering,
                                                      retailcrm.state.shop.epoch - timedelta(days=200), active)


def _retire_statuses(retailcrm: RetailCrmEmulator) -> None:
    """Statuses a shop stopped using: orders placed back then keep them (RetailCRM refuses to *set* one)."""
    with retailcrm.state.lock:
        for code, *_, active in _MORE_STATUSES:
            if not active:
                retailcrm.state.db.statuses[code].active = False


def _linked_offer_keys(shop: Shop) -> set[str]:
    """Seed offers in both catalogs under one unambiguous article: lines of these link on the first sync."""
    flawed = {a for kind in ("duplicate_article_moysklad", "duplicate_article_retailcrm", "article_case_spaces")
              for a in shop.anomalies.get(kind, [])}
    products = {p.key: p for p in shop.products}
    return {o.key for o in shop.offers() if o.in_moysklad and o.in_retailcrm
            and products[o.product_key].article not in flawed}


def _orders(retailcrm: RetailCrmEmulator, moysklad: MoySkladEmulator, shop: Shop, facts: LivedIn) -> None:
    rc = retailcrm.state
    linked = _linked_offer_keys(shop)
    offer_ids = _rc_offer_ids(retailcrm)
    # the newest orders still being worked on (the seed's older orders are all done or cancelled)
    recent = [o for o in reversed(shop.orders) if o.status in _WORKED_ON and o.items
              and o.created_at > shop.epoch - timedelta(days=7) and all(i.offer_key in linked for i in o.items)]
    for seed_order, status in zip(recent, _MOVED_TO, strict=False):
        order_id = int(seed_order.number.rstrip("C"))
        rc.user_edit_order(order_id, status=status)
        facts.moved_orders[order_id] = status

    customers = sorted(rc.db.customers.values(), key=lambda c: c.id)
    known = {cp.email.casefold() for cp in shop.counterparties if cp.email}
    plain = [c for c in customers if c.email and c.email.casefold() not in known
             and c.contragent.get("contragentType") == "individual"]
    sellable = [o for o in shop.offers() if o.key in linked]
    line = {"offer": {"id": offer_ids[sellable[0].xml_id]}, "quantity": 1}
    base = {"status": "new", "shipmentStore": shop.stores[0].rc_code, "orderMethod": "phone"}

    # a returning customer: MoySklad keeps their counterparty in the archive (by e-mail, as typed there)
    returning = plain[-1]
    facts.returning_customer_email = returning.email or ""
    ms = moysklad.state
    archived = ms.create_entity("counterparty", {
        "name": f"{returning.last_name} {returning.first_name} (архив)", "email": (returning.email or "").upper(),
        "companyType": "individual", "archived": True, "description": "Покупатель 2021 года"})
    facts.archived_counterparty_id = archived["id"]
    facts.archived_counterparty_ids.append(archived["id"])
    for name, inn in (("ООО «Старый опт»", "7701000017"), ("ИП Закрытов", "500100732259")):
        old = ms.create_entity("counterparty", {"name": name, "inn": inn, "companyType": "legal", "archived": True})
        facts.archived_counterparty_ids.append(old["id"])
    facts.returning_order = rc.create_order(base, customer={"id": returning.id}, items=[line])["id"]

    # the bundle and the service are sold in RetailCRM like any offer
    facts.bundle_order = rc.create_order(base, customer={"id": plain[-2].id}, items=[
        {"offer": {"id": facts.bundle_offer_id}, "quantity": 1}, dict(line)])["id"]
    facts.service_order = rc.create_order(base, customer={"id": plain[-3].id}, items=[
        dict(line), {"offer": {"id": facts.service_offer_id}, "quantity": 1}])["id"]


def _rc_offer_ids(retailcrm: RetailCrmEmulator) -> dict[str, int]:
    db = retailcrm.state.db
    return {offer.xml_id: offer.id for offer in db.offers.values() if offer.xml_id}


def _second_site(retailcrm: RetailCrmEmulator, shop: Shop, facts: LivedIn) -> None:
    """A second web shop with a catalog and customers of its own; the sync works with the main site only."""
    rc = retailcrm.state
    db = rc.db
    with rc.lock:
        db.sites[SECOND_SITE] = Site(id=2, code=SECOND_SITE, name="Витрина «Уют» на маркетплейсе",
                                     url=f"https://{SECOND_SITE}.example.ru", catalog_id=81,
                                     catalog_updated_at=shop.epoch - timedelta(days=3))
        now = db.now()
        offers = []
        for n, (name, price) in enumerate((("Подарочный сертификат 1000 ₽", 100000),
                                           ("Подарочный сертификат 3000 ₽", 300000)), start=1):
            product = Product(id=db.next_id("product"), site=SECOND_SITE, catalog_id=81, name=name,
                              article=f"GIFT-{n}", external_id=f"vitrina-gift-{n}", group_ids=[], offer_ids=[],
                              created_at=now, updated_at=now)
            db.products[product.id] = product
            db.index_product(product)
            offer = Offer(id=db.next_id("offer"), product_id=product.id, site=SECOND_SITE, name=name,
                          article=f"GIFT-{n}", external_id=f"vitrina-gift-{n}", xml_id=f"vitrina-gift-{n}",
                          prices={db.default_price_code(): price})
            db.offers[offer.id] = offer
            db.index_offer(offer)
            product.offer_ids.append(offer.id)
            offers.append(offer.id)
    for n in range(3):
        order = rc.create_order(
            {"status": "new", "firstName": "Покупатель", "lastName": f"Витрины {n + 1}",
             "phone": f"+7999000{n:04d}", "email": f"vitrina{n}@example.ru",
             "items": [{"offer": {"id": offers[n % len(offers)]}, "quantity": 1}]},
            site=SECOND_SITE,
        )
        facts.second_site_orders.append(order["id"])


# --- MoySklad -------------------------------------------------------------------------------------------

def _meta(kind: str, entity_id: str) -> dict[str, Any]:
    return {"meta": {"href": f"http://127.0.0.1/api/remap/1.2/entity/{kind}/{entity_id}", "type": kind}}


def _moysklad_account(moysklad: MoySkladEmulator, shop: Shop, facts: LivedIn) -> None:
    ms = moysklad.state
    ms.update_entity("organization", ms.organization()["id"], {"payerVat": True})
    ms.add_attribute("customerorder", REQUIRED_ATTRIBUTE, required=True)
    ms.add_attribute("customerorder", "Комментарий склада")  # an optional one next to it

    # archived products: two RetailCRM still lists, and one it never had
    linked = _linked_offer_keys(shop)
    simple = [p for p in shop.products if not p.variants and p.key in linked]
    by_code = {p["externalCode"]: p for p in ms.products()}
    for product in simple[-2:]:
        record = by_code[product.external_code]
        ms.update_entity("product", record["id"], {"archived": True})
        facts.archived_product_ids.append(record["id"])
    old = ms.create_entity("product", {"name": "Ежедневник 2019 «Старый»", "article": "DIARY-2019",
                                       "code": "990001", "archived": True, "salePrices": [{"value": 39000.0}]})
    facts.archived_product_ids.append(old["id"])
    facts.archived_only_in_moysklad = old["externalCode"]


def _catalog_extras(retailcrm: RetailCrmEmulator, moysklad: MoySkladEmulator, shop: Shop, facts: LivedIn) -> None:
    ms, rc = moysklad.state, retailcrm.state
    stores = [s["id"] for s in ms.stores()]
    by_code = {p["externalCode"]: p for p in ms.products()}
    linked = _linked_offer_keys(shop)
    simple = [p for p in shop.products if not p.variants and p.key in linked and p.in_moysklad]

    # variants without a code: under the article key they have no key at all
    socks = ms.create_entity("product", {"name": "Носки хлопковые «Базовые»", "article": "SOK-BASE",
                                         "code": "990100", "salePrices": [{"value": 29000.0}]})
    offers: list[int] = []
    for n, size in enumerate(("36-38", "39-41", "42-44")):
        variant = ms.create_entity("variant", {**{"product": _meta("product", socks["id"])},
                                               "characteristics": [{"name": "Размер", "value": size}],
                                               "salePrices": [{"value": 29000.0}]})
        facts.no_code_variant_ids.append(variant["id"])
        ms.set_stock(variant["id"], stores[0], 10 + n)
        # the offers carry no article, except one someone typed the product's article into
        offer = rc.add_offer(name=variant["name"], article="SOK-BASE" if n == 0 else None,
                             xml_id=f"{socks['externalCode']}#{variant['externalCode']}", prices={"base": 290},
                             stock={shop.stores[0].rc_code: 3},
                             product_id=rc.db.offers[offers[0]].product_id if offers else None)
        offers.append(int(offer["id"]))
    facts.no_article_offer_ids = offers

    # a bundle of two products, and a service; RetailCRM sells both as offers
    first, second = (by_code[p.external_code] for p in simple[:2])
    bundle = ms.create_entity("bundle", {
        "name": "Набор «Уютный вечер»", "article": "SET-EVENING", "code": "990200", "vat": 20, "vatEnabled": True,
        "salePrices": [{"value": 199000.0}],
        "components": [{"assortment": _meta("product", first["id"]), "quantity": 1.0},
                       {"assortment": _meta("product", second["id"]), "quantity": 2.0}]})
    facts.bundle_id = bundle["id"]
    service = ms.create_entity("service", {"name": "Подарочная упаковка", "code": "990300",
                                           "salePrices": [{"value": 25000.0}]})
    facts.service_id = service["id"]
    facts.bundle_offer_id = int(rc.add_offer(name=bundle["name"], article="SET-EVENING", xml_id=bundle["externalCode"],
                                             prices={"base": 1990})["id"])
    facts.service_offer_id = int(rc.add_offer(name=service["name"], article="990300", xml_id=service["externalCode"],
                                              prices={"base": 250})["id"])
