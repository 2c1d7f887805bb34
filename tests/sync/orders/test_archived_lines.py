"""An order whose line's MoySklad item is archived still exports (issue 16 item 3): MoySklad sells archived
goods, and the link to an archived item is kept (app/sync/catalog/retired.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.sync.orders.support import (
    OrdEnv,
    customer_ids_by_email,
    goods_rows,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


def test_order_with_an_archived_line_exports_with_that_item(ord_env: OrdEnv) -> None:
    env = ord_env
    offer_id = linked_offer_ids(env)[0]
    ms_id = next(ms for ms, rc in env.db.links(env.profile_id).ms_to_rc("offer").items() if int(rc) == offer_id)
    kind = "product" if env.ms_state.product(ms_id) is not None else "variant"
    if kind == "variant":
        parent = ref_id(env.ms_state.variant(ms_id)["product"])
        assert parent is not None
        env.ms_state.update_entity("product", parent, {"archived": True})  # a variant is archived with it
    else:
        env.ms_state.update_entity("product", ms_id, {"archived": True})
    customer = next(iter(customer_ids_by_email(env).values()))
    status = env.settings.export_statuses[0]
    order = new_order(env, customer, [offer_id], status=status)

    report = env.run()
    assert report.errors == 0, report.message
    rows = goods_rows(env.ms_order(order["id"]))
    assert [ref_id(r["assortment"]) for r in rows] == [ms_id]
    assert not [c for c in env.conflicts("unlinked_order_line") if c.key.endswith(f":{offer_id}")]
