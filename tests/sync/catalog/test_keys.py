"""Match keys: which field meets which, and how values are cleaned before comparing."""

import json
from pathlib import Path

import pytest

from app.sync.catalog.keys import (
    MatchKey,
    MsItem,
    RcOffer,
    clean_key,
    ms_key_texts,
    ms_keys,
    normalize_key,
    offer_xml_id_for,
    rc_key,
    rc_key_text,
)

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ABC-1", "abc-1"),
        ("  ABC-1  ", "abc-1"),
        ("\u00a0ABC-1\u00a0", "abc-1"),  # NBSP from a spreadsheet
        ("\ufeff\u200bABC-1\t\n", "abc-1"),  # BOM and zero-width space from copy-paste
        ("Straße", "strasse"),  # casefold, not just lower()
        ("Арт-01", "арт-01"),
        ("A B", "a b"),  # inner spaces are part of the key
    ],
)
def test_normalize_key_trims_and_casefolds(raw, expected):
    assert normalize_key(raw) == expected


@pytest.mark.parametrize("empty", [None, "", "   ", "\u00a0\u00a0", "\u200b"])
def test_normalize_key_empty_is_none(empty):
    assert normalize_key(empty) is None
    assert clean_key(empty) is None


def test_normalize_key_never_merges_different_keys():
    assert normalize_key("ABC-1") != normalize_key("ABC1")
    assert normalize_key("A B") != normalize_key("AB")
    assert normalize_key("ABC.1") != normalize_key("ABC-1")


def test_clean_key_keeps_what_a_person_typed():
    assert clean_key("  ABC-1\u00a0") == "ABC-1"


def test_offer_xml_id_for_product_and_variant():
    product = MsItem(id="p", type="product", name="Футболка", external_code="tGunLo27jlPGmbA8BrHxY2")
    variant = MsItem(
        id="v",
        type="variant",
        name="Футболка (M)",
        external_code="Vw7MCCAbjr6AURvCyB98C0",
        product_id="p",
        product_external_code="sEa3dPbFiBgtg2fKsx9Pz2",
    )
    assert offer_xml_id_for(product) == "tGunLo27jlPGmbA8BrHxY2"
    # The exact shape RetailCRM's own MoySklad generator produces (its PHP fixtures show this value).
    assert offer_xml_id_for(variant) == "sEa3dPbFiBgtg2fKsx9Pz2#Vw7MCCAbjr6AURvCyB98C0"


def test_offer_xml_id_for_refuses_half_an_id():
    with pytest.raises(ValueError):
        offer_xml_id_for(MsItem(id="p", type="product", name="x", external_code="  "))
    with pytest.raises(ValueError):
        offer_xml_id_for(MsItem(id="v", type="variant", name="x", external_code="v1"))


def test_article_key_product_and_variant_fallback_to_code():
    product = MsItem(id="p", type="product", name="x", article=" ART-1 ", code="00001")
    variant = MsItem(id="v", type="variant", name="x (M)", code="00002")
    bare_variant = MsItem(id="w", type="variant", name="x (L)")
    assert ms_key_texts(product, MatchKey.ARTICLE) == (("ART-1",), False)
    assert ms_key_texts(variant, MatchKey.ARTICLE) == (("00002",), True)
    assert ms_key_texts(bare_variant, MatchKey.ARTICLE) == ((), False)
    # A product without an article has no key: the code fallback is only for variants.
    assert ms_keys(MsItem(id="q", type="product", name="x", code="00003"), MatchKey.ARTICLE) == ()


def test_code_and_external_code_keys():
    item = MsItem(id="p", type="product", name="x", article="A", code="C-1", external_code="EXT")
    assert ms_keys(item, MatchKey.CODE) == ("c-1",)
    assert ms_keys(item, MatchKey.EXTERNAL_CODE) == ("ext",)
    offer = RcOffer(id=1, product_id=1, name="x", article="c-1", xml_id="EXT", barcode="460")
    # RetailCRM's MoySklad module puts the MoySklad code into the offer's article.
    assert rc_key(offer, MatchKey.CODE) == "c-1"
    assert rc_key(offer, MatchKey.ARTICLE) == "c-1"
    assert rc_key(offer, MatchKey.EXTERNAL_CODE) == "ext"
    assert rc_key_text(offer, MatchKey.BARCODE) == "460"


