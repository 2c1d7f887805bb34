"""RetailCRM (Simla) API v5 over HTTP: typed reads, paged iterators, batched writes. HTTP only.

The key travels in the ``X-API-KEY`` header (never in a URL); writes are form-encoded with JSON fields
(``order=<json>``), as every official client sends them. Requests are paced to stay under the service's
10 requests per second per key; a ``503``/``429`` anyway pauses every thread and is retried.

``orders/create``, ``customers/create``, ``store/products/batch/create`` and ``store/product-groups/create``
are never re-sent once they may have reached the server (read timeout, dropped connection, 500/502/504, a
truncated answer): :class:`MaybeApplied` tells the caller to look the entity up by its ``externalId`` first.
They are re-sent only when they surely were not processed: the connection was never made, or the service
answered 503/429 "too many requests". Everything else is retried on connection errors, 5xx and timeouts.
Redirects are reported, never followed (the key header would travel to the other host).

Modules: :mod:`.core` (key, pacing gate, transport, paging), :mod:`.account` (credentials, references),
:mod:`.orders` (orders, history, customers), :mod:`.catalog` (offers, products, groups), :mod:`.uploads`
(stock and prices), :mod:`.answers` (answers to data or errors), :mod:`.constants`, :mod:`.client` (the class
put together).
"""

from app.clients.retailcrm.client import RetailCrmClient
from app.clients.retailcrm.constants import API_KEYS_PAGE, DEFAULT_SCOPES
from app.clients.retailcrm.core import RetailCrmGate, RetailCrmLimits
from app.clients.urls import normalize_account_url

__all__ = [
    "API_KEYS_PAGE",
    "DEFAULT_SCOPES",
    "RetailCrmClient",
    "RetailCrmGate",
    "RetailCrmLimits",
    "normalize_account_url",
]
