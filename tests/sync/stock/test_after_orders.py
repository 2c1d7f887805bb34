"""Stock right after one run: the shipments the orders flow makes (after the stock flow has run) reach RetailCRM
in the same sync, for at most one more MoySklad stock report, and for nothing when no shipment was made."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.sync.engine import SyncEngine
from app.sync.model import Callbacks, Flow, RunReport
from app.sync.stock.flow import StockFlow
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _sync(env: OrdEnv) -> RunReport:
    """Stock, then orders, as a sync runs them (deferred uploads and all)."""
    env.events.clear()
    engine = SyncEngine(
        env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad,
        {Flow.STOCK: StockFlow(), Flow.ORDERS: env.flow}, callbacks=Callbacks(on_log=env.events.append),
    )
    report = engine.run([Flow.STOCK, Flow.ORDERS])
    assert report.errors == 0, report.message
    return report


def _ms_store_of(env: OrdEnv, rc_code: str) -> str:
    (pair,) = [p for p in env.settings.store_pairs if p.rc_store_code == rc_code]
    return pair.ms_store_id


def _ms_stock(env: OrdEnv, offer_id: int, ms_store: str, figure: str = "stock") -> Decimal:
    ms_id = env.db.links(env.profile_id).get_by_rc("offer", offer_id).ms_id
    return Decimal(str(env.ms_state.stock(ms_id).get(ms_store, {}).get(figure, 0)))


def _rc_stock(env: OrdEnv, offer_id: int, rc_code: str) -> Decimal:
    return Decimal(str(env.rc_state.stock(offer_id).get(rc_code, 0)))


def _stocked_offer(env: OrdEnv, ms_store: str, at_least: int = 3) -> int:
    return next(o for o in linked_offer_ids(env) if _ms_stock(env, o, ms_store) >= at_least)


def _stock_reports(env: OrdEnv, mark: int) -> list:
    return [e for e in env.sandbox.log.entries()[mark:] if e.service == "moysklad" and "/report/stock" in e.path]


def test_one_sync_leaves_retailcrm_with_the_stock_after_the_shipment(ord_env: OrdEnv) -> None:
    env = ord_env
    assert env.settings.stock_type == "stock" and env.settings.shipment_status == "send-to-delivery"
    _sync(env)  # the first sync: every figure up, the seeded orders out
    ms_store = _ms_store_of(env, "main")
    offer = _stocked_offer(env, ms_store)
    before = _ms_stock(env, offer, ms_store)
    assert _rc_stock(env, offer, "main") == before
    new_order(env, None, [offer], status="send-to-delivery", quantity=2, firstName="Оля", lastName="Шлёт")
    mark = len(env.sandbox.log.entries())

    report = _sync(env)

    assert report.counts[Flow.ORDERS].created >= 2  # the order and its shipment
    after = _ms_stock(env, offer, ms_store)
    assert after == before - 2, "the shipment wrote the stock off in MoySklad"
    assert _rc_stock(env, offer, "main") == after, "one sync carried it to RetailCRM"
    # the changes-only report of the stock flow, then one more for the shipped items (by id)
    reports = _stock_reports(env, mark)
    assert len(reports) == 2 and "changedSince" in reports[0].query and "assortmentId" in reports[1].query
    assert any(m.startswith("Остатки после отгрузок") for m in env.messages())

    mark = len(env.sandbox.log.entries())
    _sync(env)  # the next sync finds nothing left to carry
    assert len(_stock_reports(env, mark)) == 1
    assert not [e for e in env.sandbox.log.entries()[mark:] if e.path.endswith("/store/inventories/upload")]


def test_no_shipment_costs_no_extra_report(ord_env: OrdEnv) -> None:
    env = ord_env
    _sync(env)
    ms_store = _ms_store_of(env, "main")
    offer = _stocked_offer(env, ms_store)
    order = new_order(env, None, [offer], status="new", firstName="Ира", lastName="Ждёт")  # exported, not shipped
    demands = len(env.ms_state.demands())
    mark = len(env.sandbox.log.entries())

    _sync(env)

    assert env.ms_order(order["id"]) and len(env.ms_state.demands()) == demands
    assert len(_stock_reports(env, mark)) == 1  # its reserve does not change the on-hand stock sent
    assert not any(m.startswith("Остатки после отгрузок") for m in env.messages())


def test_free_stock_follows_the_reserve_of_a_new_order(ord_env: OrdEnv) -> None:
    env = ord_env
    env.configure(stock_type="freeStock")
    _sync(env)
    ms_store = _ms_store_of(env, "main")
    offer = _stocked_offer(env, ms_store)
    before = _ms_stock(env, offer, ms_store, "freeStock")
    new_order(env, None, [offer], status="new", quantity=2, firstName="Фаина", lastName="Резерв")

    _sync(env)

    after = _ms_stock(env, offer, ms_store, "freeStock")
    assert after == before - 2, "the new order reserved it in MoySklad"
    assert _rc_stock(env, offer, "main") == max(after, Decimal(0))


def test_an_archived_item_sold_and_shipped_stays_at_zero(ord_env: OrdEnv) -> None:
    """Archived goods still sell in MoySklad (the order exports and ships), but their offer stays at 0: the
    follow-up after the shipment does not bring the figure back (app/sync/catalog/retired.py)."""
    from app.clients.parsing import meta_id
    from app.sync.catalog.flow import CatalogFlow

    env = ord_env
    _sync(env)
    ms_store = _ms_store_of(env, "main")
    offer = _stocked_offer(env, ms_store, at_least=4)
    ms_id = env.db.links(env.profile_id).get_by_rc("offer", offer).ms_id
    product = env.ms_state.product(ms_id) or env.ms_state.variant(ms_id)
    parent = product.get("product") if product else None  # a variant is archived with its product
    env.ms_state.update_entity("product", meta_id(parent) if parent else ms_id, {"archived": True})
    order = new_order(env, None, [offer], status="send-to-delivery", quantity=2, firstName="Оля", lastName="Архив")
    before = _ms_stock(env, offer, ms_store)

    engine = SyncEngine(
        env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad,
        {Flow.CATALOG: CatalogFlow(), Flow.STOCK: StockFlow(), Flow.ORDERS: env.flow},
        callbacks=Callbacks(on_log=env.events.append),
    )
    report = engine.run([Flow.CATALOG, Flow.STOCK, Flow.ORDERS])
    assert report.errors == 0, report.message
    assert env.ms_order(order["id"])  # exported with the archived item
    assert _ms_stock(env, offer, ms_store) == before - 2  # and shipped: MoySklad wrote it off
    assert {code: _rc_stock(env, offer, code) for code in env.rc_state.stock(offer)} == {
        code: Decimal(0) for code in env.rc_state.stock(offer)}
    _sync(env)  # a stock-only run (no catalog read) keeps it there
    assert _rc_stock(env, offer, "main") == 0