def test_barcode_key_takes_every_barcode_once():
    item = MsItem(id="p", type="product", name="x", barcodes=("4600000000017", " 4600000000017", "", "CODE128x"))
    assert ms_keys(item, MatchKey.BARCODE) == ("4600000000017", "code128x")


def test_match_key_values_are_the_stored_setting_strings():
    assert [key.value for key in MatchKey] == ["article", "code", "external-code", "barcode"]
    assert MatchKey("external-code") is MatchKey.EXTERNAL_CODE


def test_official_variant_fixture_has_no_article():
    """The reason for the code fallback: MoySklad's own variant example carries a code but no article."""
    fixture = SHARED / "moysklad-openapi" / "fixtures" / "variant.json"
    if not fixture.exists():
        pytest.skip("shared MoySklad fixtures are not available")
    variant = json.loads(fixture.read_text(encoding="utf-8"))
    assert "article" not in variant
    assert variant["code"]


# --- the RetailCRM field a key meets -------------------------------------------------------------------------


def test_an_offer_property_is_read_from_the_recorded_answer_and_can_be_the_match_field() -> None:
    from app.clients.retailcrm_models import Offer
    from app.sync.catalog.keys import MatchRule
    from app.sync.catalog.source import RcCatalog

    recorded = SHARED / "retailcrm-fixtures" / "Store" / "testOffers.json"
    if not recorded.exists():
        pytest.skip("the recorded RetailCRM answers are not beside this checkout")
    raw = json.loads(recorded.read_text(encoding="utf-8"))["response"]["offers"][0]
    offer = Offer.from_api(raw)
    assert offer.properties["artikul"] == "38311" and offer.properties["ves"] == "33"
    assert Offer.from_api({**raw, "properties": []}).properties == {}  # PHP's empty map

    from app.clients.retailcrm_models import Product, Site

    product = Product.from_api({**raw["product"], "offers": [raw]})
    catalog = RcCatalog(site=Site.from_api({"code": "s", "name": "S"}), keep_property="artikul")
    catalog.add_product(product, "s")
    (kept,) = catalog.offers.values()
    assert kept.properties == (("artikul", "38311"),)  # only the property the rule compares is kept
    rule = MatchRule.of("code", "property:artikul")
    assert rule.rc_text(kept) == "38311" and not rule.usual and rule.scope == "code@property-artikul"
    assert MatchRule.of("code", "property:ves").rc_text(kept) is None


def test_usual_fields_keep_old_profiles_matching_as_before() -> None:
    from app.store.settings import MATCH_FIELDS
    from app.sync.catalog.keys import RC_FIELDS, MatchRule

    assert MATCH_FIELDS == RC_FIELDS
    assert [MatchRule.of(k).rc_field for k in MatchKey] == ["article", "article", "xml-id", "barcode"]
    assert all(MatchRule.of(k).scope == k.value for k in MatchKey)
    offer = RcOffer(1, 1, "x", article="A-1", xml_id="X-1", external_id="E-1", properties=(("code", "100"),))
    assert MatchRule.of("code").rc_text(offer) == "A-1"
    assert MatchRule.of("code", "property:code").rc_text(offer) == "100"
    assert MatchRule.of("external-code", "external-id").rc_text(offer) == "E-1"
    with pytest.raises(ValueError):
        MatchRule.of("code", "property:два слова")


def test_the_match_field_setting_is_checked() -> None:
    from app.store import SyncSettings
    from app.store.errors import SettingsError

    assert SyncSettings().match_field is None
    assert SyncSettings(match_field="property:code").match_field == "property:code"
    assert SyncSettings.from_json({"match_key": "code"}).match_field is None  # a profile saved before
    with pytest.raises(SettingsError, match="поле RetailCRM для ключа сопоставления"):
        SyncSettings(match_field="propertycode")
