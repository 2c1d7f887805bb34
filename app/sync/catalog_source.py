"""Both catalogs, read once per run and reduced to what the catalog, stock and price flows need.

MoySklad: every product and variant (archived ones too, marked as such) and the product folders, 1000 rows
a page. Sellable units become :class:`~app.sync.keys.MsItem`: a product without variants, or each variant
(a product that has variants is only their parent: RetailCRM sells the variants).

RetailCRM: the offers of one site's catalog, read as ``store/products`` with nested offers (250 products a
page). That needs fewer requests than ``store/offers`` (a product holds one offer or more, never fewer) and
brings the product's own name, article and groups, which the catalog flow compares. The site is
``settings.retailcrm_site``, else the only (or first) site of the account.

What one flow read, the next flow of the same run reuses: :class:`CatalogSnapshot` lives in
``ctx.shared["catalog"]``. Stock and prices take their links from it (in a dry run they are the links the
catalog plan *would* make), or from the store when the catalog flow did not run.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

from app.clients.moysklad_models import Product, ProductFolder, Variant
from app.clients.retailcrm_models import Product as RcProduct
from app.clients.retailcrm_models import Site
from app.store.settings import SyncSettings
from app.sync.keys import MsItem, RcOffer
from app.sync.model import Cancelled

SHARED_KEY = "catalog"
# MoySklad hides archived rows unless the filter names ``archived``; asking for both values returns all.
WITH_ARCHIVED = "archived=true;archived=false"
PROGRESS_EVERY = 1000  # rows between progress reports while reading (one page of MoySklad)

T = TypeVar("T")


# --- MoySklad -------------------------------------------------------------------------------------------


@dataclass
class MsCatalog:
    """MoySklad's catalog: sellable items, every product (parents included), folders, prices by type id."""

    items: dict[str, MsItem] = field(default_factory=dict)  # products without variants + variants, by id
    products: dict[str, Product] = field(default_factory=dict)  # every product, by id
    folders: dict[str, ProductFolder] = field(default_factory=dict)
    prices: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # item id -> {price type id: roubles}

    def product_of(self, item_id: str) -> Product | None:
        """The MoySklad product an item belongs to (itself for a product, the parent for a variant)."""
        item = self.items.get(item_id)
        if item is None:
            return self.products.get(item_id)
        return self.products.get(item.product_id or item.id)

    def folder_id_of(self, item_id: str) -> str | None:
        product = self.product_of(item_id)
        return product.folder_id if product is not None else None


def _counted(rows: Iterable[T], report: Callable[[int], None]) -> Iterator[T]:
    done = 0
    for row in rows:
        done += 1
        if done % PROGRESS_EVERY == 0:
            report(done)
        yield row
    report(done)


# Shared by every slimmed row; nothing writes to it.
_NO_JSON: dict[str, Any] = {}
_Row = TypeVar("_Row", Product, Variant)


def _slim(row: _Row) -> _Row:
    """The row without the JSON it was parsed from (``raw``, ``meta``): the flows read only the parsed fields,
    and at 50,000 items those decoded pages would be most of the run's memory (~13 KB a product)."""
    return replace(row, raw=_NO_JSON, meta=_NO_JSON)


