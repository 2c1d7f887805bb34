"""The RetailCRM client: the operation modules put together into one class the sync uses."""

from __future__ import annotations

from app.clients.retailcrm.account import RetailCrmAccount
from app.clients.retailcrm.catalog import RetailCrmCatalog
from app.clients.retailcrm.orders import RetailCrmOrders
from app.clients.retailcrm.uploads import RetailCrmUploads


class RetailCrmClient(RetailCrmAccount, RetailCrmOrders, RetailCrmCatalog, RetailCrmUploads):
    """One RetailCRM account and key. Thread-safe; close it (or use ``with``) when done."""
