"""Pair MoySklad items with RetailCRM offers, and explain everything that could not be paired.

The rules, in order (a shop owner sees each outcome, nothing is guessed):

1. A person's remembered decision that names ids (``link`` or ``pick``) pairs those two items first. It
   replaces a stored link that disagrees with it; the replaced link is reported so the caller can drop it.
2. Stored links pair by id, so renaming an article never breaks a link. A link whose item or offer is gone
   is reported as stale.
3. Everything is grouped by the normalized match key (linked items too, so a *new* product that reuses the
   article of a linked one is caught as a duplicate instead of being created twice). A group with exactly one
   item on each side, both unlinked, becomes a new pair. Two or more on either side is a ``duplicate_key``
   conflict. One item alone is ``only_in_moysklad`` / ``only_in_retailcrm``; items without any key are such
   conflicts too, listed apart in :attr:`MatchResult.no_key`.
4. Remembered decisions silence the conflicts they answer: ``pick`` (or ``link``) on a duplicate keeps the
   chosen pair and leaves the others unlinked, ``ignore`` silences, ``create`` schedules the item for creation
   on the other side. A decision that no longer fits is dropped with a note, and its conflict is shown again.

Archived MoySklad items and inactive RetailCRM offers keep their links and may pair by key, but alone they
are not a conflict (nobody wants an archived product created in RetailCRM); they are listed in
:attr:`MatchResult.skipped_inactive_ms` / :attr:`MatchResult.skipped_inactive_rc`.

Grouping is dictionary work, linear in the number of items: 100,000 per side take about a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Literal

from app.money import rub
from app.sync.keys import (
    MatchKey,
    MatchRule,
    MsItem,
    RcOffer,
    missing_key_reason_ms,
    missing_key_reason_rc,
    ms_key_texts,
)
from app.sync.text import shorten

ConflictKind = Literal["duplicate_key", "only_in_moysklad", "only_in_retailcrm"]
PairHow = Literal["key", "link", "resolution"]
StaleWhy = Literal["moysklad_gone", "retailcrm_gone", "both_gone", "offer_linked_twice", "replaced"]
Resolution = Mapping[str, Any]

ACTIONS = frozenset({"pick", "link", "ignore", "create"})


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
    ``<match key>@<field>``, see :attr:`app.sync.keys.MatchRule.scope`). ``ms_data`` and ``rc_data`` hold
    JSON-safe dicts (prices are strings like ``"1250.00"``; ``linked_rc_id`` / ``linked_ms_id`` show existing links).
    """

    kind: ConflictKind
    key: str
    title: str
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
    title: str


@dataclass(frozen=True, slots=True)
class DroppedResolution:
    """A remembered decision that no longer fits; the caller should forget it."""

    conflict_key: str
    resolution: Resolution
    reason: str


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
    notes: list[str] = field(default_factory=list)

    @property
    def all_open_conflicts(self) -> list[Conflict]:
        return [*self.conflicts, *self.no_key]

    def new_pairs(self) -> list[Pair]:
        """Pairs the caller has to store as links (matched now, not already linked)."""
        return [pair for pair in self.pairs if pair.how != "link"]


def match_catalog(
    ms_items: Iterable[MsItem],
    rc_offers: Iterable[RcOffer],
    key: MatchKey | str = MatchKey.ARTICLE,
    links: Mapping[str, int | str] | None = None,
    resolutions: Mapping[str, Resolution] | None = None,
    rc_field: str | None = None,
) -> MatchResult:
    """Match the two catalogs; see the module docstring for the rules. ``rc_field``: the RetailCRM offer
    field the key is compared with (:data:`app.sync.keys.RC_FIELDS` or ``property:<code>``; None: the key's
    usual field)."""
    rule = MatchRule.of(key, rc_field)
    return _Matcher(ms_items, rc_offers, rule, links or {}, resolutions or {}).run()


# --------------------------------------------------------------------------------------------------------


def _plural_genitive(n: int, one: str, many: str) -> str:
    """Russian genitive after a number ("у 1 товара", "у 2 товаров", "у 21 товара")."""
    return one if n % 10 == 1 and n % 100 != 11 else many


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(rub(value))


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


