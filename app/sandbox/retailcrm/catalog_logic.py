"""Stock, prices, products and product groups: the ``store/*`` write methods.

Uploads address offers by ``id`` | ``xmlId`` | ``externalId`` (+ ``site``); offers that match nothing are
reported in ``notFoundOffers`` and never created. A body that breaks a rule (too many offers, an unknown
store or price type, a bad number) is refused whole with a 400, before anything changes.
"""

from __future__ import annotations

import copy
from typing import Any

from . import validate as v
from .database import Database
from .errors import ApiError, entity_error
from .models import Number, Offer, Product, ProductGroup


def _too_many(what: str, count: int, limit: int) -> ApiError:
    return ApiError(
        400,
        f"Too many {what} in one request: {count}. At most {limit} are accepted; split the list into batches.",
        {what: f"This collection should contain {limit} elements or less."},
    )


def _require_list(value: Any, name: str) -> list[Any]:
    if not isinstance(value, list):
        raise entity_error({name: "This value should be a JSON array."})
    return value


def _offer_key(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "externalId", "xmlId") if row.get(k) is not None}


def locate_offers(db: Database, row: dict[str, Any], site: str | None, key: str, errors: v.Errors) -> list[Offer]:
    """The offers one upload row addresses (an xmlId shared by several catalogs hits them all)."""
    if row.get("id") is not None:
        oid = v.integer(row["id"], f"{key}.id", errors)
        offer = db.offers.get(oid) if oid is not None else None
        return [offer] if offer else []
    if row.get("externalId") is not None:
        offer_site = row.get("site") or site
        if offer_site is None:
            if db.config.require_site_for_external_id or len(db.sites) != 1:
                errors.add(f"{key}.site", "The site is required when the offer is given by externalId.")
                return []
            offer_site = next(iter(db.sites))
        oid = db.offers_by_ext.get((str(offer_site), str(row["externalId"])))
        return [db.offers[oid]] if oid is not None else []
    if row.get("xmlId") is not None:
        return [db.offers[i] for i in db.offers_by_xml.get(str(row["xmlId"]), [])]
    errors.add(key, "Set one of the following fields: id, externalId, xmlId.")
    return []


def upload_inventories(db: Database, rows_value: Any, site: str | None) -> dict[str, Any]:
    rows = _require_list(rows_value, "offers")
    limit = db.config.upload_batch_limit
    if len(rows) > limit:
        raise _too_many("offers", len(rows), limit)
    if site is not None and site not in db.sites:
        raise entity_error({"site": f'Site "{site}" does not exist.'})
    errors = v.Errors()
    plan: list[tuple[list[Offer], list[tuple[str, Number | None, int | None]]]] = []
    not_found: list[dict[str, Any]] = []
    for idx, row in enumerate(rows):
        key = f"offers[{idx}]"
        if not isinstance(row, dict):
            errors.add(key)
            continue
        offers = locate_offers(db, row, site, key, errors)
        changes: list[tuple[str, Number | None, int | None]] = []
        stores = row.get("stores", [])
        if not isinstance(stores, list):
            errors.add(f"{key}.stores")
            stores = []
        for sidx, store_row in enumerate(stores):
            skey = f"{key}.stores[{sidx}]"
            if not isinstance(store_row, dict):
                errors.add(skey)
                continue
            code = store_row.get("code")
            if not isinstance(code, str) or code not in db.stores:
                errors.add(f"{skey}.code", f'Store "{code}" does not exist.')
                continue
            qty: Number | None = None
            if store_row.get("available") is not None:
                qty = v.quantity(store_row["available"], f"{skey}.available", errors, positive=False)
                if qty is not None and qty < 0:
                    if db.config.negative_stock == "clamp":
                        qty = 0
                    else:
                        errors.add(f"{skey}.available", "This value should be greater than or equal to 0.")
                        qty = None
            purchase = None
            if store_row.get("purchasePrice") is not None:
                purchase = v.money(store_row["purchasePrice"], f"{skey}.purchasePrice", errors)
            changes.append((code, qty, purchase))
        if offers:
            plan.append((offers, changes))
        elif not any(k.startswith(key) for k in errors):
            not_found.append(_offer_key(row))
    if errors:
        raise entity_error(errors)
    now = db.now()
    processed = 0
    for offers, changes in plan:
        processed += 1
        for offer in offers:
            for code, qty, purchase in changes:
                if qty is not None:
                    offer.stock[code] = qty
                if purchase is not None:
                    offer.store_purchase[code] = purchase
                    offer.purchase_price = purchase
            db.products[offer.product_id].updated_at = now
    result: dict[str, Any] = {"success": True, "processedOffersCount": processed}
    if not_found:
        result["notFoundOffers"] = not_found
    return result


