"""VAT: with an organization and goods under VAT, the MoySklad customer order costs what the RetailCRM order does.

RetailCRM prices hold the VAT. MoySklad adds VAT on top of the prices unless the order says ``vatIncluded``
(DOC:documents/_customerOrder); what it assumes when the order does not say is not documented, so the sandbox
here is an account whose documents add VAT on top by default (``vat_included_default = False``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from app.sync.orders.mapping import VAT_INCLUDED
from tests.sync.orders.support import OrdEnv, new_order, ord_environment


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _offers_with_vat(env: OrdEnv, rates: tuple[int, ...]) -> list[int]:
    """Linked offers sold as MoySklad products, one per rate, each product given that VAT rate."""
    links = env.db.links(env.profile_id).all("offer", by="rc")
    products = sorted((int(rc), link.ms_id) for rc, link in links.items() if link.ms_type == "product" and link.ms_id)
    chosen = []
    for rate, (rc_id, ms_id) in zip(rates, products, strict=False):
        env.ms_state.update_entity("product", ms_id, {"vat": rate, "vatEnabled": True, "useParentVat": False})
        chosen.append(rc_id)
    assert len(chosen) == len(rates)
    return chosen


def _money(value: Any) -> Decimal:
    return Decimal(repr(float(value)))


def test_the_moysklad_order_sum_equals_the_retailcrm_total_with_vat_on(ord_env: OrdEnv) -> None:
    env = ord_env
    env.ms_state.vat_included_default = False  # this account adds VAT on top unless a document says otherwise
    organization = env.ms_state.organization_ref.id
    env.ms_state.update_entity("organization", organization, {"payerVat": True})
    vat20, vat10 = _offers_with_vat(env, (20, 10))
    order = new_order(
        env, None, [], firstName="Вера", lastName="Налогова",
        items=[{"offer": {"id": vat20}, "quantity": 3, "discountManualPercent": 7},
               {"offer": {"id": vat10}, "quantity": 1}],
        delivery={"code": "courier", "cost": 350, "address": {"text": "Москва, ул. Тестовая, д. 1"}},
    )

    report = env.run()

    assert report.ok and report.errors == 0
    rc_total = Decimal(str(env.rc_state.order(order["id"])["totalSumm"]))
    ms = env.ms_order(order["id"])
    assert _money(ms["sum"]) / 100 == rc_total
    assert ms["vatIncluded"] is VAT_INCLUDED is True
    rates = sorted(r["vat"] for r in ms["positions"]["rows"] if r["assortment"]["meta"]["type"] == "product")
    assert rates == [10, 20]
    assert ms["vatSum"] > 0  # the VAT is shown inside the total, not added to it
    assert not any("сумма заказа покупателя" in m for m in env.messages())
