"""The safety check before writing, on real plans against the seeded sandbox: each guard trips one step past its
threshold and not at it, a tripped guard writes nothing (that flow and the later ones), the run is recorded as
held, and the policy decides (ask: the answer is logged; allow: it writes).

A dry run reads the figure a guard judges (the same plan the real run makes); the threshold is then set
exactly at it (no trip, writes) and one step below (trips, writes nothing). The data are set up through the
emulators' state API only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.sandbox.core import LoggedRequest
from app.sync.model import Callbacks, Flow, RunReport, SafetyPolicy
from tests.sync.catalog.support import CatEnv, cat_environment
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _writes(entries: list[LoggedRequest]) -> list[tuple[str, str]]:
    """Requests that change data (reads are GETs; MoySklad's demand template PUT writes nothing)."""
    return [(e.method, e.path) for e in entries if e.method != "GET" and not e.path.endswith("/demand/new")]


def _run(env: CatEnv, *flows: Flow, policy: SafetyPolicy = SafetyPolicy.REFUSE, full: bool = False,
         answer: bool | None = None) -> RunReport:
    asked: list[Any] = []

    def confirm(flow: Flow, trips: list[Any]) -> bool:
        asked.append((flow, trips))
        return bool(answer)

    engine = env.engine(callbacks=Callbacks(on_log=env.events.append, on_confirm=confirm))
    report = engine.run(flows or (Flow.CATALOG, Flow.STOCK, Flow.PRICES), full=full, safety_policy=policy)
    report.asked = asked  # type: ignore[attr-defined]
    return report


def _stats(env: CatEnv, flow: Flow, *flows: Flow, full: bool = False) -> dict[str, int]:
    report = env.run(*(flows or (flow,)), dry_run=True, full=full)
    return report.plans[flow].stats.as_dict()


def _held_without_writes(env: CatEnv, report: RunReport, guard: str) -> None:
    assert report.held and report.status == "held" and not report.ok, report.message
    assert [t.guard for t in report.safety] == [guard], report.safety
    assert _writes(env.all_requests()) == []
    run = env.db.runs(env.profile_id).get(report.run_id)
    assert run is not None and run.status == "held"
    assert report.message.startswith("Остановлено проверкой перед записью")


# --- catalog ------------------------------------------------------------------------------------------------


def test_new_products_trip_past_the_limit_and_not_at_it(cat_env: CatEnv) -> None:
    env = cat_env
    creates = _stats(env, Flow.CATALOG)["to_create"]
    assert creates >= 2  # the seed has a few items only in MoySklad (MoySklad is the master: created in RetailCRM)
    products_before = len(env.rc_state.products())

    env.configure(safety_max_new_products=creates - 1)
    env.clear_log()
    report = _run(env)
    _held_without_writes(env, report, "new_products")
    assert len(env.rc_state.products()) == products_before and env.offer_links() == {}
    assert f"создала бы {creates} новых товаров" in report.safety[0].message
    messages = env.messages()
    assert any("ни этот поток, ни следующие (Остатки, Цены) ничего не записали" in m for m in messages)

    env.configure(safety_max_new_products=creates)
    report = _run(env)
    assert not report.held and report.safety == []
    assert len(env.rc_state.products()) == products_before + creates


def test_a_match_key_linking_too_little_trips_and_not_at_the_share(cat_env: CatEnv) -> None:
    env = cat_env
    stats = _stats(env, Flow.CATALOG)
    links, sizes = stats["pairs"], (stats["ms_items"], stats["rc_offers"])
    # «less than P % of either catalog»: the smallest P that trips, from the figures of this very plan
    tripping = min(links * 100 // size + 1 for size in sizes)
    assert 1 < tripping <= 100

    env.configure(safety_min_linked_percent=tripping)
    env.clear_log()
    _held_without_writes(env, _run(env), "linked")

    env.configure(safety_min_linked_percent=tripping - 1)
    report = _run(env)
    assert not report.held and len(env.offer_links()) >= links  # (the products it created are linked too)


def test_dropping_links_trips_past_the_share_and_not_at_it(cat_env: CatEnv) -> None:
    env = cat_env
    assert not _run(env, Flow.CATALOG).held
    links = env.offer_links()
    # ten linked MoySklad products (without variants) disappear: their links would be dropped
    gone = [ms_id for ms_id in sorted(links) if env.ms_state.product(ms_id) and not env.ms_state.variants(ms_id)][:10]
    for ms_id in gone:
        env.ms_state.delete_entity("product", ms_id)
    stats = _stats(env, Flow.CATALOG)
    dropped, before = stats["links_dropped"], stats["links_before"]
    assert dropped == len(gone) and before == len(links)
    at = -(-dropped * 100 // before)  # the smallest share (in %) that «more than» does not pass

    env.configure(safety_max_unlinked_percent=at - 1)
    env.clear_log()
    report = _run(env)
    _held_without_writes(env, report, "unlinked")
    assert env.offer_links() == links  # no link dropped

    env.configure(safety_max_unlinked_percent=at)
    assert not _run(env).held
    assert set(env.offer_links()) == set(links) - set(gone)


# --- stock --------------------------------------------------------------------------------------------------


def test_zeroing_stock_trips_past_the_share_and_not_at_it(cat_env: CatEnv) -> None:
    env = cat_env
    assert not _run(env, Flow.CATALOG, Flow.STOCK).held
    links = env.offer_links()
    # MoySklad's stock of 40 linked items goes to 0 at every warehouse
    emptied = 0
    for ms_id in sorted(links):
        stock = env.ms_state.stock(ms_id)
        if any(v.get("stock", 0) > 0 for store, v in stock.items() if store is not None):
            for store in stock:
                if store is not None:
                    env.ms_state.set_stock(ms_id, store, 0)
            emptied += 1
        if emptied == 40:
            break
    stats = _stats(env, Flow.STOCK, Flow.CATALOG, Flow.STOCK, full=True)
    zeroed, above = stats["values_zeroed"], stats["values_above_zero"]
    assert zeroed >= 40 and above > zeroed
    at = -(-zeroed * 100 // above)
    rc_before = {o["id"]: env.rc_state.stock(o["id"]) for o in env.rc_state.offers()}

    env.configure(safety_max_zeroed_percent=at - 1)
    env.clear_log()
    report = _run(env, Flow.CATALOG, Flow.STOCK, full=True)
    _held_without_writes(env, report, "zeroed")
    assert {o["id"]: env.rc_state.stock(o["id"]) for o in env.rc_state.offers()} == rc_before

    env.configure(safety_max_zeroed_percent=at)
    report = _run(env, Flow.CATALOG, Flow.STOCK, full=True)
    assert not report.held and report.counts[Flow.STOCK].updated >= zeroed


# --- orders -------------------------------------------------------------------------------------------------


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _orders_run(env: OrdEnv, policy: SafetyPolicy) -> RunReport:
    from app.sync.engine import SyncEngine

    env.events.clear()
    engine = SyncEngine(env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad, {Flow.ORDERS: env.flow},
                        callbacks=Callbacks(on_log=env.events.append))
    return engine.run([Flow.ORDERS], safety_policy=policy)


def test_shipments_trip_past_the_limit_and_not_at_it(ord_env: OrdEnv) -> None:
    env = ord_env
    offer = linked_offer_ids(env)[0]
    for i in range(3):  # orders already delivered: each would get a shipment
        new_order(env, None, [offer], status="complete", firstName=f"Покупатель{i}", lastName="Доставлен")
    shipments = env.run(dry_run=True).plans[Flow.ORDERS].stats.shipments
    assert shipments >= 3
    demands_before = len(env.ms_state.demands())
    mark = env.log_size()

    env.configure(safety_max_shipments=shipments - 1)
    report = _orders_run(env, SafetyPolicy.SKIP)
    assert report.held and report.status == "held" and [t.guard for t in report.safety] == ["shipments"]
    assert env.writes(mark) == [] and len(env.ms_state.demands()) == demands_before
    # a scheduled run has nobody watching: the stop is an error line in the journal
    errors = env.db.log(env.profile_id).query(run_id=report.run_id, levels=["error"])
    assert any("Автоматический запуск пропустил запись" in e.message for e in errors)

    env.configure(safety_max_shipments=shipments)
    report = _orders_run(env, SafetyPolicy.SKIP)
    assert not report.held and len(env.ms_state.demands()) == demands_before + shipments


# --- policies -----------------------------------------------------------------------------------------------


def test_asking_logs_the_answer_and_a_no_writes_nothing_a_yes_writes(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(safety_max_new_products=1)
    env.clear_log()
    report = _run(env, policy=SafetyPolicy.ASK, answer=False)
    assert [flow for flow, _ in report.asked] == [Flow.CATALOG]  # type: ignore[attr-defined]
    _held_without_writes(env, report, "new_products")
    logged = [r.message for r in env.db.log(env.profile_id).query(run_id=report.run_id, limit=500)]
    assert any("ответили «не записывать»" in m for m in logged)

    report = _run(env, policy=SafetyPolicy.ASK, answer=True)
    assert not report.held and report.counts[Flow.CATALOG].created > 0
    logged = [r.message for r in env.db.log(env.profile_id).query(run_id=report.run_id, limit=5000)]
    assert any("ответили «продолжить запись»" in m for m in logged)


def test_allow_writes_and_a_dry_run_only_reports(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(safety_max_new_products=1)
    env.clear_log()
    dry = env.run(dry_run=True)
    assert not dry.held and [t.guard for t in dry.safety] == ["new_products"] and _writes(env.all_requests()) == []
    assert Flow.STOCK in dry.plans  # a dry run goes on planning the later flows

    report = _run(env, policy=SafetyPolicy.ALLOW)
    assert not report.held and [t.guard for t in report.safety] == ["new_products"]
    assert report.counts[Flow.CATALOG].created > 0 and report.counts[Flow.STOCK].updated > 0
