"""Order statuses: suggest how RetailCRM statuses map to MoySklad states, and check a chosen map.

Everything here is a suggestion a person confirms in the setup wizard; nothing is applied silently. The
rules are deterministic, so the same two lists always give the same suggestion:

1. equal names after normalization (case, ё = е, spaces and punctuation ignored);
2. the same *concept* by synonyms ("Комплектуется" and "Сборка" both mean assembling);
3. the RetailCRM status group's concept (a status in the ``delivery`` group is about shipping);
4. for the ``cancel`` group, the first MoySklad state of type Unsuccessful; for ``complete``, Successful.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from app.messages import Message, msg
from app.sync.process_order import ProcessOrder

StateType = Literal["Regular", "Successful", "Unsuccessful"]
Severity = Literal["error", "warning"]

L = TypeVar("L", bound=Hashable)
R = TypeVar("R", bound=Hashable)


@dataclass(frozen=True, slots=True)
class RcStatus:
    """A RetailCRM order status (``/reference/statuses``)."""

    code: str
    name: str
    group: str | None = None  # new, approval, assembling, delivery, complete, cancel
    active: bool = True
    ordering: int = 0  # inside the group only: real accounts restart it in every group (990: a shop's own)
    group_ordering: int | None = None  # the group's place in the process (None: the default groups' order)


@dataclass(frozen=True, slots=True)
class MsState:
    """A MoySklad customer-order state (``/entity/customerorder/metadata`` → ``states``)."""

    id: str
    name: str
    state_type: StateType = "Regular"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with the status settings, told in words a shop owner acts on."""

    code: str  # stable id for the GUI: "no_export_statuses", "unmapped_export_status", ...
    message: str
    severity: Severity = "error"
    subject: str | None = None  # the RetailCRM status code or MoySklad state id concerned
    msg: Message | None = None  # ``message`` (Russian) as the app/messages sentence "statusmap.<code>"

    def text(self, lang: str = "ru") -> str:
        return self.msg.render(lang) if self.msg is not None else self.message


def _problem(kind: str, severity: Severity, subject: str | None = None, /, **params: Any) -> Problem:
    message = msg(f"statusmap.{kind}", **params)
    return Problem(kind, str(message), severity, subject, msg=message)


# Synonyms per concept, already normalized (see normalize_name). A name means a concept when it equals a
# synonym or starts with one followed by a word ("Отменен клиентом" → cancelled).
_CONCEPTS: dict[str, tuple[str, ...]] = {
    "new": ("новый", "новая", "новое", "new"),
    "confirmed": (
        "подтвержден", "подтверждена", "подтверждено", "согласован", "согласована", "согласовано",
        "согласование", "принят", "принята", "клиент подтвердил", "confirmed", "approved", "approval",
    ),
    "assembling": (
        "комплектуется", "комплектация", "сборка", "собирается", "собран", "собрано", "в сборке",
        "укомплектован", "укомплектовано", "assembling", "packing",
    ),
    "shipped": (
        "отправлен", "отправлено", "отгружен", "отгружено", "отправлен в доставку", "передан в доставку",
        "передано в доставку", "доставляется", "в пути", "в доставке", "shipped", "sent", "delivering",
        "in delivery",
    ),
    "delivered": (
        "доставлен", "доставлено", "выполнен", "выполнено", "завершен", "завершено", "получен", "получено",
        "delivered", "complete", "completed", "done",
    ),
    "cancelled": (
        "отменен", "отменена", "отменено", "отмена", "отказ", "cancel", "cancelled", "canceled",
    ),
    "returned": ("возврат", "возвращен", "возвращено", "return", "returned"),
}  # fmt: skip

# RetailCRM's default status groups, read as a concept when the status name tells nothing.
_GROUP_CONCEPT = {
    "new": "new",
    "approval": "confirmed",
    "assembling": "assembling",
    "delivery": "shipped",
    "complete": "delivered",
    "cancel": "cancelled",
}
_GROUP_STATE_TYPE: dict[str, StateType] = {"cancel": "Unsuccessful", "complete": "Successful"}

