"""Payments RetailCRM → MoySklad: a paid payment of an exported order becomes an incoming money document linked
to its customer order; a refund (the payment no longer paid), a deleted paid payment or a changed amount
becomes an outgoing document for the same sum. Documents are never deleted or edited.

Sources:
* RetailCRM's order ``payments``: an object keyed by id in answers, items ``{id, type, status, amount, paidAt}``
  (/work/shared/docs/retailcrm-api.md; fixtures Orders/testGet, testHistory: ``payments.status`` records,
  ``paid`` → ``not-paid`` and back). "Paid" is a status whose ``paymentComplete`` is true
  (``/reference/payment-statuses``, fixture References/testPaymentStatuses: ``paid``, ``fiskalizirovan``).
* MoySklad: ``paymentin`` / ``cashin`` link to a ``customerorder`` through ``operations`` (OpenAPI schema
  ``FinanceInOperationAbstract``); the order's ``payedSum`` is their sum. ``paymentout`` / ``cashout`` name
  other types in the schema, not ``customerorder``: the link is tried and, when MoySklad refuses it, the
  outgoing document is made without it and the journal says so (detected, not assumed). After the writes each
  order's ``payedSum`` is read back and compared with RetailCRM's paid sum.

Idempotency: every document has a link (kind ``payment`` for incoming, ``refund`` for outgoing) reserved before
the write, whose ``syncId`` goes with it; the key ``<order id>:<payment id>:<round>`` counts the rounds of one
payment (paid, refunded, paid again). The ``syncId`` is derived from the RetailCRM account, the kind and the key
(uuid5), so it is the same even when the local database was lost: before creating, the documents are looked up
by ``syncId`` (one request per document type) and those found are linked instead of created (a killed run's
write, or a store rebuilt by ``svyazka repair``). The link keeps the sum in kopecks (``match_key``) and the order
number (``rc_ext``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.clients.errors import ItemError, SettingsError
from app.clients.parsing import text
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.money import MoneyError, kopecks_to_rub, rub
from app.store import Link
from app.store.settings import PAYMENT_DOCUMENTS
from app.sync.model import Action, Change, Flow, Level
from app.sync.orders.deleted import PUSHED_DELETED
from app.sync.orders.words import document_name
from app.sync.orders.work import MS_APP, chunks, label, ms_order_url

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner

PAYMENT_LINK = "payment"  # incoming document
REFUND_LINK = "refund"  # outgoing document for the same key
OUTGOING = {"paymentin": "paymentout", "cashin": "cashout"}
# the documents' names in Russian, as the CLI prints them (app/cli.py); the journal uses document_name()
DOCUMENT_NAMES = {code: str(document_name(code)) for code in ("paymentin", "cashin", "paymentout", "cashout", "skip")}
# Codes and names that mean cash: the sandbox's and real accounts' (fixture References/testPaymentTypes:
# «Наличными», «Оплата при получении»; cash on delivery is paid to the courier)
_CASH_CODES = ("cash", "cod", "courier", "nalich")
_CASH_WORDS = ("наличн", "при получении", "курьеру")
_NOT_CASH = ("безнал", "cashless", "non-cash", "noncash")


def suggest_document(code: str, name: str = "") -> str:
    """The document a payment type's paid payments suggest: cash-like → ``cashin``, else ``paymentin``."""
    low_code, low_name = code.lower(), name.lower()
    if any(w in low_code or w in low_name for w in _NOT_CASH):
        return "paymentin"
    if any(w in low_code for w in _CASH_CODES) or any(w in low_name for w in _CASH_WORDS):
        return "cashin"
    return "paymentin"


