"""Counterparties kept current with their RetailCRM customers: phone, e-mail, address, INN, KPP, legal name.

Which customers changed: RetailCRM's ``customers/history`` since the cursor ``customers_history_since_id``
(the same envelope and ``sinceId`` walk as the orders' history, /work/shared/docs/retailcrm-api.md §6, record
shape from the recorded ``Customers/testCustomersHistory.json``). Changes made with Svyazka's own key
(``apiKey.current``) are skipped. The first run only sets the cursor to the newest record. A run with nothing
new costs one RetailCRM request (an empty history page).

Only the counterparty LINKED to the customer (link kind ``counterparty``, keyed by the RetailCRM customer id)
is touched, and only in the fields Svyazka filled: per counterparty, the values Svyazka wrote are kept in
``pushed`` target :data:`PUSHED_FIELDS` (JSON per customer key; written at create time in
:mod:`app.sync.orders.apply` and after every update here). A field is Svyazka's when MoySklad's value equals
the value Svyazka last wrote there ("" = wrote nothing, so Svyazka may fill it while it stays empty). With no
record (a counterparty created before this version), a field is Svyazka's only when Svyazka created the
counterparty (its link was reserved with a ``syncId``; a counterparty merely matched to an existing one was
filled by the shop) and MoySklad's value equals the customer's OLD value from the history. Anything else was
edited in MoySklad by a person: left, one log line naming the field. A value RetailCRM cleared is never
cleared in MoySklad (a person may rely on it; only new values are carried).

Counterparties are read by id, 100 a request; only changed fields are sent (MoySklad's PUT changes only the
fields sent, /work/shared/docs/moysklad-api.md "PUT is a partial update"). Under kills: the record is written
after the write, the cursor only at the end of apply, so a killed run walks the same history again, finds
MoySklad already holding the value and records it without writing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.clients.errors import NotFound, RemoteValidationError
from app.clients.moysklad_filter import with_archived
from app.clients.parsing import as_map, text
from app.clients.retailcrm_models import Customer
from app.messages import Message, msg
from app.sync.model import Action, Change, Flow, Level
from app.sync.orders.counterparties import normalize_email, normalize_inn, normalize_phone
from app.sync.orders.words import joined
from app.sync.orders.work import MS_APP, chunks

if TYPE_CHECKING:
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner

PUSHED_FIELDS = "counterparty_fields"  # customer key -> JSON {field: the value Svyazka last wrote}
FIELDS = ("phone", "email", "actualAddress", "inn", "kpp", "legalTitle")  # MoySklad counterparty fields
# Fields the create body never had before this version (app.sync.orders.counterparties.counterparty_body):
# Svyazka's old counterparties hold nothing of theirs there.
NEVER_WRITTEN_BEFORE = frozenset({"actualAddress", "kpp"})
IDS_PER_REQUEST = 100  # customers by filter[ids][] and counterparties by id=…;id=…
HISTORY_PAGE = 100
ADDRESS_MAX = 255  # actualAddress: string, maxLength 255 (MoySklad OpenAPI, Counterparty)

# customers/history field -> the counterparty field it feeds. Names: the recorded fixture (phones, email,
# address.<part>), integrations reading real accounts (contragent.legal_name, contragent.i_n_n,
# contragent.k_p_p: INN/KPP snake-cased letter by letter); the plain spellings are accepted too.
_HISTORY_FIELDS = {
    "phones": "phone",
    "email": "email",
    "contragent.legal_name": "legalTitle",
    "contragent.i_n_n": "inn",
    "contragent.inn": "inn",
    "contragent.k_p_p": "kpp",
    "contragent.kpp": "kpp",
}
_ADDRESS_PARTS = (("index", ""), ("region", ""), ("city", ""), ("street", ""), ("building", "д. "),
                  ("house", "стр. "), ("block", "корп. "), ("flat", "кв. "))


def counterparty_field(history_field: str | None) -> str | None:
    """The counterparty field a ``customers/history`` record's ``field`` changes (None: none Svyazka keeps)."""
    if not history_field:
        return None
    if history_field.startswith("address."):
        return "actualAddress"
    return _HISTORY_FIELDS.get(history_field)


