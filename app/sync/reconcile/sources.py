"""Everything the reconciliation takes from the sync flows, in one place.

The check must judge a figure by the very rules the flows send it with, so it imports them rather than
re-deriving them. These modules are being moved (``app/sync/catalog/``, ``stock/``, ``prices/``,
``orders/``): when they move, only this file changes.
"""

from __future__ import annotations

from app.sync.catalog_source import (
    MsCatalog,
    RcCatalog,
    read_both_catalogs,
    stored_offer_links,
)
from app.sync.flows.orders import CURSOR_FLOW as ORDERS_CURSOR_FLOW
from app.sync.flows.orders import FIRST_SYNC_CURSOR, IDS_PER_REQUEST, INACTIVE_GROUPS, WAITING_CURSOR
from app.sync.flows.orders import _read_ids as read_waiting_ids  # private: the waiting list's JSON format
from app.sync.flows.stock import quantity_text, stock_for_store
from app.sync.module_orders import find_orders

__all__ = [
    "FIRST_SYNC_CURSOR",
    "IDS_PER_REQUEST",
    "INACTIVE_GROUPS",
    "ORDERS_CURSOR_FLOW",
    "WAITING_CURSOR",
    "MsCatalog",
    "RcCatalog",
    "find_orders",
    "quantity_text",
    "read_both_catalogs",
    "read_waiting_ids",
    "stock_for_store",
    "stored_offer_links",
]
