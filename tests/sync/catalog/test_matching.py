"""match_catalog without remembered decisions: links, key pairs, duplicates, only-in, no key."""

import random
from decimal import Decimal

from app.sync.catalog.keys import MatchKey, MsItem, RcOffer
from app.sync.catalog.matching import match_catalog


def ms(item_id, article=None, **kw):
    kw.setdefault("type", "product")
    kw.setdefault("name", f"Товар {item_id}")
    return MsItem(id=item_id, article=article, **kw)


def rc(offer_id, article=None, **kw):
    kw.setdefault("product_id", offer_id)
    kw.setdefault("name", f"Предложение {offer_id}")
    return RcOffer(id=offer_id, article=article, **kw)


def pairs_of(result):
    return {(pair.ms.id, pair.rc.id, pair.how) for pair in result.pairs}


def test_pairs_by_article_ignoring_case_and_spaces():
    result = match_catalog(
        [ms("a", "ABC-1"), ms("b", "xyz-2")],
        [rc(1, " abc-1\u00a0"), rc(2, "XYZ-2")],
        MatchKey.ARTICLE,
    )
    assert pairs_of(result) == {("a", 1, "key"), ("b", 2, "key")}
    assert {pair.key for pair in result.pairs} == {"abc-1", "xyz-2"}
    assert result.conflicts == [] and result.no_key == []


def test_similar_but_different_articles_do_not_pair():
    result = match_catalog([ms("a", "ABC-1")], [rc(1, "ABC1")], MatchKey.ARTICLE)
    assert result.pairs == []
    kinds = sorted((c.kind, c.key) for c in result.conflicts)
    assert kinds == [
        ("only_in_moysklad", "only_in_moysklad:article:a"),
        ("only_in_retailcrm", "only_in_retailcrm:article:1"),
    ]
    titles = {c.kind: str(c.title) for c in result.conflicts}  # the Russian text is unchanged
    assert titles["only_in_moysklad"] == "Товар «Товар a» (артикул «ABC-1») есть только в МойСклад"
    assert titles["only_in_retailcrm"] == "Предложение «Предложение 1» (артикул «ABC1») есть только в RetailCRM"


def test_renamed_article_keeps_its_link():
    # The link was made when both said "OLD"; the MoySklad article has since become "NEW".
    result = match_catalog([ms("a", "NEW")], [rc(1, "OLD")], MatchKey.ARTICLE, links={"a": 1})
    assert pairs_of(result) == {("a", 1, "link")}
    assert result.pairs[0].key == "new"
    assert result.conflicts == [] and result.stale_links == []
    assert result.new_pairs() == []


def test_link_wins_over_a_key_match_elsewhere():
    # "a" is linked to offer 1; offer 2 has a's article. It must not steal "a", and it is reported
    # as only in RetailCRM with the reason spelled out.
    result = match_catalog([ms("a", "X")], [rc(1, "OLD"), rc(2, "X")], MatchKey.ARTICLE, links={"a": 1})
    assert pairs_of(result) == {("a", 1, "link")}
    [conflict] = result.conflicts
    assert conflict.kind == "only_in_retailcrm" and conflict.reason == "key_taken"
    assert conflict.title.code == "catalog.only_rc" and conflict.title.params["taken"].code == "catalog.only_rc_taken"
    assert conflict.ms_data[0]["id"] == "a" and conflict.ms_data[0]["linked_rc_id"] == 1


def test_stale_links_are_reported_and_their_survivors_rematched():
    result = match_catalog(
        [ms("a", "A1"), ms("b", "B1")],
        [rc(1, "A1"), rc(3, "C1")],
        MatchKey.ARTICLE,
        links={"a": 2, "gone": 3, "gone2": 99, "b": 1},
    )
    stale = {(s.ms_id, s.rc_id): s.why for s in result.stale_links}
    assert stale == {("a", 2): "retailcrm_gone", ("gone", 3): "moysklad_gone", ("gone2", 99): "both_gone"}
    assert all(s.title.code.startswith("catalog.stale.") for s in result.stale_links)
    # "b" keeps its link; "a" lost its offer and its article now meets offer 1, which is linked to "b".
    assert ("b", 1, "link") in pairs_of(result)
    assert any(note.code == "catalog.note.stale" and note.params == {"n": 3} for note in result.notes)
    # offer 3 lost its MoySklad item: it is simply only in RetailCRM now.
    assert {c.key for c in result.conflicts} >= {"only_in_retailcrm:article:3"}


