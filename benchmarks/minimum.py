"""The fewest requests a sync's work needs, and the time the services' rate limits allow for them.

Reads are counted from the data (the seeded shop: how many products, variants, folders, orders there are),
writes from what the run's plans had to write (how many offers' stock and prices differ, how many orders
and counterparties are new): a value that is already right needs no request, and only the plan knows which
ones are. Every list is read at the largest page its API allows and every write goes at the largest batch
(README.md, "Minimum requests", has the same formula in prose).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from math import ceil
from typing import Any

from app.sandbox.seed import Shop

# the APIs' largest pages and batches
MS_PAGE = 1000  # GET entity/* rows per page
MS_EXPAND_PAGE = 100  # GET entity/bundle?expand=components: expand works only on pages of <= 100 (moysklad-api.md §4)
MS_BATCH = 1000  # entities per POST
RC_CATALOG_PAGE = 250  # store/products, store/inventories
RC_PAGE = 100  # orders, history, product groups
RC_PRODUCT_BATCH = 50  # store/products/batch/create|edit
RC_READBACK_IDS = 100  # new products read back by id: 100 ids keep the URL under the 8 KB header limit
RC_UPLOAD_BATCH = 250  # store/inventories/upload, store/prices/upload
MS_LOOKUP_VALUES = 200  # a 6,000-character URL holds about 200 "externalCode=<id>;" terms

# the services' limits
RC_RATE = 10.0  # requests per second per key
MS_UNITS_PER_SECOND = 45 / 3  # 45 units per 3 s
MS_WEIGHT = 4  # an ordinary request of a user token
MS_HEAVY_WEIGHT = 5  # report/stock/all and report/stock/bystore (the /current variants weigh 4)


def pages(rows: int, size: int) -> int:
    """Requests to read ``rows`` rows: an empty list still costs one request to learn that it is empty."""
    return max(1, ceil(rows / size))


def batches(items: int, size: int) -> int:
    """Requests to write ``items`` items: nothing to write costs nothing."""
    return ceil(items / size) if items > 0 else 0


@dataclass
class Minimum:
    retailcrm: dict[str, int] = field(default_factory=dict)  # part -> requests
    moysklad: dict[str, int] = field(default_factory=dict)
    moysklad_heavy: int = 0  # of the MoySklad requests, how many weigh MS_HEAVY_WEIGHT

    @property
    def retailcrm_total(self) -> int:
        return sum(self.retailcrm.values())

    @property
    def moysklad_total(self) -> int:
        return sum(self.moysklad.values())

    @property
    def moysklad_units(self) -> int:
        return (self.moysklad_total - self.moysklad_heavy) * MS_WEIGHT + self.moysklad_heavy * MS_HEAVY_WEIGHT

    def floors(self) -> dict[str, float]:
        """Seconds each service's limit needs for the minimum requests (no burst credit)."""
        return {
            "retailcrm": self.retailcrm_total / RC_RATE,
            "moysklad": self.moysklad_units / MS_UNITS_PER_SECOND,
        }

    @property
    def floor(self) -> float:
        return max(self.floors().values())

    def as_json(self) -> dict[str, Any]:
        floors = self.floors()
        return {
            "retailcrm": {"total": self.retailcrm_total, "parts": dict(self.retailcrm)},
            "moysklad": {"total": self.moysklad_total, "units": self.moysklad_units, "parts": dict(self.moysklad)},
            "floor_seconds": {k: round(v, 2) for k, v in floors.items()},
            "rate_limit_floor_seconds": round(self.floor, 2),
        }


@dataclass(frozen=True)
class ShopSize:
    """What the seeded services hold before the first sync."""

    ms_products: int
    ms_variants: int
    ms_folders: int
    rc_products: int
    rc_groups: int
    exportable_orders: int  # RetailCRM orders in an export status
    orders_with_delivery_cost: int
    ms_bundles: int = 0  # the sandbox's kits (app/sandbox/kits.py) when on
    ms_services: int = 0

    @classmethod
    def of(cls, shop: Shop, export_statuses: set[str]) -> ShopSize:
        ms = [p for p in shop.products if p.in_moysklad]
        exportable = [o for o in shop.orders if o.status in export_statuses]
        return cls(
            ms_products=len(ms),
            ms_variants=sum(len(p.variants) for p in ms),
            ms_folders=len(shop.folders),
            rc_products=sum(1 for p in shop.products if p.in_retailcrm),
            rc_groups=len(shop.folders),
            exportable_orders=len(exportable),
            orders_with_delivery_cost=sum(1 for o in exportable if o.delivery_cost > 0),
        )


