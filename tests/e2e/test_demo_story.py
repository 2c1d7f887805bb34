"""The demo shop's day (app/demo_story.py): after the first sync its people pay, refuse and edit, and the next
sync shows a payment, a return and an order changed on both sides, as the demo promises."""

from __future__ import annotations

import pytest

from app.demo_story import DemoStory
from app.messages import render
from tests.e2e.shop import open_shop
from tests.sync.test_lived_in_e2e import memory_keyring  # noqa: F401 (a fixture)

pytestmark = pytest.mark.timeout(300)


def test_nothing_happens_before_an_order_crossed(capsys, tmp_path, monkeypatch):
    with open_shop(capsys, tmp_path, monkeypatch) as shop:
        story = DemoStory(shop.sb)
        assert story.play_day() == []
        assert not story.played  # it waits for a sync that exports orders


def test_the_shops_day_shows_a_payment_a_return_and_an_edit_on_both_sides(capsys, tmp_path, monkeypatch):
    with open_shop(capsys, tmp_path, monkeypatch) as shop:
        shop.sync()
        before = {kind: len(shop.ms.money_documents(kind)) for kind in ("paymentin", "paymentout")}
        story = DemoStory(shop.sb)
        lines = story.play_day()
        codes = [line.code for line in lines]
        assert {"demo.paid", "demo.changed_both_sides"} <= set(codes)
        assert {"demo.refused", "demo.refused_refunded"} & set(codes)
        assert all("{" not in render(line, lang) for line in lines for lang in ("ru", "en"))
        assert story.play_day() == []  # once

        shop.sync()
        assert shop.ms.sales_returns(), "the refused order's goods came back"
        assert len(shop.ms.money_documents("paymentin")) > before["paymentin"]
        both = [c for c in shop.conflicts() if c["kind"] == "order_changed_both_sides"]
        assert len(both) == 1, "the order changed on both sides waits for the person's decision"
        shop.clean()
