"""Suspect reads: a service answering an empty list where the last run saw hundreds is a failed read, not a fact.

A hostile proxy in front of the sandbox blanks one answer after a normal first sync. Before the safety check,
an empty MoySklad stock report zeroed every RetailCRM stock and reported success, and an empty RetailCRM
product list dropped every link and tried to create every product. Now the run stops before writing and says
why.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from app.clients.moysklad import MoySkladClient, MoySkladLimits
from app.clients.retailcrm import RetailCrmClient, RetailCrmLimits
from app.clients.retry import RetryPolicy
from app.sync.model import Callbacks, Flow, RunReport, SafetyPolicy
from tests.reliability.hostile_proxy import HostileProxy, blank_list
from tests.sync.catalog.support import CatEnv, cat_environment


class Proxied:
    def __init__(self, env: CatEnv, rc: HostileProxy, ms: HostileProxy) -> None:
        self.env, self.rc, self.ms = env, rc, ms

    def run(self, *flows: Flow, full: bool = False, policy: SafetyPolicy = SafetyPolicy.REFUSE) -> RunReport:
        engine = self.env.engine(callbacks=Callbacks(on_log=self.env.events.append))
        return engine.run(flows, full=full, safety_policy=policy)

    def rc_stock(self) -> dict[int, Any]:
        return {o["id"]: self.env.rc_state.stock(o["id"]) for o in self.env.rc_state.offers()}

    def writes(self) -> list[tuple[str, str]]:
        return [(e.method, e.path) for e in self.env.all_requests() if e.method != "GET"]


@pytest.fixture
def proxied() -> Iterator[Proxied]:
    with cat_environment() as env:
        sandbox = env.sandbox
        with HostileProxy(sandbox.retailcrm_url) as rc_proxy, HostileProxy(sandbox.moysklad_url) as ms_proxy:
            retry = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, rng=random.Random(0))
            env.retailcrm.close()
            env.moysklad.close()
            env.retailcrm = RetailCrmClient(rc_proxy.url, sandbox.retailcrm.api_key,
                                            limits=RetailCrmLimits(requests_per_second=10_000), retry=retry)
            env.moysklad = MoySkladClient(sandbox.moysklad.token, base_url=ms_proxy.url,
                                          limits=MoySkladLimits(capacity=100_000, learn_weights=False), retry=retry)
            env._sent_at_clear = env._sent()
            first = Proxied(env, rc_proxy, ms_proxy).run(Flow.CATALOG, Flow.STOCK, Flow.PRICES)
            assert not first.held and first.errors == 0, first.message
            env.clear_log()
            env.events.clear()
            yield Proxied(env, rc_proxy, ms_proxy)


def test_an_empty_stock_report_zeroes_nothing_and_says_why(proxied: Proxied) -> None:
    env = proxied.env
    stock_before = proxied.rc_stock()
    assert sum(1 for levels in stock_before.values() for v in levels.values() if v) > 100
    rule = proxied.ms.rewrite("GET", "/report/stock/bystore/current", blank_list())

    report = proxied.run(Flow.CATALOG, Flow.STOCK, Flow.PRICES, full=True, policy=SafetyPolicy.SKIP)

    assert rule.hits >= 1
    assert report.held and report.status == "held" and not report.ok
    assert {t.guard for t in report.safety} == {"suspect_read", "zeroed"}
    assert all(t.flow is Flow.STOCK for t in report.safety)
    assert proxied.rc_stock() == stock_before  # nothing zeroed
    assert not [w for w in proxied.writes() if "inventories" in w[1] or "prices" in w[1]]
    suspect = next(t for t in report.safety if t.guard == "suspect_read")
    assert "МойСклад вернул отчёт об остатках из 0 строк" in suspect.message
    assert report.message.startswith("Остановлено проверкой перед записью")
    assert any("ни этот поток, ни следующие (Цены) ничего не записали" in m for m in env.messages(Flow.STOCK))

    # a changes-only pass may well be empty: that is no reason to stop, and nothing is zeroed either
    report = proxied.run(Flow.STOCK)
    assert not report.held and report.safety == [] and proxied.rc_stock() == stock_before


def test_an_empty_product_list_drops_no_link_and_creates_nothing(proxied: Proxied) -> None:
    env = proxied.env
    links_before = env.offer_links()
    products_before = len(env.rc_state.products())
    assert len(links_before) > 200
    rule = proxied.rc.rewrite("GET", "/store/products", blank_list("products"))

    report = proxied.run(Flow.CATALOG, Flow.STOCK, Flow.PRICES)

    assert rule.hits >= 1
    assert report.held and report.status == "held"
    assert {t.guard for t in report.safety} == {"suspect_read", "unlinked", "new_products"}
    assert env.offer_links() == links_before  # no link dropped
    assert len(env.rc_state.products()) == products_before  # nothing created
    assert proxied.writes() == []
    suspect = next(t for t in report.safety if t.guard == "suspect_read")
    assert "RetailCRM вернул 0 торговых предложений, а прошлая синхронизация видела" in suspect.message

    # the service answers in full again: the next run is an ordinary one
    proxied.rc.clear()
    report = proxied.run(Flow.CATALOG, Flow.STOCK, Flow.PRICES)
    assert not report.held and report.safety == [] and env.offer_links() == links_before
