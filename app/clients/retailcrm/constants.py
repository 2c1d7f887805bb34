"""RetailCRM service facts the client modules share: page sizes, the scopes a full sync needs, and where in
RetailCRM the API keys are.
"""

from __future__ import annotations

SERVICE = "retailcrm"
API_KEYS_PAGE = "Настройки → Интеграция → Ключи доступа к API"
SMALLEST_PAGE = 20  # the smallest limit orders/history accepts: the cheapest way to learn the page count
# The documented page sizes are 20/50/100 (retailcrm-api.md §3, V5EN). 250 is evidenced only on
# /store/inventories (official WOO and PrestaShop modules page it by 250), so on /store/products and
# /store/offers it is tried (a 50,000-offer catalog in 200 pages, not 500) and given up on a refusal.
DOCUMENTED_PAGE = 100
INVENTORY_PAGE = 250
# What a full two-way sync needs; callers may ask for fewer (a read-only preview).
DEFAULT_SCOPES: tuple[str, ...] = (
    "order_read",
    "order_write",
    "customer_read",
    "customer_write",
    "reference_read",
    "store_read",
    "store_write",
)
