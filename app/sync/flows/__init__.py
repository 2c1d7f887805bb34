"""The sync flows: each one plans (reads both services, decides) and applies (writes in batches)."""

from __future__ import annotations

from app.sync.engine import FlowRunner
from app.sync.model import Flow


def all_flows() -> dict[Flow, FlowRunner]:
    """A fresh runner for every flow (runners keep no state between runs, but they are cheap to build)."""
    from app.sync.catalog.flow import CatalogFlow
    from app.sync.orders.flow import OrdersFlow
    from app.sync.prices import PricesFlow
    from app.sync.stock.flow import StockFlow

    return {
        Flow.CATALOG: CatalogFlow(),
        Flow.STOCK: StockFlow(),
        Flow.PRICES: PricesFlow(),
        Flow.ORDERS: OrdersFlow(),
    }
