"""Stock flow against the seeded sandbox: full and incremental passes, what is uploaded, cursors, Stop."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from app.sync.model import Callbacks, CancelToken, Flow, Level, Progress
from app.sync.stock.work import moscow_now
from tests.sync.catalog.support import CatEnv, cat_environment


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _rc_stock(env: CatEnv) -> dict[tuple[int, str], Decimal]:
    result = {}
    for offer in env.rc_state.offers():
        for code, qty in env.rc_state.stock(offer["id"]).items():
            result[(offer["id"], code)] = Decimal(str(qty))
    return result


def _expected(env: CatEnv, figure: str = "stock") -> dict[tuple[int, str], Decimal]:
    """What RetailCRM should hold for every linked offer at every paired store."""
    expected = {}
    for ms_id, rc_id in env.offer_links().items():
        stock = env.ms_state.stock(ms_id)
        for pair in env.settings.store_pairs:
            value = Decimal(str(stock.get(pair.ms_store_id, {}).get(figure, 0)))
            expected[(rc_id, pair.rc_store_code)] = max(value, Decimal(0))
    return expected


def _linked_item_with_stock(env: CatEnv, index: int = 0) -> tuple[str, int]:
    items = sorted(env.offer_links().items())
    found = [(ms, rc) for ms, rc in items if env.ms_state.stock(ms)]
    return found[index]


def _first_run(env: CatEnv) -> None:
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.errors == 0
    env.clear_log()
    env.events.clear()


def test_first_run_is_one_full_report_and_puts_moysklad_figures_into_retailcrm(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    env.clear_log()
    report = env.run(Flow.STOCK)
    assert report.errors == 0
    reports = env.requests("moysklad", "GET", "/report/stock")
    assert len(reports) == 1
    assert "changedSince" not in reports[0].query and "zeroLines" in reports[0].query
    assert len(env.requests("moysklad")) == 1  # the catalog links came from the store, not from MoySklad
    links = env.offer_links()
    uploads = env.requests("retailcrm", "POST", "/store/inventories/upload")
    assert len(uploads) == -(-len(links) // 250)
    rc = _rc_stock(env)
    for key, value in _expected(env).items():
        assert rc[key] == value, key
    plan = report.plans[Flow.STOCK]
    assert str(plan.notes[0]).startswith("Остатки (остаток): полный проход (первый запуск)")  # the Russian text
    assert plan.stats.values_to_send == len(links) * 3
    assert env.db.pushed(env.profile_id).count("stock") == len(links) * 3
    cursors = env.db.cursors(env.profile_id).all("stock")
    assert cursors["last_poll"] == cursors["last_full"]


def test_incremental_run_uploads_exactly_the_changed_figures(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    before = _rc_stock(env)
    changed = []
    for index, store_index in ((0, 0), (1, 1), (2, 2)):
        ms_id, rc_id = _linked_item_with_stock(env, index)
        pair = env.settings.store_pairs[store_index]
        current = env.ms_state.stock(ms_id).get(pair.ms_store_id, {}).get("stock", 0)
        env.ms_state.set_stock(ms_id, pair.ms_store_id, current + 7)
        changed.append(((rc_id, pair.rc_store_code), Decimal(str(current + 7))))

    report = env.run(Flow.STOCK)
    ms_requests = env.requests("moysklad")
    assert len(ms_requests) == 1
    assert "changedSince" in ms_requests[0].query
    # the stores' inventoryType (how each counts stock), then the one upload
    paths = [e.path for e in env.requests("retailcrm")]
    assert paths == ["/api/v5/reference/stores", "/api/v5/store/inventories/upload"]
    assert len(env.requests("retailcrm", "POST", "/store/inventories/upload")) == 1
    plan = report.plans[Flow.STOCK]
    assert {(c.payload["offer_id"], c.payload["store"]) for c in plan.changes} == {key for key, _ in changed}
    assert report.counts[Flow.STOCK].updated == 3
    after = _rc_stock(env)
    for key, value in changed:
        assert after[key] == value
    untouched = {k: v for k, v in after.items() if k not in dict(changed)}
    assert untouched == {k: v for k, v in before.items() if k not in dict(changed)}
    assert plan.notes[0].params["head"].code == "stock.head.since"
    assert sum(1 for m in env.messages(Flow.STOCK) if m.startswith("Остатки «")) == 3


def test_nothing_changed_uploads_nothing(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    report = env.run(Flow.STOCK)
    assert report.plans[Flow.STOCK].changes == []
    assert not env.requests("retailcrm")
    assert len(env.requests("moysklad")) == 1


def test_free_stock_follows_a_reserve(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(stock_type="freeStock")
    _first_run(env)
    ms_id, rc_id = _linked_item_with_stock(env)
    store_id = next(s for s, v in env.ms_state.stock(ms_id).items() if s and v["stock"] >= 2)
    pair = next(p for p in env.settings.store_pairs if p.ms_store_id == store_id)
    free_before = env.ms_state.stock(ms_id)[store_id]["freeStock"]
    assert env.rc_state.stock(rc_id)[pair.rc_store_code] == free_before
    item = env.ms_state.variant(ms_id) or env.ms_state.product(ms_id)
    store = next(s for s in env.ms_state.stores() if s["id"] == store_id)
    env.ms_state.create_entity(
        "customerorder",
        {
            "organization": {"meta": env.ms_state.organization()["meta"]},
            "agent": {"meta": env.ms_state.counterparties()[0]["meta"]},
            "store": {"meta": store["meta"]},
            "positions": [{"assortment": {"meta": item["meta"]}, "quantity": 2, "reserve": 2, "price": 100.0}],
        },
    )
    report = env.run(Flow.STOCK)
    assert report.counts[Flow.STOCK].updated == 1
    assert "freeStock" in env.requests("moysklad")[0].query
    assert Decimal(str(env.rc_state.stock(rc_id)[pair.rc_store_code])) == Decimal(str(free_before - 2))
    assert report.plans[Flow.STOCK].notes[0].params["head"].code == "stock.head.since"
    assert report.plans[Flow.STOCK].notes[0].params["head"].params["what"].code == "stock.what.free"


def test_negative_stock_goes_as_zero_with_one_warning(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    ms_id, rc_id = _linked_item_with_stock(env)
    first, second = env.settings.store_pairs[0], env.settings.store_pairs[1]
    env.ms_state.set_stock(ms_id, first.ms_store_id, -4)
    env.ms_state.set_stock(ms_id, second.ms_store_id, -1)
    report = env.run(Flow.STOCK)
    assert report.counts[Flow.STOCK].failed == 0
    stock = env.rc_state.stock(rc_id)
    assert stock[first.rc_store_code] == 0 and stock[second.rc_store_code] == 0
    warnings = [e for e in env.events if e.level is Level.WARNING and e.code == "stock.negative"]
    assert len(warnings) == 1
    env.events.clear()
    env.ms_state.set_stock(ms_id, first.ms_store_id, -9)  # still below zero: RetailCRM already shows 0
    report = env.run(Flow.STOCK)
    assert report.plans[Flow.STOCK].changes == []
    assert not [e for e in env.events if e.code == "stock.negative"]


def test_a_poll_older_than_a_day_makes_a_full_pass(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    cursors = env.db.cursors(env.profile_id)
    now = moscow_now()
    cursors.set("stock", "last_poll", (now - timedelta(hours=25)).isoformat())
    cursors.set("stock", "last_full", (now - timedelta(hours=2)).isoformat())
    report = env.run(Flow.STOCK)
    request = env.requests("moysklad")[0]
    assert "changedSince" not in request.query
    assert report.plans[Flow.STOCK].notes[0].params["head"].params["why"].code == "stock.why.day_passed"
    assert report.plans[Flow.STOCK].changes == []  # nothing differs from what was sent
    assert cursors.get("stock", "last_full") == cursors.get("stock", "last_poll")
    # the daily heal
    cursors.set("stock", "last_full", (now - timedelta(hours=30)).isoformat())
    env.clear_log()
    report = env.run(Flow.STOCK)
    assert "changedSince" not in env.requests("moysklad")[0].query
    assert report.plans[Flow.STOCK].notes[0].params["head"].params["why"].code == "stock.why.daily"


def test_unmapped_warehouse_with_stock_is_one_conflict(cat_env: CatEnv) -> None:
    env = cat_env
    unmapped = env.settings.store_pairs[2]
    env.configure(store_pairs=env.settings.store_pairs[:2])
    report = env.run(Flow.CATALOG, Flow.STOCK)
    repo = env.db.conflicts(env.profile_id)
    found = repo.list(kind="unmapped_store")
    assert len(found) == 1
    assert unmapped.ms_store_name in found[0].title
    assert report.plans[Flow.STOCK].conflicts == 1
    # RetailCRM's third store is left alone
    stock_changes = [c for c in report.plans[Flow.STOCK].changes if c.entity == "stock"]
    assert stock_changes and all(c.payload["store"] != unmapped.rc_store_code for c in stock_changes)
    # mapped later: the conflict closes on the next full pass
    env.configure(store_pairs=(*env.settings.store_pairs, unmapped))
    env.run(Flow.STOCK, full=True)
    assert repo.list(kind="unmapped_store", status="open") == []


def test_stop_between_batches_keeps_sent_values_and_the_next_run_finishes(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    links = env.offer_links()
    assert len(links) > 250  # two upload batches
    cancel = CancelToken()

    def on_progress(progress: Progress) -> None:
        if progress.flow is Flow.STOCK and progress.stage == "apply" and progress.done >= 250:
            cancel.cancel()

    engine = env.engine(cancel=cancel, callbacks=Callbacks(on_progress=on_progress))
    engine.write_workers = 1  # one batch at a time, so that Stop falls between the two batches
    report = engine.run([Flow.STOCK])
    assert report.cancelled
    pushed = env.db.pushed(env.profile_id).get_many("stock")
    assert len(pushed) == 250 * 3
    assert env.db.cursors(env.profile_id).all("stock") == {}  # not advanced: the pass was not finished
    rc = _rc_stock(env)
    expected = _expected(env)
    for entity, value in pushed.items():  # what was recorded as sent is really in RetailCRM
        offer_id, code = entity.split(":")
        assert rc[(int(offer_id), code)] == Decimal(value) == expected[(int(offer_id), code)]

    env.clear_log()
    report = env.run(Flow.STOCK)
    assert not report.cancelled and report.errors == 0
    assert report.counts[Flow.STOCK].updated == (len(links) - 250) * 3
    assert len(env.requests("retailcrm", "POST", "/store/inventories/upload")) == 1
    rc = _rc_stock(env)
    assert all(rc[key] == value for key, value in expected.items())


def test_purchase_price_rides_with_stock_when_the_catalog_was_read(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    ms_id, rc_id = _linked_item_with_stock(env)
    kind = "variant" if env.ms_state.variant(ms_id) else "product"
    item: dict[str, Any] = env.ms_state.variant(ms_id) or env.ms_state.product(ms_id)  # type: ignore[assignment]
    assert env.rc_state.purchase_price(rc_id) == Decimal(str(item["buyPrice"]["value"])) / 100
    env.ms_state.update_entity(kind, ms_id, {"buyPrice": {"value": 123456.0}})
    # a stock-only run neither reads the catalog nor sends the cost
    env.run(Flow.STOCK)
    assert not env.requests("moysklad", "GET", "/entity/")
    assert env.rc_state.purchase_price(rc_id) != Decimal("1234.56")
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert env.rc_state.purchase_price(rc_id) == Decimal("1234.56")
    costs = [c for c in report.plans[Flow.STOCK].changes if c.entity == "purchase_price"]
    assert [c.payload["offer_id"] for c in costs] == [rc_id]
    assert env.db.pushed(env.profile_id).get_many("purchase_price")[str(rc_id)] == "1234.56"
    assert env.run(Flow.CATALOG, Flow.STOCK).plans[Flow.STOCK].changes == []


def test_stock_without_store_pairs_says_so(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(store_pairs=())
    report = env.run(Flow.STOCK)
    assert report.plans[Flow.STOCK].notes[0].code == "stock.no_pairs"
    assert not env.requests("moysklad")


def test_a_hundred_changes_need_one_moysklad_request(cat_env: CatEnv) -> None:
    env = cat_env
    _first_run(env)
    pairs = env.settings.store_pairs
    changed = 0
    for ms_id, _ in sorted(env.offer_links().items()):
        for pair in pairs:
            if changed == 100:
                break
            current = env.ms_state.stock(ms_id).get(pair.ms_store_id, {}).get("stock", 0)
            env.ms_state.set_stock(ms_id, pair.ms_store_id, current + 1)
            changed += 1
    report = env.run(Flow.STOCK)
    assert len(env.requests("moysklad")) == 1
    assert report.counts[Flow.STOCK].updated == 100
    assert len(env.requests("retailcrm", "POST", "/store/inventories/upload")) == 1
    rc = _rc_stock(env)
    assert all(rc[key] == value for key, value in _expected(env).items())


def test_offers_linked_since_the_last_run_get_their_stock_on_a_changes_only_pass(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(catalog_mode="icml")  # the new products are not created yet
    _first_run(env)
    env.configure(catalog_mode="crm")
    report = env.run(Flow.CATALOG, Flow.STOCK)
    assert report.plans[Flow.STOCK].stats.full == 0
    stock_requests = env.requests("moysklad", "GET", "/report/stock")
    # the stock flow's two: the changes (asked for while the catalog is read), and the three new offers by id;
    # and the catalog's conflicts (stock per warehouse for the conflict dialog)
    assert len(stock_requests) == 3
    by_id = [r for r in stock_requests if "assortmentId" in r.query]
    changes = [r for r in stock_requests if "changedSince" in r.query]
    assert len(by_id) == 2 and len(changes) == 1 and "assortmentId" not in changes[0].query
    assert report.counts[Flow.STOCK].updated == 3 * 3
    rc = _rc_stock(env)
    assert all(rc[key] == value for key, value in _expected(env).items())


def test_warehouses_sharing_a_retailcrm_store_add_up(cat_env: CatEnv) -> None:
    env = cat_env
    first, second, third = env.settings.store_pairs
    env.configure(store_pairs=(first, second._replace(rc_store_code=first.rc_store_code), third))
    _first_run(env)
    ms_id, rc_id = _linked_item_with_stock(env)

    def total() -> Decimal:
        stock = env.ms_state.stock(ms_id)
        return sum((Decimal(str(stock.get(p.ms_store_id, {}).get("stock", 0))) for p in (first, second)), Decimal(0))

    assert Decimal(str(env.rc_state.stock(rc_id)[first.rc_store_code])) == total()
    current = env.ms_state.stock(ms_id).get(second.ms_store_id, {}).get("stock", 0)
    env.ms_state.set_stock(ms_id, second.ms_store_id, current + 5)
    report = env.run(Flow.STOCK)
    assert report.counts[Flow.STOCK].updated == 1
    assert Decimal(str(env.rc_state.stock(rc_id)[first.rc_store_code])) == total()
    assert "«Основной склад» + «Склад Москва-Юг»" in str(report.plans[Flow.STOCK].changes[0].summary)


def test_a_newly_paired_warehouse_makes_one_full_pass(cat_env: CatEnv) -> None:
    env = cat_env
    pairs = env.settings.store_pairs
    env.configure(store_pairs=pairs[:2])
    _first_run(env)
    env.configure(store_pairs=pairs)
    report = env.run(Flow.STOCK)
    assert len(env.requests("moysklad")) == 1
    assert "changedSince" not in env.requests("moysklad")[0].query
    assert report.counts[Flow.STOCK].updated == len(env.offer_links())  # the new store's figures only
    rc = _rc_stock(env)
    assert all(rc[key] == value for key, value in _expected(env).items())


def test_orders_reads_go_ahead_of_the_stock_uploads(cat_env: CatEnv) -> None:
    """RetailCRM's side of the orders flow is read while MoySklad's catalog is, not among the uploads."""
    from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings
    from app.sync.engine import SyncEngine
    from app.sync.orders.flow import OrdersFlow

    env = cat_env
    env.settings = suggest_settings(
        check_retailcrm(env.retailcrm), check_moysklad(env.moysklad), base=env.settings
    ).settings  # the wizard's choices: orders exported too
    engine = SyncEngine(
        env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad,
        {**env.flows(), Flow.ORDERS: OrdersFlow()}, callbacks=Callbacks(on_log=env.events.append),
    )
    report = engine.run((Flow.CATALOG, Flow.STOCK, Flow.ORDERS))
    assert report.errors == 0
    arrivals = sorted(env.requests("retailcrm"), key=lambda e: e.started)
    first_upload = min(i for i, e in enumerate(arrivals) if e.path.endswith("/store/inventories/upload"))
    order_reads = [i for i, e in enumerate(arrivals) if e.method == "GET" and "/orders" in e.path]
    assert any(arrivals[i].path.endswith("/orders") for i in order_reads)  # the orders to export were listed
    assert max(order_reads) < first_upload
