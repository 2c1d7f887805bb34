"""A RetailCRM account that refuses limit=250 on its catalog lists: the run falls back to 100 and the
next run starts with 100 (remembered per profile), over real HTTP against the sandbox."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.clients.retry import RetryPolicy
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sync import page_limits
from app.sync.model import Flow
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        env.sandbox.retailcrm.config.limit_250_on_catalog_lists = False  # what the sandbox option sets
        yield env


def _product_limits(env: CatEnv) -> list[str]:
    return [e.query for e in env.requests("retailcrm", "GET", "/store/products")]


def test_the_sandbox_option_refuses_250_on_catalog_lists() -> None:
    options = SandboxOptions(products=5, orders=0, rate_limit=False, retailcrm_limit_250_on_catalog=False)
    assert Sandbox(options).retailcrm.config.limit_250_on_catalog_lists is False
    assert Sandbox(SandboxOptions(products=5, orders=0)).retailcrm.config.limit_250_on_catalog_lists is True


def test_a_refused_250_is_recovered_and_remembered_for_the_next_run(cat_env: CatEnv) -> None:
    env = cat_env
    report = env.run(Flow.CATALOG)

    assert report.errors == 0, report.message
    assert len(env.offer_links()) > 100  # the catalog was read whole all the same
    queries = _product_limits(env)
    assert "limit=250" in queries[0] and all("limit=100" in q for q in queries[1:])
    assert env.db.cursors(env.profile_id).get(page_limits.CURSOR_FLOW, "catalog_page_limit") == "100"
    assert any("по 100" in m and "запомнила" in m for m in env.messages())

    # the next run (a new client, as build_engine makes one per run) never asks for 250 again
    retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, rng=random.Random(0))
    with RetailCrmClient(env.sandbox.retailcrm_url, env.sandbox.retailcrm.api_key,
                         limits=RetailCrmLimits(requests_per_second=10_000), retry=retry) as fresh:
        assert fresh.catalog_page_limit == 250
        env.retailcrm = fresh
        env.clear_log()
        env.events.clear()
        report = env.run(Flow.CATALOG)
        assert report.errors == 0, report.message
        assert fresh.catalog_page_limit == 100
        queries = _product_limits(env)
        assert queries and all("limit=100" in q for q in queries)
        assert not any("запомнила" in m for m in env.messages())  # already known: said once


def test_an_account_that_takes_250_remembers_nothing(cat_env: CatEnv) -> None:
    env = cat_env
    env.sandbox.retailcrm.config.limit_250_on_catalog_lists = True
    assert env.run(Flow.CATALOG).errors == 0
    assert all("limit=250" in q for q in _product_limits(env))
    assert env.db.cursors(env.profile_id).all(page_limits.CURSOR_FLOW) == {}