def load_moysklad_catalog(
    ms: Any, progress: Callable[[int], None] = lambda done: None, *, with_folders: bool = True
) -> MsCatalog:
    """Read products, variants and (unless not needed) folders: one request per 1000 rows of each."""
    catalog = MsCatalog()
    done = 0

    def step(count: int) -> None:
        progress(done + count)

    products = [_slim(Product.from_api(r))
                for r in _counted(ms.iter_entities("product", filters=WITH_ARCHIVED), step)]
    done += len(products)
    variants = [_slim(Variant.from_api(r))
                for r in _counted(ms.iter_entities("variant", filters=WITH_ARCHIVED), step)]
    done += len(variants)
    if with_folders:
        folders = (ProductFolder.from_api(r) for r in ms.iter_entities("productfolder", filters=WITH_ARCHIVED))
        catalog.folders = {f.id: f for f in folders}
    catalog.products = {p.id: p for p in products}
    parents = {v.product_id for v in variants if v.product_id} | {p.id for p in products if p.variants_count}
    for product in products:
        if product.id in parents:
            continue  # sold as its variants
        catalog.items[product.id] = MsItem(
            id=product.id,
            type="product",
            name=product.name,
            article=product.article,
            code=product.code,
            external_code=product.external_code or "",
            barcodes=product.barcodes,
            sale_prices=tuple((p.price_type_name or "", p.value) for p in product.sale_prices),
            buy_price=product.buy_price,
            archived=product.archived,
        )
        catalog.prices[product.id] = {p.price_type_id: p.value for p in product.sale_prices if p.price_type_id}
    for variant in variants:
        parent = catalog.products.get(variant.product_id or "")
        own = {p.price_type_id: p.value for p in variant.sale_prices if p.price_type_id}
        # A modification without its own price of a type sells at the product's price of that type.
        inherited = {p.price_type_id: p.value for p in parent.sale_prices if p.price_type_id} if parent else {}
        catalog.items[variant.id] = MsItem(
            id=variant.id,
            type="variant",
            name=variant.name,
            article=variant.article,
            code=variant.code,
            external_code=variant.external_code or "",
            barcodes=variant.barcodes,
            product_id=variant.product_id,
            product_external_code=parent.external_code if parent else None,
            characteristics=variant.characteristics,
            sale_prices=tuple((p.price_type_name or "", p.value) for p in variant.sale_prices),
            buy_price=variant.buy_price if variant.buy_price is not None else (parent.buy_price if parent else None),
            archived=variant.archived or bool(parent and parent.archived),
        )
        catalog.prices[variant.id] = {**inherited, **own}
    return catalog


# --- RetailCRM ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RcProductInfo:
    """A RetailCRM product (карточка товара): what the catalog flow compares and edits."""

    id: int
    name: str
    article: str | None
    external_id: str | None
    group_ids: tuple[int, ...]
    offer_ids: tuple[int, ...]
    active: bool


@dataclass
class RcCatalog:
    """One RetailCRM site's catalog: offers (as matching sees them), products, prices and costs."""

    site: Site
    offers: dict[int, RcOffer] = field(default_factory=dict)
    products: dict[int, RcProductInfo] = field(default_factory=dict)
    prices: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # offer id -> {price code: roubles}
    purchase_prices: dict[int, Decimal] = field(default_factory=dict)  # offer id -> roubles (when set)

    @property
    def catalog_id(self) -> int | None:
        try:
            return int(self.site.catalog_id) if self.site.catalog_id is not None else None
        except ValueError:
            return None

    def add_product(self, product: RcProduct, site_code: str) -> None:
        offers = product.offers
        name = product.name or ""
        self.products[product.id] = RcProductInfo(
            id=product.id,
            name=name,
            article=product.article,
            external_id=product.external_id,
            group_ids=product.group_ids,
            offer_ids=tuple(o.id for o in offers),
            active=product.active,
        )
        for offer in offers:
            # One offer per product is the common case; then the product's article is the offer's article
            # when the offer has none of its own.
            article = offer.article if offer.article is not None or len(offers) > 1 else product.article
            self.offers[offer.id] = RcOffer(
                id=offer.id,
                product_id=product.id,
                name=offer.name or name,
                article=article,
                external_id=offer.external_id,
                xml_id=offer.xml_id,
                barcode=offer.barcode,
                site=offer.site or site_code,
                active=offer.active and product.active,
            )
            self.prices[offer.id] = dict(offer.prices)
            if offer.purchase_price is not None:
                self.purchase_prices[offer.id] = offer.purchase_price


def choose_site(sites: list[Site], settings: SyncSettings) -> Site | None:
    """The configured site, else the only (or first) one; None when the account has none."""
    if settings.retailcrm_site:
        return next((s for s in sites if s.code == settings.retailcrm_site), None)
    return sites[0] if sites else None


