"""An order with a bundle line and a service line exports over HTTP with a bundle position and a service
position (no reserve), instead of waiting as an unlinked line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.clients.parsing import meta_id
from tests.sync.orders.support import OrdEnv, ord_environment


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(kits=True) as env:
        yield env


def test_an_order_with_a_bundle_and_a_service_exports_with_their_positions(ord_env: OrdEnv) -> None:
    env = ord_env
    kits = env.sandbox.kits
    assert kits is not None
    links = env.db.links(env.profile_id).all("offer")
    assert links[kits.bundle_id].ms_type == "bundle" and links[kits.service_id].ms_type == "service"
    customer = min(env.rc_state.db.customers)
    order = env.rc_state.create_order(
        {"status": env.settings.export_statuses[0], "orderMethod": "phone"}, customer={"id": customer},
        items=[{"offer": {"id": kits.bundle_offer_id}, "quantity": 2},
               {"offer": {"id": kits.service_offer_id}, "quantity": 1}])
    report = env.run()
    assert report.errors == 0, report.message
    ms_order = env.ms_order(order["id"])
    rows = ms_order["positions"]["rows"]
    by_type = {r["assortment"]["meta"]["type"]: r for r in rows}
    assert meta_id(by_type["bundle"]["assortment"]) == kits.bundle_id and by_type["bundle"]["quantity"] == 2
    assert meta_id(by_type["service"]["assortment"]) == kits.service_id
    assert by_type["service"]["reserve"] == 0
    ours = {f"unlinked_order_line:offer:{kits.bundle_offer_id}", f"unlinked_order_line:offer:{kits.service_offer_id}"}
    assert not ours & {c.key for c in env.conflicts("unlinked_order_line")}