# --- values -------------------------------------------------------------------------------------------------


def same(name: str, a: str | None, b: str | None) -> bool:
    """Whether two values of field ``name`` are the same thing ("8 (912) 345-67-89" is "+79123456789")."""
    a, b = (a or "").strip(), (b or "").strip()
    if a == b:
        return True
    if not a or not b:
        return False
    if name == "phone":
        return normalize_phone(a) == normalize_phone(b) and normalize_phone(a) is not None
    if name == "email":
        return normalize_email(a) == normalize_email(b) and normalize_email(a) is not None
    if name == "inn":
        return normalize_inn(a) == normalize_inn(b) and normalize_inn(a) is not None
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def address_text(address: Mapping[str, Any]) -> str | None:
    """The customer's address as one line: RetailCRM's own ``text`` when it has one, else its parts."""
    whole = text(address.get("text"))
    if whole:
        return whole[:ADDRESS_MAX]
    parts = [f"{prefix}{value}" for key, prefix in _ADDRESS_PARTS if (value := text(address.get(key)))]
    return ", ".join(parts)[:ADDRESS_MAX] or None


def wanted_values(customer: Customer) -> dict[str, str | None]:
    """What the counterparty should hold, as :func:`app.sync.orders.counterparties.counterparty_body` would
    write it (phone as typed, e-mail and INN normalized, the legal name for legal entities only)."""
    raw = customer.raw
    contragent = as_map(raw.get("contragent"))
    legal = text(contragent.get("contragentType")) == "legal-entity"
    kpp = "".join(ch for ch in text(contragent.get("KPP")) or "" if ch.isdigit())
    return {
        "phone": (customer.phones[0].strip()[:255] or None) if customer.phones else None,
        "email": normalize_email(customer.email),
        "actualAddress": address_text(as_map(raw.get("address"))),
        "inn": normalize_inn(text(contragent.get("INN"))),
        "kpp": kpp if legal and len(kpp) == 9 else None,
        "legalTitle": text(contragent.get("legalName")) if legal else None,
    }


def created_record(body: Mapping[str, Any]) -> str:
    """The record of a counterparty just created from ``body``: every kept field, "" where nothing was
    written (so Svyazka may fill it while MoySklad keeps it empty)."""
    return json.dumps({name: text(body.get(name)) or "" for name in FIELDS}, ensure_ascii=False, sort_keys=True)


def read_record(value: str | None) -> dict[str, str] | None:
    if not value:
        return None
    try:
        data = json.loads(value)
    except ValueError:
        return None
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else None


@dataclass(frozen=True, slots=True)
class FieldsDecision:
    body: dict[str, str]  # what to send
    record: dict[str, str]  # the record once sent
    manual: tuple[str, ...]  # fields a person changed in MoySklad: left


def decide_fields(
    *,
    touched: Iterable[str],
    wanted: Mapping[str, str | None],
    current: Mapping[str, str | None],
    record: Mapping[str, str] | None,
    old: Mapping[str, str | None],
    created_by_svyazka: bool,
) -> FieldsDecision:
    """Per touched field: send RetailCRM's value when the field is Svyazka's and differs, leave it when a
    person changed it in MoySklad (see the module docstring for whose a field is)."""
    body: dict[str, str] = {}
    new_record = dict(record or {})
    manual: list[str] = []
    for name in FIELDS:
        if name not in touched:
            continue
        want = wanted.get(name)
        if not want:
            continue  # cleared in RetailCRM: MoySklad keeps what it has
        have = current.get(name) or ""
        if record is not None and name in record:
            mine = same(name, have, record[name])
        elif created_by_svyazka:
            before = "" if name in NEVER_WRITTEN_BEFORE else old.get(name)
            mine = same(name, have, before)
        else:
            mine = False
        if same(name, have, want):
            if mine or record is not None or created_by_svyazka:
                new_record[name] = have  # already right (a write a killed run made, or a person's)
            continue
        if mine:
            body[name] = want
            new_record[name] = want
        else:
            manual.append(name)
    return FieldsDecision(body, new_record, tuple(manual))