# Store and price-type names that mean the same thing in the two services.
_NAME_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("основной склад", "основной", "главный склад", "main", "main store", "main warehouse"),
    ("цена продажи", "base", "основная", "основная цена", "базовая", "базовая цена", "base price"),
)

_NON_WORD = re.compile(r"[\W_]+")


def normalize_name(name: str) -> str:
    """Case, ё/е, punctuation and spacing never matter when comparing names."""
    return _NON_WORD.sub(" ", name.casefold().replace("ё", "е")).strip()


def _build_phrase_index(groups: Mapping[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    # Longest phrase first, so "отправлен в доставку" wins over "отправлен" when both would fit.
    pairs = [(phrase, concept) for concept, phrases in groups.items() for phrase in phrases]
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair[0]))


_CONCEPT_PHRASES = _build_phrase_index(_CONCEPTS)
_NAME_PHRASES = _build_phrase_index({str(i): group for i, group in enumerate(_NAME_SYNONYMS)})


def _concept_in(phrases: list[tuple[str, str]], normalized: str, *, as_prefix: bool) -> str | None:
    for phrase, concept in phrases:
        if normalized == phrase or (as_prefix and normalized.startswith(phrase + " ")):
            return concept
    return None


def status_concept(name: str) -> str | None:
    """The concept a status name stands for ("new", "assembling", "cancelled", ...), or None.

    A status name may add words after the synonym ("Отменен клиентом"), never before it: "Не подтвержден"
    must not read as confirmed.
    """
    return _concept_in(_CONCEPT_PHRASES, normalize_name(name), as_prefix=True)


def _name_synonym_group(name: str) -> str | None:
    # Whole names only: "Основной магазин" is not "Основной склад".
    return _concept_in(_NAME_PHRASES, normalize_name(name), as_prefix=False)


def process_ordered(rc: Sequence[RcStatus]) -> list[RcStatus]:
    """``rc`` in the order process: by group (its ``group_ordering``, else the default groups' order),
    then by ``ordering`` inside the group, then by code (:mod:`app.sync.process_order`)."""
    groups = {s.group: _GroupPlace(s.group, s.group_ordering) for s in rc if s.group and s.group_ordering is not None}
    order = ProcessOrder.build(rc, list(groups.values()))
    return sorted(rc, key=lambda status: order.key(status.code))


@dataclass(frozen=True, slots=True)
class _GroupPlace:
    code: str
    ordering: int
    statuses: tuple[str, ...] = ()



def suggest_status_map(rc: Sequence[RcStatus], ms: Sequence[MsState]) -> dict[str, str | None]:
    """For every RetailCRM status code, the MoySklad state id it most likely means (None if unsure).

    Several RetailCRM statuses may share one MoySklad state. Among equally good MoySklad states the first
    in the account's own order wins.
    """
    by_name: dict[str, str] = {}
    by_concept: dict[str, str] = {}
    by_type: dict[str, str] = {}
    for state in ms:
        by_name.setdefault(normalize_name(state.name), state.id)
        concept = status_concept(state.name)
        if concept is not None:
            by_concept.setdefault(concept, state.id)
        by_type.setdefault(state.state_type, state.id)

    suggestion: dict[str, str | None] = {}
    for status in process_ordered(rc):
        choice = by_name.get(normalize_name(status.name))
        if choice is None:
            concept = status_concept(status.name)
            if concept is not None:
                choice = by_concept.get(concept)
        group = status.group or ""
        if choice is None and group in _GROUP_CONCEPT:
            choice = by_concept.get(_GROUP_CONCEPT[group])
        if choice is None and group in _GROUP_STATE_TYPE:
            choice = by_type.get(_GROUP_STATE_TYPE[group])
        suggestion[status.code] = choice
    return suggestion


def suggest_export_statuses(rc: Sequence[RcStatus]) -> list[str]:
    """Statuses whose orders go to MoySklad by default: every active one outside the ``cancel`` group."""
    return [status.code for status in process_ordered(rc) if status.active and status.group != "cancel"]


