"""What catalog matching returns: pairs, conflicts, stale links, dropped decisions (the result of
:func:`app.sync.catalog.matching.match_catalog`), and how stored decisions name ids."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from app.messages import Message
from app.sync.catalog.keys import (
    MatchKey,
    MsItem,
    RcOffer,
)
from app.vocab import ConflictKind, ResolutionAction

PairHow = Literal["key", "link", "resolution"]
StaleWhy = Literal["moysklad_gone", "retailcrm_gone", "both_gone", "offer_linked_twice", "replaced"]
Resolution = Mapping[str, Any]

ACTIONS = frozenset(a for a in ResolutionAction if a is not ResolutionAction.GONE)


@dataclass(slots=True)
class Pair:
    """A MoySklad item and the RetailCRM offer it is (or becomes) linked to."""

    ms: MsItem
    rc: RcOffer
    how: PairHow  # "link": stored link; "key": matched now by key; "resolution": a person decided
    key: str | None  # the normalized key the two share (for links: the item's current key, if any)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Something a person has to look at, with both sides' data to compare side by side.

    ``key`` is stable between runs, so the store can remember a decision for it:
    ``duplicate_key:<match key>:<normalized key>``, ``only_in_moysklad:<match key>:<MoySklad id>`` or
    ``only_in_retailcrm:<match key>:<RetailCRM offer id>``. The match key is part of it, so decisions
    made under one key never leak into another (with a RetailCRM field other than the key's usual one it is
    ``<match key>@<field>``, see :attr:`app.sync.catalog.keys.MatchRule.scope`). ``ms_data`` and ``rc_data`` hold
    JSON-safe dicts (prices are strings like ``"1250.00"``; ``linked_rc_id`` / ``linked_ms_id`` show existing links).
    """

    kind: ConflictKind
    key: str
    title: str | Message
    ms_data: list[dict[str, Any]] = field(default_factory=list)
    rc_data: list[dict[str, Any]] = field(default_factory=list)
    reason: Literal["no_key", "key_taken"] | None = None
    resolution: Resolution | None = None  # set on conflicts held by a remembered decision


@dataclass(frozen=True, slots=True)
class StaleLink:
    """A stored link that no longer holds; the caller should delete it."""

    ms_id: str
    rc_id: int
    why: StaleWhy
    title: str | Message


@dataclass(frozen=True, slots=True)
class DroppedResolution:
    """A remembered decision that no longer fits; the caller should forget it."""

    conflict_key: str
    resolution: Resolution
    reason: str | Message


@dataclass(slots=True)
class MatchResult:
    """Everything :func:`match_catalog` found. Notes are short Russian sentences for the plan and log."""

    key: MatchKey
    pairs: list[Pair] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)  # open, with a key (duplicates, only-in)
    no_key: list[Conflict] = field(default_factory=list)  # open only-in conflicts of items without a key
    resolved: list[Conflict] = field(default_factory=list)  # seen this run, held by a remembered decision
    stale_links: list[StaleLink] = field(default_factory=list)
    to_create_in_retailcrm: list[MsItem] = field(default_factory=list)
    to_create_in_moysklad: list[RcOffer] = field(default_factory=list)
    skipped_inactive_ms: list[MsItem] = field(default_factory=list)  # archived, nothing to pair with
    skipped_inactive_rc: list[RcOffer] = field(default_factory=list)  # inactive, nothing to pair with
    applied_resolutions: dict[str, Resolution] = field(default_factory=dict)
    dropped_resolutions: list[DroppedResolution] = field(default_factory=list)
    variant_code_fallbacks: int = 0
    # pairs whose two sides carry the same key under the rule (stored links and decisions counted only then):
    # how well the chosen key and field fit these catalogs
    key_matched: int = 0
    notes: list[str | Message] = field(default_factory=list)

    @property
    def all_open_conflicts(self) -> list[Conflict]:
        return [*self.conflicts, *self.no_key]

    def new_pairs(self) -> list[Pair]:
        """Pairs the caller has to store as links (matched now, not already linked)."""
        return [pair for pair in self.pairs if pair.how != "link"]


def _as_rc_id(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _as_ms_id(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