# --- plan ---------------------------------------------------------------------------------------------------


@dataclass
class Touched:
    fields: set[str] = field(default_factory=set)
    old: dict[str, str | None] = field(default_factory=dict)  # the oldest old value seen per field


@dataclass
class CounterpartyUpdate:
    key: str
    ms_id: str
    name: str
    body: dict[str, str]
    record: dict[str, str]


@dataclass
class CustomersWork:
    cursor: int | None = None
    updates: list[CounterpartyUpdate] = field(default_factory=list)
    records: dict[str, str] = field(default_factory=dict)  # records to keep without a write (already right)
    manual: list[tuple[str, str, str]] = field(default_factory=list)  # (name, ms_id, field) left as they are


def _as_text(value: Any) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("number") or value.get("code")
    return text(value)


def walk(p: Planner, since: int) -> tuple[int, dict[int, Touched], int]:
    """The customers' changes after ``since``: the newest id, what changed per customer, records read."""
    newest, records = since, 0
    changed: dict[int, Touched] = {}
    for record in p.rc.iter_customer_history(since, limit=HISTORY_PAGE):
        records += 1
        newest = max(newest, record.id)
        if records % HISTORY_PAGE == 0:
            p.ctx.check_cancel()
        if record.api_key_current or record.customer_id is None or record.deleted or record.created:
            continue  # our own change, a new customer (no counterparty yet), a deleted one
        name = counterparty_field(record.field)
        if name is None:
            continue
        touched = changed.setdefault(record.customer_id, Touched())
        touched.fields.add(name)
        touched.old.setdefault(name, _as_text(record.old))
    return newest, changed, records


def plan(p: Planner) -> None:
    """Decide which linked counterparties to update (reads only; apply writes)."""
    work = CustomersWork()
    p.work.customers = work
    since = p.cursors.customers_since_id
    if since is None:
        work.cursor = p.rc.newest_customer_history_id()
        p.plan.notes.append(msg("customers.history_started"))
        return
    work.cursor, changed, records = walk(p, since)
    if not changed:
        return
    linked = p.links.all("counterparty", by="rc")
    saved = p.ctx.db.pushed(p.ctx.profile_id).get_many(PUSHED_FIELDS)
    # a counterparty matched to an existing one (no syncId, no record) was filled by the shop: never touched
    todo = {cid: t for cid, t in changed.items()
            if (link := linked.get(str(cid))) is not None and link.ms_id
            and (str(cid) in saved or link.sync_id is not None)}
    p.plan.notes.append(msg("customers.history_counts", n=records, count=len(todo)))
    if not todo:
        return
    customers = _customers(p, sorted(todo))
    ms_ids = {cid: linked[str(cid)].ms_id or "" for cid in todo}
    rows = _counterparties(p, sorted(set(ms_ids.values())))
    for cid, touched in todo.items():
        customer = customers.get(cid)
        row = rows.get(ms_ids[cid])
        if customer is None:
            continue  # deleted in RetailCRM meanwhile, or on a site this key cannot see
        key = str(cid)
        if row is None:
            p.ctx.log(Level.WARNING, Flow.ORDERS, msg("customers.gone", name=linked[key].rc_ext or key, customer=key),
                      entity_type="counterparty", entity_ref=linked[key].rc_ext or key)
            continue
        record = read_record(saved.get(key))
        decision = decide_fields(
            touched=touched.fields, wanted=wanted_values(customer),
            current={name: text(row.get(name)) for name in FIELDS}, record=record, old=touched.old,
            created_by_svyazka=linked[key].sync_id is not None,
        )
        name = text(row.get("name")) or key
        ms_id = ms_ids[cid]
        work.manual += [(name, ms_id, f) for f in decision.manual]
        if decision.body:
            update = CounterpartyUpdate(key, ms_id, name, decision.body, decision.record)
            work.updates.append(update)
            p.plan.changes.append(Change(Flow.ORDERS, Action.UPDATE, "moysklad", "counterparty", name,
                                         _updated_line(update), update))
        elif decision.record != (record or {}):
            work.records[key] = _dump(decision.record)
    for name, ms_id, field_name in work.manual:
        p.ctx.log(Level.INFO, Flow.ORDERS, msg(f"customers.manual_{field_name}", name=name),
                  entity_type="counterparty", entity_ref=name, entity_url=_url(ms_id))