def upload_prices(db: Database, rows_value: Any) -> dict[str, Any]:
    rows = _require_list(rows_value, "prices")
    limit = db.config.upload_batch_limit
    if len(rows) > limit:
        raise _too_many("prices", len(rows), limit)
    errors = v.Errors()
    plan: list[tuple[list[Offer], list[tuple[str, int | None]]]] = []
    not_found: list[dict[str, Any]] = []
    for idx, row in enumerate(rows):
        key = f"prices[{idx}]"
        if not isinstance(row, dict):
            errors.add(key)
            continue
        offers = locate_offers(db, row, row.get("site"), key, errors)
        changes: list[tuple[str, int | None]] = []
        prices = row.get("prices")
        if not isinstance(prices, list):
            errors.add(f"{key}.prices", "This value should be a list of prices.")
            prices = []
        for pidx, price_row in enumerate(prices):
            pkey = f"{key}.prices[{pidx}]"
            if not isinstance(price_row, dict):
                errors.add(pkey)
                continue
            code = price_row.get("code")
            if not isinstance(code, str) or code not in db.price_types:
                errors.add(f"{pkey}.code", f'Price type "{code}" does not exist.')
                continue
            if v.flag(price_row.get("remove"), f"{pkey}.remove", errors):
                changes.append((code, None))
                continue
            if price_row.get("price") is None:
                errors.add(f"{pkey}.price", "This value should not be blank.")
                continue
            price = v.money(price_row["price"], f"{pkey}.price", errors)
            if price is not None:
                changes.append((code, price))
        if offers:
            plan.append((offers, changes))
        elif not any(k.startswith(key) for k in errors):
            not_found.append(_offer_key(row))
    if errors:
        raise entity_error(errors)
    now = db.now()
    for offers, changes in plan:
        for offer in offers:
            for code, price in changes:
                if price is None:
                    offer.prices.pop(code, None)
                else:
                    offer.prices[code] = price
            db.products[offer.product_id].updated_at = now
    return {"success": True, "processedOffersCount": len(plan), "notFoundOffers": not_found}


def _check_catalog_editable(db: Database, site_codes: set[str]) -> None:
    for code in sorted(site_codes):
        site = db.sites.get(code)
        if site is not None and site.load_from_yml:
            raise ApiError(
                400,
                f'The catalog of the store "{code}" is loaded from an ICML file, so its products cannot be '
                "created or edited through the API. Switch the catalog to \"maintained in the system\" first.",
            )


def _site_for_catalog(db: Database, catalog_id: int | str) -> str | None:
    for site in db.sites.values():
        if str(site.catalog_id) == str(catalog_id):
            return site.code
    return None


def _resolve_groups(db: Database, site: str, value: Any, key: str, errors: v.Errors) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        errors.add(key)
        return None
    ids = []
    for idx, ref in enumerate(value):
        gid: int | None = None
        if isinstance(ref, dict) and ref.get("id") is not None:
            gid = v.integer(ref["id"], f"{key}[{idx}].id", errors)
            if gid is not None and gid not in db.groups:
                gid = None
        elif isinstance(ref, dict) and ref.get("externalId") is not None:
            gid = db.groups_by_ext.get((site, str(ref["externalId"])))
        if gid is None:
            errors.add(f"{key}[{idx}]", "Product group not found.")
        else:
            ids.append(gid)
    return ids


