"""The MoySklad catalog keeps the parsed fields of its rows, not the JSON they came from (memory at 50k)."""

from __future__ import annotations

from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sync.catalog_source import WITH_ARCHIVED, load_moysklad_catalog
from tests.sync.flows.orders_support import make_clients


def test_loaded_products_keep_no_raw_json_but_every_parsed_field() -> None:
    with Sandbox(SandboxOptions(products=40, orders=0, stores=1, seed=5, rate_limit=False)) as sandbox:
        rc, ms = make_clients(sandbox)
        try:
            catalog = load_moysklad_catalog(ms)
            rows = {row["id"]: row for row in ms.iter_entities("product", filters=WITH_ARCHIVED)}
        finally:
            rc.close()
            ms.close()
    assert catalog.products and set(catalog.products) == set(rows)
    for product in catalog.products.values():
        assert not hasattr(product, "raw") and not hasattr(product, "meta") and not hasattr(product, "__dict__")
        row = rows[product.id]
        assert product.name == row["name"] and product.article == row.get("article")
        assert product.external_code == row.get("externalCode")
    # prices and the sellable items were taken from the JSON before it was dropped
    assert any(prices for prices in catalog.prices.values())
    assert {item.id for item in catalog.items.values() if item.type == "product"} <= set(rows)


def test_both_catalogs_are_read_together_and_progress_stays_on_the_calling_thread() -> None:
    import threading
    from dataclasses import replace

    import pytest

    from app.sync.catalog_source import choose_site, load_retailcrm_catalog, read_both_catalogs
    from app.sync.model import Cancelled
    from tests.sync.flows.catalog_support import cat_environment

    with cat_environment(products=30) as env:
        threads: set[str] = set()
        seen: list[int] = []

        def progress(done: int) -> None:
            threads.add(threading.current_thread().name)
            seen.append(done)

        ms_catalog, site, rc_catalog = read_both_catalogs(env.moysklad, env.retailcrm, env.settings, progress,
                                                          lambda: None)
        assert site is not None and rc_catalog is not None
        expected_site = choose_site(env.retailcrm.sites(), env.settings)
        assert expected_site is not None and site.code == expected_site.code
        alone = load_retailcrm_catalog(env.retailcrm, site)
        assert set(rc_catalog.offers) == set(alone.offers) and rc_catalog.offers
        assert set(ms_catalog.items) == set(load_moysklad_catalog(env.moysklad).items)
        assert threads == {threading.current_thread().name}
        assert seen[-1] == len(ms_catalog.items) + len(rc_catalog.offers)

        # Stop seen by the RetailCRM reader reaches the caller
        def stop() -> None:
            raise Cancelled()

        with pytest.raises(Cancelled):
            read_both_catalogs(env.moysklad, env.retailcrm, env.settings, lambda done: None, stop)

        # a site RetailCRM does not have: no catalog, the caller decides what to say
        missing = replace(env.settings, retailcrm_site="no-such-site")
        assert read_both_catalogs(env.moysklad, env.retailcrm, missing, lambda done: None, lambda: None)[1:] == (
            None, None)
