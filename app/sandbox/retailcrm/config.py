"""Knobs for the behaviours the RetailCRM reference marks as unverified (U), with the sandbox's choices.

Every default is the most plausible reading of the evidence in ``retailcrm-api.md``; tests and demos can
flip them to check that a client copes with the other reading too.
"""

from __future__ import annotations

from dataclasses import dataclass

# Every scope name seen in official code; a key made without explicit scopes gets all of them.
ALL_SCOPES: tuple[str, ...] = (
    "order_read", "order_write", "customer_read", "customer_write", "store_read", "store_write",
    "reference_read", "reference_write", "analytics_write", "telephony_read", "telephony_write",
    "delivery_read", "delivery_write", "user_read", "user_write", "segment_read", "custom_fields_read",
    "custom_fields_write", "task_read", "task_write", "integration_read", "integration_write", "cost_read",
    "cost_write", "payments_read", "payments_write", "file_read", "file_write",
)


@dataclass
class RetailCrmConfig:
    # --- rate limit: 10 requests per sliding second per key (Go client rate.go); answered with 503 -----
    rate_limit: bool = True
    rps: int = 10

    # --- batch limits (U: 250 for stock/price uploads is the commonly quoted maximum; 50 for products and
    # orders/upload is what third-party clients enforce) ------------------------------------------------
    upload_batch_limit: int = 250  # store/inventories/upload, store/prices/upload
    product_batch_limit: int = 50  # store/products/batch/create|edit
    orders_upload_limit: int = 50  # orders/upload

    # (U) whether limit=250 also works on orders, history, customers and product groups; the documented
    # values are 20/50/100, and 250 is only evidenced on store lists
    limit_250_everywhere: bool = False
    # (U) whether /store/products and /store/offers take limit=250. Only /store/inventories is evidenced with
    # 250 (official WOO/PS modules); False refuses 250 there like any limit outside 20/50/100 (400 "Errors in
    # the input parameters", errors.limit), so a client's fall-back to 100 can be tested over HTTP.
    limit_250_on_catalog_lists: bool = True

    # --- auth --------------------------------------------------------------------------------------
    missing_key_status: int = 403  # (U) 403 or 400; the doc has no evidence either way

    # --- orders ----------------------------------------------------------------------------------
    # (U) whether filter[extendedStatus][] also takes status-group codes; a status code always wins.
    extended_status_accepts_groups: bool = True
    # RetailCRM merges two new lines with the same offer into one, keeping the last (opencart-module#199).
    merge_duplicate_offers: bool = True
    api_number_suffix: str = "A"  # orders made through the API are numbered "{id}A", CRM ones "{id}C"

    # --- store -----------------------------------------------------------------------------------
    # (U) what store/inventories/upload does with a negative "available": "reject" (400), "clamp" (to 0)
    negative_stock: str = "reject"
    # (U) whether an offer addressed by externalId needs `site` when the key sees only one site
    require_site_for_external_id: bool = False
    # (U) store/products/batch/create gives each new product one offer (externalId = xmlId = the product's
    # externalId, as RetailCRM's own MoySklad generator would); without it the product could never be sold
    auto_offer_on_product_create: bool = True
    # (U) what store/products/batch/create does with a catalogId that is a word, as /reference/sites gives it on
    # some real accounts ("catalog", References/testSites.json). The official PHP client types the field as
    # an int (Entity/Store/ProductBatchBase.php `@JMS\Type("int")`, so it cannot even send a word) and the
    # doc says catalogId(int): by default a word is refused like any non-integer (400, errors
    # products[i].catalogId). True takes it as the site's catalog, the other possible reading.
    word_catalog_id_on_create: bool = False

    # --- output ----------------------------------------------------------------------------------
    # PHP serialises an empty map as [] (customFields: [], properties: []), as the fixtures show.
    php_empty_maps: bool = True

    # --- faults ----------------------------------------------------------------------------------
    fault_5xx_status: int = 502  # nginx in front of the CRM answers an HTML 502 when the backend is down
