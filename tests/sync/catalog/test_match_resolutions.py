"""Remembered decisions (pick, link, ignore, create) and what happens when one no longer fits."""

from typing import Any

from app.sync.catalog.keys import MatchKey, MsItem, RcOffer
from app.sync.catalog.matching import match_catalog

DUP = "duplicate_key:article:abc-1"


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


DUPLICATE_MS = [ms("a", "ABC-1"), ms("b", "abc-1"), ms("c", "other")]
DUPLICATE_RC = [rc(1, "ABC-1"), rc(2, "OTHER")]


def test_without_a_decision_the_duplicate_is_open():
    result = match_catalog(DUPLICATE_MS, DUPLICATE_RC, MatchKey.ARTICLE)
    assert [c.key for c in result.conflicts] == [DUP]
    assert pairs_of(result) == {("c", 2, "key")}


def test_pick_pairs_the_chosen_two_and_silences_the_rest():
    decision = {"action": "pick", "ms_id": "b", "rc_id": 1}
    result = match_catalog(DUPLICATE_MS, DUPLICATE_RC, MatchKey.ARTICLE, resolutions={DUP: decision})
    assert pairs_of(result) == {("b", 1, "resolution"), ("c", 2, "key")}
    assert result.conflicts == [] and result.no_key == []
    [held] = result.resolved
    assert held.key == DUP and held.resolution == decision
    assert result.applied_resolutions == {DUP: decision}
    assert result.dropped_resolutions == []
    assert {p.ms.id for p in result.new_pairs()} == {"b", "c"}


def test_pick_keeps_holding_once_the_pair_is_a_stored_link():
    decision = {"action": "pick", "ms_id": "b", "rc_id": "1"}  # ids may come back from JSON as strings
    result = match_catalog(
        DUPLICATE_MS, DUPLICATE_RC, MatchKey.ARTICLE, links={"b": 1, "c": 2}, resolutions={DUP: decision}
    )
    assert pairs_of(result) == {("b", 1, "resolution"), ("c", 2, "link")}
    assert result.conflicts == []
    assert [c.key for c in result.resolved] == [DUP]
    assert result.stale_links == []


def test_pick_whose_item_is_gone_is_dropped_and_the_conflict_returns():
    decision = {"action": "pick", "ms_id": "deleted", "rc_id": 1}
    result = match_catalog(DUPLICATE_MS, DUPLICATE_RC, MatchKey.ARTICLE, resolutions={DUP: decision})
    assert [c.key for c in result.conflicts] == [DUP]
    [dropped] = result.dropped_resolutions
    assert dropped.conflict_key == DUP and dropped.resolution == decision
    assert (
        "прежнее решение (артикул «abc-1») больше не подходит: товар или предложение из решения больше не существуют"
        in [str(note) for note in result.notes]
    )
    assert result.resolved == []


def test_pick_of_an_item_that_left_the_group_still_links_but_new_duplicates_show():
    # "a" was picked for offer 1, then its article changed; meanwhile "b" and "d" took the old article.
    moved = [ms("a", "NEW"), ms("b", "abc-1"), ms("d", "ABC-1")]
    decision = {"action": "pick", "ms_id": "a", "rc_id": 1}
    result = match_catalog(moved, [rc(1, "ABC-1")], MatchKey.ARTICLE, resolutions={DUP: decision})
    assert pairs_of(result) == {("a", 1, "resolution")}  # the decision is about ids, so it still links
    [conflict] = result.conflicts  # ...but b and d are a new problem under the same key, shown to the user
    assert conflict.key == DUP
    assert [row["id"] for row in conflict.ms_data] == ["b", "d"]
    assert conflict.rc_data[0]["linked_ms_id"] == "a"
    assert result.dropped_resolutions == []


def test_pick_one_side_of_a_moysklad_only_duplicate():
    decision = {"action": "pick", "ms_id": "a", "rc_id": None}
    result = match_catalog([ms("a", "ABC-1"), ms("b", "ABC-1")], [], MatchKey.ARTICLE, resolutions={DUP: decision})
    assert [c.key for c in result.resolved] == [DUP]
    # "a" is the real one; whether to create it in RetailCRM is its own question. "b" stays silent.
    assert [c.key for c in result.conflicts] == ["only_in_moysklad:article:a"]


def test_pick_one_side_plus_create_schedules_the_chosen_item():
    decisions = {
        DUP: {"action": "pick", "ms_id": "a"},
        "only_in_moysklad:article:a": {"action": "create"},
    }
    result = match_catalog([ms("a", "ABC-1"), ms("b", "ABC-1")], [], MatchKey.ARTICLE, resolutions=decisions)
    assert [item.id for item in result.to_create_in_retailcrm] == ["a"]
    assert result.conflicts == []
    assert set(result.applied_resolutions) == set(decisions)


def test_link_decision_joins_two_items_with_different_keys():
    decision = {"action": "link", "ms_id": "a", "rc_id": 7}
    result = match_catalog(
        [ms("a", "MS-ART")], [rc(7, "CRM-ART")], MatchKey.ARTICLE,
        resolutions={"only_in_moysklad:article:a": decision},
    )  # fmt: skip
    assert pairs_of(result) == {("a", 7, "resolution")}
    assert result.conflicts == []
    assert result.applied_resolutions == {"only_in_moysklad:article:a": decision}