def suggest_documents(types: Iterable[tuple[str, str]], current: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every payment type's document: kept where already chosen, suggested where not."""
    current = current or {}
    return {code: current[code] if current.get(code) in PAYMENT_DOCUMENTS else suggest_document(code, name)
            for code, name in types}


@dataclass(frozen=True)
class PaymentRow:
    id: int
    type: str
    status: str | None
    kopecks: int


@dataclass
class PaymentWrite:
    order: Order
    ms_order_id: str | None  # None: the customer order is created in this run
    key: str  # the link's rc_id
    incoming: bool
    document: str  # paymentin / cashin / paymentout / cashout
    kopecks: int
    payment_id: int
    payment_type: str
    why: Message | str = ""  # for the journal: why an outgoing document


def order_payments(order: Order) -> list[PaymentRow]:
    """The order's payments, whatever shape they came in (an object keyed by id, or a list)."""
    raw = order.raw.get("payments")
    items = raw.values() if isinstance(raw, Mapping) else raw if isinstance(raw, list) else ()
    rows: list[PaymentRow] = []
    for item in items:
        if not isinstance(item, Mapping):
            continue
        pid = item.get("id")
        if not isinstance(pid, int) or isinstance(pid, bool):
            continue
        status = item.get("status")
        code = text(status.get("code")) if isinstance(status, Mapping) else text(status)
        try:
            amount = rub(item.get("amount") or 0)
        except MoneyError:
            continue
        rows.append(PaymentRow(pid, text(item.get("type")) or "", code, int(amount * 100)))
    return rows


def link_key(order_id: int, payment_id: int, round_: int) -> str:
    return f"{order_id}:{payment_id}:{round_}"


def _parse_key(key: str) -> tuple[int, int, int] | None:
    parts = key.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return int(parts[0]), int(parts[1]), int(parts[2])


def sync_id_for(rc_url: str, kind: str, key: str) -> str:
    """The same ``syncId`` for the same payment round of the same account, whatever the local store remembers."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"svyazka:{rc_url.rstrip('/')}:{kind}:{key}"))


def document_for(payment_type: str, settings_map: Mapping[str, str], type_names: Mapping[str, str]) -> str:
    chosen = settings_map.get(payment_type)
    if chosen in PAYMENT_DOCUMENTS:
        return chosen
    return suggest_document(payment_type, type_names.get(payment_type, ""))


def decide_order(order: Order, ms_order_id: str | None, *, incoming: Mapping[str, Link],
                 refunds: Mapping[str, Link], paid: frozenset[str], documents: Mapping[str, str],
                 type_names: Mapping[str, str]) -> list[PaymentWrite]:
    """What one order's payments need in MoySklad now (pure). ``incoming`` / ``refunds``: the links by key (the
    order's own are enough; the planner passes only those)."""
    current = {p.id: p for p in order_payments(order)}
    rounds: dict[int, int] = {}
    prefix = f"{order.id}:"
    for key in incoming:
        if key.startswith(prefix):
            parsed = _parse_key(key)
            if parsed is not None:
                rounds[parsed[1]] = max(rounds.get(parsed[1], 0), parsed[2])
    writes: list[PaymentWrite] = []
    for pid in sorted(set(current) | set(rounds)):
        payment = current.get(pid)
        round_ = rounds.get(pid, 0)
        document = document_for(payment.type, documents, type_names) if payment else "skip"
        is_paid = payment is not None and payment.status in paid and document != "skip" and payment.kopecks > 0
        closed = True
        if round_:
            key = link_key(order.id, pid, round_)
            link = incoming[key]
            sent_kop = int(link.match_key or 0)
            sent_doc = link.ms_type or "paymentin"
            if link.ms_id is None:  # a write a killed run may have made: again, with the same syncId
                writes.append(PaymentWrite(order, ms_order_id, key, True, sent_doc, sent_kop, pid,
                                           payment.type if payment else ""))
            refund = refunds.get(key)
            closed = refund is not None and refund.ms_id is not None
            if not closed:
                why: Message | str = ""
                if payment is None:
                    why = msg("orders.refund_payment_deleted")
                elif payment.status not in paid:
                    why = msg("orders.refund_not_paid")
                elif payment.kopecks != sent_kop:
                    why = msg("orders.refund_sum_changed", old=kopecks_to_rub(sent_kop),
                              new=kopecks_to_rub(payment.kopecks))
                if why or refund is not None:  # a reserved refund goes through even if paid again since
                    writes.append(PaymentWrite(order, ms_order_id, key, False, OUTGOING.get(sent_doc, "paymentout"),
                                               sent_kop, pid, payment.type if payment else "",
                                               why or msg("orders.refund_resumed")))
                    closed = True
        if is_paid and closed and payment is not None:
            writes.append(PaymentWrite(order, ms_order_id, link_key(order.id, pid, round_ + 1), True, document,
                                       payment.kopecks, pid, payment.type))
    return writes


def rc_paid_kopecks(order: Order, paid: frozenset[str], documents: Mapping[str, str],
                    type_names: Mapping[str, str]) -> int:
    """RetailCRM's paid sum of the order, counting the payment types that go to MoySklad."""
    return sum(p.kopecks for p in order_payments(order)
               if p.status in paid and document_for(p.type, documents, type_names) != "skip")


# -- plan ----------------------------------------------------------------------------------------------------

def paid_statuses(p: Planner) -> frozenset[str] | None:
    """The payment statuses that mean paid (read once a run); None when the reference cannot be read."""
    cached = p.ctx.shared.retailcrm_paid_statuses
    if cached is not None:
        return cached
    try:
        statuses = p.rc.payment_statuses()
    except SettingsError as exc:
        p.log(Level.WARNING, msg("orders.payment_statuses_unreadable", error=exc.sentence))
        return None
    paid = frozenset(s.code for s in statuses if s.complete)
    p.ctx.shared.retailcrm_paid_statuses = paid
    return paid


def plan(p: Planner, orders: Mapping[int, Order]) -> None:
    """Decide the payment documents of the orders this run looks at (plus those with an unfinished write)."""
    links = p.links
    incoming = links.all(PAYMENT_LINK, by="rc")
    refunds = links.all(REFUND_LINK, by="rc")
    # writes reserved and never confirmed (a kill, a lost answer in a run whose cursor still moved on): their
    # orders are looked at again, so the syncId finds the document or the write goes now (``all`` holds only
    # complete links)
    unfinished = {int(link.rc_id.split(":")[0]) for link in [*links.pending(PAYMENT_LINK), *links.pending(REFUND_LINK)]
                  if link.rc_id.split(":")[0].isdigit()}
    # an order deleted in RetailCRM (app/sync/orders/deleted.py: this run's history, or remembered) cannot be read
    # any more: its unfinished payment write stays as it is, and it is not asked for again every run
    gone = p.work.deleted_ids | {int(k) for k in p.ctx.db.pushed(p.ctx.profile_id).get_many(PUSHED_DELETED)
                                 if k.isdigit()}
    missing = sorted(i for i in unfinished if i not in orders and i not in gone)
    if missing:
        from app.sync.orders import history  # the planner's own fetch (filters by site, checks ids)
        orders = {**orders, **history.fetch(p, missing)}
    own_in, own_out = _by_order(incoming), _by_order(refunds)  # each order's links, grouped once
    with_payments = [o for o in orders.values() if order_payments(o) or o.id in own_in]
    if not with_payments:
        return
    order_links = links.all("order", by="rc")
    creating = {c.order.id: c.adopt_ms_id for c in p.work.creates}
    targets: dict[int, str | None] = {}
    for order in with_payments:
        link = order_links.get(str(order.id))
        if link is not None and link.ms_id:
            targets[order.id] = link.ms_id
        elif order.id in creating:
            targets[order.id] = creating[order.id]
    if not targets:
        return
    paid = paid_statuses(p)
    if paid is None:
        return
    documents = p.settings.payment_documents
    type_names = _type_names(p) if any(
        pay.type not in documents for o in with_payments for pay in order_payments(o)) else {}
    for order in with_payments:
        if order.id not in targets:
            continue
        writes = decide_order(order, targets[order.id], incoming=own_in.get(order.id, {}),
                              refunds=own_out.get(order.id, {}), paid=paid, documents=documents,
                              type_names=type_names)
        if writes:
            p.work.payments.extend(writes)
            p.work.paid_kopecks[order.id] = rc_paid_kopecks(order, paid, documents, type_names)
    for write in p.work.payments:
        p.plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", write.document, write.key,
                                     msg("orders.change_payment", order=label(write.order),
                                             document=document_name(write.document),
                                             amount=kopecks_to_rub(write.kopecks)), write))


