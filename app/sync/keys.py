"""Catalog items of both services and the keys that pair them.

The user chooses *one* match key for the whole catalog (:class:`MatchKey`). This module knows which field
of a MoySklad item meets which field of a RetailCRM offer under that key, and how a raw value is cleaned
before the comparison. It does no matching itself (see :mod:`app.sync.matching`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Literal

MsItemType = Literal["product", "variant"]

# Everything str.isspace() calls a space (NBSP included; all of them live below U+3001), plus the
# zero-width characters that ride along with copy-paste from spreadsheets and web pages. One strip() call
# with an explicit set is much faster than several, and matching calls this 200,000 times per run.
_EDGE_JUNK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"


class MatchKey(StrEnum):
    """Which field links a MoySklad item to a RetailCRM offer."""

    ARTICLE = "article"
    CODE = "code"
    EXTERNAL_CODE = "external-code"
    BARCODE = "barcode"

    @property
    def label(self) -> str:
        """The field's name as a shop owner knows it, capitalised for the start of a sentence."""
        return _LABELS[self]


_LABELS = {
    MatchKey.ARTICLE: "Артикул",
    MatchKey.CODE: "Код",
    MatchKey.EXTERNAL_CODE: "Внешний код",
    MatchKey.BARCODE: "Штрихкод",
}


@dataclass(frozen=True, slots=True)
class MsItem:
    """A MoySklad product or variant (модификация), reduced to what matching and conflicts need."""

    id: str
    type: MsItemType
    name: str
    article: str | None = None
    code: str | None = None
    external_code: str = ""
    barcodes: tuple[str, ...] = ()
    product_id: str | None = None  # variants: the parent product's id
    product_external_code: str | None = None  # variants: the parent product's externalCode
    characteristics: tuple[tuple[str, str], ...] = ()  # variants: (name, value), e.g. ("Цвет", "красный")
    # (price type id, price type name, roubles): the very tuple the catalog listing parsed, shared, not copied
    sale_prices: tuple[tuple[str | None, str | None, Decimal], ...] = ()
    buy_price: Decimal | None = None  # roubles
    archived: bool = False


@dataclass(frozen=True, slots=True)
class RcOffer:
    """A RetailCRM offer (торговое предложение): the sellable unit that orders point at."""

    id: int
    product_id: int
    name: str
    article: str | None = None
    external_id: str | None = None
    xml_id: str | None = None
    barcode: str | None = None
    site: str | None = None
    active: bool = True


def clean_key(value: str | None) -> str | None:
    """A key as a person typed it, minus surrounding whitespace (incl. NBSP); None when empty.

    This is the form shown in messages; :func:`normalize_key` is the form compared.
    """
    if value is None:
        return None
    return value.strip(_EDGE_JUNK) or None


def normalize_key(value: str | None) -> str | None:
    """Clean a key for comparison: trim surrounding whitespace (incl. NBSP) and casefold.

    Nothing else: "ABC-1" and "ABC1" are different keys and stay different, because merging them could
    link two different products.
    """
    if value is None:
        return None
    return value.strip(_EDGE_JUNK).casefold() or None


def offer_xml_id_for(item: MsItem) -> str:
    """The RetailCRM offer ``xmlId`` for a MoySklad item.

    Same rule as RetailCRM's own MoySklad catalog generator: a product's ``externalCode``, or
    ``"<product.externalCode>#<variant.externalCode>"`` for a variant. Raises ``ValueError`` when a part
    is missing, because an xmlId made of half the data would link the wrong offer.
    """
    own = item.external_code.strip()
    if not own:
        raise ValueError(f"«{item.name}» has no external code in MoySklad")
    if item.type == "variant":
        parent = (item.product_external_code or "").strip()
        if not parent:
            raise ValueError(f"variant «{item.name}» has no parent product external code")
        return f"{parent}#{own}"
    return own


def ms_key_texts(item: MsItem, key: MatchKey) -> tuple[tuple[str, ...], bool]:
    """The cleaned keys (see :func:`clean_key`) of a MoySklad item under ``key``, and whether the variant
    code fallback was used. Compare them after ``casefold()``; they are unique in that form.

    Only the barcode key can give several values (a product may carry EAN-13, EAN-8 and Code 128 at once).
    MoySklad variants have no article, so under :attr:`MatchKey.ARTICLE` a variant is keyed by its code.
    """
    if key is MatchKey.BARCODE:
        texts: dict[str, str] = {}
        for barcode in item.barcodes:
            text = clean_key(barcode)
            if text is not None:
                texts.setdefault(text.casefold(), text)
        return tuple(texts.values()), False
    fallback = False
    if key is MatchKey.ARTICLE:
        text = clean_key(item.article)
        if text is None and item.type == "variant":
            text = clean_key(item.code)
            fallback = text is not None
    elif key is MatchKey.CODE:
        text = clean_key(item.code)
    else:
        try:
            text = clean_key(offer_xml_id_for(item))
        except ValueError:
            text = None
    return ((text,) if text is not None else ()), fallback


def ms_keys(item: MsItem, key: MatchKey) -> tuple[str, ...]:
    """The normalized keys of a MoySklad item under ``key`` (see :func:`ms_key_texts`)."""
    return tuple(text.casefold() for text in ms_key_texts(item, key)[0])


def rc_key_text(offer: RcOffer, key: MatchKey) -> str | None:
    """The cleaned key of a RetailCRM offer under ``key``.

    Under :attr:`MatchKey.CODE` the MoySklad code meets the RetailCRM *article*: that is where RetailCRM's
    own MoySklad module puts it.
    """
    if key is MatchKey.ARTICLE or key is MatchKey.CODE:
        return clean_key(offer.article)
    if key is MatchKey.EXTERNAL_CODE:
        return clean_key(offer.xml_id)
    return clean_key(offer.barcode)


def rc_key(offer: RcOffer, key: MatchKey) -> str | None:
    """The normalized key of a RetailCRM offer under ``key``."""
    text = rc_key_text(offer, key)
    return None if text is None else text.casefold()


def missing_key_reason_ms(item: MsItem, key: MatchKey) -> str:
    """Why a MoySklad item has no key, in words (for an ``only_in_moysklad`` conflict)."""
    if key is MatchKey.ARTICLE:
        if item.type == "variant":
            return "у модификации нет ни артикула, ни кода"
        return "у товара не заполнен артикул"
    if key is MatchKey.CODE:
        return "не заполнен код"
    if key is MatchKey.EXTERNAL_CODE:
        if item.type == "variant" and item.external_code.strip():
            return "у родительского товара модификации нет внешнего кода"
        return "не заполнен внешний код"
    return "нет ни одного штрихкода"


def missing_key_reason_rc(key: MatchKey) -> str:
    """Why a RetailCRM offer has no key, in words (for an ``only_in_retailcrm`` conflict)."""
    if key in (MatchKey.ARTICLE, MatchKey.CODE):
        return "у предложения не заполнен артикул"
    if key is MatchKey.EXTERNAL_CODE:
        return "у предложения не заполнен xmlId (внешний код МойСклад)"
    return "у предложения не заполнен штрихкод"
