"""``svyazka check`` (app/sync/reconcile) over HTTP against the sandbox: nothing right after a full sync, each
planted kind of difference found with the right count, reads only, no more requests than a full sync."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=60, orders=30, rate_limit=False)) as sb:
        yield sb


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def synced(capsys, sandbox, keys, tmp_path):
    """A profile set up with the suggested settings and one full sync done."""
    code, _, err = run(capsys, "--data-dir", tmp_path, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    code, _, err = run(capsys, "--data-dir", tmp_path, "sync", "--full", "--json")
    assert code in (0, 1), err  # 1: the seeded shop's deliberate flaws leave conflicts
    return tmp_path


def check(capsys, data_dir):
    code, out, err = run(capsys, "--data-dir", data_dir, "check", "--json")
    assert code in (0, 1), err
    return code, json.loads(out)


def test_after_a_full_sync_everything_agrees_and_the_check_only_reads(capsys, sandbox, synced):
    sandbox.log.clear()
    code, out, err = run(capsys, "--data-dir", synced, "sync", "--full", "--json")
    assert code in (0, 1), err
    sync_requests = len(sandbox.log.entries())
    sandbox.log.clear()

    code, data = check(capsys, synced)
    requests = sandbox.log.entries()
    assert code == 0 and data["agrees"] is True, data["differences"]
    assert set(data["counts"].values()) == {0}
    assert data["compared"]["stock"] > 100 and data["compared"]["price"] > 100 and data["compared"]["order_missing"]
    assert data["waiting_orders"]  # the seeded conflicts hold some orders back: said, not counted
    assert {r.method for r in requests} == {"GET"}  # never writes to either service
    assert len(requests) <= sync_requests, (len(requests), sync_requests)

    code, out, _ = run(capsys, "--data-dir", synced, "check")
    assert code == 0 and "Всё сходится." in out and "Остатки: расхождений нет" in out


def _linked_products(sandbox: Sandbox, data_dir) -> list[tuple[str, int]]:
    """Linked MoySklad products without variants (ms id, RetailCRM offer id), in a stable order."""
    with Database.open(data_dir / "svyazka.sqlite3") as db:
        (profile,) = db.profiles.list()
        links = db.links(profile.id).ms_to_rc("offer")
    ms = sandbox.moysklad.state
    return sorted((ms_id, int(rc_id)) for ms_id, rc_id in links.items()
                  if ms.product(ms_id) is not None and not ms.variants(ms_id))


def _order_links(data_dir) -> dict[str, str]:
    with Database.open(data_dir / "svyazka.sqlite3") as db:
        (profile,) = db.profiles.list()
        return {link.ms_id: rc_id for rc_id, link in db.links(profile.id).all("order", by="rc").items() if link.ms_id}


def test_each_planted_difference_is_found_with_its_count(capsys, sandbox, synced):
    ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state
    products = _linked_products(sandbox, synced)
    (stock_id, stock_offer), (price_id, price_offer), (gone_id, gone_offer) = products[:3]
    expected = {"stock": 0, "price": 0, "order_missing": 0, "reserve_left": 0, "link_gone": 0}

    # stock in MoySklad: 1000.5 on hand; RetailCRM's integer store should get 1000 (the stock flow's rounding)
    main_store = ms.store_by_name("Основной склад")["id"]
    ms.set_stock(stock_id, main_store, 1000.5)
    code, data = check(capsys, synced)
    expected["stock"] = 1
    assert code == 1 and data["counts"] == expected
    (diff,) = data["differences"]
    assert (diff["ms_id"], diff["rc_id"], diff["where"]) == (stock_id, str(stock_offer), "«Основной склад» → main")
    assert (diff["moysklad"], diff["expected"]) == ("1000.5", "1000") and diff["retailcrm"] != "1000"

    # a price in MoySklad: +100 roubles on the first price type
    product = ms.product(price_id)
    prices = product["salePrices"]
    prices[0]["value"] += 10000  # kopecks
    ms.update_entity("product", price_id, {"salePrices": prices})
    code, data = check(capsys, synced)
    expected["price"] = 1
    assert data["counts"] == expected
    (diff,) = [d for d in data["differences"] if d["kind"] == "price"]
    assert (diff["ms_id"], diff["rc_id"]) == (price_id, str(price_offer))
    assert Decimal(diff["moysklad"]) - Decimal(diff["retailcrm"]) == 100

    # an item archived in MoySklad: its link points at nothing sellable
    ms.update_entity("product", gone_id, {"archived": True})
    code, data = check(capsys, synced)
    expected["link_gone"] = 1
    assert data["counts"] == expected
    (diff,) = [d for d in data["differences"] if d["kind"] == "link_gone"]
    assert (diff["ms_id"], diff["rc_id"], diff["moysklad"]) == (gone_id, str(gone_offer), "в архиве")

    # a RetailCRM order cancelled while its MoySklad order holds reserves
    order_links = _order_links(synced)
    holding = [o for o in ms.customer_orders() if o.get("reservedSum") and o["id"] in order_links]
    assert holding, "the seeded shop has exported orders with reserves"
    cancelled = int(order_links[holding[0]["id"]])
    rc.user_edit_order(cancelled, status="no-call")
    code, data = check(capsys, synced)
    expected["reserve_left"] = 1
    assert data["counts"] == expected
    (diff,) = [d for d in data["differences"] if d["kind"] == "reserve_left"]
    assert (diff["rc_id"], diff["ms_id"]) == (str(cancelled), holding[0]["id"])

    # a new order in an export status, not yet in MoySklad
    created = rc.create_order(status="new", firstName="Сверка", lastName="Проверкина", phone="+79990000017",
                              items=[{"offer": {"id": products[3][1]}, "quantity": 1}])
    code, data = check(capsys, synced)
    expected["order_missing"] = 1
    assert code == 1 and data["counts"] == expected
    (diff,) = [d for d in data["differences"] if d["kind"] == "order_missing"]
    assert diff["rc_id"] == str(created["id"]) and diff["moysklad"] == "нет"

    code, out, _ = run(capsys, "--data-dir", synced, "check")
    assert code == 1 and "Остатки: расхождений 1" in out and "в RetailCRM должно быть 1000" in out

    # the sync puts right what a sync can: stock, price, the new order and the cancelled order's reserve
    code, _, err = run(capsys, "--data-dir", synced, "sync", "--json")
    assert code in (0, 1), err
    code, data = check(capsys, synced)
    assert {k: n for k, n in data["counts"].items() if k != "link_gone"} == {
        "stock": 0, "price": 0, "order_missing": 0, "reserve_left": 0}, data["differences"]


def test_check_without_a_profile_says_what_to_do(capsys, tmp_path):
    code, _, err = run(capsys, "--data-dir", tmp_path, "check")
    assert code == 2 and "svyazka setup" in err