def _by_order(links: Mapping[str, Link]) -> dict[int, dict[str, Link]]:
    grouped: dict[int, dict[str, Link]] = {}
    for key, link in links.items():
        parsed = _parse_key(key)
        if parsed is not None:
            grouped.setdefault(parsed[0], {})[key] = link
    return grouped


def _type_names(p: Planner) -> dict[str, str]:
    cached = p.ctx.shared.retailcrm_payment_type_names
    if cached is not None:
        return cached
    try:
        names = {t.code: t.name for t in p.rc.payment_types()}
    except SettingsError:
        names = {}  # suggested from the codes alone
    p.ctx.shared.retailcrm_payment_type_names = names
    return names


# -- apply ---------------------------------------------------------------------------------------------------

def _purpose(write: PaymentWrite) -> str:
    number = label(write.order)
    round_ = write.key.rsplit(":", 1)[-1]
    again = f", повторно ({round_}-й раз)" if round_ not in ("", "1") else ""
    if write.incoming:
        return f"Оплата заказа {number} (RetailCRM, оплата {write.payment_id}{again})"
    return f"Возврат оплаты по заказу {number} (RetailCRM, оплата {write.payment_id}{again})"


def _ms_url(document: str, ms_id: str) -> str:
    return f"{MS_APP}#{document}/edit?id={ms_id}"


