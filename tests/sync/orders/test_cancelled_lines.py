"""Order lines in a cancel status leave the MoySklad order (app/sync/orders/cancelled_lines.py), over HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.clients.retailcrm import RetailCrmClient
from app.sync.model import Level
from tests.sync.orders.support import (
    FAST_RC,
    OrdEnv,
    fast_retry,
    goods_rows,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _ms_item(env: OrdEnv, offer_id: int) -> str:
    return env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id


def _lines(env: OrdEnv, rc_id: int) -> dict[str, tuple[float, float]]:
    """MoySklad item -> (quantity, reserve) of the order's goods."""
    return {ref_id(r["assortment"]) or "": (r["quantity"], r.get("reserve", 0.0))
            for r in goods_rows(env.ms_order(rc_id))}


def _reserve(env: OrdEnv, offer_id: int) -> float:
    return sum(v["reserve"] for v in env.ms_state.stock(_ms_item(env, offer_id)).values())


def _set_line_status(env: OrdEnv, order: dict[str, Any], offer_id: int, status: str) -> None:
    current = env.rc_state.order(order["id"])
    items = [{"id": i["id"], **({"status": status} if i["offer"]["id"] == offer_id else {})}
             for i in current["items"]]
    env.rc_state.user_edit_order(order["id"], items=items)


def test_a_cancelled_line_leaves_the_order_and_its_reserve_goes(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    kept, dropped = linked_offer_ids(env)[:2]
    order = new_order(env, None, [kept, dropped], firstName="Ольга", lastName="Отменова", quantity=2)
    env.run()
    assert set(_lines(env, order["id"])) == {_ms_item(env, kept), _ms_item(env, dropped)}
    reserved = _reserve(env, dropped)

    _set_line_status(env, order, dropped, "failure")  # «Отказ клиента»: a cancel status
    report = env.run()

    assert report.errors == 0
    assert _lines(env, order["id"]) == {_ms_item(env, kept): (2.0, 2.0)}
    assert _reserve(env, dropped) == reserved - 2
    removed = [e for e in env.events if e.code == "order_lines.removed"]
    assert len(removed) == 1 and "Отказ клиента" in removed[0].message

    env.run()  # nothing changed: no update, no repeated line
    assert not [e for e in env.events if e.code == "order_lines.removed"]

    _set_line_status(env, order, dropped, "new")  # back in a plain status: the line comes back
    env.run()
    assert _lines(env, order["id"]) == {_ms_item(env, kept): (2.0, 2.0), _ms_item(env, dropped): (2.0, 2.0)}
    assert _reserve(env, dropped) == reserved


def test_an_order_with_every_line_cancelled_goes_empty_and_says_so(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    offer = linked_offer_ids(env)[3]
    order = new_order(env, None, [offer], firstName="Пётр", lastName="Пустов")
    _set_line_status(env, order, offer, "out-of-stock")
    env.run()
    assert _lines(env, order["id"]) == {}
    assert any(e.code == "order_lines.all_cancelled" and e.level == Level.INFO for e in env.events)


def test_a_line_cancelled_after_shipment_comes_back_with_a_return(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    kept, dropped = linked_offer_ids(env)[4:6]
    order = new_order(env, None, [kept, dropped], status="complete", firstName="Вера", lastName="Возвратова")
    env.run()
    _set_line_status(env, order, dropped, "failure")  # refused at the door: the goods come back
    env.run()
    returned = [r for r in env.ms_state.sales_returns()]
    assert len(returned) == 1
    assert {ref_id(r["assortment"]): r["quantity"] for r in returned[0]["positions"]["rows"]} == {
        _ms_item(env, dropped): 1.0}
    env.run()
    assert len(env.ms_state.sales_returns()) == 1  # once


class DenyLineStatuses(httpx.BaseTransport):
    """The sandbox as an account whose key may not read the line statuses: RetailCRM's 403 for that path
    (its answer's shape: ``{"success": false, "errorMsg": "Access denied."}``), every other request as it is."""

    def __init__(self, status: int) -> None:
        self._inner = httpx.HTTPTransport()
        self.status = status

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/reference/product-statuses"):
            message = "Access denied." if self.status == 403 else "Not found"
            return httpx.Response(self.status, json={"success": False, "errorMsg": message})
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@pytest.mark.parametrize("status", [403, 404])
def test_unreadable_line_statuses_warn_once_and_the_run_goes_on(ord_env: OrdEnv, status: int) -> None:
    env = ord_env
    env.run()
    kept, dropped = linked_offer_ids(env)[6:8]
    order = new_order(env, None, [kept, dropped], firstName="Игорь", lastName="Безправов")
    _set_line_status(env, order, dropped, "failure")
    env.retailcrm.close()
    env.retailcrm = RetailCrmClient(env.sandbox.retailcrm_url, env.sandbox.retailcrm.api_key, retry=fast_retry(),
                                    limits=FAST_RC, transport=DenyLineStatuses(status))
    report = env.run()
    assert report.errors == 0
    warnings = [e for e in env.events if e.code == "order_lines.statuses_unreadable"]
    assert len(warnings) == 1 and warnings[0].level == Level.WARNING
    assert set(_lines(env, order["id"])) == {_ms_item(env, kept), _ms_item(env, dropped)}  # nothing counts cancelled
