"""Catalog items of both services and the keys that pair them.

The user chooses *one* match key for the whole catalog (:class:`MatchKey`), and which RetailCRM offer field
it is compared with (:class:`MatchRule`; each key has a usual field, kept for profiles that never chose one).
This module knows which field of a MoySklad item meets which field of a RetailCRM offer under that rule, and
how a raw value is cleaned before the comparison. It does no matching itself (see :mod:`app.sync.catalog.matching`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from app.messages import Message, msg
from app.vocab import MatchKey

MsItemType = Literal["product", "variant", "service", "bundle"]

# Everything str.isspace() calls a space (NBSP included; all of them live below U+3001), plus the
# zero-width characters that ride along with copy-paste from spreadsheets and web pages. One strip() call
# with an explicit set is much faster than several, and matching calls this 200,000 times per run.
_EDGE_JUNK = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True, slots=True)
class MsItem:
    """A MoySklad product, variant (модификация), service or bundle, reduced to what matching and conflicts need."""

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
    # (code, value) of the offer properties matching needs (only the one a rule names is kept: 50,000 offers)
    properties: tuple[tuple[str, str], ...] = ()

    def property_value(self, code: str) -> str | None:
        return next((value for name, value in self.properties if name == code), None)


# --- which RetailCRM field a MoySklad key meets -------------------------------------------------------------

# The RetailCRM offer fields a key can be compared with (``SyncSettings.match_field``); an offer property is
# ``"property:<code>"``. RetailCRM's own MoySklad catalog export puts MoySklad's «Код» into the offer
# property ``code`` (ICML ``<param code="code" name="Код">``), the article into ``article``, and the external
# code into ``xmlId`` (retailcrm/moysklad-catalog, MoySkladICMLParser.php, ``createICML``): so a catalog that
# came from that module matches code ↔ property «code», not code ↔ article.
RC_FIELDS = ("article", "xml-id", "external-id", "barcode")
PROPERTY_PREFIX = "property:"
MODULE_CODE_PROPERTY = "code"  # the property RetailCRM's MoySklad module writes MoySklad's code into

_USUAL_FIELD = {
    MatchKey.ARTICLE: "article",
    # what Svyazka compared before the field could be chosen; kept so existing profiles match as they did
    MatchKey.CODE: "article",
    MatchKey.EXTERNAL_CODE: "xml-id",
    MatchKey.BARCODE: "barcode",
}

_FIELD_LABELS: dict[str, Message | str] = {
    "article": msg("catalog.field.article"),
    "xml-id": "xmlId",
    "external-id": "externalId",
    "barcode": msg("catalog.field.barcode"),
}


def usual_rc_field(key: MatchKey | str) -> str:
    """The RetailCRM field ``key`` is compared with unless the user chose another one."""
    return _USUAL_FIELD[MatchKey(key)]


def property_code_of(rc_field: str) -> str | None:
    """``"code"`` for ``"property:code"``; None for a plain field."""
    if rc_field.startswith(PROPERTY_PREFIX):
        return rc_field[len(PROPERTY_PREFIX) :] or None
    return None


def valid_rc_field(rc_field: str) -> bool:
    """A known field, or ``property:<code>`` with a code made of letters, digits, ``_``, ``-`` and ``.``."""
    if rc_field in RC_FIELDS:
        return True
    code = property_code_of(rc_field)
    return code is not None and all(c.isalnum() or c in "_-." for c in code)


def rc_field_label(rc_field: str) -> Message | str:
    """The field in words, for sentences: "артикул", "xmlId", "свойство «code»" (``str()`` of it is Russian)."""
    code = property_code_of(rc_field)
    return msg("catalog.field.property", code=code) if code is not None else _FIELD_LABELS.get(rc_field, rc_field)


def joined(parts: list[Message]) -> Message | str:
    """Parts of a sentence joined by commas, as nested messages (each renders in the reader's language)."""
    if not parts:
        return ""
    result: Message = parts[0]
    for part in parts[1:]:
        result = msg("catalog.join", head=result, tail=part)
    return result


def key_word(key: MatchKey) -> Message:
    """The match key's name inside a sentence ("артикул" / "article")."""
    return msg(f"catalog.key.{key.name.lower()}")


def key_title(key: MatchKey) -> Message:
    """The match key's name at the start of a sentence ("Артикул" / "Article")."""
    return msg(f"catalog.key_title.{key.name.lower()}")


def key_of(key: MatchKey) -> Message:
    """The match key after «дублей» ("артикула" / "article")."""
    return msg(f"catalog.key_of.{key.name.lower()}")


@dataclass(frozen=True, slots=True)
class MatchRule:
    """A match key and the RetailCRM offer field it is compared with."""

    key: MatchKey
    rc_field: str

    @classmethod
    def of(cls, key: MatchKey | str, rc_field: str | None = None) -> MatchRule:
        key = MatchKey(key)
        field_name = rc_field or usual_rc_field(key)
        if not valid_rc_field(field_name):
            raise ValueError(f"unknown RetailCRM field {field_name!r}")
        return cls(key, field_name)

    @property
    def usual(self) -> bool:
        return self.rc_field == _USUAL_FIELD[self.key]

    @property
    def property_code(self) -> str | None:
        return property_code_of(self.rc_field)

    @property
    def scope(self) -> str:
        """What conflict keys are namespaced by: the key alone for its usual field (as before fields could be
        chosen, so remembered decisions stay), else key and field, so decisions never leak between fields."""
        if self.usual:
            return self.key.value
        return f"{self.key.value}@{self.rc_field.replace(':', '-')}"

    def rc_text(self, offer: RcOffer) -> str | None:
        """The cleaned value of the offer's field under this rule."""
        return clean_key(rc_field_value(offer, self.rc_field))


def rc_field_value(offer: RcOffer, rc_field: str) -> str | None:
    """The raw value of ``rc_field`` on ``offer``."""
    if rc_field == "article":
        return offer.article
    if rc_field == "xml-id":
        return offer.xml_id
    if rc_field == "external-id":
        return offer.external_id
    if rc_field == "barcode":
        return offer.barcode
    code = property_code_of(rc_field)
    return offer.property_value(code) if code is not None else None


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
    MoySklad variants have no article, so under :attr:`MatchKey.ARTICLE` a variant is keyed by its code; so is a
    service (no article either: DOC:dictionaries/_service, the sandbox's ``ServiceKind``).
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
        if text is None and item.type in ("variant", "service"):
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
    """The cleaned key of a RetailCRM offer under ``key`` compared with its usual field (see
    :class:`MatchRule` for another field). Under :attr:`MatchKey.CODE` that is the *article*: what Svyazka
    always did; RetailCRM's own module puts the code into the property ``code`` instead, which the user can
    choose."""
    return clean_key(rc_field_value(offer, _USUAL_FIELD[key]))


def rc_key(offer: RcOffer, key: MatchKey) -> str | None:
    """The normalized key of a RetailCRM offer under ``key``."""
    text = rc_key_text(offer, key)
    return None if text is None else text.casefold()


def missing_key_reason_ms(item: MsItem, key: MatchKey) -> Message:
    """Why a MoySklad item has no key, in words (for an ``only_in_moysklad`` conflict)."""
    if key is MatchKey.ARTICLE:
        if item.type == "variant":
            return msg("catalog.no_key.variant_article")
        if item.type == "service":
            return msg("catalog.no_key.service_article")
        return msg("catalog.no_key.product_article")
    if key is MatchKey.CODE:
        return msg("catalog.no_key.code")
    if key is MatchKey.EXTERNAL_CODE:
        if item.type == "variant" and item.external_code.strip():
            return msg("catalog.no_key.variant_external")
        return msg("catalog.no_key.external")
    return msg("catalog.no_key.barcode")


def missing_key_reason_rc(key: MatchKey, rc_field: str | None = None) -> Message:
    """Why a RetailCRM offer has no key, in words (for an ``only_in_retailcrm`` conflict)."""
    rc_field = rc_field or _USUAL_FIELD[key]
    code = property_code_of(rc_field)
    if code is not None:
        return msg("catalog.no_key.rc_property", code=code)
    if rc_field == "article":
        return msg("catalog.no_key.rc_article")
    if rc_field == "xml-id":
        return msg("catalog.no_key.rc_xml_id")
    if rc_field == "external-id":
        return msg("catalog.no_key.rc_external_id")
    return msg("catalog.no_key.rc_barcode")