def test_two_links_to_one_offer_keep_one():
    result = match_catalog([ms("a", "A"), ms("b", "B")], [rc(1, "A")], MatchKey.ARTICLE, links={"b": 1, "a": 1})
    assert pairs_of(result) == {("a", 1, "link")}  # links are applied in a fixed order (by MoySklad id)
    assert [(s.ms_id, s.why) for s in result.stale_links] == [("b", "offer_linked_twice")]


def test_duplicate_in_moysklad_is_a_conflict_not_a_guess():
    prices = (("type-1", "Цена продажи", Decimal("1250.5")),)
    result = match_catalog(
        [ms("a", "ABC-1", sale_prices=prices, buy_price=Decimal("700")), ms("b", "abc-1 ", code="00007")],
        [rc(1, "ABC-1", site="shop")],
        MatchKey.ARTICLE,
    )
    assert result.pairs == []
    [conflict] = result.conflicts
    assert conflict.kind == "duplicate_key"
    assert conflict.key == "duplicate_key:article:abc-1"
    assert str(conflict.title) == "Артикул «ABC-1» есть у 2 товаров в МойСклад и 1 в RetailCRM"
    assert [row["id"] for row in conflict.ms_data] == ["a", "b"]
    assert conflict.ms_data[0]["sale_prices"] == [{"price_type": "Цена продажи", "value": "1250.50"}]
    assert conflict.ms_data[0]["buy_price"] == "700.00"
    assert conflict.ms_data[1]["code"] == "00007"
    assert conflict.rc_data == [
        {
            "id": 1,
            "product_id": 1,
            "name": "Предложение 1",
            "article": "ABC-1",
            "external_id": None,
            "xml_id": None,
            "barcode": None,
            "site": "shop",
            "active": True,
            "linked_ms_id": None,
        }
    ]


def test_duplicate_in_retailcrm_and_titles_in_every_shape():
    result = match_catalog(
        [ms("a", "D1"), ms("b", "D2"), ms("c", "D2"), ms("d", "D2")],
        [rc(1, "D1"), rc(2, "d1"), rc(5, "D3"), rc(6, "D3")],
        MatchKey.ARTICLE,
    )
    titles = sorted(str(c.title) for c in result.conflicts)
    assert titles == [
        "Артикул «D1» есть у 1 товара в МойСклад и 2 в RetailCRM",
        "Артикул «D2» есть у 3 товаров в МойСклад и ни у одного в RetailCRM",
        "Артикул «D3» есть у 2 предложений в RetailCRM и ни у одного товара в МойСклад",
    ]
    assert result.pairs == []


def test_new_product_reusing_a_linked_article_is_a_duplicate_not_a_creation():
    result = match_catalog([ms("old", "X"), ms("new", "X")], [rc(1, "X")], MatchKey.ARTICLE, links={"old": 1})
    assert pairs_of(result) == {("old", 1, "link")}
    [conflict] = result.conflicts
    assert conflict.kind == "duplicate_key"
    assert {row["id"]: row["linked_rc_id"] for row in conflict.ms_data} == {"old": 1, "new": None}
    assert result.to_create_in_retailcrm == []


def test_duplicates_only_among_linked_pairs_are_fine():
    result = match_catalog(
        [ms("a", "X"), ms("b", "X")], [rc(1, "X"), rc(2, "X")], MatchKey.ARTICLE, links={"a": 1, "b": 2}
    )
    assert pairs_of(result) == {("a", 1, "link"), ("b", 2, "link")}
    assert result.conflicts == []


def test_items_without_a_key_are_listed_apart_with_a_reason():
    result = match_catalog(
        [ms("a"), ms("v", type="variant", name="Футболка (M)"), ms("linked")],
        [rc(1), rc(2, "  ")],
        MatchKey.ARTICLE,
        links={"linked": 1},
    )
    assert pairs_of(result) == {("linked", 1, "link")}
    assert result.conflicts == []
    by_key = {c.key: c for c in result.no_key}
    assert set(by_key) == {"only_in_moysklad:article:a", "only_in_moysklad:article:v", "only_in_retailcrm:article:2"}
    assert all(c.reason == "no_key" for c in result.no_key)
    assert (
        str(by_key["only_in_moysklad:article:a"].title)
        == "Товар «Товар a» есть только в МойСклад: у товара не заполнен артикул"
    )
    assert by_key["only_in_moysklad:article:v"].title.params["reason"].code == "catalog.no_key.variant_article"
    assert by_key["only_in_retailcrm:article:2"].kind == "only_in_retailcrm"
    assert result.all_open_conflicts == result.conflicts + result.no_key