def _operations_refused(result: ItemError) -> bool:
    return any(e.field == "operations" or "operations" in (e.message or "") for e in result.errors)


def apply_payments(a: Applier) -> None:
    """Create the planned money documents in batches; each success is linked at once."""
    writes = [w for w in a.work.payments if w.order.id not in a.failed_orders]
    if not writes:
        return
    orders: dict[int, str] = {}
    for write in writes:
        ms_order = write.ms_order_id or a.created_ms.get(write.order.id)
        if ms_order:
            orders[write.order.id] = ms_order
    rows = {text(r.get("id")): r for r in a.ms.find_by_values("customerorder", "id", sorted(set(orders.values())))}
    ready: list[tuple[PaymentWrite, str, dict[str, Any]]] = []
    for write in writes:
        a.ctx.check_cancel()
        ms_order = orders.get(write.order.id)
        row = rows.get(ms_order or "")
        if ms_order is None or row is None:
            continue  # the customer order did not go (or is gone in MoySklad): its payments wait with it
        kind = PAYMENT_LINK if write.incoming else REFUND_LINK
        link = a.links.reserve(kind, write.key, ms_type=write.document, rc_ext=label(write.order),
                               match_key=str(write.kopecks),
                               sync_id=sync_id_for(str(getattr(a.rc, "account_url", "")), kind, write.key))
        if link.ms_id:
            continue
        body: dict[str, Any] = {
            "syncId": link.sync_id,
            "organization": row.get("organization") or a.ms.meta("organization", a.ctx.settings.organization_id or ""),
            "agent": row.get("agent"),
            "sum": float(write.kopecks),  # kopecks (openapi: "Сумма … в установленной валюте", in kopecks as all sums)
            "paymentPurpose": _purpose(write),
            "operations": [{**a.ms.meta("customerorder", ms_order), "linkedSum": float(write.kopecks)}],
        }
        ready.append((write, ms_order, body))
    for document in ("paymentin", "cashin", "paymentout", "cashout"):
        batch = [r for r in ready if r[0].document == document]
        if batch:
            batch = _link_existing(a, document, batch)
        for chunk in chunks(batch, a.batch):
            a.ctx.check_cancel()
            results = a.create_many(document, [body for _, _, body in chunk])
            retry = []
            for item, result in zip(chunk, results, strict=True):
                if isinstance(result, ItemError) and not item[0].incoming and _operations_refused(result):
                    retry.append(item)
                    continue
                _record(a, item, result, linked=True)
            if retry:
                # MoySklad does not link outgoing documents to customer orders (the schema lists other types)
                bodies = [{k: v for k, v in body.items() if k != "operations"} for _, _, body in retry]
                for item, result in zip(retry, a.create_many(document, bodies), strict=True):
                    _record(a, item, result, linked=False)
            a.progress(len(chunk))
    _check_paid(a, orders)


