"""A site loading its catalog from an ICML file, as RetailCRM does when it fetches the site's ``ymlUrl``.

How ICML becomes catalog data (ICML docs: docs.simla.com/Developers/modules/ICML; /work/shared/docs/retailcrm-api.md
§8): ``<offer id>`` → offer ``externalId``, ``<xmlId>`` → offer ``xmlId``, ``productId`` → product ``externalId``
(offers with the same one are one product), ``<category id>`` → product group ``externalId``. The recorded
``Store/testOffers.json`` shows such an offer: ``externalId == xmlId``, the article and properties from
``<param>``, a ``unit`` object, the product's ``manufacturer`` (ICML ``<vendor>``).

Loading again updates what has the same external ids; offers of the site that are no longer in the file are
deactivated (a feed is the whole catalog). The site is marked as loading from a file (``loadFromYml``).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from .database import Database
from .models import Offer, Product, ProductGroup
from .units import to_kopecks


def _text(el: ET.Element, tag: str) -> str | None:
    found = el.find(tag)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def load_icml(db: Database, site_code: str, path: Path | str) -> dict[str, int]:
    """Load ``path`` into ``site_code``'s catalog; returns counts (``offers``, ``products``, ``groups``,
    ``deactivated``). Raises ``ValueError`` on a file that is not ICML."""
    site = db.sites[site_code]
    now = db.now()
    base = db.default_price_code()
    seen_offers: set[int] = set()
    counts = {"offers": 0, "products": 0, "groups": 0, "deactivated": 0}
    pending_parents: list[tuple[ProductGroup, str]] = []
    root_seen = False
    for _event, el in ET.iterparse(str(path), events=("end",)):
        tag = el.tag
        if tag == "category":
            ext = el.get("id")
            if not ext:
                raise ValueError("ICML: a category without id")
            name = (el.text or "").strip() or (_text(el, "name") or ext)
            gid = db.groups_by_ext.get((site_code, ext))
            if gid is None:
                group = ProductGroup(id=db.next_id("group"), site=site_code, name=name, external_id=ext,
                                     parent_id=None)
                db.groups[group.id] = group
                db.index_group(group)
            else:
                group = db.groups[gid]
                group.name = name
            if el.get("parentId"):
                pending_parents.append((group, el.get("parentId") or ""))
            counts["groups"] += 1
            el.clear()
        elif tag == "offer":
            _offer(db, site_code, site.catalog_id, el, base, now, seen_offers, counts)
            el.clear()
        elif tag == "yml_catalog":
            root_seen = True
    if not root_seen:
        raise ValueError("ICML: no <yml_catalog> root")
    for group, parent_ext in pending_parents:
        group.parent_id = db.groups_by_ext.get((site_code, parent_ext))
    for offer in db.offers.values():
        if offer.site == site_code and offer.id not in seen_offers and offer.active:
            offer.active = False
            counts["deactivated"] += 1
    site.load_from_yml = True
    site.yml_url = site.yml_url or f"{site.url}/{Path(path).name}"
    site.catalog_updated_at = now
    return counts


def _offer(db: Database, site_code: str, catalog_id: Any, el: ET.Element, base: str, now: Any,
           seen: set[int], counts: dict[str, int]) -> None:
    ext = el.get("id")
    product_ext = el.get("productId") or ext
    name = _text(el, "name")
    if not ext or not product_ext or not name:
        raise ValueError("ICML: an offer needs id, productId and name")
    params = {p.get("code") or p.get("name") or "": (p.text or "").strip() for p in el.findall("param")}
    article = params.pop("article", None) or None
    category = _text(el, "categoryId")
    group_ids = [gid] if category and (gid := db.groups_by_ext.get((site_code, category))) is not None else []
    pid = db.products_by_ext.get((site_code, product_ext))
    if pid is None:
        product = Product(id=db.next_id("product"), site=site_code, catalog_id=catalog_id,
                          name=_text(el, "productName") or name, article=article, external_id=product_ext,
                          group_ids=group_ids, offer_ids=[], created_at=now, updated_at=now)
        db.products[product.id] = product
        db.index_product(product)
        counts["products"] += 1
    else:
        product = db.products[pid]
        product.name = _text(el, "productName") or product.name
        product.group_ids = group_ids or product.group_ids
        product.updated_at = now
    product.manufacturer = _text(el, "vendor") or product.manufacturer
    product.active = True
    price = _text(el, "price")
    purchase = _text(el, "purchasePrice")
    barcode = _text(el, "barcode")
    xml_id = _text(el, "xmlId")
    oid = db.offers_by_ext.get((site_code, ext))
    if oid is None:
        offer = Offer(id=db.next_id("offer"), product_id=product.id, site=site_code, name=name, article=article,
                      external_id=ext, xml_id=xml_id)
        db.offers[offer.id] = offer
        db.index_offer(offer)
        product.offer_ids.append(offer.id)
    else:
        offer = db.offers[oid]
        if offer.xml_id != xml_id:
            if offer.xml_id and offer.id in db.offers_by_xml.get(offer.xml_id, []):
                db.offers_by_xml[offer.xml_id].remove(offer.id)
            offer.xml_id = xml_id
            if xml_id:
                db.offers_by_xml.setdefault(xml_id, []).append(offer.id)
        offer.name, offer.article = name, article
    if price is not None:
        offer.prices[base] = to_kopecks(price)
    offer.purchase_price = to_kopecks(purchase) if purchase is not None else None
    offer.barcode = barcode
    offer.properties = {code: value for code, value in params.items() if code and value}
    offer.active = True
    seen.add(offer.id)
    counts["offers"] += 1