def test_variants_fall_back_to_code_and_the_plan_says_so():
    variants = [ms(f"v{i}", None, type="variant", code=f"0000{i}") for i in range(3)]
    result = match_catalog([ms("p", "ART"), *variants], [rc(1, "ART"), rc(2, "00000"), rc(3, "00001")], "article")
    assert pairs_of(result) == {("p", 1, "key"), ("v0", 2, "key"), ("v1", 3, "key")}
    assert result.variant_code_fallbacks == 3
    assert (result.notes[0].code, result.notes[0].params) == ("catalog.note.variant_code", {"n": 3})
    [conflict] = result.conflicts
    assert conflict.key == "only_in_moysklad:article:v2"
    assert str(conflict.title).startswith("Модификация «Товар v2» (артикул «00002»)")


def test_fallback_note_agrees_in_number():
    one = match_catalog([ms("v", type="variant", code="1")], [], MatchKey.ARTICLE)
    many = match_catalog([ms(f"v{i}", type="variant", code=str(i)) for i in range(34)], [], MatchKey.ARTICLE)
    assert str(one.notes[0]).startswith("для 1 модификации использован код вместо артикула")
    assert str(many.notes[0]).startswith("для 34 модификаций использован код вместо артикула")
    assert match_catalog([ms("v", type="variant", code="1")], [], MatchKey.CODE).notes == []


def test_code_key_meets_retailcrm_article():
    result = match_catalog(
        [ms("a", "ART-A", code="00001"), ms("v", type="variant", code="00002")],
        [rc(1, "00001"), rc(2, "00002"), rc(3, "ART-A")],
        MatchKey.CODE,
    )
    assert pairs_of(result) == {("a", 1, "key"), ("v", 2, "key")}
    assert [c.key for c in result.conflicts] == ["only_in_retailcrm:code:3"]
    assert str(result.conflicts[0].title) == "Предложение «Предложение 3» (код «ART-A») есть только в RetailCRM"


def test_external_code_key_uses_the_composite_for_variants():
    product = ms("p", external_code="PEXT")
    variant = ms("v", type="variant", external_code="VEXT", product_id="p", product_external_code="PEXT")
    orphan = ms("o", type="variant", external_code="OEXT")  # parent external code unknown
    result = match_catalog(
        [product, variant, orphan],
        [rc(1, xml_id="PEXT"), rc(2, xml_id="pext#vext"), rc(3, xml_id="VEXT")],
        MatchKey.EXTERNAL_CODE,
    )
    assert pairs_of(result) == {("p", 1, "key"), ("v", 2, "key")}
    assert [c.key for c in result.conflicts] == ["only_in_retailcrm:external-code:3"]
    [no_key] = result.no_key
    assert no_key.key == "only_in_moysklad:external-code:o"
    assert no_key.title.params["reason"].code == "catalog.no_key.variant_external"


def test_barcode_key_any_barcode_pairs():
    result = match_catalog(
        [ms("a", barcodes=("2000000000011", "4600000000017")), ms("b", barcodes=("2000000000028",))],
        [rc(1, barcode="4600000000017"), rc(2, barcode="2000000000028")],
        MatchKey.BARCODE,
    )
    assert pairs_of(result) == {("a", 1, "key"), ("b", 2, "key")}
    assert result.conflicts == []


def test_barcode_shared_by_two_products_is_one_duplicate_named_by_the_shared_barcode():
    result = match_catalog(
        [ms("a", barcodes=("111", "999")), ms("b", barcodes=("555", "999"))],
        [rc(1, barcode="111"), rc(2, barcode="555")],
        MatchKey.BARCODE,
    )
    assert result.pairs == []
    [conflict] = result.conflicts
    assert conflict.key == "duplicate_key:barcode:999"
    assert str(conflict.title) == "Штрихкод «999» есть у 2 товаров в МойСклад и 2 в RetailCRM"
    assert {row["id"] for row in conflict.rc_data} == {1, 2}


