"""Dry runs write nothing; Stop in the middle leaves the store consistent and the next run finishes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sync.model import Action, Callbacks, CancelToken, Flow, Progress
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _emulated(env: CatEnv) -> dict[str, Any]:
    rc, ms = env.rc_state, env.ms_state
    return {
        "rc_products": rc.products(),
        "rc_offers": rc.offers(),
        "rc_stock": {o["id"]: rc.stock(o["id"]) for o in rc.offers()},
        "ms_counts": ms.counts(),
        # hrefs follow the Host of the last request, so compare the data, not the links
        "ms_products": [(p["id"], p["name"], p.get("article"), p["updated"], p["salePrices"][0]["value"])
                        for p in ms.products()],
    }


def test_dry_run_writes_nothing_but_shows_everything(cat_env: CatEnv) -> None:
    env = cat_env
    before = _emulated(env)
    report = env.run(dry_run=True)
    assert report.dry_run and report.errors == 0
    assert {e.method for e in env.all_requests()} == {"GET"}
    assert _emulated(env) == before
    assert env.db.links(env.profile_id).count() == 0
    assert env.db.pushed(env.profile_id).count("stock") == 0
    assert env.db.pushed(env.profile_id).count("price") == 0
    assert env.db.cursors(env.profile_id).all("stock") == {}
    # conflicts are facts and are recorded by the dry run too
    assert env.db.conflicts(env.profile_id).counts_by_kind()["duplicate_key"] == 2

    catalog = report.plans[Flow.CATALOG]
    stats = catalog.stats.as_dict()
    assert stats["to_create"] == 3
    assert sum(1 for c in catalog.changes if c.action is Action.LINK) == stats["new_pairs"] > 0
    # stock and prices were planned against the links the catalog plan would make
    stock = report.plans[Flow.STOCK]
    assert stock.stats.offers_to_send == stats["new_pairs"]
    assert report.plans[Flow.PRICES].changes

    env.clear_log()
    real = env.run()
    assert real.counts[Flow.STOCK].updated == report.counts[Flow.STOCK].updated + 3 * 3  # + the created offers
    assert real.counts[Flow.CATALOG].created == report.counts[Flow.CATALOG].created
    assert real.counts[Flow.PRICES].updated >= report.counts[Flow.PRICES].updated


def test_stop_before_the_catalog_applies_writes_nothing_and_the_next_run_creates_once(cat_env: CatEnv) -> None:
    env = cat_env
    cancel = CancelToken()

    def on_progress(progress: Progress) -> None:
        if progress.flow is Flow.CATALOG and progress.stage == "plan" and progress.total and progress.done == 1:
            cancel.cancel()  # the plan is complete; Stop comes before anything is written

    report = env.engine(cancel=cancel, callbacks=Callbacks(on_progress=on_progress)).run([Flow.CATALOG])
    assert report.cancelled
    planned = report.plans[Flow.CATALOG].stats.new_pairs
    assert env.offer_links() == {}
    assert not env.requests("retailcrm", "POST")
    products = env.rc_state.counts()["products"]

    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    assert env.rc_state.counts()["products"] == products + 3
    assert len(env.offer_links()) == planned + 3
    report = env.run(Flow.CATALOG)
    assert report.plans[Flow.CATALOG].changes == []
    assert env.rc_state.counts()["products"] == products + 3


def test_stop_while_the_catalog_applies_still_stores_the_matches_and_nothing_is_created_twice(
    cat_env: CatEnv,
) -> None:
    env = cat_env
    products = env.rc_state.counts()["products"]
    cancel = CancelToken()

    def on_progress(progress: Progress) -> None:
        if progress.flow is Flow.CATALOG and progress.stage == "apply":
            cancel.cancel()

    report = env.engine(cancel=cancel, callbacks=Callbacks(on_progress=on_progress)).run([Flow.CATALOG])
    planned = report.plans[Flow.CATALOG].stats.new_pairs
    # the links found by matching cost no request: they are stored even after Stop
    links = env.offer_links()
    assert len(links) >= planned
    created = env.rc_state.counts()["products"] - products
    assert created in (0, 3) and len(links) == planned + created

    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    assert env.rc_state.counts()["products"] == products + 3
    assert len(env.offer_links()) == planned + 3
    assert env.run(Flow.CATALOG).plans[Flow.CATALOG].changes == []


def test_products_created_but_not_read_back_are_linked_not_created_again(cat_env: CatEnv) -> None:
    env = cat_env
    shop = env.sandbox.shop
    new = [p for p in shop.products if p.article in shop.anomalies["only_in_moysklad"]]
    # what a run that died after products/batch/create would leave: the products exist, without links
    env.run(Flow.CATALOG)
    for product in new:
        offer = env.rc_state.find_offers(xml_id=product.external_code)[0]
        env.db.links(env.profile_id).remove("offer", rc_id=offer["id"])
    env.configure(match_key="barcode")  # the new offers have no barcode: only the externalId can find them
    report = env.run(Flow.CATALOG)
    links = env.offer_links()
    for product in new:
        offers = env.rc_state.find_offers(xml_id=product.external_code)
        assert len(offers) == 1  # not created a second time
        assert offers[0]["id"] in links.values()
    created = {c.payload["ms_id"] for c in report.plans[Flow.CATALOG].changes if c.action is Action.CREATE}
    assert not created & {env.ms_state.find_products(external_code=p.external_code)[0]["id"] for p in new}
