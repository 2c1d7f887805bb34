"""How catalog matching puts what it could not pair into words: conflict titles and data, stale-link titles,
notes about dropped decisions (the texts a shop owner reads; :mod:`app.sync.catalog.matching` decides)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from app.messages import Message, msg
from app.money import rub
from app.sync.catalog.keys import (
    MatchKey,
    MatchRule,
    MsItem,
    RcOffer,
    key_title,
    key_word,
    missing_key_reason_ms,
    missing_key_reason_rc,
)
from app.sync.catalog.results import Conflict, StaleWhy, _as_rc_id
from app.sync.text import shorten
from app.vocab import ConflictKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.sync.catalog.key_groups import _Group


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(rub(value))


class _ConflictTexts:
    """The matcher's words (mixed into :class:`app.sync.catalog.matching._Matcher`, whose state it reads)."""

    rule: MatchRule
    key: MatchKey
    rc_text: Callable[[RcOffer], str | None]
    ms_by_id: dict[str, MsItem]
    rc_by_id: dict[int, RcOffer]
    ms_partner: dict[str, int]
    rc_partner: dict[int, str]
    ms_texts: dict[str, tuple[str, ...]]

    def _describe_conflict_key(self, conflict_key: str) -> Message | str:
        """A conflict key in words ("товар «Футболка»", "артикул «abc-1»"), for notes a person reads."""
        kind, _, rest = conflict_key.partition(":")
        match_key, _, tail = rest.partition(":")
        if kind == ConflictKind.ONLY_IN_MOYSKLAD:
            item = self.ms_by_id.get(tail)
            return msg("catalog.subject.item", name=shorten(item.name)) if item else msg("catalog.subject.item_gone")
        if kind == ConflictKind.ONLY_IN_RETAILCRM:
            offer = self.rc_by_id.get(_as_rc_id(tail) or -1)
            if offer:
                return msg("catalog.subject.offer", name=shorten(offer.name))
            return msg("catalog.subject.offer_gone")
        match_key = match_key.split("@", 1)[0]  # "<key>@<field>" when the key meets another field
        if kind == ConflictKind.DUPLICATE_KEY and match_key in {key.value for key in MatchKey}:
            return msg("catalog.subject.key", key=key_word(MatchKey(match_key)), value=tail)
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
        n_ms, n_rc = len(group.ms), len(group.rc)
        code = "catalog.dup.both" if n_ms and n_rc else "catalog.dup.ms" if n_ms else "catalog.dup.rc"
        return Conflict(
            kind=ConflictKind.DUPLICATE_KEY,
            key=f"duplicate_key:{self.rule.scope}:{norm}",
            title=msg(code, key=key_title(self.key), value=raw, n_ms=n_ms, n_rc=n_rc),
            ms_data=[self._ms_data(item) for item in group.ms],
            rc_data=[self._rc_data(offer) for offer in group.rc],
        )

    def _only_in_ms_conflict(
        self, item: MsItem, reason: Literal["no_key", "key_taken"] | None, mate: RcOffer | None
    ) -> Conflict:
        noun = msg(f"catalog.noun.{item.type if item.type in ('variant', 'service', 'bundle') else 'product'}")
        keys = self.ms_texts.get(item.id, ())
        title: Message
        if reason == "no_key":
            title = msg("catalog.only_ms_no_key", noun=noun, name=shorten(item.name),
                        reason=missing_key_reason_ms(item, self.key))
        else:
            taken = (msg("catalog.only_ms_taken", name=shorten(mate.name))
                     if reason == "key_taken" and mate is not None else "")
            title = msg("catalog.only_ms", noun=noun, name=shorten(item.name), keys=self._key_phrase(keys), taken=taken)
        return Conflict(
            kind=ConflictKind.ONLY_IN_MOYSKLAD,
            key=f"only_in_moysklad:{self.rule.scope}:{item.id}",
            title=title,
            ms_data=[self._ms_data(item)],
            rc_data=[self._rc_data(mate)] if mate is not None else [],
            reason=reason,
        )

    def _only_in_rc_conflict(
        self, offer: RcOffer, reason: Literal["no_key", "key_taken"] | None, mate: MsItem | None
    ) -> Conflict:
        title: Message
        if reason == "no_key":
            title = msg("catalog.only_rc_no_key", name=shorten(offer.name),
                        reason=missing_key_reason_rc(self.key, self.rule.rc_field))
        else:
            text = self.rc_text(offer)
            phrase = self._key_phrase((text,) if text else ())
            taken = (msg("catalog.only_rc_taken", name=shorten(mate.name))
                     if reason == "key_taken" and mate is not None else "")
            title = msg("catalog.only_rc", name=shorten(offer.name), keys=phrase, taken=taken)
        return Conflict(
            kind=ConflictKind.ONLY_IN_RETAILCRM,
            key=f"only_in_retailcrm:{self.rule.scope}:{offer.id}",
            title=title,
            ms_data=[self._ms_data(mate)] if mate is not None else [],
            rc_data=[self._rc_data(offer)],
            reason=reason,
        )

    def _archived_mate_conflict(self, offer: RcOffer, item: MsItem) -> Conflict:
        text = self.rc_text(offer)
        phrase = self._key_phrase((text,) if text else ())
        return Conflict(
            kind=ConflictKind.ARCHIVED_IN_MOYSKLAD,
            key=f"archived_in_moysklad:{self.rule.scope}:{offer.id}",
            title=msg("catalog.archived_mate", name=shorten(offer.name), keys=phrase, item=shorten(item.name)),
            ms_data=[self._ms_data(item)],
            rc_data=[self._rc_data(offer)],
            reason=None,
        )

    def _key_phrase(self, texts: tuple[str, ...]) -> Message:
        shown = ", ".join(f"«{text}»" for text in texts[:3])
        if len(texts) > 3:
            shown += ", …"
        return msg("catalog.key_phrase", key=key_word(self.key), values=shown)

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

    def _stale_title(self, ms_id: str, rc_id: int, why: StaleWhy) -> Message:
        ms = self.ms_by_id.get(ms_id)
        rc = self.rc_by_id.get(rc_id)
        ms_name = (msg("catalog.subject.item", name=shorten(ms.name)) if ms
                   else msg("catalog.subject.item_id", id=ms_id))
        rc_name = (msg("catalog.subject.offer", name=shorten(rc.name)) if rc
                   else msg("catalog.subject.offer_id", id=rc_id))
        code = {"moysklad_gone": "ms_gone", "retailcrm_gone": "rc_gone", "both_gone": "both_gone",
                "replaced": "replaced"}.get(why, "linked_twice")
        return msg(f"catalog.stale.{code}", ms=ms_name, rc=rc_name)