@dataclass(slots=True)
class _Group:
    root: str  # a normalized key of the group (for barcodes: one of several joined keys)
    ms: list[MsItem] = field(default_factory=list)
    rc: list[RcOffer] = field(default_factory=list)


class _Matcher:
    def __init__(
        self,
        ms_items: Iterable[MsItem],
        rc_offers: Iterable[RcOffer],
        rule: MatchRule,
        links: Mapping[str, int | str],
        resolutions: Mapping[str, Resolution],
    ) -> None:
        self.rule = rule
        self.key = rule.key
        self.rc_text = rule.rc_text
        self.ms_by_id: dict[str, MsItem] = {}
        for item in ms_items:
            self.ms_by_id.setdefault(item.id, item)
        self.rc_by_id: dict[int, RcOffer] = {}
        for offer in rc_offers:
            self.rc_by_id.setdefault(offer.id, offer)
        self.links = links
        self.result = MatchResult(key=rule.key)
        self.ms_partner: dict[str, int] = {}
        self.rc_partner: dict[int, str] = {}
        self.pair_how: dict[str, PairHow] = {}
        self.ms_texts: dict[str, tuple[str, ...]] = {}  # cleaned keys per MoySklad item id
        # Decisions not yet used, by conflict key; applied "link"/"pick" decisions are kept in
        # self.id_decisions so a duplicate they answer can be recognised later.
        self.pending: dict[str, Resolution] = {}
        self.id_decisions: dict[str, Resolution] = {}
        for conflict_key in sorted(resolutions):
            resolution = resolutions[conflict_key]
            action = resolution.get("action") if isinstance(resolution, Mapping) else None
            if action not in ACTIONS:
                self._drop(conflict_key, resolution, "неизвестное решение")
                continue
            self.pending[conflict_key] = resolution

    # -- the steps --------------------------------------------------------------------------------------

    def run(self) -> MatchResult:
        self._apply_id_decisions()
        self._apply_stored_links()
        groups, keyless_ms, keyless_rc = self._group_by_key()
        for group in groups:
            self._settle_group(group)
        for item in keyless_ms:
            self._settle_single_ms(item, reason="no_key", mate=None)
        for offer in keyless_rc:
            self._settle_single_rc(offer, reason="no_key", mate=None)
        self._finish()
        return self.result

    def _apply_id_decisions(self) -> None:
        for conflict_key, resolution in list(self.pending.items()):
            if resolution.get("action") not in ("link", "pick"):
                continue
            ms_id = _as_ms_id(resolution.get("ms_id"))
            rc_id = _as_rc_id(resolution.get("rc_id"))
            if resolution.get("action") == "pick" and (ms_id is None or rc_id is None):
                continue  # a pick of one side only: settled when its duplicate group is seen
            if ms_id is None or rc_id is None:
                del self.pending[conflict_key]
                self._drop(conflict_key, resolution, "в решении не указаны товар и предложение")
                continue
            if ms_id not in self.ms_by_id or rc_id not in self.rc_by_id:
                del self.pending[conflict_key]
                self._drop(conflict_key, resolution, "товар или предложение из решения больше не существуют")
                continue
            if ms_id in self.ms_partner or rc_id in self.rc_partner:
                if self.ms_partner.get(ms_id) == rc_id:  # two decisions saying the same thing
                    del self.pending[conflict_key]
                    self.id_decisions[conflict_key] = resolution
                    self.result.applied_resolutions[conflict_key] = resolution
                    continue
                del self.pending[conflict_key]
                self._drop(conflict_key, resolution, "товар или предложение уже связаны по другому решению")
                continue
            del self.pending[conflict_key]
            self._link(ms_id, rc_id, "resolution")
            self.id_decisions[conflict_key] = resolution
            self.result.applied_resolutions[conflict_key] = resolution

    def _apply_stored_links(self) -> None:
        # Sorted so that "which of two links to one offer survives" never depends on dict order.
        stale = self.result.stale_links
        for ms_id_raw, rc_id_raw in sorted(self.links.items(), key=lambda kv: str(kv[0])):
            ms_id = str(ms_id_raw)
            rc_id = _as_rc_id(rc_id_raw)
            if rc_id is None:
                continue
            ms_here = ms_id in self.ms_by_id
            rc_here = rc_id in self.rc_by_id
            if not ms_here or not rc_here:
                why: StaleWhy = (
                    "both_gone" if not ms_here and not rc_here else "moysklad_gone" if not ms_here else "retailcrm_gone"
                )
                stale.append(StaleLink(ms_id, rc_id, why, self._stale_title(ms_id, rc_id, why)))
                continue
            if self.ms_partner.get(ms_id) == rc_id:
                continue  # a decision already made this very pair
            rc_owner = self.rc_partner.get(rc_id)
            decided = self.pair_how.get(ms_id) == "resolution" or (
                rc_owner is not None and self.pair_how.get(rc_owner) == "resolution"
            )
            if decided:
                stale.append(StaleLink(ms_id, rc_id, "replaced", self._stale_title(ms_id, rc_id, "replaced")))
                continue
            if ms_id in self.ms_partner or rc_id in self.rc_partner:
                stale.append(
                    StaleLink(
                        ms_id,
                        rc_id,
                        "offer_linked_twice",
                        self._stale_title(ms_id, rc_id, "offer_linked_twice"),
                    )
                )
                continue
            self._link(ms_id, rc_id, "link")

    def _group_by_key(self) -> tuple[list[_Group], list[MsItem], list[RcOffer]]:
        """Group both sides by normalized key; barcodes can join several keys into one group."""
        key = self.key
        ms_texts = self.ms_texts
        keyless_ms: list[MsItem] = []
        keyless_rc: list[RcOffer] = []
        groups: dict[str, _Group] = {}
        fallbacks = 0
        if key is MatchKey.BARCODE:
            return self._group_by_barcode()
        # One key per item: the group *is* the key, no union-find needed (the fast, common path).
        for item in self.ms_by_id.values():
            texts, fallback = ms_key_texts(item, key)
            fallbacks += fallback
            ms_texts[item.id] = texts
            if not texts:
                if item.id not in self.ms_partner:
                    keyless_ms.append(item)
                continue
            norm = texts[0].casefold()
            group = groups.get(norm)
            if group is None:
                group = groups[norm] = _Group(norm)
            group.ms.append(item)
        rc_text = self.rc_text
        for offer in self.rc_by_id.values():
            text = rc_text(offer)
            if text is None:
                if offer.id not in self.rc_partner:
                    keyless_rc.append(offer)
                continue
            norm = text.casefold()
            group = groups.get(norm)
            if group is None:
                group = groups[norm] = _Group(norm)
            group.rc.append(offer)
        self.result.variant_code_fallbacks = fallbacks
        return list(groups.values()), keyless_ms, keyless_rc

    def _group_by_barcode(self) -> tuple[list[_Group], list[MsItem], list[RcOffer]]:
        """Like :meth:`_group_by_key`, but an item with several barcodes joins their groups (union-find)."""
        parent: dict[str, str] = {}

        def find(norm: str) -> str:
            root = norm
            while parent[root] != root:
                root = parent[root]
            while parent[norm] != root:  # path compression keeps later lookups O(1)
                parent[norm], norm = root, parent[norm]
            return root

        keyless_ms: list[MsItem] = []
        keyless_rc: list[RcOffer] = []
        ms_first: list[tuple[MsItem, str]] = []
        rc_first: list[tuple[RcOffer, str]] = []
        for item in self.ms_by_id.values():
            texts, _ = ms_key_texts(item, MatchKey.BARCODE)
            self.ms_texts[item.id] = texts
            if not texts:
                if item.id not in self.ms_partner:
                    keyless_ms.append(item)
                continue
            norms = [text.casefold() for text in texts]
            for norm in norms:
                parent.setdefault(norm, norm)
            first_root = find(norms[0])
            for norm in norms[1:]:
                other = find(norm)
                if other != first_root:
                    parent[other] = first_root
            ms_first.append((item, norms[0]))
        for offer in self.rc_by_id.values():
            text = self.rc_text(offer)
            if text is None:
                if offer.id not in self.rc_partner:
                    keyless_rc.append(offer)
                continue
            norm = text.casefold()
            parent.setdefault(norm, norm)
            rc_first.append((offer, norm))

        groups: dict[str, _Group] = {}
        for item, norm in ms_first:
            root = find(norm)
            group = groups.get(root)
            if group is None:
                group = groups[root] = _Group(root)
            group.ms.append(item)
        for offer, norm in rc_first:
            root = find(norm)
            group = groups.get(root)
            if group is None:
                group = groups[root] = _Group(root)
            group.rc.append(offer)
        return list(groups.values()), keyless_ms, keyless_rc

    def _settle_group(self, group: _Group) -> None:
        ms_partner, rc_partner = self.ms_partner, self.rc_partner
        free_ms = [item for item in group.ms if item.id not in ms_partner]
        free_rc = [offer for offer in group.rc if offer.id not in rc_partner]
        if not free_ms and not free_rc:
            return
        if len(group.ms) <= 1 and len(group.rc) <= 1:
            if free_ms and free_rc:
                self._link(free_ms[0].id, free_rc[0].id, "key")
            elif free_ms:
                self._settle_single_ms(
                    free_ms[0],
                    reason="key_taken" if group.rc else None,
                    mate=group.rc[0] if group.rc else None,
                )
            else:
                self._settle_single_rc(
                    free_rc[0],
                    reason="key_taken" if group.ms else None,
                    mate=group.ms[0] if group.ms else None,
                )
            return
        self._settle_duplicate(group)

    def _settle_duplicate(self, group: _Group) -> None:
        norm, text = self._group_key(group)
        conflict = self._duplicate_conflict(group, norm, text)
        decision = self.pending.pop(conflict.key, None)
        already_applied = False
        if decision is None:
            decision = self.id_decisions.get(conflict.key)
            already_applied = decision is not None
        if decision is None:
            self.result.conflicts.append(conflict)
            return
        action = decision.get("action")
        if action == "ignore":
            self._hold(conflict, decision)
            return
        if action in ("pick", "link"):
            chosen = self._chosen_in_group(group, decision)
            if chosen is not None:
                self._hold(conflict, decision)
                chosen_ms, chosen_rc = chosen
                # A pick of one side (the other side has none): that item is now alone, and whether
                # to create it on the other side is a separate question with its own conflict.
                if chosen_ms is not None and chosen_rc is None and chosen_ms.id not in self.ms_partner:
                    self._settle_single_ms(chosen_ms, reason=None, mate=None)
                if chosen_rc is not None and chosen_ms is None and chosen_rc.id not in self.rc_partner:
                    self._settle_single_rc(chosen_rc, reason=None, mate=None)
                return
            if already_applied:
                # The decision did its job (its pair is linked); these duplicates are a new situation
                # that happens to share the key, so they are shown without forgetting anything.
                self.result.conflicts.append(conflict)
                return
            reason = "выбранные товар и предложение больше не делят этот ключ или уже связаны иначе"
        else:
            reason = "создать можно только товар, которого нет на другой стороне"
        self._drop(conflict.key, decision, reason)
        self.result.conflicts.append(conflict)

    def _chosen_in_group(self, group: _Group, decision: Resolution) -> tuple[MsItem | None, RcOffer | None] | None:
        """The chosen pair if the decision still fits this group, else None."""
        ms_id = _as_ms_id(decision.get("ms_id"))
        rc_id = _as_rc_id(decision.get("rc_id"))
        chosen_ms = next((item for item in group.ms if item.id == ms_id), None)
        chosen_rc = next((offer for offer in group.rc if offer.id == rc_id), None)
        if chosen_ms is None and chosen_rc is None:
            return None
        if (chosen_ms is None and (ms_id is not None or group.ms)) or (
            chosen_rc is None and (rc_id is not None or group.rc)
        ):
            return None
        if chosen_ms is not None and chosen_rc is not None and self.ms_partner.get(chosen_ms.id) != chosen_rc.id:
            return None
        if chosen_ms is not None and chosen_rc is None and chosen_ms.id in self.ms_partner:
            return None
        if chosen_rc is not None and chosen_ms is None and chosen_rc.id in self.rc_partner:
            return None
        return chosen_ms, chosen_rc

    def _settle_single_ms(
        self, item: MsItem, reason: Literal["no_key", "key_taken"] | None, mate: RcOffer | None
    ) -> None:
        if item.archived:
            self.result.skipped_inactive_ms.append(item)
            return
        conflict = self._only_in_ms_conflict(item, reason, mate)
        if self._settle_single(conflict):
            self.result.to_create_in_retailcrm.append(item)

    def _settle_single_rc(
        self, offer: RcOffer, reason: Literal["no_key", "key_taken"] | None, mate: MsItem | None
    ) -> None:
        if not offer.active:
            self.result.skipped_inactive_rc.append(offer)
            return
        conflict = self._only_in_rc_conflict(offer, reason, mate)
        if self._settle_single(conflict):
            self.result.to_create_in_moysklad.append(offer)

    def _settle_single(self, conflict: Conflict) -> bool:
        """Record an only-in conflict; True when a remembered decision says to create the item."""
        decision = self.pending.pop(conflict.key, None)
        if decision is not None:
            action = decision.get("action")
            if action in ("ignore", "create"):
                self._hold(conflict, decision)
                return action == "create"
            self._drop(conflict.key, decision, "для товара без пары подходит только «создать» или «пропустить»")
        (self.result.no_key if conflict.reason == "no_key" else self.result.conflicts).append(conflict)
        return False

    def _finish(self) -> None:
        result = self.result
        for conflict_key, decision in sorted(self.pending.items()):
            self._drop(conflict_key, decision, "конфликта больше нет")
        self.pending.clear()
        how = self.pair_how
        ms_by_id, rc_by_id = self.ms_by_id, self.rc_by_id
        partner = self.ms_partner
        rc_text = self.rc_text
        key_matched = 0
        for ms_id, item in ms_by_id.items():  # in the caller's order, so output order is predictable
            rc_id = partner.get(ms_id)
            if rc_id is not None:
                texts = self.ms_texts.get(ms_id, ())
                norm = texts[0].casefold() if texts else None
                offer = rc_by_id[rc_id]
                result.pairs.append(Pair(item, offer, how[ms_id], norm))
                if how[ms_id] == "key":
                    key_matched += 1
                elif texts:
                    offer_text = rc_text(offer)
                    if offer_text is not None and offer_text.casefold() in {t.casefold() for t in texts}:
                        key_matched += 1
        result.key_matched = key_matched
        if result.variant_code_fallbacks and self.key is MatchKey.ARTICLE:
            n = result.variant_code_fallbacks
            word = _plural_genitive(n, "модификации", "модификаций")
            result.notes.append(f"для {n} {word} использован код вместо артикула (у модификаций МойСклад нет артикула)")
        if result.stale_links:
            n = len(result.stale_links)
            result.notes.append(f"связей, которые больше не действуют: {n}; они будут удалены")
        skipped = len(result.skipped_inactive_ms) + len(result.skipped_inactive_rc)
        if skipped:
            result.notes.append(
                f"без пары оставлены архивные товары МойСклад ({len(result.skipped_inactive_ms)}) и "
                f"неактивные предложения RetailCRM ({len(result.skipped_inactive_rc)}): их не создаём"
            )

    # -- helpers ----------------------------------------------------------------------------------------

    def _link(self, ms_id: str, rc_id: int, how: PairHow) -> None:
        self.ms_partner[ms_id] = rc_id
        self.rc_partner[rc_id] = ms_id
        self.pair_how[ms_id] = how

    def _hold(self, conflict: Conflict, decision: Resolution) -> None:
        self.result.resolved.append(replace(conflict, resolution=decision))
        self.result.applied_resolutions[conflict.key] = decision

    def _drop(self, conflict_key: str, decision: Any, reason: str) -> None:
        kept = decision if isinstance(decision, Mapping) else {"action": decision}
        self.result.dropped_resolutions.append(DroppedResolution(conflict_key, kept, reason))
        subject = self._describe_conflict_key(conflict_key)
        self.result.notes.append(f"прежнее решение ({subject}) больше не подходит: {reason}")

    def _describe_conflict_key(self, conflict_key: str) -> str:
        """A conflict key in words ("товар «Футболка»", "артикул «abc-1»"), for notes a person reads."""
        kind, _, rest = conflict_key.partition(":")
        match_key, _, tail = rest.partition(":")
        if kind == "only_in_moysklad":
            item = self.ms_by_id.get(tail)
            return f"товар «{shorten(item.name)}»" if item else "товар, которого больше нет в МойСклад"
        if kind == "only_in_retailcrm":
            offer = self.rc_by_id.get(_as_rc_id(tail) or -1)
            return f"предложение «{shorten(offer.name)}»" if offer else "предложение, которого больше нет в RetailCRM"
        match_key = match_key.split("@", 1)[0]  # "<key>@<field>" when the key meets another field
        if kind == "duplicate_key" and match_key in {key.value for key in MatchKey}:
            return f"{MatchKey(match_key).label.lower()} «{tail}»"
        return conflict_key

    def _group_key(self, group: _Group) -> tuple[str, str]:
        """The key a duplicate is named by, normalized and as typed.

        With one key per item that is simply the group's key. With barcodes it is the smallest key that
        causes the duplicate (carried by two items of one side), else the smallest shared one, so an
        unrelated extra barcode never renames the conflict.
        """
        texts_by_norm: dict[str, list[str]] = {}
        ms_count: dict[str, int] = {}
        rc_count: dict[str, int] = {}
        for item in group.ms:
            for text in self.ms_texts[item.id]:
                norm = text.casefold()
                texts_by_norm.setdefault(norm, []).append(text)
                ms_count[norm] = ms_count.get(norm, 0) + 1
        for offer in group.rc:
            offer_text = self.rc_text(offer)
            if offer_text is not None:
                norm = offer_text.casefold()
                texts_by_norm.setdefault(norm, []).append(offer_text)
                rc_count[norm] = rc_count.get(norm, 0) + 1
        if self.key is MatchKey.BARCODE:
            duplicated = [n for n in texts_by_norm if ms_count.get(n, 0) > 1 or rc_count.get(n, 0) > 1]
            shared = [n for n, texts in texts_by_norm.items() if len(texts) > 1]
            norm = min(duplicated or shared or texts_by_norm)
        else:
            norm = group.root
        return norm, min(texts_by_norm.get(norm, [norm]))

    def _duplicate_conflict(self, group: _Group, norm: str, raw: str) -> Conflict:
        label = self.key.label
        n_ms, n_rc = len(group.ms), len(group.rc)
        goods = _plural_genitive(n_ms, "товара", "товаров")
        if n_ms and n_rc:
            where = f"есть у {n_ms} {goods} в МойСклад и {n_rc} в RetailCRM"
        elif n_ms:
            where = f"есть у {n_ms} {goods} в МойСклад и ни у одного в RetailCRM"
        else:
            where = (
                f"есть у {n_rc} {_plural_genitive(n_rc, 'предложения', 'предложений')} в RetailCRM "
                "и ни у одного товара в МойСклад"
            )
        return Conflict(
            kind="duplicate_key",
            key=f"duplicate_key:{self.rule.scope}:{norm}",
            title=f"{label} «{raw}» {where}",
            ms_data=[self._ms_data(item) for item in group.ms],
            rc_data=[self._rc_data(offer) for offer in group.rc],
        )

    def _only_in_ms_conflict(
        self, item: MsItem, reason: Literal["no_key", "key_taken"] | None, mate: RcOffer | None
    ) -> Conflict:
        noun = "Модификация" if item.type == "variant" else "Товар"
        keys = self.ms_texts.get(item.id, ())
        if reason == "no_key":
            title = f"{noun} «{shorten(item.name)}» есть только в МойСклад: {missing_key_reason_ms(item, self.key)}"
        else:
            title = f"{noun} «{shorten(item.name)}» ({self._key_phrase(keys)}) есть только в МойСклад"
            if reason == "key_taken" and mate is not None:
                title += f"; предложение RetailCRM «{shorten(mate.name)}» с этим ключом уже связано с другим товаром"
        return Conflict(
            kind="only_in_moysklad",
            key=f"only_in_moysklad:{self.rule.scope}:{item.id}",
            title=title,
            ms_data=[self._ms_data(item)],
            rc_data=[self._rc_data(mate)] if mate is not None else [],
            reason=reason,
        )

    def _only_in_rc_conflict(
        self, offer: RcOffer, reason: Literal["no_key", "key_taken"] | None, mate: MsItem | None
    ) -> Conflict:
        if reason == "no_key":
            reason_text = missing_key_reason_rc(self.key, self.rule.rc_field)
            title = f"Предложение «{shorten(offer.name)}» есть только в RetailCRM: {reason_text}"
        else:
            text = self.rc_text(offer)
            phrase = self._key_phrase((text,) if text else ())
            title = f"Предложение «{shorten(offer.name)}» ({phrase}) есть только в RetailCRM"
            if reason == "key_taken" and mate is not None:
                title += f"; товар МойСклад «{shorten(mate.name)}» с этим ключом уже связан с другим предложением"
        return Conflict(
            kind="only_in_retailcrm",
            key=f"only_in_retailcrm:{self.rule.scope}:{offer.id}",
            title=title,
            ms_data=[self._ms_data(mate)] if mate is not None else [],
            rc_data=[self._rc_data(offer)],
            reason=reason,
        )

    def _key_phrase(self, texts: tuple[str, ...]) -> str:
        label = self.key.label.lower()
        shown = ", ".join(f"«{text}»" for text in texts[:3])
        if len(texts) > 3:
            shown += ", …"
        return f"{label} {shown}"

    def _ms_data(self, item: MsItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "type": item.type,
            "name": item.name,
            "article": item.article,
            "code": item.code,
            "external_code": item.external_code,
            "barcodes": list(item.barcodes),
            "product_id": item.product_id,
            "characteristics": [{"name": name, "value": value} for name, value in item.characteristics],
            "sale_prices": [
                {"price_type": name or "", "value": _money(value)} for _, name, value in item.sale_prices
            ],
            "buy_price": _money(item.buy_price),
            "archived": item.archived,
            "linked_rc_id": self.ms_partner.get(item.id),
        }

    def _rc_data(self, offer: RcOffer) -> dict[str, Any]:
        return {
            "id": offer.id,
            "product_id": offer.product_id,
            "name": offer.name,
            "article": offer.article,
            "external_id": offer.external_id,
            "xml_id": offer.xml_id,
            "barcode": offer.barcode,
            "site": offer.site,
            "active": offer.active,
            "linked_ms_id": self.rc_partner.get(offer.id),
        }

    def _stale_title(self, ms_id: str, rc_id: int, why: StaleWhy) -> str:
        ms = self.ms_by_id.get(ms_id)
        rc = self.rc_by_id.get(rc_id)
        ms_name = f"товар «{shorten(ms.name)}»" if ms else f"товар МойСклад {ms_id}"
        rc_name = f"предложение «{shorten(rc.name)}»" if rc else f"предложение RetailCRM {rc_id}"
        if why == "moysklad_gone":
            return f"Связь больше не действует: {ms_name} удалён в МойСклад ({rc_name} осталось без пары)"
        if why == "retailcrm_gone":
            return f"Связь больше не действует: {rc_name} удалено в RetailCRM ({ms_name} остался без пары)"
        if why == "both_gone":
            return f"Связь больше не действует: удалены и {ms_name}, и {rc_name}"
        if why == "replaced":
            return f"Связь «{ms_name} — {rc_name}» заменена решением, принятым вручную"
        return f"Связь «{ms_name} — {rc_name}» лишняя: предложение уже связано с другим товаром"
