"""Finding (or deciding to create) the MoySklad counterparty of each RetailCRM customer, in few requests.

The rules themselves live in :mod:`app.sync.counterparty` (INN, then e-mail, then phone). This module
gathers candidates for *many* customers at once and turns each match into a decision:

* a small account (one page of counterparties) is read whole, so every spelling of a phone or e-mail is
  seen; a bigger one is asked with OR-filters (``inn=a;inn=b…``) on the usual spellings of each value,
  because MoySklad compares ``=`` filters literally ("8 (912) 345-67-89" is not "+79123456789");
* a customer already linked (link kind ``counterparty``, keyed by the RetailCRM customer id) needs no lookup;
* a person's remembered decision on an ``ambiguous_counterparty`` conflict settles it (``pick`` with the
  counterparty id, ``create``, or ``ignore``).

No writes happen here: the flow creates counterparties and stores links in its apply step.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.clients.moysklad_filter import with_archived
from app.clients.parsing import as_list, as_map, text
from app.clients.retailcrm_models import Order
from app.sync.counterparty import (
    CounterpartyCandidate,
    CounterpartyMatch,
    CustomerInfo,
    describe,
    match_counterparty,
    normalize_email,
    normalize_inn,
    normalize_phones,
)
from app.sync.orders_mapping import customer_display_name

# One page: a shop with fewer counterparties than this is read in a single request.
SMALL_ACCOUNT_ROWS = 1000

DecisionAction = Literal["use", "create", "wait", "skip"]


@dataclass(frozen=True, slots=True)
class OrderCustomerInfo:
    """Who placed an order, keyed the way counterparty links are keyed."""

    key: str  # the RetailCRM customer id, or "order-<id>" for an order without one
    info: CustomerInfo
    name: str  # the counterparty's name if one is created
    company_type: str  # legal | entrepreneur | individual


@dataclass(frozen=True, slots=True)
class CounterpartyDecision:
    action: DecisionAction
    ms_id: str | None = None
    how: str = ""  # for the log: «контрагент найден по ИНН», «создан новый контрагент», …
    link: bool = False  # store a link ms_id ↔ customer key in apply (a found counterparty)
    candidates: tuple[CounterpartyCandidate, ...] = ()  # the ambiguous ones
    rule: str | None = None


_COMPANY_TYPES = {"legal-entity": "legal", "enterpreneur": "entrepreneur", "entrepreneur": "entrepreneur"}


def customer_of(order: Order) -> OrderCustomerInfo:
    """The order's customer as the counterparty rules see it (all of the customer's phones included)."""
    customer = order.customer
    raw_customer = as_map(order.raw.get("customer"))
    phones = [text(as_map(p).get("number")) for p in as_list(raw_customer.get("phones"))]
    phones.append(text(order.raw.get("additionalPhone")))
    key = str(customer.id) if customer.id is not None else f"order-{order.id}"
    company_type = _COMPANY_TYPES.get(customer.contragent_type or "", "individual")
    if company_type == "individual" and (customer.company or customer.inn) and customer.contragent_type is None:
        company_type = "legal"
    return OrderCustomerInfo(
        key=key,
        info=CustomerInfo(
            name=customer_display_name(order),
            inn=customer.inn,
            email=customer.email,
            phone=customer.phone,
            extra_phones=tuple(p for p in phones if p),
            rc_customer_id=customer.id,
        ),
        name=customer_display_name(order),
        company_type=company_type,
    )


def counterparty_body(customer: OrderCustomerInfo, sync_id: str) -> dict[str, Any]:
    """A new counterparty: name, company type, INN, e-mail and phone as RetailCRM has them."""
    info = customer.info
    body: dict[str, Any] = {"syncId": sync_id, "name": customer.name, "companyType": customer.company_type}
    inn = normalize_inn(info.inn)
    if inn:
        body["inn"] = inn
    email = normalize_email(info.email)
    if email:
        body["email"] = email
    phone = (info.phone or next(iter(info.extra_phones), None) or "").strip()
    if phone:
        body["phone"] = phone[:255]
    if customer.company_type == "legal":
        body["legalTitle"] = customer.name
    if info.rc_customer_id is not None:
        body["description"] = f"Клиент RetailCRM №{info.rc_customer_id}, создан Связкой."
    return body


# --- spellings for exact-match filters ---------------------------------------------------------------------


def email_spellings(email: str | None) -> list[str]:
    """The ways an address is usually stored: as typed, lower case, upper case."""
    normalized = normalize_email(email)
    if normalized is None:
        return []
    typed = (email or "").strip()
    return list(dict.fromkeys((typed, normalized, normalized.upper())))


def phone_spellings(phone: str) -> list[str]:
    """Common ways people write a normalized Russian phone ("79123456789") in a free-text field."""
    if len(phone) != 11 or not phone.startswith("7"):
        return [phone, "+" + phone]
    code, a, b, c = phone[1:4], phone[4:7], phone[7:9], phone[9:11]
    local = phone[1:]
    spellings = [phone, "+" + phone, "8" + local, local]
    for prefix in ("+7", "8"):
        spellings += [
            f"{prefix} ({code}) {a}-{b}-{c}",
            f"{prefix}({code}){a}-{b}-{c}",
            f"{prefix} {code} {a}-{b}-{c}",
            f"{prefix} {code} {a} {b} {c}",
            f"{prefix}-{code}-{a}-{b}-{c}",
            f"{prefix} ({code}) {a}{b}{c}",
        ]
    return list(dict.fromkeys(spellings))


def _candidate(row: Mapping[str, Any]) -> CounterpartyCandidate | None:
    ms_id = text(row.get("id"))
    if ms_id is None:
        return None
    return CounterpartyCandidate(
        id=ms_id,
        name=text(row.get("name")) or "",
        inn=text(row.get("inn")),
        email=text(row.get("email")),
        phone=text(row.get("phone")),
        archived=row.get("archived") is True,
    )


@dataclass(frozen=True, slots=True)
class CandidateSearch:
    candidates: list[CounterpartyCandidate]
    requests: int
    big_account: bool  # more counterparties than one page: next time go straight to the filters


def find_candidates(
    moysklad: Any,
    customers: Sequence[CustomerInfo],
    *,
    small_account_rows: int = SMALL_ACCOUNT_ROWS,
    known_big: bool = False,
) -> CandidateSearch:
    """Counterparties that may be any of ``customers``, fetched in few requests.

    First one page of all counterparties (a small account ends there, every spelling included); when the
    account is bigger (or ``known_big`` from an earlier run), OR-filters on INN, e-mail and phone spellings,
    as few requests as keep URLs short. Archived counterparties are asked for too (MoySklad lists only the
    others unless told, :func:`with_archived`): a returning customer whose counterparty was archived is the
    same customer, and creating another would make a duplicate.
    """
    found: dict[str, CounterpartyCandidate] = {}
    if not customers:
        return CandidateSearch([], 0, known_big)
    lookups = 0
    if small_account_rows > 0 and not known_big:
        lookups += 1
        every = moysklad.iter_entities("counterparty", filters=with_archived())
        rows = list(itertools.islice(every, small_account_rows))
        for row in rows:
            candidate = _candidate(row)
            if candidate is not None:
                found.setdefault(candidate.id, candidate)
        if len(rows) < small_account_rows:
            return CandidateSearch(list(found.values()), lookups, False)
    inns: dict[str, None] = {}
    emails: dict[str, None] = {}
    phones: dict[str, None] = {}
    for customer in customers:
        inn = normalize_inn(customer.inn)
        if inn:
            inns.setdefault(inn)
        for spelling in email_spellings(customer.email):
            emails.setdefault(spelling)
        for phone in customer.phones():
            for spelling in phone_spellings(phone):
                phones.setdefault(spelling)
    for field_name, values in (("inn", inns), ("email", emails), ("phone", phones)):
        if not values:
            continue
        lookups += 1
        for row in moysklad.find_by_values("counterparty", field_name, list(values), filters=with_archived()):
            candidate = _candidate(row)
            if candidate is not None:
                found.setdefault(candidate.id, candidate)
    return CandidateSearch(list(found.values()), lookups, True)


# --- deciding ----------------------------------------------------------------------------------------------


class CandidateIndex:
    """Candidates by normalized INN, e-mail and phone, so each customer is matched against its own few."""

    def __init__(self, candidates: Iterable[CounterpartyCandidate]) -> None:
        self._by_key: dict[tuple[str, str], list[CounterpartyCandidate]] = {}
        for candidate in candidates:
            keys: list[tuple[str, str]] = []
            inn = normalize_inn(candidate.inn)
            if inn:
                keys.append(("inn", inn))
            email = normalize_email(candidate.email)
            if email:
                keys.append(("email", email))
            keys += [("phone", p) for p in normalize_phones(candidate.phone)]
            for key in keys:
                self._by_key.setdefault(key, []).append(candidate)

    def match(self, customer: CustomerInfo) -> CounterpartyMatch:
        keys: list[tuple[str, str]] = []
        inn = normalize_inn(customer.inn)
        if inn:
            keys.append(("inn", inn))
        email = normalize_email(customer.email)
        if email:
            keys.append(("email", email))
        keys += [("phone", p) for p in customer.phones()]
        pool: dict[str, CounterpartyCandidate] = {}
        for key in keys:
            for candidate in self._by_key.get(key, ()):
                pool.setdefault(candidate.id, candidate)
        return match_counterparty(customer, pool.values())


def ambiguous_key(customer_key: str) -> str:
    return f"ambiguous_counterparty:customer:{customer_key}"


def decide(
    customer: OrderCustomerInfo,
    *,
    linked_ms_id: str | None,
    index: CandidateIndex,
    resolution: Mapping[str, Any] | None,
) -> CounterpartyDecision:
    """What to do about one customer's counterparty (see the module docstring for the order of rules)."""
    if linked_ms_id:
        return CounterpartyDecision("use", linked_ms_id, "контрагент уже связан с клиентом")
    if resolution:
        action = resolution.get("action")
        if action in ("pick", "link"):
            chosen = text(resolution.get("ms_id")) or text(resolution.get("counterparty_id"))
            if chosen:
                return CounterpartyDecision("use", chosen, "контрагент выбран вручную", link=True, rule="pick")
        elif action == "create":
            return CounterpartyDecision("create", how="создан новый контрагент (по решению пользователя)")
        elif action == "ignore":
            return CounterpartyDecision("skip", how="выгрузка заказов этого клиента отключена пользователем")
    match = index.match(customer.info)
    if match.is_ambiguous:
        return CounterpartyDecision("wait", how=describe(match), candidates=match.ambiguous, rule=match.rule)
    if match.counterparty is not None:
        return CounterpartyDecision("use", match.counterparty.id, describe(match), link=True, rule=match.rule)
    return CounterpartyDecision("create", how=describe(match))