def _apply_product_fields(db: Database, product: Product, row: dict[str, Any], key: str, errors: v.Errors) -> None:
    if "name" in row:
        name = v.text(row["name"], f"{key}.name", errors, allow_empty=False)
        if name:
            product.name = name
    for camel, attr in (("article", "article"), ("manufacturer", "manufacturer"), ("url", "url"),
                        ("description", "description")):
        if camel in row:
            setattr(product, attr, v.text(row[camel], f"{key}.{camel}", errors, max_len=10000))
    if "type" in row:
        if row["type"] not in ("product", "service"):
            errors.add(f"{key}.type", 'The type must be "product" or "service".')
        else:
            product.type = row["type"]
    for name in ("active", "markable", "popular", "stock", "novelty", "recommended"):
        if name in row:
            value = v.flag(row[name], f"{key}.{name}", errors)
            if value is not None:
                setattr(product, name, value)
    groups = _resolve_groups(db, product.site, row.get("groups"), f"{key}.groups", errors)
    if groups is not None:
        product.group_ids = groups


def batch_create_products(db: Database, rows_value: Any) -> dict[str, Any]:
    rows = _require_list(rows_value, "products")
    limit = db.config.product_batch_limit
    if len(rows) > limit:
        raise _too_many("products", len(rows), limit)
    errors = v.Errors()
    now = db.now()
    staged: list[Product] = []
    sites: set[str] = set()
    new_ext: set[tuple[str, str]] = set()
    for idx, row in enumerate(rows):
        key = f"products[{idx}]"
        if not isinstance(row, dict):
            errors.add(key)
            continue
        if not row.get("name"):
            errors.add(f"{key}.name", "This value should not be blank.")
        raw_catalog = row.get("catalogId")
        if raw_catalog is None:
            errors.add(f"{key}.catalogId", "This value should not be blank.")
            continue
        catalog_id: int | str | None
        if db.config.word_catalog_id_on_create and isinstance(raw_catalog, str) and raw_catalog.strip() \
                and not raw_catalog.strip().isdigit():
            catalog_id = raw_catalog  # (U) taken as /reference/sites names it; see the config knob
        else:
            catalog_id = v.integer(raw_catalog, f"{key}.catalogId", errors)
        site = _site_for_catalog(db, catalog_id) if catalog_id is not None else None
        if site is None:
            errors.add(f"{key}.catalogId", f"Catalog with id={row.get('catalogId')} not found.")
            continue
        sites.add(site)
        product = Product(id=0, site=site, catalog_id=db.sites[site].catalog_id, name="", article=None,
                          external_id=None, group_ids=[], offer_ids=[], created_at=now, updated_at=now)
        if row.get("externalId") is not None:
            ext = v.text(row["externalId"], f"{key}.externalId", errors, allow_empty=False)
            if ext is not None and ((site, ext) in db.products_by_ext or (site, ext) in new_ext):
                errors.add(f"{key}.externalId", f"Product with externalId={ext} already exists.")
            elif ext is not None:
                product.external_id = ext
                new_ext.add((site, ext))
        _apply_product_fields(db, product, row, key, errors)
        staged.append(product)
    _check_catalog_editable(db, sites)
    if errors:
        raise entity_error(errors)
    added = []
    for product in staged:
        product.id = db.next_id("product")
        db.products[product.id] = product
        db.index_product(product)
        if db.config.auto_offer_on_product_create:
            offer = Offer(id=db.next_id("offer"), product_id=product.id, site=product.site, name=product.name,
                          article=product.article, external_id=product.external_id, xml_id=product.external_id)
            db.offers[offer.id] = offer
            db.index_offer(offer)
            product.offer_ids.append(offer.id)
        added.append(product.id)
    return {"success": True, "processedProductsCount": len(added), "addedProducts": added}


