"""What the flows of one run share (:class:`RunShared`, ``RunContext.shared``): one typed field per thing a flow
learns that another flow of the same run reuses, instead of a dict with string keys.

Each field is None until the flow that owns it fills it; every reader copes with None (that flow did not run,
or its read failed), so a flow run alone behaves as before.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from app.clients.retailcrm_models import Status
    from app.sync.catalog.retired import RetiredPlan
    from app.sync.catalog.source import CatalogSnapshot
    from app.sync.orders.history import Reading
    from app.sync.orders.plan import Planner
    from app.sync.stock.report import PrefetchedReport, StockTouched


class _Unread(Enum):
    UNREAD = "unread"


UNREAD: Literal[_Unread.UNREAD] = _Unread.UNREAD  # "not looked up yet", where None is an answer


@dataclass
class RunShared:
    # Both catalogs and the offer links: set by the catalog flow's plan (the links it would make), replaced
    # after its apply (the links written). Stock and prices take their links from it (app/sync/catalog/source.py).
    catalog: CatalogSnapshot | None = None
    # MoySklad items of the folders the shop excluded: the catalog flow takes them out, the stock flow does not
    # count them as "without a link" (app/sync/catalog/folders.py).
    excluded_items: set[str] | None = None
    # Offers whose MoySklad item is archived or deleted, and those back from the archive: planned by the catalog
    # flow, zeroed (or restored) by the stock flow of the same run (app/sync/catalog/retired.py).
    retired: RetiredPlan | None = None
    # MoySklad's stock report, asked for at the run's start by the stock flow's prefetch; the catalog flow
    # reads a full one for its conflicts' stock, the stock plan takes it (app/sync/stock/report.py).
    stock_report: PrefetchedReport | None = None
    # MoySklad items whose stock the orders flow moved after the stock flow read it (shipments, reserves):
    # the stock flow's follow-up sends them again (app/sync/stock/report.py).
    stock_touched: StockTouched | None = None
    # The orders flow's planner and its RetailCRM reads, started by its prefetch; its plan takes them
    # (app/sync/orders/flow.py).
    orders_reading: tuple[Planner, Future[Reading | None]] | None = None
    # RetailCRM's order statuses by code, read once a run by the orders flow (plan and statuses back).
    retailcrm_statuses: dict[str, Status] | None = None
    # RetailCRM's status groups (``read_groups``; [] when unreadable), read once a run for the process order.
    retailcrm_status_groups: list[Any] | None = None
    # MoySklad services named as the delivery service (rows of ``find_by_values``); None: the account has no
    # services section; UNREAD: not looked up in this run yet (app/sync/orders/delivery.py).
    delivery_service: list[dict[str, Any]] | _Unread | None = UNREAD
    # RetailCRM's payment statuses that mean paid, and its payment types' names, read once a run when an order
    # has payments (app/sync/orders/payments.py)
    retailcrm_paid_statuses: frozenset[str] | None = None
    retailcrm_payment_type_names: dict[str, str] | None = None
    # RetailCRM's order line statuses that cancel a line, code -> name ({} when unreadable), read once a run when
    # there are orders to decide (app/sync/orders/cancelled_lines.py)
    retailcrm_cancel_line_statuses: dict[str, str] | None = None
