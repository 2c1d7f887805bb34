"""``/api/v5/store/*``: inventories (+upload), prices upload, products, offers, product batches and groups.

Lists are newest first (id descending, as in the ``StoreTest::testInventories`` fixture); ``limit`` 250 is
accepted on inventories, and on offers and products unless ``config.limit_250_on_catalog_lists`` is off.
Inventories read back as ``store``/``quantity`` what the upload sends as ``code``/``available``.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from .. import listing as ls
from .. import serialize as ser
from ..catalog_logic import (
    batch_create_products,
    batch_edit_products,
    create_group,
    edit_group,
    upload_inventories,
    upload_prices,
)
from ..errors import access_denied, not_found
from ..models import Offer, Product, ProductGroup
from ..router import Call, Reply, Router
from ..units import to_kopecks

INVENTORY_FILTERS = frozenset({"ids", "sites", "catalogs", "productExternalId", "productArticle", "productActive",
                               "offerExternalId", "offerXmlId", "offerArticle", "offerActive", "details"})
PRODUCT_FILTERS = frozenset({"ids", "externalId", "xmlId", "offerIds", "offerExternalId", "offerXmlId", "name",
                             "groups", "groupExternalId", "sites", "catalogs", "active", "sinceId",
                             "sinceUpdatedAt", "manufacturer", "minPrice", "maxPrice", "priceType",
                             "minQuantity", "maxQuantity", "url", "type"})
PRODUCT_FILTERS_UNSUPPORTED = frozenset({"properties", "minPurchasePrice", "maxPurchasePrice", "minWeight",
                                         "maxWeight", "minStockQuantity", "maxStockQuantity", "classSegment",
                                         "markable", "popular", "stock", "novelty", "recommended", "barcode",
                                         "minUpdatedAt", "maxUpdatedAt"})
OFFER_FILTERS = frozenset({"ids", "externalIds", "xmlIds", "sites", "catalogs", "active", "sinceId", "name",
                           "articles", "barcode"})
GROUP_FILTERS = frozenset({"ids", "sites", "catalogs", "active", "parentGroupId", "minLevel", "maxLevel",
                           "externalIds", "name"})


def _catalog_sites(call: Call, flt: dict[str, Any]) -> set[str]:
    """Sites visible to the key, narrowed by ``sites[]`` and ``catalogs[]``."""
    visible = set(call.visible_sites())
    sites = ls.strings(flt, "sites")
    if sites is not None:
        visible &= set(sites)
    catalogs = ls.strings(flt, "catalogs")  # compared as text: a catalog id may be a word (testSites.json)
    if catalogs is not None:
        visible = {s for s in visible if str(call.db.sites[s].catalog_id) in {c.strip() for c in catalogs}}
    return visible


def _inventories(call: Call, flt: dict[str, Any]) -> list[Offer]:
    db = call.db
    sites = _catalog_sites(call, flt)
    ids = ls.ints(flt, "ids")
    xml_ids = ls.strings(flt, "offerXmlId")
    ext_ids = ls.strings(flt, "offerExternalId")
    articles = ls.strings(flt, "offerArticle")
    product_ext = ls.one_string(flt, "productExternalId")
    product_articles = ls.strings(flt, "productArticle")
    product_active, offer_active = ls.flag(flt, "productActive"), ls.flag(flt, "offerActive")
    if xml_ids is not None:  # the index keeps a 250-offer lookup cheap on a 100,000-offer catalog
        candidates = [db.offers[i] for x in dict.fromkeys(xml_ids) for i in db.offers_by_xml.get(x, [])]
    elif ids is not None:
        candidates = [db.offers[i] for i in dict.fromkeys(ids) if i in db.offers]
    else:
        candidates = list(db.offers.values())
    result = []
    for offer in candidates:
        if offer.site not in sites:
            continue
        if ids is not None and offer.id not in ids:
            continue
        if ext_ids is not None and offer.external_id not in ext_ids:
            continue
        if articles is not None and offer.article not in articles:
            continue
        if offer_active is not None and offer.active != offer_active:
            continue
        product = db.products[offer.product_id]
        if product_ext is not None and product.external_id != product_ext:
            continue
        if product_articles is not None and product.article not in product_articles:
            continue
        if product_active is not None and product.active != product_active:
            continue
        result.append(offer)
    result.sort(key=lambda o: o.id, reverse=True)
    return result


def _money_filter(flt: dict[str, Any], key: str) -> int | None:
    value = ls.one_string(flt, key)
    if value is None:
        return None
    try:
        return to_kopecks(value)
    except ValueError:
        ls._fail(key)
    return None


_by_id = attrgetter("id")


def _products(call: Call, flt: dict[str, Any]) -> list[Product]:
    db = call.db
    sites = _catalog_sites(call, flt)
    ids = ls.ints(flt, "ids")
    external_id = ls.one_string(flt, "externalId")
    xml_id = ls.one_string(flt, "xmlId")
    offer_ids = ls.ints(flt, "offerIds")
    offer_ext = ls.strings(flt, "offerExternalId")
    offer_xml = ls.strings(flt, "offerXmlId")
    name = (ls.one_string(flt, "name") or "").strip().lower()
    groups = ls.ints(flt, "groups")
    group_ext = ls.one_string(flt, "groupExternalId")
    active = ls.flag(flt, "active")
    since_id = ls.one_int(flt, "sinceId")
    since_updated = ls.moment(flt, "sinceUpdatedAt")
    manufacturer = ls.one_string(flt, "manufacturer")
    price_type = ls.one_string(flt, "priceType") or db.default_price_code()
    min_price, max_price = _money_filter(flt, "minPrice"), _money_filter(flt, "maxPrice")
    min_qty, max_qty = ls.one_int(flt, "minQuantity"), ls.one_int(flt, "maxQuantity")
    url, kind = ls.one_string(flt, "url"), ls.one_string(flt, "type")
    group_ext_id = db.groups_by_ext.get((next(iter(sites), ""), group_ext)) if group_ext is not None else None
    candidates: Any = db.products.values()
    if offer_xml is not None or xml_id is not None:  # indexed: a per-line lookup stays cheap on a big catalog
        wanted = [*(offer_xml or []), *([xml_id] if xml_id is not None else [])]
        product_ids = {db.offers[i].product_id for x in wanted for i in db.offers_by_xml.get(x, [])}
        candidates = [db.products[i] for i in sorted(product_ids) if i in db.products]
    elif ids is not None:
        candidates = [db.products[i] for i in dict.fromkeys(ids) if i in db.products]
    only_sites = all(value is None for value in (
        ids, external_id, since_id, since_updated, active, groups, group_ext, manufacturer, url, kind, offer_ids,
        offer_ext, offer_xml, xml_id, min_price, max_price, min_qty, max_qty)) and not name
    if only_sites:  # a plain page of the catalog (every sync reads the whole of it): skip the per-product checks
        result = [product for product in candidates if product.site in sites]
        result.sort(key=_by_id, reverse=True)
        return result
    needs_offers = bool(name) or any(value is not None for value in (
        offer_ids, offer_ext, offer_xml, xml_id, min_price, max_price, min_qty, max_qty))
    result = []
    for product in candidates:
        if product.site not in sites:
            continue
        if ids is not None and product.id not in ids:
            continue
        if external_id is not None and product.external_id != external_id:
            continue
        if since_id is not None and product.id <= since_id:
            continue
        if since_updated is not None and product.updated_at <= since_updated:
            continue
        if active is not None and product.active != active:
            continue
        if groups is not None and not set(groups) & set(product.group_ids):
            continue
        if group_ext is not None and group_ext_id not in product.group_ids:
            continue
        if manufacturer is not None and product.manufacturer != manufacturer:
            continue
        if url is not None and product.url != url:
            continue
        if kind is not None and product.type != kind:
            continue
        offers = [db.offers[i] for i in product.offer_ids if i in db.offers] if needs_offers else []
        if offer_ids is not None and not any(o.id in offer_ids for o in offers):
            continue
        if offer_ext is not None and not any(o.external_id in offer_ext for o in offers):
            continue
        if offer_xml is not None and not any(o.xml_id in offer_xml for o in offers):
            continue
        if xml_id is not None and not any(o.xml_id == xml_id for o in offers):
            continue
        if name and name not in product.name.lower() and name not in (product.article or "").lower() and not any(
                name in (o.article or "").lower() or name in (o.barcode or "") for o in offers):
            continue
        if min_price is not None or max_price is not None:
            prices = [o.prices[price_type] for o in offers if price_type in o.prices]
            if not any((min_price is None or p >= min_price) and (max_price is None or p <= max_price)
                       for p in prices):
                continue
        if min_qty is not None or max_qty is not None:
            qty = sum(sum(o.stock.values(), 0) for o in offers)
            if (min_qty is not None and qty < min_qty) or (max_qty is not None and qty > max_qty):
                continue
        result.append(product)
    result.sort(key=_by_id, reverse=True)
    return result


def _offers(call: Call, flt: dict[str, Any]) -> list[Offer]:
    db = call.db
    sites = _catalog_sites(call, flt)
    ids = ls.ints(flt, "ids")
    ext_ids = ls.strings(flt, "externalIds")
    xml_ids = ls.strings(flt, "xmlIds")
    articles = ls.strings(flt, "articles")
    barcode = ls.one_string(flt, "barcode")
    active = ls.flag(flt, "active")
    since_id = ls.one_int(flt, "sinceId")
    name = (ls.one_string(flt, "name") or "").strip().lower()
    result = []
    for offer in db.offers.values():
        if offer.site not in sites:
            continue
        if ids is not None and offer.id not in ids:
            continue
        if ext_ids is not None and offer.external_id not in ext_ids:
            continue
        if xml_ids is not None and offer.xml_id not in xml_ids:
            continue
        if articles is not None and offer.article not in articles:
            continue
        if barcode is not None and offer.barcode != barcode:
            continue
        if active is not None and offer.active != active:
            continue
        if since_id is not None and offer.id <= since_id:
            continue
        if name and name not in offer.name.lower() and name not in (offer.article or "").lower():
            continue
        result.append(offer)
    result.sort(key=lambda o: o.id, reverse=True)
    return result


def _group_level(db: Any, group: ProductGroup) -> int:
    level, seen = 1, {group.id}
    while group.parent_id is not None and group.parent_id in db.groups and group.parent_id not in seen:
        group = db.groups[group.parent_id]
        seen.add(group.id)
        level += 1
    return level


def _groups(call: Call, flt: dict[str, Any]) -> list[ProductGroup]:
    db = call.db
    sites = _catalog_sites(call, flt)
    ids = ls.ints(flt, "ids")
    external_ids = ls.strings(flt, "externalIds")
    active = ls.flag(flt, "active")
    parent = ls.one_int(flt, "parentGroupId")
    min_level, max_level = ls.one_int(flt, "minLevel"), ls.one_int(flt, "maxLevel")
    name = (ls.one_string(flt, "name") or "").strip().lower()
    result = []
    for group in db.groups.values():
        if group.site not in sites:
            continue
        if ids is not None and group.id not in ids:
            continue
        if external_ids is not None and group.external_id not in external_ids:
            continue
        if active is not None and group.active != active:
            continue
        if parent is not None and group.parent_id != parent:
            continue
        if min_level is not None or max_level is not None:
            level = _group_level(db, group)
            if (min_level is not None and level < min_level) or (max_level is not None and level > max_level):
                continue
        if name and name not in group.name.lower():
            continue
        result.append(group)
    result.sort(key=lambda g: g.id)
    return result


def _catalog_limits(call: Call) -> tuple[int, ...]:
    """Page sizes /store/products and /store/offers take: 250 there is not documented (see config)."""
    return ls.LIMITS_250 if call.config.limit_250_on_catalog_lists else ls.LIMITS


def register(router: Router) -> None:
    @router.add("GET", "/api/v5/store/inventories", "store_read")
    def inventories(call: Call) -> Reply:
        limit, page = ls.page_params(call, ls.LIMITS_250)
        flt = ls.read_filter(call, INVENTORY_FILTERS)
        details = bool(ls.flag(flt, "details"))
        chunk, pagination = ls.paginate(_inventories(call, flt), limit, page)
        return {"success": True, "pagination": pagination,
                "offers": [ser.inventory_json(o, details=details) for o in chunk]}

    @router.add("POST", "/api/v5/store/inventories/upload", "store_write")
    def inventories_upload(call: Call) -> Reply:
        rows = call.json_field("offers")
        site = call.text_param("site")
        if site is not None and not call.can_see(site):
            raise access_denied()
        return upload_inventories(call.db, rows, site)

    @router.add("POST", "/api/v5/store/prices/upload", "store_write")
    def prices_upload(call: Call) -> Reply:
        return upload_prices(call.db, call.json_field("prices"))

    @router.add("GET", "/api/v5/store/products", "store_read")
    def products(call: Call) -> Reply:
        limit, page = ls.page_params(call, _catalog_limits(call))
        flt = ls.read_filter(call, PRODUCT_FILTERS, PRODUCT_FILTERS_UNSUPPORTED)
        chunk, pagination = ls.paginate(_products(call, flt), limit, page)
        return {"success": True, "pagination": pagination,
                "products": [ser.product_json(call.db, p) for p in chunk]}

    @router.add("GET", "/api/v5/store/offers", "store_read")
    def offers(call: Call) -> Reply:
        limit, page = ls.page_params(call, _catalog_limits(call))
        flt = ls.read_filter(call, OFFER_FILTERS)
        chunk, pagination = ls.paginate(_offers(call, flt), limit, page)
        return {"success": True, "pagination": pagination,
                "offers": [ser.offer_json(call.db, o, with_product=True) for o in chunk]}

    @router.add("POST", "/api/v5/store/products/batch/create", "store_write")
    def products_batch_create(call: Call) -> Reply:
        return batch_create_products(call.db, call.json_field("products"))

    @router.add("POST", "/api/v5/store/products/batch/edit", "store_write")
    def products_batch_edit(call: Call) -> Reply:
        return batch_edit_products(call.db, call.json_field("products"))

    @router.add("GET", "/api/v5/store/product-groups", "store_read")
    def product_groups(call: Call) -> Reply:
        limit, page = ls.page_params(call)
        flt = ls.read_filter(call, GROUP_FILTERS)
        chunk, pagination = ls.paginate(_groups(call, flt), limit, page)
        return {"success": True, "pagination": pagination, "productGroup": [ser.group_json(g) for g in chunk]}

    @router.add("POST", "/api/v5/store/product-groups/create", "store_write")
    def product_groups_create(call: Call) -> Reply:
        body = call.json_object("productGroup")
        site = body.get("site") or call.text_param("site")
        if isinstance(site, str) and site in call.db.sites and not call.can_see(site):
            raise access_denied()
        group = create_group(call.db, body, site if isinstance(site, str) else None)
        return {"success": True, "id": group.id}, 201

    @router.add("POST", "/api/v5/store/product-groups/{uid}/edit", "store_write")
    def product_groups_edit(call: Call) -> Reply:
        db = call.db
        uid = call.path_params["uid"]
        group: ProductGroup | None = None
        if call.by() == "id":
            group = db.groups.get(int(uid)) if uid.isdigit() else None
        else:
            site = call.text_param("site")
            for code in [site] if site else call.visible_sites():
                gid = db.groups_by_ext.get((code, uid))
                if gid is not None:
                    group = db.groups[gid]
                    break
        if group is None:
            raise not_found()
        if not call.can_see(group.site):
            raise access_denied()
        updated = edit_group(db, group, call.json_object("productGroup"))
        return {"success": True, "id": updated.id}