def _customers(p: Planner, ids: Sequence[int]) -> dict[int, Customer]:
    found: dict[int, Customer] = {}
    for chunk in chunks(list(ids), IDS_PER_REQUEST):
        p.ctx.check_cancel()
        for customer in p.rc.iter_customers({"ids": list(chunk)}):
            found[customer.id] = customer
    return found


def _counterparties(p: Planner, ms_ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    """The linked counterparties by id, 100 a request (archived ones too: still the customer's)."""
    found: dict[str, Mapping[str, Any]] = {}
    for chunk in chunks(list(ms_ids), IDS_PER_REQUEST):
        p.ctx.check_cancel()
        for row in p.ms.find_by_values("counterparty", "id", list(chunk), filters=with_archived()):
            ms_id = text(row.get("id"))
            if ms_id:
                found[ms_id] = row
    return found


def _dump(record: Mapping[str, str]) -> str:
    return json.dumps(dict(record), ensure_ascii=False, sort_keys=True)


def _url(ms_id: str) -> str:
    return f"{MS_APP}#company/edit?id={ms_id}"


def _updated_line(update: CounterpartyUpdate) -> Message:
    fields: list[Message | str] = [msg(f"customers.field_{name}") for name in FIELDS if name in update.body]
    return msg("customers.updated", name=update.name, fields=joined(fields))


def planned(work: CustomersWork | None) -> int:
    """How many counterparties the plan updates (for the plan's counts)."""
    return len(work.updates) if work is not None else 0


# --- apply --------------------------------------------------------------------------------------------------


def apply(a: Applier) -> None:
    """Send the planned field changes; record each success at once."""
    work: CustomersWork | None = a.work.customers
    if work is None:
        return
    pushed = a.ctx.db.pushed(a.ctx.profile_id)
    if work.records:
        pushed.put_many(PUSHED_FIELDS, work.records)
    for update in work.updates:
        a.ctx.check_cancel()
        try:
            a.ms.update("counterparty", update.ms_id, update.body)
        except (RemoteValidationError, NotFound) as exc:
            # the cursor moves on all the same: a refusal (say, an address MoySklad does not take) would
            # come back every run; the next change of this customer tries again
            a.counts.failed += 1
            a.log(Level.ERROR, msg("customers.update_failed", name=update.name, error=exc.message.rstrip(".")),
                  update.name, _url(update.ms_id), "counterparty")
            continue
        pushed.put_many(PUSHED_FIELDS, {update.key: _dump(update.record)})
        a.counts.updated += 1
        a.log(Level.INFO, _updated_line(update), update.name, _url(update.ms_id), "counterparty")


def save_cursor(a: Applier) -> None:
    """Move the cursor past this run's records (with the orders' cursors, last in apply)."""
    work: CustomersWork | None = a.work.customers
    if work is not None and work.cursor is not None:
        a.cursors.customers_since_id = work.cursor


__all__ = ["PUSHED_FIELDS", "CounterpartyUpdate", "CustomersWork", "apply", "created_record",
           "decide_fields", "plan", "planned", "save_cursor", "wanted_values"]
