"""Both catalogs, read once per run and reduced to what the catalog, stock and price flows need.

MoySklad: every product and variant (archived ones too, marked as such) and the product folders, 1000 rows
a page. Sellable units become :class:`~app.sync.catalog.keys.MsItem`: a product without variants, or each variant
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

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from app.clients.moysklad_models import CatalogRow, ProductFolder, SharedPool, TextPool
from app.clients.retailcrm_models import Product as RcProduct
from app.clients.retailcrm_models import Site
from app.store.settings import SyncSettings
from app.sync.catalog.keys import MsItem, MsItemType, RcOffer, property_code_of
from app.sync.model import Cancelled
from app.sync.waiting import result_of

SHARED_KEY = "catalog"
# MoySklad hides archived rows unless the filter names ``archived``; asking for both values returns all.
WITH_ARCHIVED = "archived=true;archived=false"
PROGRESS_EVERY = 1000  # rows between progress reports while reading (one page of MoySklad)
# Sold as they are, no variants: services (entity/service) and bundles (entity/bundle, with their components).
SOLD_ALONE = ("service", "bundle")

T = TypeVar("T")


# --- MoySklad -------------------------------------------------------------------------------------------


@dataclass
class MsCatalog:
    """MoySklad's catalog: sellable items, every product (parents included), folders, prices by type id."""

    items: dict[str, MsItem] = field(default_factory=dict)  # products without variants + variants, by id
    products: dict[str, CatalogRow] = field(default_factory=dict)  # every product, by id
    folders: dict[str, ProductFolder] = field(default_factory=dict)
    prices: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # item id -> {price type id: roubles}
    # bundle id -> its components ((item id, quantity), ...), or None when MoySklad's answer lacked some
    bundles: dict[str, tuple[tuple[str, Decimal], ...] | None] = field(default_factory=dict)

    def product_of(self, item_id: str) -> CatalogRow | None:
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


class _PageFeed:
    """Products and variants read at the same time, each list several pages at once (the client's
    ``catalog_pages``), handed to the calling thread through a short queue.

    A 1000-row page takes the service longer to build than MoySklad's rate limit makes us wait, so lists read
    one page after another would leave the limit unused; and the products list need not wait for the variants.
    The queue is short so that pages are turned into items about as fast as they arrive (memory stays that of
    a few pages). If the caller stops (Stop, an error), the readers stop at their next page."""

    QUEUE_PAGES = 4

    def __init__(self, ms: Any, entities: tuple[str, ...]) -> None:
        self._queue: queue.Queue[tuple[str, str, Any]] = queue.Queue(maxsize=self.QUEUE_PAGES)
        self._stop = threading.Event()
        self._pool = TextPool()
        self._threads = [
            threading.Thread(target=self._read, args=(ms, entity), name=f"svyazka-moysklad-{entity}", daemon=True)
            for entity in entities
        ]
        self._open = len(entities)

    def _put(self, item: tuple[str, str, Any]) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _read(self, ms: Any, entity: str) -> None:
        try:
            if entity == "productfolder":  # a few dozen rows: one plain page
                pages = ms.map_pages("entity/productfolder", _folders, filters=WITH_ARCHIVED, parallel=1)
            else:
                pages = ms.catalog_pages(entity, filters=WITH_ARCHIVED, pool=self._pool)
            try:
                for page in pages:
                    if self._stop.is_set():
                        return
                    self._put(("page", entity, page))
            finally:
                pages.close()
            self._put(("done", entity, None))
        except BaseException as exc:  # handed to the caller, raised there
            self._put(("error", entity, exc))

    def __iter__(self) -> Iterator[tuple[str, list[Any]]]:
        for thread in self._threads:
            thread.start()
        try:
            while self._open:
                what, entity, value = self._queue.get()
                if what == "error":
                    raise value
                if what == "done":
                    self._open -= 1
                    continue
                yield entity, value
        finally:
            self._stop.set()
            for thread in self._threads:
                thread.join(timeout=30)


def _folders(rows: Iterable[dict[str, Any]]) -> list[ProductFolder]:
    return [ProductFolder.from_api(row) for row in rows]


