"""The RetailCRM field a match key meets: MoySklad's «Код» against the offer property ``code`` over HTTP.

RetailCRM's own MoySklad module exports the code as the offer property ``code`` (not as the article), and the
sandbox's offers carry it the same way; the default (code ↔ article) must stay as it was for old profiles.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.store import SyncSettings
from app.sync.catalog.keys import MatchRule
from app.sync.model import Flow
from tests.sync.catalog.support import CatEnv, cat_environment, ms_item_by_xml


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _both_sides(env: CatEnv) -> list[str]:
    return [o.xml_id for o in env.sandbox.shop.offers() if o.in_moysklad and o.in_retailcrm]


def test_code_meets_the_offer_property_code(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(match_key="code", match_field="property:code")
    report = env.run(Flow.CATALOG)
    assert report.errors == 0, report.message
    links = env.offer_links()
    both = _both_sides(env)
    # every item both services have pairs by its code, products and variants alike
    assert all(ms_item_by_xml(env, xml_id) in links for xml_id in both)
    stats = report.plans[Flow.CATALOG].stats.as_dict()
    assert stats["key_matched"] >= len(both)
    assert stats["ms_items"] >= stats["key_matched"] and stats["rc_offers"] >= stats["key_matched"]
    assert any(getattr(note, "code", None) == "catalog.note.field" and note.params["field"].params == {"code": "code"}
               for note in report.plans[Flow.CATALOG].notes)


def test_the_usual_field_of_code_is_still_the_article(cat_env: CatEnv) -> None:
    env = cat_env
    assert SyncSettings().match_field is None and MatchRule.of("code").rc_field == "article"
    env.configure(match_key="code")
    by_article = env.run(Flow.CATALOG, dry_run=True).plans[Flow.CATALOG].stats.as_dict()
    env.configure(match_key="code", match_field="property:code")
    by_property = env.run(Flow.CATALOG, dry_run=True).plans[Flow.CATALOG].stats.as_dict()
    # the seeded products' codes are not their articles (a variant's code is its article): products without
    # variants meet only under the property
    simple = sum(1 for o in env.sandbox.shop.offers() if o.in_moysklad and o.in_retailcrm and o.variant_key is None)
    assert simple > 10
    assert by_article["key_matched"] <= by_property["key_matched"] - simple
    assert by_property["key_matched"] >= len(_both_sides(env))


def test_an_offer_without_the_property_is_a_conflict_that_says_so(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(match_key="code", match_field="property:code")
    xml_id = _both_sides(env)[0]
    (offer,) = env.rc_state.find_offers(xml_id=xml_id)
    assert offer["properties"]["code"]  # served over HTTP like RetailCRM's module writes it
    env.rc_state.set_offer_property(offer["id"], "code", None)

    env.run(Flow.CATALOG)

    assert offer["id"] not in env.offer_links().values()
    conflicts = env.db.conflicts(env.profile_id).list(status="open", kind="only_in_retailcrm")
    (conflict,) = [c for c in conflicts if c.rc_data and c.rc_data[0]["id"] == offer["id"]]
    assert "не заполнено свойство «code»" in conflict.title
    # decisions under this field never leak to code ↔ article, and the other way round
    assert conflict.key == f"only_in_retailcrm:code@property-code:{offer['id']}"
