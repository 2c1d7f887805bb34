"""Find the MoySklad counterparty for a RetailCRM customer: by INN, then e-mail, then phone.

At each rule exactly one candidate wins. Several candidates stop the search and come back as ambiguous
(the caller records an ``ambiguous_counterparty`` conflict instead of guessing); none moves on to the next
rule; nothing at all means the caller creates a new counterparty. :func:`describe` says which rule
decided, so the log can show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

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


_RULE_WORDS: dict[Rule, str] = {"inn": "по ИНН", "email": "по e-mail", "phone": "по телефону"}


def describe(match: CounterpartyMatch) -> str:
    """The decision in words for the log: "контрагент найден по ИНН", "создан новый контрагент", ..."""
    if match.rule is None:
        return "создан новый контрагент"
    how = _RULE_WORDS[match.rule]
    if match.ambiguous:
        names = ", ".join(f"«{cp.name}»" + (" (в архиве)" if cp.archived else "") for cp in match.ambiguous[:3])
        more = f" и ещё {len(match.ambiguous) - 3}" if len(match.ambiguous) > 3 else ""
        return f"несколько контрагентов подходят {how}: {names}{more}"
    found = match.counterparty
    if found is not None and found.archived:
        return (f"контрагент «{found.name}» найден {how}; он в архиве МойСклад, заказ привязан к нему "
                "(верните контрагента из архива, если работаете с этим клиентом снова)")
    return f"контрагент найден {how}"


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
