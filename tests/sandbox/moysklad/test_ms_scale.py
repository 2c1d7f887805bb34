"""The contract's construction budget: 1,000 products well under a second, 100,000 in under 20 s."""

from __future__ import annotations

import time

import pytest

from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.seed import generate_shop


def test_thousand_products_build_fast() -> None:
    shop = generate_shop(products=1000, orders=0, seed=2)
    started = time.perf_counter()
    emulator = MoySkladEmulator(shop)
    elapsed = time.perf_counter() - started
    assert emulator.state.counts()["product"] == sum(p.in_moysklad for p in shop.products)
    assert elapsed < 1.0, f"{elapsed:.2f}s"


@pytest.mark.slow
def test_hundred_thousand_products_build_under_20_seconds() -> None:
    shop = generate_shop(products=100_000, orders=0, seed=2)
    started = time.perf_counter()
    emulator = MoySkladEmulator(shop)
    elapsed = time.perf_counter() - started
    assert emulator.state.counts()["product"] > 99_000
    assert elapsed < 20.0, f"{elapsed:.2f}s"
