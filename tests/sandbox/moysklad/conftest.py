"""Fixtures for the MoySklad emulator tests: a small seeded shop, an emulator, its server, a client.

The default emulator has rate limiting **off** so functional tests can make as many calls as they like;
the limit tests build their own with ``rate_limit=True`` and a manual clock.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from app.sandbox.core import EmulatorServer
from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.seed import Shop, generate_shop

from .support import client


@pytest.fixture(scope="session")
def shop() -> Shop:
    return generate_shop(products=40, orders=0, stores=3, seed=11)


@pytest.fixture
def emulator(shop: Shop) -> MoySkladEmulator:
    return MoySkladEmulator(shop, rate_limit=False)


@pytest.fixture
def server(emulator: MoySkladEmulator) -> Iterator[EmulatorServer]:
    with EmulatorServer(emulator) as running:
        yield running


@pytest.fixture
def api(server: EmulatorServer, emulator: MoySkladEmulator) -> Iterator[httpx.Client]:
    with client(server.base_url, emulator.token) as http:
        yield http


@pytest.fixture
def base(api: httpx.Client) -> str:
    """The API root as hrefs show it (…/api/remap/1.2)."""
    return str(api.base_url).rstrip("/")