def batch_edit_products(db: Database, rows_value: Any) -> dict[str, Any]:
    rows = _require_list(rows_value, "products")
    limit = db.config.product_batch_limit
    if len(rows) > limit:
        raise _too_many("products", len(rows), limit)
    errors = v.Errors()
    staged: list[tuple[Product, dict[str, Any], str]] = []
    not_found: list[dict[str, Any]] = []
    for idx, row in enumerate(rows):
        key = f"products[{idx}]"
        if not isinstance(row, dict):
            errors.add(key)
            continue
        product = None
        if row.get("id") is not None:
            pid = v.integer(row["id"], f"{key}.id", errors)
            product = db.products.get(pid) if pid is not None else None
        elif row.get("externalId") is not None:
            site = row.get("site")
            if site is None:
                errors.add(f"{key}.site", "The site is required when the product is given by externalId.")
                continue
            pid = db.products_by_ext.get((str(site), str(row["externalId"])))
            product = db.products.get(pid) if pid is not None else None
        else:
            errors.add(key, "Set one of the following fields: id, externalId + site.")
            continue
        if product is None:
            not_found.append({k: row[k] for k in ("id", "externalId") if row.get(k) is not None})
            continue
        staged.append((product, row, key))
    _check_catalog_editable(db, {p.site for p, _, _ in staged})
    now = db.now()
    updates: dict[int, tuple[Product, Product]] = {}  # one working copy per product, rows apply in order
    for product, row, key in staged:
        if product.id not in updates:
            work = copy.copy(product)
            work.group_ids = list(product.group_ids)
            updates[product.id] = (product, work)
        work = updates[product.id][1]
        _apply_product_fields(db, work, {k: val for k, val in row.items() if k not in ("externalId", "id")}, key,
                              errors)
    if errors:
        raise entity_error(errors)
    for old, work in updates.values():
        work.updated_at = now
        db.products[work.id] = work
        if old.name != work.name:
            for oid in work.offer_ids:
                offer = db.offers.get(oid)
                if offer is not None and offer.name == old.name:
                    offer.name = work.name
    result: dict[str, Any] = {"success": True, "processedProductsCount": len(staged)}
    if not_found:
        result["notFoundProducts"] = not_found
    return result


def _apply_group_fields(db: Database, group: ProductGroup, body: dict[str, Any], errors: v.Errors) -> None:
    if "name" in body:
        name = v.text(body["name"], "name", errors, allow_empty=False)
        if name:
            group.name = name
    if "description" in body:
        group.description = v.text(body["description"], "description", errors, max_len=10000)
    if "active" in body:
        active = v.flag(body["active"], "active", errors)
        if active is not None:
            group.active = active
    if body.get("parentId") is not None:
        pid = v.integer(body["parentId"], "parentId", errors)
        if pid is not None and (pid not in db.groups or db.groups[pid].site != group.site or pid == group.id):
            errors.add("parentId", f"Parent group with id={pid} not found.")
        elif pid is not None:
            group.parent_id = pid
    elif body.get("parentExternalId") is not None:
        gid = db.groups_by_ext.get((group.site, str(body["parentExternalId"])))
        if gid is None or gid == group.id:
            errors.add("parentExternalId", f"Parent group with externalId={body['parentExternalId']} not found.")
        else:
            group.parent_id = gid


def create_group(db: Database, body: dict[str, Any], site: str | None) -> ProductGroup:
    errors = v.Errors()
    site = body.get("site") or site
    if site is None and len(db.sites) == 1:
        site = next(iter(db.sites))
    if not isinstance(site, str) or site not in db.sites:
        raise entity_error({"site": f'Site "{site}" does not exist.'})
    _check_catalog_editable(db, {site})
    if not body.get("name"):
        errors.add("name", "This value should not be blank.")
    group = ProductGroup(id=0, site=site, name="", external_id=None, parent_id=None)
    if body.get("externalId") is not None:
        ext = v.text(body["externalId"], "externalId", errors, allow_empty=False)
        if ext is not None and (site, ext) in db.groups_by_ext:
            errors.add("externalId", f"Product group with externalId={ext} already exists.")
        group.external_id = ext
    _apply_group_fields(db, group, body, errors)
    if errors:
        raise entity_error(errors)
    group.id = db.next_id("group")
    db.groups[group.id] = group
    db.index_group(group)
    return group


def edit_group(db: Database, group: ProductGroup, body: dict[str, Any]) -> ProductGroup:
    _check_catalog_editable(db, {group.site})
    errors = v.Errors()
    work = copy.copy(group)
    if body.get("externalId") is not None:
        ext = v.text(body["externalId"], "externalId", errors, allow_empty=False)
        other = db.groups_by_ext.get((group.site, ext)) if ext else None
        if other is not None and other != group.id:
            errors.add("externalId", f"Product group with externalId={ext} already exists.")
        work.external_id = ext
    _apply_group_fields(db, work, body, errors)
    if errors:
        raise entity_error(errors)
    db.groups[work.id] = work
    db.index_group(work, previous_external_id=group.external_id if group.external_id != work.external_id else None)
    return work
