"""The benchmark's minimum-request arithmetic (benchmarks/minimum.py) stays importable and adds up: the
benchmark itself is not part of the suite, so this is what notices when a change breaks it."""

from __future__ import annotations

from app.sandbox.seed import generate_shop
from benchmarks.minimum import (
    ShopSize,
    full_sync_minimum,
    incremental_orders_customers_minimum,
    incremental_stock_minimum,
)


def test_the_minimum_of_a_small_shop_counts_every_catalog_page() -> None:
    shop = generate_shop(products=30, orders=10, seed=1)
    size = ShopSize.of(shop, {o.status for o in shop.orders})
    minimum = full_sync_minimum(size, {"catalog": {}, "stock": {}, "prices": {}, "orders": {}})
    assert minimum.moysklad["catalog: products"] == 1 and minimum.moysklad["catalog: bundles"] == 1
    assert minimum.retailcrm["catalog: products"] >= 1
    with_orders = full_sync_minimum(size, {"orders": {"to_create": size.exportable_orders}})
    assert with_orders.retailcrm["orders: product statuses"] == (1 if size.exportable_orders else 0)
    assert incremental_stock_minimum({"stock": {"offers_to_send": 100}}).moysklad["stock: changes report"] == 1


def test_keeping_customers_current_costs_one_request_when_nothing_changed() -> None:
    idle = incremental_orders_customers_minimum()
    assert (idle.retailcrm_total, idle.moysklad_total) == (1, 0)
    busy = incremental_orders_customers_minimum(changed_customers=150, counterparties=3)
    assert busy.retailcrm["orders: changed customers"] == 2 and busy.moysklad_total == 2 + 3
