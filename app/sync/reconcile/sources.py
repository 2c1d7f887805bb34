"""Everything the reconciliation takes from the sync flows, in one place.

The check must judge a figure by the very rules the flows send it with, so it imports them rather than
re-deriving them.
"""

from __future__ import annotations

from app.sync.catalog.source import (
    MsCatalog,
    RcCatalog,
    read_both_catalogs,
    stored_offer_links,
)
from app.sync.orders.cursors import CURSOR_FLOW as ORDERS_CURSOR_FLOW
from app.sync.orders.cursors import FIRST_SYNC_CURSOR, WAITING_CURSOR
from app.sync.orders.cursors import read_ids as read_waiting_ids  # the waiting list's stored JSON form
from app.sync.orders.decide import INACTIVE_GROUPS
from app.sync.orders.history import IDS_PER_REQUEST
from app.sync.stock.work import quantity_text, stock_for_store

__all__ = [
    "FIRST_SYNC_CURSOR",
    "IDS_PER_REQUEST",
    "INACTIVE_GROUPS",
    "ORDERS_CURSOR_FLOW",
    "WAITING_CURSOR",
    "MsCatalog",
    "RcCatalog",
    "quantity_text",
    "read_both_catalogs",
    "read_waiting_ids",
    "stock_for_store",
    "stored_offer_links",
]
