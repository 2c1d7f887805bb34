"""Fixtures for the RetailCRM emulator tests: a small seeded shop, a fresh emulator per test, real HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.sandbox.core import EmulatorServer
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop, generate_shop


@pytest.fixture(scope="session")
def shop() -> Shop:
    return generate_shop(products=120, orders=60, stores=3, seed=3)


@pytest.fixture
def emulator(shop: Shop) -> RetailCrmEmulator:
    # rate limit off: functional tests fire requests back to back; the limiter has its own tests
    return RetailCrmEmulator(shop, rate_limit=False)


@pytest.fixture(scope="session")
def _shared_server(shop: Shop) -> Iterator[EmulatorServer]:
    with EmulatorServer(RetailCrmEmulator(shop, rate_limit=False)) as srv:
        yield srv


@pytest.fixture
def server(_shared_server: EmulatorServer, emulator: RetailCrmEmulator) -> Iterator[EmulatorServer]:
    """One listening server for the session; each test plugs in its own fresh emulator (saves a restart)."""
    _shared_server.emulator = emulator
    _shared_server.log.clear()
    yield _shared_server


class Api:
    """A thin httpx wrapper that speaks the wire format the official clients use."""

    def __init__(self, base_url: str, key: str | None) -> None:
        headers = {"X-API-KEY": key} if key else {}
        self.http = httpx.Client(base_url=base_url, headers=headers, timeout=10)

    def get(self, path: str, params: Any = None) -> httpx.Response:
        return self.http.get(path, params=params)

    def post(self, path: str, **fields: Any) -> httpx.Response:
        data = {k: (json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v) for k, v in fields.items()}
        return self.http.post(path, data=data)

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def api(server: EmulatorServer, emulator: RetailCrmEmulator) -> Iterator[Api]:
    client = Api(server.base_url, emulator.api_key)
    yield client
    client.close()


@pytest.fixture
def make_api(server: EmulatorServer) -> Iterator[Any]:
    made: list[Api] = []

    def factory(key: str | None) -> Api:
        client = Api(server.base_url, key)
        made.append(client)
        return client

    yield factory
    for client in made:
        client.close()