def test_link_decision_replaces_a_stored_link_that_disagrees():
    # The old product was linked; the owner decided the new one is the real one.
    decision = {"action": "link", "ms_id": "new", "rc_id": 1}
    result = match_catalog(
        [ms("old", "X"), ms("new", "X")], [rc(1, "X")], MatchKey.ARTICLE,
        links={"old": 1}, resolutions={"duplicate_key:article:x": decision},
    )  # fmt: skip
    assert pairs_of(result) == {("new", 1, "resolution")}
    assert [(s.ms_id, s.rc_id, s.why) for s in result.stale_links] == [("old", 1, "replaced")]
    assert result.conflicts == []  # a link decision on a duplicate also silences the rest
    assert [c.key for c in result.resolved] == ["duplicate_key:article:x"]


def test_link_decision_with_a_vanished_offer_is_dropped():
    decision = {"action": "link", "ms_id": "a", "rc_id": 404}
    key = "only_in_moysklad:article:a"
    result = match_catalog([ms("a", "A")], [], MatchKey.ARTICLE, resolutions={key: decision})
    assert [c.key for c in result.conflicts] == [key]
    assert [d.conflict_key for d in result.dropped_resolutions] == [key]
    assert result.dropped_resolutions[0].reason.code == "catalog.drop.gone"


def test_two_decisions_cannot_link_one_offer_twice():
    decisions = {
        "only_in_moysklad:article:a": {"action": "link", "ms_id": "a", "rc_id": 1},
        "only_in_moysklad:article:b": {"action": "link", "ms_id": "b", "rc_id": 1},
    }
    result = match_catalog([ms("a", "A"), ms("b", "B")], [rc(1, "C")], MatchKey.ARTICLE, resolutions=decisions)
    assert pairs_of(result) == {("a", 1, "resolution")}
    assert [d.conflict_key for d in result.dropped_resolutions] == ["only_in_moysklad:article:b"]
    assert [c.key for c in result.conflicts] == ["only_in_moysklad:article:b"]


def test_ignore_silences_an_only_in_conflict_and_a_duplicate():
    decisions = {"only_in_retailcrm:article:2": {"action": "ignore"}, DUP: {"action": "ignore"}}
    result = match_catalog(
        [ms("a", "ABC-1"), ms("b", "ABC-1")], [rc(1, "ABC-1"), rc(2, "Z")], MatchKey.ARTICLE,
        resolutions=decisions,
    )  # fmt: skip
    assert result.conflicts == [] and result.pairs == []
    assert sorted(c.key for c in result.resolved) == sorted(decisions)
    assert all(c.resolution == {"action": "ignore"} for c in result.resolved)
    assert result.to_create_in_moysklad == [] and result.to_create_in_retailcrm == []


def test_ignore_works_for_items_without_a_key():
    key = "only_in_moysklad:article:a"
    result = match_catalog([ms("a")], [], MatchKey.ARTICLE, resolutions={key: {"action": "ignore"}})
    assert result.no_key == []
    assert [(c.key, c.reason) for c in result.resolved] == [(key, "no_key")]


def test_create_puts_items_on_the_creation_lists():
    decisions = {
        "only_in_moysklad:article:a": {"action": "create"},
        "only_in_retailcrm:article:9": {"action": "create"},
    }
    result = match_catalog([ms("a", "A"), ms("b", "B")], [rc(9, "Z")], MatchKey.ARTICLE, resolutions=decisions)
    assert [item.id for item in result.to_create_in_retailcrm] == ["a"]
    assert [offer.id for offer in result.to_create_in_moysklad] == [9]
    assert [c.key for c in result.conflicts] == ["only_in_moysklad:article:b"]


def test_create_does_not_fit_a_duplicate():
    result = match_catalog(DUPLICATE_MS, DUPLICATE_RC, MatchKey.ARTICLE, resolutions={DUP: {"action": "create"}})
    assert [c.key for c in result.conflicts] == [DUP]
    assert [d.conflict_key for d in result.dropped_resolutions] == [DUP]
    assert result.to_create_in_retailcrm == []


def test_pick_does_not_fit_an_only_in_conflict():
    key = "only_in_moysklad:article:a"
    result = match_catalog([ms("a", "A")], [], MatchKey.ARTICLE, resolutions={key: {"action": "pick"}})
    assert [c.key for c in result.conflicts] == [key]
    assert [d.conflict_key for d in result.dropped_resolutions] == [key]


def test_decision_for_a_conflict_that_disappeared_is_dropped():
    # The owner fixed the article, so the item now pairs by key and the old "create" must not fire.
    key = "only_in_moysklad:article:a"
    result = match_catalog([ms("a", "A")], [rc(1, "a")], MatchKey.ARTICLE, resolutions={key: {"action": "create"}})
    assert pairs_of(result) == {("a", 1, "key")}
    assert result.to_create_in_retailcrm == []
    [dropped] = result.dropped_resolutions
    assert dropped.conflict_key == key and dropped.reason.code == "catalog.drop.no_conflict"
    assert [str(note) for note in result.notes] == [
        "прежнее решение (товар «Товар a») больше не подходит: конфликта больше нет"
    ]


def test_unknown_or_malformed_decisions_are_dropped_not_fatal():
    # Stored JSON can hold anything; a broken row must not stop the sync.
    decisions: dict[str, Any] = {"only_in_moysklad:article:a": {"action": "explode"}, "x": "nonsense"}
    result = match_catalog([ms("a", "A")], [], MatchKey.ARTICLE, resolutions=decisions)
    assert sorted(d.conflict_key for d in result.dropped_resolutions) == ["only_in_moysklad:article:a", "x"]
    assert [c.key for c in result.conflicts] == ["only_in_moysklad:article:a"]


def test_decisions_under_another_match_key_do_not_leak():
    key = "only_in_moysklad:article:a"
    result = match_catalog([ms("a", "A", code="C")], [], MatchKey.CODE, resolutions={key: {"action": "create"}})
    assert result.to_create_in_retailcrm == []
    assert [c.key for c in result.conflicts] == ["only_in_moysklad:code:a"]
