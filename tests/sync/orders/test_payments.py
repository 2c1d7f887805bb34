"""Payments → MoySklad: a paid RetailCRM payment becomes one incoming document linked to the customer order
(``paymentin`` for card/bank, ``cashin`` for cash), a refund or a deleted paid payment one outgoing document for
the same sum; MoySklad's ``payedSum`` equals RetailCRM's paid sum, each read over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from app.money import kopecks_to_rub, rub
from app.sync.model import Flow
from app.sync.orders.payments import decide_order, suggest_document, suggest_documents
from tests.sync.orders.support import OrdEnv, linked_offer_ids, new_order, ord_environment, ref_id


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


@pytest.fixture
def other(ord_env: OrdEnv) -> Iterator[tuple[httpx.Client, str]]:
    """The account's second key (a person or the web shop), over HTTP: changes made with it are not the sync's."""
    credentials = ord_env.sandbox.credentials()["retailcrm"]
    with httpx.Client(base_url=credentials["url"]) as client:
        yield client, credentials["other_api_key"]


def _post(other: tuple[httpx.Client, str], path: str, form: dict[str, Any]) -> dict[str, Any]:
    client, key = other
    answer = client.post(f"/api/v5/{path}", data={"apiKey": key, **form})
    assert answer.status_code in (200, 201), answer.text
    return answer.json()


def _pay(other: tuple[httpx.Client, str], order_id: int, ptype: str, amount: Decimal) -> int:
    body = {"order": {"id": order_id}, "type": ptype, "status": "paid", "amount": float(amount)}
    return int(_post(other, "orders/payments/create", {"payment": json.dumps(body)})["id"])


def _edit(other: tuple[httpx.Client, str], payment_id: int, **fields: Any) -> None:
    _post(other, f"orders/payments/{payment_id}/edit", {"by": "id", "payment": json.dumps(fields)})


def _documents(env: OrdEnv, kind: str, ms_order_id: str) -> list[dict[str, Any]]:
    found = []
    for row in env.moysklad.iter_entities(kind):
        if any(ref_id(op) == ms_order_id for op in row.get("operations") or ()):
            found.append(row)
    return found


def _paid_both(env: OrdEnv, order_id: int) -> tuple[Decimal, Decimal]:
    """(MoySklad's payedSum of the order, RetailCRM's paid sum), both read over HTTP."""
    ms_id = env.ms_order(order_id)["id"]
    ms = env.moysklad.get("customerorder", ms_id)
    assert ms is not None
    rc = env.retailcrm.get_order(order_id, by="id")
    assert rc is not None
    rc_paid = sum((rub(p.get("amount") or 0) for p in rc.raw["payments"].values() if p.get("status") == "paid"),
                  Decimal(0))
    return kopecks_to_rub(ms["payedSum"]), rc_paid


def _exported_order(env: OrdEnv, **fields: Any) -> dict[str, Any]:
    order = new_order(env, None, linked_offer_ids(env)[:1], status="new", **fields)
    assert env.run().errors == 0
    assert env.ms_order(order["id"])
    return order


def test_a_paid_card_payment_becomes_one_incoming_payment_linked_to_the_order(ord_env: OrdEnv, other) -> None:
    env = ord_env
    order = _exported_order(env, firstName="Оля", lastName="Платит")
    ms_order = env.ms_order(order["id"])
    _pay(other, order["id"], "bank-card", Decimal("150.50"))

    report = env.run()

    assert report.errors == 0, report.message
    (doc,) = _documents(env, "paymentin", ms_order["id"])
    assert doc["sum"] == 15050.0  # kopecks
    assert ref_id(doc["agent"]) == ref_id(ms_order["agent"])
    assert ref_id(doc["organization"]) == ref_id(ms_order["organization"])
    assert doc["syncId"] == env.db.links(env.profile_id).get_by_ms("payment", doc["id"]).sync_id
    assert _documents(env, "cashin", ms_order["id"]) == []
    ms_paid, rc_paid = _paid_both(env, order["id"])
    assert ms_paid == rc_paid == Decimal("150.50")
    assert any("оплата 150.50 ₽ передана в МойСклад" in m for m in env.messages())

    mark = env.log_size()
    env.run()
    env.run(full=True)
    assert len(_documents(env, "paymentin", ms_order["id"])) == 1
    assert not [e for e in env.writes(mark) if "/entity/payment" in e.path or "/entity/cash" in e.path]


def test_cash_goes_as_a_cash_receipt_and_a_skipped_type_not_at_all(ord_env: OrdEnv, other) -> None:
    env = ord_env
    order = _exported_order(env, firstName="Нал", lastName="Ичный")
    ms_id = env.ms_order(order["id"])["id"]
    _pay(other, order["id"], "cash", Decimal("100"))
    _pay(other, order["id"], "bank-transfer", Decimal("40"))
    env.configure(payment_documents={"bank-transfer": "skip"})

    assert env.run().errors == 0

    (cash,) = _documents(env, "cashin", ms_id)
    assert cash["sum"] == 10000.0
    assert _documents(env, "paymentin", ms_id) == []
    assert kopecks_to_rub(env.moysklad.get("customerorder", ms_id)["payedSum"]) == Decimal("100")


def test_a_refund_and_a_deleted_payment_become_outgoing_documents(ord_env: OrdEnv, other) -> None:
    env = ord_env
    order = _exported_order(env, firstName="Воз", lastName="Врат")
    ms_id = env.ms_order(order["id"])["id"]
    card = _pay(other, order["id"], "bank-card", Decimal("300"))
    cash = _pay(other, order["id"], "cash", Decimal("200"))
    assert env.run().errors == 0
    assert _paid_both(env, order["id"]) == (Decimal("500"), Decimal("500"))

    _edit(other, card, status="returned")  # the card payment refunded
    _post(other, f"orders/payments/{cash}/delete", {})  # the cash payment deleted
    report = env.run()

    assert report.errors == 0, report.message
    (out,) = _documents(env, "paymentout", ms_id)
    (cash_out,) = _documents(env, "cashout", ms_id)
    assert out["sum"] == 30000.0 and cash_out["sum"] == 20000.0
    assert len(_documents(env, "paymentin", ms_id)) == 1 and len(_documents(env, "cashin", ms_id)) == 1  # kept
    assert _paid_both(env, order["id"]) == (Decimal("0"), Decimal("0"))
    assert any("больше не отмечена оплаченной" in m for m in env.messages())
    assert any("оплата удалена в RetailCRM" in m for m in env.messages())

    _edit(other, card, status="paid")  # paid again: a new incoming payment, the old documents stay
    assert env.run().errors == 0
    assert len(_documents(env, "paymentin", ms_id)) == 2
    assert _paid_both(env, order["id"]) == (Decimal("300"), Decimal("300"))
    env.run()
    assert len(_documents(env, "paymentin", ms_id)) == 2 and len(_documents(env, "paymentout", ms_id)) == 1


def test_an_outgoing_document_moysklad_will_not_link_is_made_unlinked_and_said(ord_env: OrdEnv, other) -> None:
    env = ord_env
    env.ms_state.outgoing_to_order = False  # as the official schema reads: no customerorder in paymentout
    order = _exported_order(env, firstName="Без", lastName="Привязки")
    card = _pay(other, order["id"], "bank-card", Decimal("70"))
    assert env.run().errors == 0
    _edit(other, card, status="returned")

    report = env.run()

    assert report.errors == 0 and report.counts[Flow.ORDERS].failed == 0, report.message
    outs = [r for r in env.moysklad.iter_entities("paymentout")]
    assert [o["sum"] for o in outs] == [7000.0]
    assert any("не разрешил привязать" in m for m in env.messages())
    assert any("в МойСклад по заказу оплачено 70.00 ₽, а в RetailCRM — 0.00 ₽" in m for m in env.messages())
    env.run()
    assert len(list(env.moysklad.iter_entities("paymentout"))) == 1


def test_a_paid_payment_of_a_new_order_goes_in_the_run_that_creates_it(ord_env: OrdEnv) -> None:
    env = ord_env
    order = new_order(env, None, linked_offer_ids(env)[:1], status="new", firstName="Сразу", lastName="Оплачен",
                      payments=[{"type": "bank-card", "status": "paid", "amount": 99}])
    assert env.run().errors == 0
    ms_id = env.ms_order(order["id"])["id"]
    assert [d["sum"] for d in _documents(env, "paymentin", ms_id)] == [9900.0]


def test_suggestions_from_the_recorded_payment_types() -> None:
    # fixture References/testPaymentTypes (a real account) and the sandbox's codes
    assert suggest_document("13", "Наличными") == "cashin"
    assert suggest_document("15", "Оплата при получении") == "cashin"
    assert suggest_document("12", "Безналичный расчет") == "paymentin"
    assert suggest_document("14", "Онлайн-оплата банковской картой") == "paymentin"
    assert suggest_document("cash", "Наличные") == "cashin"
    assert suggest_document("bank-card", "Банковская карта") == "paymentin"
    assert suggest_documents([("cash", "Наличные"), ("x", "X")], {"cash": "skip"}) == {"cash": "skip",
                                                                                      "x": "paymentin"}


def test_decide_is_pure_and_counts_rounds() -> None:
    from app.clients.retailcrm_models import Order

    order = Order.from_api({"id": 5, "number": "5A", "payments": {"9": {"id": 9, "type": "cash", "status": "paid",
                                                                        "amount": 10}}})
    writes = decide_order(order, "ms", incoming={}, refunds={}, paid=frozenset({"paid"}), documents={},
                          type_names={})
    assert [(w.key, w.incoming, w.document, w.kopecks) for w in writes] == [("5:9:1", True, "cashin", 1000)]


def test_the_seeded_shop_s_paid_orders_show_their_payments_after_the_first_sync(ord_env: OrdEnv) -> None:
    """The demo shop's seed: delivered orders were paid (card or cash); the first sync carries those payments."""
    env = ord_env
    assert env.run().errors == 0
    exported = {o["externalCode"]: o for o in env.ms_orders()}
    paid = [o for o in env.rc_state.orders() if str(o["id"]) in exported
            and any(p.get("status") == "paid" for p in o["payments"].values())]
    assert paid, "the seed has paid orders among the exported ones"
    incoming = [*env.ms_state.money_documents("paymentin"), *env.ms_state.money_documents("cashin")]
    assert len(incoming) == sum(1 for o in paid for p in o["payments"].values() if p.get("status") == "paid")
    for order in paid[:3]:
        ms_paid, rc_paid = _paid_both(env, order["id"])
        assert ms_paid == rc_paid > 0