def load_moysklad_catalog(
    ms: Any, progress: Callable[[int], None] = lambda done: None, *, with_folders: bool = True
) -> MsCatalog:
    """Read products, variants and (unless not needed) folders: one request per 1000 rows of each, the two
    lists at once. ``progress`` (rows read so far) is called on the calling thread only.

    Items are built as their pages arrive (this thread would otherwise only wait for the next page): a
    product without variants at once, a variant as soon as its product has been read. What is left when the
    last page is in (variants read before their product, products that turn out to have variants after all)
    is settled then, and the catalog comes out exactly as if it had been built from the whole lists: products
    first, then variants, each in the order read."""
    catalog = MsCatalog()
    folders: list[ProductFolder] = []
    sellable: list[tuple[CatalogRow, MsItem, dict[str, Decimal]]] = []  # products that claim no variants
    variants: list[CatalogRow] = []
    built: dict[str, tuple[CatalogRow, MsItem, dict[str, Decimal]]] = {}  # variants whose product came first
    parents: set[str] = set()  # products that some variant names
    rows = 0
    lists = ("product", "variant", *SOLD_ALONE) + (("productfolder",) if with_folders else ())
    alone: list[CatalogRow] = []  # services and bundles: sellable as they are, after products and variants
    for entity, page in _PageFeed(ms, lists):
        if entity == "productfolder":
            folders.extend(page)
            continue
        if entity in SOLD_ALONE:
            alone.extend(page)
            rows += len(page)
            progress(rows)
            continue
        if entity == "product":
            for product in page:
                catalog.products[product.id] = product
                if not product.variants_count:
                    sellable.append((product, _item(product, None), _own_prices(product)))
        else:
            for variant in page:
                variants.append(variant)
                if variant.product_id:
                    parents.add(variant.product_id)
                parent = catalog.products.get(variant.product_id or "")
                if parent is not None:
                    built[variant.id] = (parent, *_variant_item(variant, parent))
        rows += len(page)
        progress(rows)
    catalog.folders = {f.id: f for f in folders}
    progress(rows)
    for product, item, prices in sellable:
        if product.id in parents:
            continue  # sold as its variants
        catalog.items[product.id] = item
        catalog.prices[product.id] = prices
    for variant in variants:
        parent = catalog.products.get(variant.product_id or "")
        early = built.pop(variant.id, None)
        if early is not None and early[0] is parent:
            catalog.items[variant.id], catalog.prices[variant.id] = early[1], early[2]
        else:  # its product came after it (or was read twice): build it now
            catalog.items[variant.id], catalog.prices[variant.id] = _variant_item(variant, parent)
    for row in alone:
        catalog.products[row.id] = row  # its own "product" (folder, archived) for whoever asks
        catalog.items[row.id] = _item(row, None)
        catalog.prices[row.id] = _own_prices(row)
        if row.kind == "bundle":
            catalog.bundles[row.id] = row.components if row.components_complete else None
    return catalog


def _own_prices(row: CatalogRow) -> dict[str, Decimal]:
    return {type_id: value for type_id, _, value in row.sale_prices if type_id}


def _variant_item(variant: CatalogRow, parent: CatalogRow | None) -> tuple[MsItem, dict[str, Decimal]]:
    # A modification without its own price of a type sells at the product's price of that type.
    inherited = _own_prices(parent) if parent is not None else {}
    return _item(variant, parent), {**inherited, **_own_prices(variant)}


_ITEM_TYPES: dict[str, MsItemType] = {"variant": "variant", "service": "service", "bundle": "bundle"}