def load_retailcrm_catalog(rc: Any, site: Site, progress: Callable[[int], None] = lambda done: None) -> RcCatalog:
    """Read the site's products with their offers (one request per 250 products)."""
    catalog = RcCatalog(site=site)
    for product in _counted(rc.iter_products(filter={"sites": [site.code]}), progress):
        catalog.add_product(product, site.code)
    return catalog


# --- what the flows of one run share ---------------------------------------------------------------------


@dataclass
class CatalogSnapshot:
    """Both catalogs as this run read them, and the offer links as they stand after the catalog flow.

    ``links`` maps a MoySklad item id to a RetailCRM offer id. After the catalog plan it holds the links the
    plan would make (what a dry run's stock and price plans use); after apply, what was really written.
    """

    ms: MsCatalog
    rc: RcCatalog
    links: dict[str, int] = field(default_factory=dict)


def shared_snapshot(shared: dict[str, Any]) -> CatalogSnapshot | None:
    value = shared.get(SHARED_KEY)
    return value if isinstance(value, CatalogSnapshot) else None


def stored_offer_links(db: Any, profile_id: int) -> dict[str, int]:
    """``{MoySklad item id: RetailCRM offer id}`` from the store (complete links only)."""
    links: dict[str, int] = {}
    for ms_id, rc_id in db.links(profile_id).ms_to_rc("offer").items():
        try:
            links[ms_id] = int(rc_id)
        except (TypeError, ValueError):
            continue  # not an offer id; the catalog flow reports it as stale
    return links


def offer_links(shared: dict[str, Any], db: Any, profile_id: int) -> dict[str, int]:
    """This run's offer links: the catalog snapshot's when the catalog flow ran, else the stored ones."""
    snapshot = shared_snapshot(shared)
    if snapshot is not None:
        return dict(snapshot.links)
    return stored_offer_links(db, profile_id)


# --- entity links for log lines (for people, so the MoySklad ones point at the web app) ------------------

MS_APP = "https://online.moysklad.ru/app/"


def ms_item_url(item: MsItem | None, item_id: str) -> str:
    anchor = "feature" if item is not None and item.type == "variant" else "good"
    return f"{MS_APP}#{anchor}/edit?id={item_id}"


def rc_product_url(account_url: str, product_id: int) -> str:
    return f"{account_url.rstrip('/')}/products/{product_id}/edit"


def read_both_catalogs(
    ms: Any, rc: Any, settings: SyncSettings, progress: Callable[[int], None], check_cancel: Callable[[], None]
) -> tuple[MsCatalog, Site | None, RcCatalog | None]:
    """Both catalogs at once: RetailCRM's pages in a worker thread while MoySklad's are read in this one, so
    the plan waits for the slower of the two services' rate limits instead of their sum (at 50,000 offers
    RetailCRM's ~9 s fit inside MoySklad's ~16 s). Each client is used by one thread only; only this thread
    reports ``progress`` (rows read in both), the worker just counts and checks Stop. Site and RetailCRM
    catalog are None when the configured site is not in RetailCRM."""
    rc_done = 0
    abandon = threading.Event()  # this thread failed: the worker stops at its next page

    def rc_progress(done: int) -> None:
        nonlocal rc_done
        rc_done = done
        if abandon.is_set():
            raise Cancelled()
        check_cancel()

    def read_rc() -> tuple[Site | None, RcCatalog | None]:
        site = choose_site(rc.sites(), settings)
        if site is None:
            return None, None
        return site, load_retailcrm_catalog(rc, site, rc_progress)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="svyazka-retailcrm-catalog") as pool:
        future = pool.submit(read_rc)
        try:
            ms_catalog = load_moysklad_catalog(ms, lambda done: progress(done + rc_done))
        except BaseException:
            abandon.set()
            raise
        site, rc_catalog = future.result()
    progress(len(ms_catalog.items) + (len(rc_catalog.offers) if rc_catalog else 0))
    return ms_catalog, site, rc_catalog
