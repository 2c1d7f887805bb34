"""Grouping both catalogs by normalized match key (barcodes can join several keys into one group): the step
of catalog matching that finds who shares a key (:mod:`app.sync.catalog.matching` settles each group)."""

from __future__ import annotations

from dataclasses import dataclass, field

from app.sync.catalog.conflicts import _ConflictTexts
from app.sync.catalog.keys import (
    MatchKey,
    MsItem,
    RcOffer,
    ms_key_texts,
)
from app.sync.catalog.results import MatchResult


@dataclass(slots=True)
class _Group:
    root: str  # a normalized key of the group (for barcodes: one of several joined keys)
    ms: list[MsItem] = field(default_factory=list)
    rc: list[RcOffer] = field(default_factory=list)


class _KeyGrouping(_ConflictTexts):
    """The matcher's grouping step (mixed into :class:`app.sync.catalog.matching._Matcher`)."""

    result: MatchResult

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