def full_sync_minimum(size: ShopSize, plans: dict[str, dict[str, int]]) -> Minimum:
    """A first full sync: catalog + stock + prices + orders."""
    m = Minimum()
    catalog = plans.get("catalog", {})
    stock = plans.get("stock", {})
    prices = plans.get("prices", {})
    orders = plans.get("orders", {})

    # catalog: both catalogs read whole, then the writes the plan found necessary
    m.moysklad["catalog: products"] = pages(size.ms_products, MS_PAGE)
    m.moysklad["catalog: variants"] = pages(size.ms_variants, MS_PAGE)
    # bundles with their components (never one request per bundle) and services: an empty list costs one too
    m.moysklad["catalog: bundles"] = pages(size.ms_bundles, MS_EXPAND_PAGE)
    m.moysklad["catalog: services"] = pages(size.ms_services, MS_PAGE)
    m.moysklad["catalog: folders"] = pages(size.ms_folders, MS_PAGE)
    m.retailcrm["catalog: sites"] = 1
    m.retailcrm["catalog: products"] = pages(size.rc_products, RC_CATALOG_PAGE)
    m.retailcrm["catalog: groups"] = pages(size.rc_groups, RC_PAGE)
    creates = catalog.get("rc_creates", 0)
    m.retailcrm["catalog: create products"] = batches(creates, RC_PRODUCT_BATCH)
    m.retailcrm["catalog: read back new offers"] = batches(creates, RC_READBACK_IDS)
    m.retailcrm["catalog: edit products"] = batches(catalog.get("rc_edits", 0), RC_PRODUCT_BATCH)
    m.retailcrm["catalog: create groups"] = catalog.get("group_creates", 0)  # no batch API for groups
    m.moysklad["catalog: create products"] = batches(catalog.get("ms_creates", 0), MS_BATCH)

    # stock: one short report for every warehouse, then the offers whose figures differ
    m.moysklad["stock: report"] = 1
    m.retailcrm["stock: store types"] = _store_types(stock)
    m.retailcrm["stock: upload"] = batches(stock.get("offers_to_send", 0), RC_UPLOAD_BATCH)

    # prices: MoySklad's prices came with the catalog, RetailCRM's with its products
    m.retailcrm["prices: upload"] = batches(prices.get("offers_to_send", 0), RC_UPLOAD_BATCH)

    # orders (first run): statuses, where the history ends, the orders in export statuses
    if orders:
        m.retailcrm["orders: statuses"] = 1
        m.retailcrm["orders: payment statuses"] = 1  # which payments are paid (app/sync/orders/payments.py)
        # which order lines are cancelled: read once a run there are orders (app/sync/orders/cancelled_lines.py)
        m.retailcrm["orders: product statuses"] = 1 if size.exportable_orders else 0
        m.retailcrm["orders: history cursor"] = 1
        # where the customers' history ends (app/sync/orders/customers.py); later runs read one page of it
        m.retailcrm["orders: customers history cursor"] = 1
        if size.exportable_orders:
            # the delivery type's name for the description's «Доставка: …; оплата: …» line
            # (app/sync/orders/attributes.py): every seeded order has a delivery type; the payment types' names
            # come only with payments, which the seed has none of
            m.retailcrm["orders: delivery type names"] = 1
        m.retailcrm["orders: list"] = pages(size.exportable_orders, RC_PAGE)
        new = orders.get("to_create", 0)
        if size.orders_with_delivery_cost:
            m.moysklad["orders: delivery service"] = 1
            m.moysklad["orders: create delivery service"] = orders.get("delivery_service_create", 0)
        if new:
            m.moysklad["orders: already exported?"] = batches(new, MS_LOOKUP_VALUES)
            m.moysklad["orders: counterparties"] = 1  # a small account's counterparties, one page
            m.moysklad["orders: numbers taken?"] = batches(new, MS_LOOKUP_VALUES)
        m.moysklad["orders: create counterparties"] = batches(orders.get("counterparties_to_create", 0), MS_BATCH)
        m.moysklad["orders: create orders"] = batches(new, MS_BATCH)
        m.moysklad["orders: update orders"] = batches(orders.get("to_update", 0), MS_BATCH)
        m.moysklad["orders: create shipments"] = batches(orders.get("shipments", 0), MS_BATCH)
        # where MoySklad's changes stand, so later runs see orders a person edited there (one row; every later
        # run reads the orders changed since, one page: app/sync/orders/edits.py)
        m.moysklad["orders: edits in MoySklad"] = 1
    return m


def incremental_stock_minimum(plans: dict[str, dict[str, int]]) -> Minimum:
    """``sync --only stock`` after a full pass: one report of what changed, then the changed offers."""
    m = Minimum()
    stock = plans.get("stock", {})
    m.moysklad["stock: changes report"] = 1
    m.retailcrm["stock: store types"] = _store_types(stock)
    m.retailcrm["stock: upload"] = batches(stock.get("offers_to_send", 0), RC_UPLOAD_BATCH)
    return m


def incremental_orders_customers_minimum(changed_customers: int = 0, counterparties: int = 0) -> Minimum:
    """What keeping counterparties current adds to a later orders run: one page of ``customers/history``
    (all when nothing changed); with changes, the linked customers and their counterparties by id (100 a
    request) and one PUT per counterparty whose fields Svyazka updates."""
    m = Minimum()
    m.retailcrm["orders: customers history"] = 1
    m.retailcrm["orders: changed customers"] = batches(changed_customers, RC_READBACK_IDS)
    m.moysklad["orders: linked counterparties"] = batches(changed_customers, RC_READBACK_IDS)
    m.moysklad["orders: update counterparties"] = counterparties
    return m


def _store_types(stock: dict[str, int]) -> int:
    """/reference/stores, read when the plan has figures: how each RetailCRM store counts (integer or 0/1)."""
    return 1 if stock.get("values_to_send", 0) + stock.get("values_unchanged", 0) else 0
