"""A RetailCRM site whose ``catalogId`` is a word (``"catalog"``, recorded ``References/testSites.json``):
product creates still name the site's catalog, or the run says once, in plain words, why they cannot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.clients.retailcrm_models import Site
from app.sync.catalog.source import RcCatalog
from app.sync.model import Flow, Level
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        env.rc_state.set_catalog_id("catalog")
        yield env


def _new_products(env: CatEnv) -> list[str]:
    shop = env.sandbox.shop
    return [p.external_code for p in shop.products if p.article in shop.anomalies["only_in_moysklad"]]


def test_the_catalog_id_is_read_as_the_string_it_is() -> None:
    assert RcCatalog(Site.from_api({"code": "a", "catalogId": "81"})).catalog_id == 81
    assert RcCatalog(Site.from_api({"code": "a", "catalogId": "catalog"})).catalog_id == "catalog"
    assert RcCatalog(Site.from_api({"code": "a"})).catalog_id is None
    assert Site.from_api({"code": "a", "catalogId": "catalog"}).catalog_id == "catalog"


def test_a_word_catalog_the_service_takes_gets_the_products(cat_env: CatEnv) -> None:
    env = cat_env
    env.sandbox.retailcrm.config.word_catalog_id_on_create = True
    report = env.run(Flow.CATALOG)

    assert report.errors == 0, report.message
    links = set(env.offer_links().values())
    for external_code in _new_products(env):
        offers = env.rc_state.find_offers(xml_id=external_code)
        assert len(offers) == 1 and offers[0]["id"] in links
    created = [p for p in env.rc_state.products() if p.get("externalId") in _new_products(env)]
    assert created and all(p["catalogId"] == "catalog" for p in created)


def test_a_word_catalog_the_service_refuses_is_said_once_and_nothing_breaks(cat_env: CatEnv) -> None:
    env = cat_env  # the sandbox's default reading: catalogId is an int on create, a word is refused
    before = env.rc_state.counts()["products"]
    report = env.run(Flow.CATALOG)

    creates = env.requests("retailcrm", "POST", "/store/products/batch/create")
    assert len(creates) == 1  # refused once for all: not retried product by product
    assert env.rc_state.counts()["products"] == before
    errors = [e for e in env.events if e.level == Level.ERROR]
    assert len(errors) == 1
    assert "каталог магазина" in errors[0].message and "«catalog»" in errors[0].message
    assert "Traceback" not in errors[0].message
    assert report.counts[Flow.CATALOG].failed == len(_new_products(env))
    assert len(env.offer_links()) > 100  # the matched offers are linked all the same

    # stock still flows for the linked offers
    assert env.run(Flow.STOCK).errors == 0


def test_a_site_without_a_catalog_id_is_tried_and_said_once(cat_env: CatEnv) -> None:
    """No catalogId at all: the creates go without one (whether RetailCRM fills it in is not documented) and
    the sandbox's refusal ("should not be blank") is one clear line."""
    env = cat_env
    env.rc_state.set_catalog_id("")
    report = env.run(Flow.CATALOG)

    assert len(env.requests("retailcrm", "POST", "/store/products/batch/create")) == 1
    errors = [e.message for e in env.events if e.level == Level.ERROR]
    assert len(errors) == 1 and "каталог не указан" in errors[0]
    assert report.counts[Flow.CATALOG].failed == len(_new_products(env))