def validate_status_map(
    status_map: Mapping[str, str | None],
    rc: Sequence[RcStatus],
    ms: Sequence[MsState],
    export_statuses: Sequence[str],
    shipment_status: str | None = None,
) -> list[Problem]:
    """Everything wrong with the chosen status settings; an empty list means they are fine.

    An empty export list is reported, never read as "all": the user has to choose.
    """
    rc_by_code = {status.code: status for status in rc}
    ms_by_id = {state.id: state for state in ms}
    problems: list[Problem] = []

    def rc_name(code: str) -> str:
        status = rc_by_code.get(code)
        return status.name if status else code

    if not export_statuses:
        problems.append(_problem("no_export_statuses", "warning"))
    for code in export_statuses:
        status = rc_by_code.get(code)
        if status is None:
            problems.append(_problem("unknown_export_status", "warning", code, code=code))
            continue
        if not status.active:
            problems.append(_problem("inactive_export_status", "warning", code, name=status.name))
        state_id = status_map.get(code)
        if not state_id:
            problems.append(_problem("unmapped_export_status", "error", code, name=status.name))
    for code, state_id in sorted(status_map.items()):
        if code not in rc_by_code:
            problems.append(_problem("unknown_rc_status", "warning", code, code=code))
        elif state_id and state_id not in ms_by_id:
            problems.append(_problem("unknown_ms_state", "error", code, name=rc_name(code)))
    if shipment_status is not None:
        if shipment_status not in rc_by_code:
            problems.append(_problem("unknown_shipment_status", "error", shipment_status, code=shipment_status))
        elif export_statuses and shipment_status not in export_statuses:
            problems.append(
                _problem("shipment_status_not_exported", "warning", shipment_status, name=rc_name(shipment_status))
            )
    return problems


def suggest_pairs_by_name(left: Sequence[tuple[L, str]], right: Sequence[tuple[R, str]]) -> dict[L, R | None]:
    """Pair two lists of (id, name) by name, one to one: equal names first, then known synonyms.

    Used for stores and price types ("Основной склад" ↔ "Основной", "Цена продажи" ↔ "Базовая").
    Left items without a partner map to None.
    """
    result: dict[L, R | None] = {left_id: None for left_id, _ in left}
    taken: set[R] = set()

    def first_free(candidates: list[R]) -> R | None:
        return next((right_id for right_id in candidates if right_id not in taken), None)

    right_by_name: dict[str, list[R]] = {}
    right_by_synonym: dict[str, list[R]] = {}
    for right_id, name in right:
        normalized = normalize_name(name)
        right_by_name.setdefault(normalized, []).append(right_id)
        group = _name_synonym_group(name)
        if group is not None:
            right_by_synonym.setdefault(group, []).append(right_id)

    for left_id, name in left:
        match = first_free(right_by_name.get(normalize_name(name), []))
        if match is not None:
            result[left_id] = match
            taken.add(match)
    for left_id, name in left:
        if result[left_id] is not None:
            continue
        group = _name_synonym_group(name)
        match = first_free(right_by_synonym.get(group, [])) if group is not None else None
        if match is not None:
            result[left_id] = match
            taken.add(match)
    # Last: shared significant words ("Склад Москва-Юг" ↔ "Москва-Юг", "Оптовая цена" ↔ "Оптовая"), only
    # when exactly one free partner shares the most words, so an unclear case stays for the person.
    for left_id, name in left:
        if result[left_id] is not None:
            continue
        stems = _word_stems(name)
        scored = [(len(stems & _word_stems(rname)), right_id) for right_id, rname in right if right_id not in taken]
        best = max((score for score, _ in scored), default=0)
        winners = [right_id for score, right_id in scored if score == best]
        if best > 0 and len(winners) == 1:
            result[left_id] = winners[0]
            taken.add(winners[0])
    return result


# Words that name the kind of thing, not which one it is.
_FILLER_WORDS = frozenset({"склад", "склада", "магазин", "цена", "цены", "для", "тип", "price", "store"})


def _word_stems(name: str) -> set[str]:
    words = re.findall(r"\w+", name.casefold().replace("ё", "е"))
    # a crude stem (first five letters) lets "маркетплейсов" meet "маркетплейсы"
    return {w[:5] for w in words if len(w) > 2 and w not in _FILLER_WORDS}