def _item(row: CatalogRow, parent: CatalogRow | None) -> MsItem:
    """A sellable unit: a product without variants, or a variant (which takes what it lacks from ``parent``)."""
    buy_price = row.buy_price
    if buy_price is None and parent is not None:
        buy_price = parent.buy_price
    return MsItem(
        id=row.id,
        type=_ITEM_TYPES.get(row.kind, "product"),
        name=row.name,
        article=row.article,
        code=row.code,
        external_code=row.external_code or "",
        barcodes=row.barcodes,
        product_id=row.product_id,
        product_external_code=(parent.external_code if parent else None) if row.kind == "variant" else None,
        characteristics=row.characteristics,
        sale_prices=row.sale_prices,
        buy_price=buy_price,
        archived=row.archived or bool(parent and parent.archived),
    )


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
    # the offer property a match rule compares (``settings.match_field`` = "property:<code>"): only that one is
    # kept on each offer, 50,000 offers may carry dozens
    keep_property: str | None = None
    offers: dict[int, RcOffer] = field(default_factory=dict)
    products: dict[int, RcProductInfo] = field(default_factory=dict)
    prices: dict[int, dict[str, Decimal]] = field(default_factory=dict)  # offer id -> {price code: roubles}
    purchase_prices: dict[int, Decimal] = field(default_factory=dict)  # offer id -> roubles (when set)
    # 50,000 offers repeat a few price codes, one site code and a few thousand amounts: each decoded on its own
    # they cost ~30 MB. Amounts are all two-place roubles (``roubles``), so equal ones are interchangeable.
    _texts: TextPool = field(default_factory=TextPool, repr=False, compare=False)
    _amounts: SharedPool[Decimal] = field(default_factory=SharedPool, repr=False, compare=False)

    @property
    def catalog_id(self) -> int | str | None:
        """The site's catalog as a product create names it (None: the site gives none).

        ``/reference/sites`` gives ``catalogId`` as a string that is not always a number (``"81"`` and
        ``"catalog"`` in the recorded ``References/testSites.json``), while creates take an int
        (``catalogId(int)``, retailcrm-api.md §5.4; PHP ``ProductBatchBase`` types it ``int``). A number goes
        as a number; a word goes as given, the only name the service offers for that catalog: whether it
        takes it is not documented, so the catalog flow detects a refusal and says so once.
        """
        raw = (self.site.catalog_id or "").strip()
        if not raw:
            return None
        return int(raw) if raw.isdigit() else raw

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
        keep = self.keep_property
        for offer in offers:
            kept = offer.properties.get(keep) if keep is not None else None
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
                site=self._texts(offer.site or site_code),
                active=offer.active and product.active,
                properties=((self._texts(keep), kept),) if keep is not None and kept is not None else (),
            )
            self.prices[offer.id] = {self._texts(code): self._amounts(value) for code, value in offer.prices.items()}
            if offer.purchase_price is not None:
                self.purchase_prices[offer.id] = self._amounts(offer.purchase_price)


def choose_site(sites: list[Site], settings: SyncSettings) -> Site | None:
    """The configured site, else the only (or first) one; None when the account has none."""
    if settings.retailcrm_site:
        return next((s for s in sites if s.code == settings.retailcrm_site), None)
    return sites[0] if sites else None


def load_retailcrm_catalog(
    rc: Any, site: Site, progress: Callable[[int], None] = lambda done: None, *, keep_property: str | None = None
) -> RcCatalog:
    """Read the site's products with their offers (one request per 250 products). ``keep_property``: the code
    of the offer property to keep on each offer (the one the match rule compares)."""
    catalog = RcCatalog(site=site, keep_property=keep_property)
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
    # services and bundles open as goods too (sandbox refs.py, after OAS fixture bundle.json's uuidHref)
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
        keep = property_code_of(settings.match_field or "")
        return site, load_retailcrm_catalog(rc, site, rc_progress, keep_property=keep)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="svyazka-retailcrm-catalog") as pool:
        future = pool.submit(read_rc)
        try:
            ms_catalog = load_moysklad_catalog(ms, lambda done: progress(done + rc_done))
        except BaseException:
            abandon.set()
            raise
        # in steps: Stop (or Ctrl+C, whose handler only runs between them on Windows) ends the wait at once
        try:
            site, rc_catalog = result_of(future, check_cancel)
        except BaseException:
            abandon.set()  # the worker stops at its next page
            raise
    progress(len(ms_catalog.items) + (len(rc_catalog.offers) if rc_catalog else 0))
    return ms_catalog, site, rc_catalog
