"""How catalog matching puts what it could not pair into words: conflict titles and data, stale-link titles,
notes about dropped decisions (the texts a shop owner reads; :mod:`app.sync.catalog.matching` decides)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from app.messages import plural
from app.money import rub
from app.sync.catalog.keys import (
    MatchKey,
    MatchRule,
    MsItem,
    RcOffer,
    missing_key_reason_ms,
    missing_key_reason_rc,
)
from app.sync.catalog.results import Conflict, StaleWhy, _as_rc_id
from app.sync.text import shorten
from app.vocab import ConflictKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from app.sync.catalog.key_groups import _Group


def _plural_genitive(n: int, one: str, many: str) -> str:
    """Russian genitive after a number ("у 1 товара", "у 2 товаров", "у 21 товара")."""
    return plural(n, one, many, many)


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

    def _describe_conflict_key(self, conflict_key: str) -> str:
        """A conflict key in words ("товар «Футболка»", "артикул «abc-1»"), for notes a person reads."""
        kind, _, rest = conflict_key.partition(":")
        match_key, _, tail = rest.partition(":")
        if kind == ConflictKind.ONLY_IN_MOYSKLAD:
            item = self.ms_by_id.get(tail)
            return f"товар «{shorten(item.name)}»" if item else "товар, которого больше нет в МойСклад"
        if kind == ConflictKind.ONLY_IN_RETAILCRM:
            offer = self.rc_by_id.get(_as_rc_id(tail) or -1)
            return f"предложение «{shorten(offer.name)}»" if offer else "предложение, которого больше нет в RetailCRM"
        match_key = match_key.split("@", 1)[0]  # "<key>@<field>" when the key meets another field
        if kind == ConflictKind.DUPLICATE_KEY and match_key in {key.value for key in MatchKey}:
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
            kind=ConflictKind.DUPLICATE_KEY,
            key=f"duplicate_key:{self.rule.scope}:{norm}",
            title=f"{label} «{raw}» {where}",
            ms_data=[self._ms_data(item) for item in group.ms],
            rc_data=[self._rc_data(offer) for offer in group.rc],
        )

    def _only_in_ms_conflict(
        self, item: MsItem, reason: Literal["no_key", "key_taken"] | None, mate: RcOffer | None
    ) -> Conflict:
        noun = {"variant": "Модификация", "service": "Услуга", "bundle": "Комплект"}.get(item.type, "Товар")
        keys = self.ms_texts.get(item.id, ())
        if reason == "no_key":
            title = f"{noun} «{shorten(item.name)}» есть только в МойСклад: {missing_key_reason_ms(item, self.key)}"
        else:
            title = f"{noun} «{shorten(item.name)}» ({self._key_phrase(keys)}) есть только в МойСклад"
            if reason == "key_taken" and mate is not None:
                title += f"; предложение RetailCRM «{shorten(mate.name)}» с этим ключом уже связано с другим товаром"
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
            title=(
                f"Предложение «{shorten(offer.name)}» ({phrase}): товар в архиве МойСклад — единственный товар "
                f"с этим ключом, «{shorten(item.name)}», перенесён в архив. Верните его из архива в МойСклад, "
                "свяжите их (остаток предложения станет 0) или пропустите конфликт"
            ),
            ms_data=[self._ms_data(item)],
            rc_data=[self._rc_data(offer)],
            reason=None,
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
