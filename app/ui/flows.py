"""Which flows the app's engine runs: the sync layer's own registry when it has one.

``app.sync.session.default_flows`` is the one place that lists them; until it is importable (the flows
landed before their registry) this builds the same set from the flow modules, so the app never runs
with fewer flows than exist.
"""

from __future__ import annotations

from app.sync.engine import FlowRunner
from app.sync.model import Flow


def sync_flows() -> dict[Flow, FlowRunner]:
    try:
        from app.sync.session import default_flows

        return dict(default_flows())
    except ImportError:
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
