"""The counterparty of each RetailCRM customer in MoySklad: the rules, the batched search, the decision.

Rules (one job, one place): by INN, then e-mail, then phone. At each rule exactly one candidate wins.
Several candidates stop the search and come back as ambiguous (the caller records an
``ambiguous_counterparty`` conflict instead of guessing); none moves on to the next rule; nothing at all
means a new counterparty is created. :func:`describe` says which rule decided, so the log can show it.

Candidates for *many* customers are gathered at once and each match becomes a decision:

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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from app.clients.moysklad_filter import with_archived
from app.clients.parsing import as_list, as_map, text
from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.sync.conflict_key import ConflictKey
from app.sync.orders.mapping import customer_display_name
from app.sync.orders.words import joined
from app.sync.ports import MoySkladPort
from app.vocab import ConflictKind

Rule = Literal["inn", "email", "phone"]

_NON_DIGIT = re.compile(r"\D+")
# "+7 912 345-67-89 доб. 123": the extension is not part of the number.
_EXTENSION = re.compile(r"\b(доб|ext|вн)\.?.*$", re.IGNORECASE)
# MoySklad keeps phones in one free-text field; people list several numbers there.
_PHONE_SEPARATORS = re.compile(r"[,;/\n]+")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(value: str | None) -> str | None:
    """Digits only; Russian numbers become 11 digits starting with 7; fewer than 7 digits → None.

    "+7 (912) 345-67-89", "8 912 345 67 89" and "9123456789" all give "79123456789".
    """
    if not value:
        return None
    digits = _NON_DIGIT.sub("", _EXTENSION.sub("", value))
    if len(digits) == 11 and digits[0] == "8":
        digits = "7" + digits[1:]
    elif len(digits) == 10 and digits[0] == "9":
        digits = "7" + digits
    return digits if len(digits) >= 7 else None


def normalize_phones(value: str | None) -> tuple[str, ...]:
    """All numbers in a free-text phone field ("8 912 345-67-89, 8 913 000-00-00"), normalized."""
    if not value:
        return ()
    found: dict[str, None] = {}
    for part in _PHONE_SEPARATORS.split(value):
        phone = normalize_phone(part)
        if phone is not None:
            found.setdefault(phone)
    return tuple(found)


def normalize_email(value: str | None) -> str | None:
    """Trimmed and lower-case; None unless it looks like an address (something@domain.tld)."""
    if not value:
        return None
    email = value.strip().casefold()
    if email.startswith("mailto:"):
        email = email[len("mailto:") :]
    return email if _EMAIL.match(email) else None


def normalize_inn(value: str | None) -> str | None:
    """Digits only; an INN has 10 digits (organisation) or 12 (person, sole trader), anything else → None."""
    if not value:
        return None
    digits = _NON_DIGIT.sub("", value)
    return digits if len(digits) in (10, 12) else None


@dataclass(frozen=True, slots=True)
class CustomerInfo:
    """What a RetailCRM customer (or an order's customer block) tells about who they are."""

    name: str
    inn: str | None = None
    email: str | None = None
    phone: str | None = None
    extra_phones: tuple[str, ...] = ()  # RetailCRM customers may have several phones
    rc_customer_id: int | None = None

    def phones(self) -> tuple[str, ...]:
        found: dict[str, None] = {}
        for raw in (self.phone, *self.extra_phones):
            for phone in normalize_phones(raw):
                found.setdefault(phone)
        return tuple(found)


@dataclass(frozen=True, slots=True)
class CounterpartyCandidate:
    """A MoySklad counterparty that might be this customer."""

    id: str
    name: str
    inn: str | None = None
    email: str | None = None
    phone: str | None = None
    archived: bool = False  # in MoySklad's archive: still the same customer, so still a match


@dataclass(frozen=True, slots=True)
class CounterpartyMatch:
    rule: Rule | None  # the rule that decided; None when nothing matched (create a new counterparty)
    counterparty: CounterpartyCandidate | None = None
    ambiguous: tuple[CounterpartyCandidate, ...] = ()

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.ambiguous)


def match_counterparty(customer: CustomerInfo, candidates: Iterable[CounterpartyCandidate]) -> CounterpartyMatch:
    """Pick the counterparty for ``customer``: INN first, then e-mail, then phone.

    A candidate whose INN differs from the customer's (both known) is a different legal entity, so it
    never wins by e-mail or phone: a shared office e-mail must not merge two companies.
    """
    pool = list(candidates)
    inn = normalize_inn(customer.inn)
    if inn is not None:
        by_inn = [cp for cp in pool if normalize_inn(cp.inn) == inn]
        if by_inn:
            return _decide("inn", by_inn)
        pool = [cp for cp in pool if normalize_inn(cp.inn) is None]
    email = normalize_email(customer.email)
    if email is not None:
        by_email = [cp for cp in pool if normalize_email(cp.email) == email]
        if by_email:
            return _decide("email", by_email)
    phones = set(customer.phones())
    if phones:
        by_phone = [cp for cp in pool if phones.intersection(normalize_phones(cp.phone))]
        if by_phone:
            return _decide("phone", by_phone)
    return CounterpartyMatch(rule=None)