def test_archived_and_inactive_items_keep_links_and_pair_but_are_never_created():
    result = match_catalog(
        [ms("arch", "A", archived=True), ms("arch2", "B", archived=True), ms("linked", "L", archived=True)],
        [rc(1, "A", active=False), rc(2, "C", active=False), rc(3, "L", active=False)],
        MatchKey.ARTICLE,
        links={"linked": 3},
    )
    assert pairs_of(result) == {("arch", 1, "key"), ("linked", 3, "link")}
    assert result.conflicts == [] and result.no_key == []
    assert [item.id for item in result.skipped_inactive_ms] == ["arch2"]
    assert [offer.id for offer in result.skipped_inactive_rc] == [2]
    assert any(n.code == "catalog.note.skipped_inactive" and n.params["ms"] == 1 for n in result.notes)


def test_variant_characteristics_are_shown_for_comparison():
    variant = ms("v", type="variant", code="1", characteristics=(("Цвет", "красный"), ("Размер", "M")), product_id="p")
    result = match_catalog([variant], [], MatchKey.ARTICLE)
    [conflict] = result.conflicts
    assert conflict.ms_data[0]["characteristics"] == [
        {"name": "Цвет", "value": "красный"},
        {"name": "Размер", "value": "M"},
    ]
    assert conflict.ms_data[0]["product_id"] == "p"


def test_result_does_not_depend_on_input_order():
    ms_items = [ms(f"m{i}", f"A{i % 7}") for i in range(40)] + [ms("solo", "S")]
    rc_offers = [rc(i, f"a{i % 9}") for i in range(30)] + [rc(100, "s")]
    links = {"m3": 3, "m10": 4}

    def summary(result):
        return (
            sorted((p.ms.id, p.rc.id, p.how) for p in result.pairs),
            sorted(
                (c.key, str(c.title), tuple(r["id"] for r in c.ms_data), tuple(r["id"] for r in c.rc_data))
                for c in result.conflicts
            ),
        )

    expected = summary(match_catalog(ms_items, rc_offers, MatchKey.ARTICLE, links))
    rng = random.Random(7)
    for _ in range(3):
        shuffled_ms, shuffled_rc = ms_items[:], rc_offers[:]
        rng.shuffle(shuffled_ms)
        rng.shuffle(shuffled_rc)
        got = summary(match_catalog(shuffled_ms, shuffled_rc, MatchKey.ARTICLE, links))
        assert got[0] == expected[0]
        # Conflict keys and titles are stable; only the order of rows inside a conflict follows the input.
        assert [(k, t) for k, t, *_ in got[1]] == [(k, t) for k, t, *_ in expected[1]]
        assert [tuple(sorted(m)) for _, _, m, _ in got[1]] == [tuple(sorted(m)) for _, _, m, _ in expected[1]]
    assert ("solo", 100, "key") in expected[0]


def test_an_archived_only_match_of_an_active_offer_is_its_own_conflict():
    result = match_catalog([ms("arch", "A", archived=True)], [rc(1, "A")], MatchKey.ARTICLE)
    assert pairs_of(result) == set()
    [conflict] = result.conflicts
    assert conflict.kind == "archived_in_moysklad" and conflict.key == "archived_in_moysklad:article:1"
    assert conflict.title.code == "catalog.archived_mate"
    assert [d["id"] for d in conflict.ms_data] == ["arch"] and [d["id"] for d in conflict.rc_data] == [1]
    # «пропустить» holds it; «связать» pairs them
    ignored = match_catalog([ms("arch", "A", archived=True)], [rc(1, "A")], MatchKey.ARTICLE,
                            resolutions={conflict.key: {"action": "ignore"}})
    assert ignored.conflicts == [] and [c.kind for c in ignored.resolved] == ["archived_in_moysklad"]
    linked = match_catalog([ms("arch", "A", archived=True)], [rc(1, "A")], MatchKey.ARTICLE,
                           resolutions={conflict.key: {"action": "link", "ms_id": "arch", "rc_id": 1}})
    assert pairs_of(linked) == {("arch", 1, "resolution")} and linked.conflicts == []
