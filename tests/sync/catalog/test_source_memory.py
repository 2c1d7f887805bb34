"""The MoySklad catalog keeps the parsed fields of its rows, not the JSON they came from (memory at 50k)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sync.catalog.source import WITH_ARCHIVED, load_moysklad_catalog
from tests.sync.orders.support import make_clients

if TYPE_CHECKING:
    from app.clients.moysklad_models import CatalogRow


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

    from app.sync.catalog.source import choose_site, load_retailcrm_catalog, read_both_catalogs
    from app.sync.model import Cancelled
    from tests.sync.catalog.support import cat_environment

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


def _row(kind: str, row_id: str, *, parent: str | None = None, variants: int = 0, price: str = "10.00",
         buy: str | None = None) -> CatalogRow:
    from app.clients.moysklad_models import CatalogRow

    return CatalogRow(
        kind=kind, id=row_id, name=f"{kind} {row_id}", article=None, code=row_id, external_code=row_id,
        folder_id=None, product_id=parent, characteristics=(),
        sale_prices=(("t1", "Цена продажи", Decimal(price)),)
        + ((("t2", "Опт", Decimal("5.00")),) if parent is None else ()),
        buy_price=Decimal(buy) if buy else None, barcodes=(), archived=False, variants_count=variants,
    )


class _OrderedPages:
    """A MoySklad client stand-in whose variant pages all arrive before the first product page."""

    def __init__(self, products: list[list[CatalogRow]], variants: list[list[CatalogRow]]) -> None:
        import threading

        self.products, self.variants = products, variants
        self.variants_sent = threading.Event()

    def catalog_pages(self, entity: str, **_: object) -> Iterator[list[CatalogRow]]:
        if entity == "variant":
            yield from self.variants
            self.variants_sent.set()
        elif entity in ("service", "bundle"):
            yield []  # this shop has none
        else:
            self.variants_sent.wait(5)
            yield from self.products


def test_items_built_as_pages_arrive_equal_those_built_from_the_whole_lists() -> None:
    from app.sync.catalog.source import _item

    products = [
        [_row("product", "p1"), _row("product", "p2", variants=2, buy="3.00"), _row("product", "p3")],
        # p4 says it has no variants, yet v4 names it: it is sold as its variant, never as itself
        [_row("product", "p4"), _row("product", "p2", variants=2, buy="4.00")],  # p2 read twice: the later wins
    ]
    variants = [
        [_row("variant", "v1", parent="p2", price="12.00"), _row("variant", "v2", parent="p2")],
        [_row("variant", "v4", parent="p4"), _row("variant", "v9", parent="gone")],
    ]
    catalog = load_moysklad_catalog(_OrderedPages(products, variants), with_folders=False)

    # the reference: the whole lists first, then products (not parents) and variants in the order read
    every_product = {p.id: p for page in products for p in page}
    every_variant = [v for page in variants for v in page]
    parents = {v.product_id for v in every_variant} | {p.id for p in every_product.values() if p.variants_count}
    expected_items = {p.id: _item(p, None) for page in products for p in page if p.id not in parents}
    for v in every_variant:
        expected_items[v.id] = _item(v, every_product.get(v.product_id or ""))
    assert list(catalog.items) == list(expected_items) == ["p1", "p3", "v1", "v2", "v4", "v9"]
    assert catalog.items == expected_items
    assert catalog.items["v1"].buy_price == Decimal("4.00")  # from the product as read last
    assert catalog.prices["v1"] == {"t1": Decimal("12.00"), "t2": Decimal("5.00")}  # own price wins, the rest inherited
    assert catalog.prices["v9"] == {"t1": Decimal("10.00")}  # no product read: its own prices only
    assert list(catalog.products) == ["p1", "p2", "p3", "p4"]
