"""The catalog flow reads the stock of its conflicts' items (a help for the person deciding). A 401 there used
to be swallowed: the run went on as if nothing happened. A refused token is a settings problem: the run stops
and says so. A busy MoySklad there is only said in the journal.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from app.clients.moysklad import MoySkladClient, MoySkladLimits
from app.clients.retry import RetryPolicy
from app.sync.model import Callbacks, Flow, Level
from tests.reliability.hostile_proxy import HostileProxy
from tests.sync.catalog.support import CatEnv, cat_environment

_REFUSED = {"errors": [{"error": "Ошибка аутентификации: Неправильный пароль или имя пользователя или ключ авторизации",
                        "code": 1056}]}


@pytest.fixture
def proxied() -> Iterator[tuple[CatEnv, HostileProxy]]:
    with cat_environment() as env, HostileProxy(env.sandbox.moysklad_url) as proxy:
        env.moysklad.close()
        env.moysklad = MoySkladClient(
            env.sandbox.moysklad.token, base_url=proxy.url,
            limits=MoySkladLimits(capacity=100_000, learn_weights=False),
            retry=RetryPolicy(max_attempts=2, base_delay=0.01, max_delay=0.02, rng=random.Random(0)),
        )
        yield env, proxy


def test_a_401_during_the_conflict_stock_read_stops_the_run_and_says_why(proxied: tuple[CatEnv, HostileProxy]) -> None:
    env, proxy = proxied
    rule = proxy.answer("GET", "/report/stock/bystore", 401, _REFUSED)
    report = env.engine(callbacks=Callbacks(on_log=env.events.append)).run((Flow.CATALOG,))
    assert rule.hits >= 1  # the seeded duplicates made the flow ask for their stock
    assert report.status == "failed" and not report.ok
    assert "не принял токен" in report.message
    assert any(e.level is Level.ERROR and "не принял токен" in e.message for e in env.events)


def test_a_busy_moysklad_during_the_conflict_stock_read_is_said(proxied: tuple[CatEnv, HostileProxy]) -> None:
    env, proxy = proxied
    proxy.answer("GET", "/report/stock/bystore", 503, {"errors": [{"error": "Сервис недоступен"}]})
    report = env.engine(callbacks=Callbacks(on_log=env.events.append)).run((Flow.CATALOG,))
    assert report.status != "failed" and report.conflicts > 0
    assert any(e.level is Level.WARNING and e.code == "catalog.conflict_stock_unread" for e in env.events)