def _decide(rule: Rule, found: list[CounterpartyCandidate]) -> CounterpartyMatch:
    if len(found) == 1:
        return CounterpartyMatch(rule=rule, counterparty=found[0])
    # Several, but only one not archived: a shop archives the old copy of a customer it merged or replaced,
    # so the one in use is the one (and the one chosen before archived counterparties were looked at at all).
    active = [cp for cp in found if not cp.archived]
    if len(active) == 1:
        return CounterpartyMatch(rule=rule, counterparty=active[0])
    return CounterpartyMatch(rule=rule, ambiguous=tuple(found))


_RULE_WORDS: dict[Rule, str] = {"inn": "orders.cp_rule_inn", "email": "orders.cp_rule_email",
                                "phone": "orders.cp_rule_phone"}


def describe(match: CounterpartyMatch) -> Message:
    """The decision in words for the log: "контрагент найден по ИНН", "создан новый контрагент", ..."""
    if match.rule is None:
        return msg("orders.cp_new")
    how = msg(_RULE_WORDS[match.rule])
    if match.ambiguous:
        names = [msg("orders.cp_candidate_archived" if cp.archived else "orders.cp_candidate", name=cp.name)
                 for cp in match.ambiguous[:3]]
        more = msg("orders.and_more", count=len(match.ambiguous) - 3) if len(match.ambiguous) > 3 else ""
        return msg("orders.cp_ambiguous", how=how, names=joined(names), more=more)
    found = match.counterparty
    if found is not None and found.archived:
        return msg("orders.cp_found_archived", name=found.name, how=how)
    return msg("orders.cp_found", how=how)


def lookup_values(customers: Sequence[CustomerInfo]) -> tuple[list[str], list[str], list[str]]:
    """Normalized INNs, e-mails and phones of ``customers`` (sorted, no repeats).

    The caller fetches candidates with a few OR-filter requests on these values instead of one request per
    customer.
    """
    inns: set[str] = set()
    emails: set[str] = set()
    phones: set[str] = set()
    for customer in customers:
        inn = normalize_inn(customer.inn)
        if inn is not None:
            inns.add(inn)
        email = normalize_email(customer.email)
        if email is not None:
            emails.add(email)
        phones.update(customer.phones())
    return sorted(inns), sorted(emails), sorted(phones)


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
    how: Message | str = ""  # for the log: «контрагент найден по ИНН», «создан новый контрагент», …
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
    moysklad: MoySkladPort,
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


def ambiguous_conflict(customer_key: str) -> ConflictKey:
    """The key of the conflict "several counterparties fit this customer"."""
    return ConflictKey.of(ConflictKind.AMBIGUOUS_COUNTERPARTY, "customer", customer_key)


def ambiguous_key(customer_key: str) -> str:
    """:func:`ambiguous_conflict` as stored (``ambiguous_counterparty:customer:<key>``)."""
    return str(ambiguous_conflict(customer_key))


def decide(
    customer: OrderCustomerInfo,
    *,
    linked_ms_id: str | None,
    index: CandidateIndex,
    resolution: Mapping[str, Any] | None,
) -> CounterpartyDecision:
    """What to do about one customer's counterparty (see the module docstring for the order of rules)."""
    if linked_ms_id:
        return CounterpartyDecision("use", linked_ms_id, msg("orders.cp_linked"))
    if resolution:
        action = resolution.get("action")
        if action in ("pick", "link"):
            chosen = text(resolution.get("ms_id")) or text(resolution.get("counterparty_id"))
            if chosen:
                return CounterpartyDecision("use", chosen, msg("orders.cp_picked"), link=True,
                                            rule="pick")
        elif action == "create":
            return CounterpartyDecision("create", how=msg("orders.cp_new_by_user"))
        elif action == "ignore":
            return CounterpartyDecision("skip", how=msg("orders.cp_skip_by_user"))
    match = index.match(customer.info)
    if match.is_ambiguous:
        return CounterpartyDecision("wait", how=describe(match), candidates=match.ambiguous, rule=match.rule)
    if match.counterparty is not None:
        return CounterpartyDecision("use", match.counterparty.id, describe(match), link=True, rule=match.rule)
    return CounterpartyDecision("create", how=describe(match))
