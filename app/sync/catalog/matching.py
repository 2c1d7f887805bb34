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

Archived MoySklad items and inactive RetailCRM offers keep their links and may pair by key (an archived item
with an active offer only by a person's decision: an ``archived_in_moysklad`` conflict asks), but alone they
are not a conflict (nobody wants an archived product created in RetailCRM); they are listed in
:attr:`MatchResult.skipped_inactive_ms` / :attr:`MatchResult.skipped_inactive_rc`.

Grouping is dictionary work, linear in the number of items: 100,000 per side take about a second.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, Literal

from app.messages import Message, msg
from app.sync.catalog.key_groups import _Group, _KeyGrouping
from app.sync.catalog.keys import (
    MatchKey,
    MatchRule,
    MsItem,
    RcOffer,
)
from app.sync.catalog.results import (
    ACTIONS,
    Conflict,
    DroppedResolution,
    MatchResult,
    Pair,
    PairHow,
    Resolution,
    StaleLink,
    StaleWhy,
    _as_ms_id,
    _as_rc_id,
)


def match_catalog(
    ms_items: Iterable[MsItem],
    rc_offers: Iterable[RcOffer],
    key: MatchKey | str = MatchKey.ARTICLE,
    links: Mapping[str, int | str] | None = None,
    resolutions: Mapping[str, Resolution] | None = None,
    rc_field: str | None = None,
) -> MatchResult:
    """Match the two catalogs; see the module docstring for the rules. ``rc_field``: the RetailCRM offer
    field the key is compared with (:data:`app.sync.catalog.keys.RC_FIELDS` or ``property:<code>``; None: the key's
    usual field)."""
    rule = MatchRule.of(key, rc_field)
    return _Matcher(ms_items, rc_offers, rule, links or {}, resolutions or {}).run()


# --------------------------------------------------------------------------------------------------------


class _Matcher(_KeyGrouping):
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
                self._drop(conflict_key, resolution, msg("catalog.drop.unknown"))
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
                self._drop(conflict_key, resolution, msg("catalog.drop.no_pair"))
                continue
            if ms_id not in self.ms_by_id or rc_id not in self.rc_by_id:
                del self.pending[conflict_key]
                self._drop(conflict_key, resolution, msg("catalog.drop.gone"))
                continue
            if ms_id in self.ms_partner or rc_id in self.rc_partner:
                if self.ms_partner.get(ms_id) == rc_id:  # two decisions saying the same thing
                    del self.pending[conflict_key]
                    self.id_decisions[conflict_key] = resolution
                    self.result.applied_resolutions[conflict_key] = resolution
                    continue
                del self.pending[conflict_key]
                self._drop(conflict_key, resolution, msg("catalog.drop.taken"))
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

    def _settle_group(self, group: _Group) -> None:
        ms_partner, rc_partner = self.ms_partner, self.rc_partner
        free_ms = [item for item in group.ms if item.id not in ms_partner]
        free_rc = [offer for offer in group.rc if offer.id not in rc_partner]
        if not free_ms and not free_rc:
            return
        if len(group.ms) <= 1 and len(group.rc) <= 1:
            if free_ms and free_rc and free_ms[0].archived and free_rc[0].active:
                self._settle_archived_mate(free_rc[0], free_ms[0])
            elif free_ms and free_rc:
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
            reason = msg("catalog.drop.no_longer_shared")
        else:
            reason = msg("catalog.drop.create_only_single")
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

    def _settle_archived_mate(self, offer: RcOffer, item: MsItem) -> None:
        """An active offer whose only match is archived in MoySklad: not paired by itself (that would zero a
        selling offer on a guess), not "only in RetailCRM" either: an ``archived_in_moysklad`` conflict says so.
        A person may link them (a ``link`` decision pairs them first) or ignore it."""
        self.result.skipped_inactive_ms.append(item)
        conflict = self._archived_mate_conflict(offer, item)
        decision = self.pending.pop(conflict.key, None)
        if decision is not None:
            if decision.get("action") == "ignore":
                self._hold(conflict, decision)
                return
            self._drop(conflict.key, decision, msg("catalog.drop.archived_actions"))
        self.result.conflicts.append(conflict)

    def _settle_single(self, conflict: Conflict) -> bool:
        """Record an only-in conflict; True when a remembered decision says to create the item."""
        decision = self.pending.pop(conflict.key, None)
        if decision is not None:
            action = decision.get("action")
            if action in ("ignore", "create"):
                self._hold(conflict, decision)
                return action == "create"
            self._drop(conflict.key, decision, msg("catalog.drop.single_actions"))
        (self.result.no_key if conflict.reason == "no_key" else self.result.conflicts).append(conflict)
        return False

    def _finish(self) -> None:
        result = self.result
        for conflict_key, decision in sorted(self.pending.items()):
            self._drop(conflict_key, decision, msg("catalog.drop.no_conflict"))
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
            result.notes.append(msg("catalog.note.variant_code", n=n))
        if result.stale_links:
            n = len(result.stale_links)
            result.notes.append(msg("catalog.note.stale", n=n))
        skipped = len(result.skipped_inactive_ms) + len(result.skipped_inactive_rc)
        if skipped:
            result.notes.append(msg("catalog.note.skipped_inactive", ms=len(result.skipped_inactive_ms),
                                    rc=len(result.skipped_inactive_rc)))

    # -- helpers ----------------------------------------------------------------------------------------

    def _link(self, ms_id: str, rc_id: int, how: PairHow) -> None:
        self.ms_partner[ms_id] = rc_id
        self.rc_partner[rc_id] = ms_id
        self.pair_how[ms_id] = how

    def _hold(self, conflict: Conflict, decision: Resolution) -> None:
        self.result.resolved.append(replace(conflict, resolution=decision))
        self.result.applied_resolutions[conflict.key] = decision

    def _drop(self, conflict_key: str, decision: Any, reason: Message) -> None:
        kept = decision if isinstance(decision, Mapping) else {"action": decision}
        self.result.dropped_resolutions.append(DroppedResolution(conflict_key, kept, reason))
        subject = self._describe_conflict_key(conflict_key)
        self.result.notes.append(msg("catalog.note.dropped", subject=subject, reason=reason))