def _link_existing(a: Applier, document: str, batch: list[tuple[PaymentWrite, str, dict[str, Any]]]
                   ) -> list[tuple[PaymentWrite, str, dict[str, Any]]]:
    """Documents already in MoySklad under their ``syncId`` are linked, not created again; the rest returned."""
    found = {(text(r.get("syncId")) or "").lower(): r
             for r in a.ms.find_by_values(document, "syncId", [body["syncId"] for _, _, body in batch])}
    left = []
    for write, ms_order, body in batch:
        row = found.get(str(body["syncId"]).lower())
        ms_id = text(row.get("id")) if row is not None else None
        if row is None or not ms_id:
            left.append((write, ms_order, body))
            continue
        a.links.complete(PAYMENT_LINK if write.incoming else REFUND_LINK, write.key, ms_id, ms_type=document)
        a.counts.unchanged += 1
        number = label(write.order)
        a.log(Level.INFO, msg("orders.payment_existing", order=number, document=document_name(document),
                              name=text(row.get("name")) or "", amount=kopecks_to_rub(write.kopecks)),
              number, _ms_url(document, ms_id), "payment")
    return left


def _record(a: Applier, item: tuple[PaymentWrite, str, dict[str, Any]], result: dict[str, Any] | ItemError,
            *, linked: bool) -> None:
    write, ms_order, body = item
    number = label(write.order)
    what = document_name(write.document)
    amount = kopecks_to_rub(write.kopecks)
    if isinstance(result, ItemError):
        a.counts.failed += 1
        a.log(Level.ERROR, msg("orders.payment_failed", order=number, document=what, amount=amount,
                              error=result.message), number, ms_order_url(ms_order), "payment")
        return
    ms_id = text(result.get("id"))
    if not ms_id:
        return
    kind = PAYMENT_LINK if write.incoming else REFUND_LINK
    a.links.complete(kind, write.key, ms_id, ms_type=write.document)
    a.counts.created += 1
    name = text(result.get("name")) or ""
    if write.incoming:
        line = msg("orders.payment_created", order=number, amount=amount, document=what, name=name)
    else:
        line = msg("orders.refund_created" if linked else "orders.refund_created_unlinked", order=number,
                   why=write.why, document=what, name=name, amount=amount)
    a.log(Level.INFO, line, number, _ms_url(write.document, ms_id), "payment")
    sent = Decimal(str(body["sum"]))
    got = result.get("sum")
    if isinstance(got, int | float) and Decimal(str(got)) != sent:
        a.log(Level.WARNING, msg("orders.payment_sum_differs", order=number, document=what, name=name,
                                 got=kopecks_to_rub(got), amount=amount), number,
              _ms_url(write.document, ms_id), "payment")


def _check_paid(a: Applier, orders: Mapping[int, str]) -> None:
    """Read each touched order back: MoySklad's paid sum must be RetailCRM's; a difference is said, not hidden."""
    wanted = {rc_id: ms_id for rc_id, ms_id in orders.items() if rc_id in a.work.paid_kopecks}
    if not wanted:
        return
    rows = {text(r.get("id")): r for r in a.ms.find_by_values("customerorder", "id", sorted(set(wanted.values())))}
    numbers = {w.order.id: label(w.order) for w in a.work.payments}
    for rc_id, ms_id in wanted.items():
        payed = rows.get(ms_id, {}).get("payedSum")
        if not isinstance(payed, int | float):
            continue
        expected = a.work.paid_kopecks[rc_id]
        if round(payed) != expected:
            number = numbers.get(rc_id, str(rc_id))
            a.log(Level.WARNING, msg("orders.paid_differs", order=number, moysklad=kopecks_to_rub(payed),
                                     retailcrm=kopecks_to_rub(expected)), number, ms_order_url(ms_id), "payment")


__all__ = ["PAYMENT_LINK", "REFUND_LINK", "PaymentWrite", "apply_payments", "decide_order", "order_payments",
           "plan", "suggest_document", "suggest_documents"]