def test_a_paid_payment_deleted_by_a_manager_is_paid_back_once(ord_env: OrdEnv) -> None:
    env = ord_env
    order = new_order(env, None, linked_offer_ids(env)[:1], status="new", firstName="Уда", lastName="Лён",
                      payments=[{"type": "cash", "status": "paid", "amount": 250}])
    assert env.run().errors == 0
    ms_id = env.ms_order(order["id"])["id"]
    (payment_id,) = [int(p) for p in env.rc_state.order(order["id"])["payments"]]
    env.rc_state.user_delete_payment(order["id"], payment_id)

    assert env.run().errors == 0
    assert [d["sum"] for d in _documents(env, "cashout", ms_id)] == [25000.0]
    assert _paid_both(env, order["id"]) == (Decimal("0"), Decimal("0"))
    env.run()
    assert len(_documents(env, "cashout", ms_id)) == 1 and len(_documents(env, "cashin", ms_id)) == 1


def test_payment_links_lost_with_the_store_are_found_again_by_sync_id(ord_env: OrdEnv, other) -> None:
    """The local database was rebuilt (svyazka repair): the documents are found under their syncId, not made
    twice."""
    env = ord_env
    order = _exported_order(env, firstName="Пот", lastName="Еряна")
    ms_id = env.ms_order(order["id"])["id"]
    _pay(other, order["id"], "bank-card", Decimal("80"))
    assert env.run().errors == 0
    links = env.db.links(env.profile_id)
    (key,) = [k for k in links.all("payment", by="rc") if k.startswith(f"{order['id']}:")]
    assert links.remove("payment", rc_id=key) == 1

    report = env.run(full=True)

    assert report.errors == 0 and report.counts[Flow.ORDERS].failed == 0, report.message
    assert len(_documents(env, "paymentin", ms_id)) == 1
    assert links.get_by_rc("payment", key).ms_id == _documents(env, "paymentin", ms_id)[0]["id"]
    assert any("уже был в МойСклад" in m for m in env.messages())


def test_an_unconfirmed_payment_write_is_finished_by_a_later_run(ord_env: OrdEnv, other) -> None:
    """A payment document whose answer was lost (its link reserved, never completed) and whose order nobody
    touches again: the next run still looks at that order, finds the document by its syncId and links it,
    without making a second one."""
    env = ord_env
    order = _exported_order(env, firstName="Нора", lastName="Недослышала")
    ms_id = env.ms_order(order["id"])["id"]
    _pay(other, order["id"], "bank-card", Decimal("95"))
    assert env.run().errors == 0
    links = env.db.links(env.profile_id)
    (link,) = [v for k, v in links.all("payment", by="rc").items() if k.startswith(f"{order['id']}:")]
    assert links.remove("payment", rc_id=link.rc_id) == 1
    links.reserve("payment", link.rc_id, ms_type=link.ms_type, sync_id=link.sync_id)  # as a lost answer leaves it

    report = env.run()  # incremental: nothing in the history touches the order

    assert report.errors == 0, report.message
    assert links.get_by_rc("payment", link.rc_id).ms_id == link.ms_id
    assert len(_documents(env, "paymentin", ms_id)) == 1
