"""Catalog flow against the seeded sandbox over real HTTP: links, conflicts, creates, edits, idempotency."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from app.sync.catalog.keys import MatchKey
from app.sync.model import Action, Flow
from tests.sync.catalog.support import CatEnv, cat_environment, ms_item_by_xml, seeded_offer


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment() as env:
        yield env


def _open_conflicts(env: CatEnv) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for conflict in env.db.conflicts(env.profile_id).list(status="open"):
        found.setdefault(conflict.kind, []).append(conflict.key)
    return found


def test_first_run_links_unique_matches_and_reports_the_seeded_anomalies(cat_env: CatEnv) -> None:
    env = cat_env
    shop = env.sandbox.shop
    anomalies = shop.anomalies
    report = env.run(Flow.CATALOG)
    assert report.errors == 0

    links = env.offer_links()
    # every offer both sides have is linked to the offer with the same xmlId (externalCode), except the two
    # whose article is duplicated on one side
    odd = [*anomalies["duplicate_article_moysklad"], *anomalies["duplicate_article_retailcrm"]]
    duplicated = {a.casefold() for a in odd}
    both = [
        o for o in shop.offers() if o.in_moysklad and o.in_retailcrm and o.article.strip().casefold() not in duplicated
    ]
    for offer in both:
        ms_id = ms_item_by_xml(env, offer.xml_id)
        assert links[ms_id] == seeded_offer(env, offer.key)["id"], offer.key
    for offer in shop.offers():
        if offer.in_moysklad and offer.article.strip().casefold() in duplicated:
            assert ms_item_by_xml(env, offer.xml_id) not in links

    conflicts = _open_conflicts(env)
    dup_keys = {f"duplicate_key:article:{a.casefold()}" for a in duplicated}
    assert set(conflicts["duplicate_key"]) == dup_keys
    rc_only = {
        f"only_in_retailcrm:article:{seeded_offer(env, o.key)['id']}"
        for o in shop.offers()
        if o.article in anomalies["only_in_retailcrm"]
    }
    assert set(conflicts["only_in_retailcrm"]) == rc_only
    assert "only_in_moysklad" not in conflicts  # simple products only in MoySklad were created instead

    # case and stray spaces in RetailCRM's article still matched
    for article in anomalies["article_case_spaces"]:
        offer = next(o for o in shop.offers() if o.article.strip().casefold() == article.casefold())
        assert links[ms_item_by_xml(env, offer.xml_id)] == seeded_offer(env, offer.key)["id"]

    plan = report.plans[Flow.CATALOG]
    stats = plan.stats.as_dict()
    variants = sum(len(p.variants) for p in shop.products if p.in_moysklad)
    assert stats["variant_code_fallbacks"] == variants > 0
    assert any(getattr(note, "code", None) == "catalog.note.variant_code" for note in plan.notes)
    assert stats["duplicates"] == 2
    assert stats["only_in_retailcrm"] == 2
    assert stats["only_in_moysklad"] == len(anomalies["only_in_moysklad"]) == stats["to_create"]
    assert stats["pairs"] == len(links)
    found = len(links) - stats["to_create"]  # the plan found these; the created ones were linked on apply
    assert str(plan.notes[0]).startswith(f"Найдено {found} пар (новых {found}), 3 только в МойСклад")


def test_only_in_moysklad_products_are_created_in_retailcrm_with_their_group(cat_env: CatEnv) -> None:
    env = cat_env
    shop = env.sandbox.shop
    before = env.rc_state.counts()
    env.run(Flow.CATALOG)
    created = [p for p in shop.products if p.article in shop.anomalies["only_in_moysklad"]]
    assert len(created) == 3
    assert env.rc_state.counts()["products"] == before["products"] + 3
    links = env.offer_links()
    for product in created:
        offers = env.rc_state.find_offers(xml_id=product.external_code)
        assert len(offers) == 1
        rc_product = env.rc_state.product(
            next(p["id"] for p in env.rc_state.products() if p.get("externalId") == product.external_code)
        )
        assert rc_product["name"] == product.name
        assert rc_product["article"] == product.article
        folder = next(f for f in shop.folders if f.key == product.folder_key)
        assert {"id": rc_product["groups"][0]["id"], "externalId": folder.external_code} in rc_product["groups"]
        ms_id = ms_item_by_xml(env, product.external_code)
        assert links[ms_id] == offers[0]["id"]
    # one create request for the three, one read-back
    assert len(env.requests("retailcrm", "POST", "/store/products/batch/create")) == 1


def test_second_run_plans_no_writes(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    links = env.offer_links()
    env.clear_log()
    report = env.run(Flow.CATALOG)
    plan = report.plans[Flow.CATALOG]
    assert plan.changes == []
    counts = report.counts[Flow.CATALOG]
    assert (counts.created, counts.updated, counts.failed) == (0, 0, 0)
    assert counts.unchanged == len(links)
    assert env.offer_links() == links
    assert all(e.method == "GET" for e in env.all_requests())


def test_renamed_article_in_moysklad_keeps_the_link_and_updates_retailcrm(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    links = env.offer_links()
    anomalies = env.sandbox.shop.anomalies
    odd = {*anomalies["duplicate_article_moysklad"], *anomalies["duplicate_article_retailcrm"]}
    product = next(
        p
        for p in env.sandbox.shop.products
        if not p.variants and p.in_moysklad and p.in_retailcrm and p.rc_article is None and p.article not in odd
    )
    assert env.ms_state.rename_article(product.article, "NEW-777") == 1

    report = env.run(Flow.CATALOG)
    plan = report.plans[Flow.CATALOG]
    edits = [c for c in plan.changes if c.action is Action.UPDATE]
    assert len(edits) == 1
    assert f"артикул «{product.article}» → «NEW-777»" in str(edits[0].summary)
    assert env.offer_links() == links
    rc_product = next(p for p in env.rc_state.products() if p.get("externalId") == product.external_code)
    assert rc_product["article"] == "NEW-777"
    assert not any(c.kind == "only_in_moysklad" for c in env.db.conflicts(env.profile_id).list(status="open"))
    # and it stays put
    assert env.run(Flow.CATALOG).plans[Flow.CATALOG].changes == []


def test_pick_resolution_is_honoured_next_run(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    repo = env.db.conflicts(env.profile_id)
    article = env.sandbox.shop.anomalies["duplicate_article_moysklad"][0]
    conflict = repo.get_by_key("duplicate_key", f"duplicate_key:article:{article.casefold()}")
    assert conflict is not None and conflict.status == "open"
    assert len(conflict.ms_data) == 2 and len(conflict.rc_data) == 1
    chosen_ms = conflict.ms_data[1]["id"]
    rc_id = conflict.rc_data[0]["id"]
    repo.resolve(conflict.id, {"action": "pick", "ms_id": chosen_ms, "rc_id": rc_id})

    report = env.run(Flow.CATALOG)
    assert env.offer_links()[chosen_ms] == rc_id
    other = conflict.ms_data[0]["id"]
    assert other not in env.offer_links()
    stored = repo.get_by_key("duplicate_key", conflict.key)
    assert stored is not None and stored.status == "resolved" and stored.last_seen_run == report.run_id
    assert report.plans[Flow.CATALOG].stats.duplicates == 1
    # the pick holds: nothing more to do
    assert env.run(Flow.CATALOG).plans[Flow.CATALOG].changes == []


def test_variant_only_in_moysklad_is_a_conflict_that_says_why(cat_env: CatEnv) -> None:
    env = cat_env
    parent = next(p for p in env.sandbox.shop.products if p.variants and p.in_moysklad)
    ms_product = env.ms_state.find_products(external_code=parent.external_code)[0]
    variant = env.ms_state.create_entity(
        "variant",
        {
            "product": {"meta": ms_product["meta"]},
            "code": "NEW-VARIANT-1",
            "characteristics": [{"name": "Размер", "value": "XXXL"}],
        },
    )
    report = env.run(Flow.CATALOG)
    found = env.db.conflicts(env.profile_id).get_by_key("only_in_moysklad", f"only_in_moysklad:article:{variant['id']}")
    assert found is not None and found.status == "open"
    assert "не даёт создавать модификации через API" in found.title
    assert "NEW-VARIANT-1" in found.title
    assert variant["id"] not in env.offer_links()
    assert not env.rc_state.find_offers(article="NEW-VARIANT-1")
    assert report.plans[Flow.CATALOG].stats.to_create == 3  # the simple products only


def test_icml_catalog_only_links(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(catalog_mode="icml")
    before = env.rc_state.counts()
    report = env.run(Flow.CATALOG)
    assert env.rc_state.counts() == before
    assert not env.requests("retailcrm", "POST")
    opened = [c for c in env.db.conflicts(env.profile_id).list(status="open") if c.kind == "only_in_moysklad"]
    assert len(opened) == 3
    assert all("файла ICML" in c.title for c in opened)
    assert report.plans[Flow.CATALOG].stats.to_create == 0
    assert len(env.offer_links()) > 0


def test_icml_site_is_detected_even_when_settings_say_crm(cat_env: CatEnv) -> None:
    env = cat_env
    env.rc_state.set_catalog_mode("icml")
    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    assert not env.requests("retailcrm", "POST")
    assert any(getattr(note, "code", None) == "catalog.note.icml_site" for note in report.plans[Flow.CATALOG].notes)


def test_retailcrm_as_master_creates_its_offers_in_moysklad_once(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(master="retailcrm")
    shop = env.sandbox.shop
    rc_only = [o for o in shop.offers() if o.article in shop.anomalies["only_in_retailcrm"]]
    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    links = env.offer_links()
    for offer in rc_only:
        rc_offer = seeded_offer(env, offer.key)
        made = env.ms_state.find_products(external_code=offer.xml_id)
        assert len(made) == 1
        assert made[0]["article"] == offer.article
        prices = {p["priceType"]["id"]: Decimal(str(p["value"])) / 100 for p in made[0]["salePrices"]}
        for pair in env.settings.price_pairs:
            assert prices[pair.ms_price_type_id] == env.rc_state.prices(rc_offer["id"])[pair.rc_price_code]
        assert Decimal(str(made[0]["buyPrice"]["value"])) / 100 == env.rc_state.purchase_price(rc_offer["id"])
        assert links[made[0]["id"]] == rc_offer["id"]
        link = env.db.links(env.profile_id).get_by_rc("offer", rc_offer["id"])
        assert link is not None and link.sync_id and link.is_complete
    # only-in-MoySklad products are conflicts now, nothing is created in RetailCRM
    assert not env.requests("retailcrm", "POST", "/store/products/batch/create")
    opened = [c for c in env.db.conflicts(env.profile_id).list(status="open") if c.kind == "only_in_moysklad"]
    assert len(opened) == 3
    assert env.run(Flow.CATALOG).plans[Flow.CATALOG].changes == []
    assert all(len(env.ms_state.find_products(external_code=o.xml_id)) == 1 for o in rc_only)
    # a person's «создать» still creates on the other side
    repo = env.db.conflicts(env.profile_id)
    repo.resolve(opened[0].id, {"action": "create"})
    env.run(Flow.CATALOG)
    external_code = opened[0].ms_data[0]["external_code"]
    made = env.rc_state.find_offers(xml_id=external_code)
    assert len(made) == 1 and env.offer_links()[opened[0].ms_data[0]["id"]] == made[0]["id"]


def test_create_resolution_on_an_only_in_retailcrm_conflict(cat_env: CatEnv) -> None:
    env = cat_env
    env.run(Flow.CATALOG)
    repo = env.db.conflicts(env.profile_id)
    conflict = next(c for c in repo.list(status="open") if c.kind == "only_in_retailcrm")
    repo.resolve(conflict.id, {"action": "create"})
    env.run(Flow.CATALOG)
    rc_id = conflict.rc_data[0]["id"]
    link = env.db.links(env.profile_id).get_by_rc("offer", rc_id)
    assert link is not None and link.ms_id is not None
    assert env.ms_state.product(link.ms_id)["name"] == conflict.rc_data[0]["name"]


def test_other_match_key_and_ignore_resolution(cat_env: CatEnv) -> None:
    env = cat_env
    env.configure(match_key=MatchKey.EXTERNAL_CODE.value)
    env.run(Flow.CATALOG)
    links = env.offer_links()
    shop = env.sandbox.shop
    # xmlId = externalCode on both sides: every offer present on both sides pairs, duplicated articles too
    both = [o for o in shop.offers() if o.in_moysklad and o.in_retailcrm]
    assert all(ms_item_by_xml(env, o.xml_id) in links for o in both)
    repo = env.db.conflicts(env.profile_id)
    conflict = next(c for c in repo.list(status="open") if c.kind == "only_in_retailcrm")
    repo.ignore(conflict.id)
    report = env.run(Flow.CATALOG)
    assert report.plans[Flow.CATALOG].conflicts == len(repo.list(status="open"))
    assert repo.get(conflict.id).status == "ignored"  # type: ignore[union-attr]


def test_one_refused_product_does_not_hold_back_the_others(cat_env: CatEnv) -> None:
    env = cat_env
    shop = env.sandbox.shop
    new = [p for p in shop.products if p.article in shop.anomalies["only_in_moysklad"]]
    # someone made a two-offer card with the externalId of the first new product: RetailCRM refuses a second
    # product with that externalId, and a two-offer card is not one Svyazka may link by it
    first = env.rc_state.add_offer(name="Чужая карточка", article="OTHER-1", xml_id=new[0].external_code)
    card = next(p["id"] for p in env.rc_state.products() if first["id"] in [o["id"] for o in p["offers"]])
    env.rc_state.add_offer(name="Чужая карточка 2", article="OTHER-2", xml_id="OTHER-XML-2", product_id=card)
    report = env.run(Flow.CATALOG)
    counts = report.counts[Flow.CATALOG]
    assert counts.failed == 1
    assert report.errors == 1
    assert any(f"RetailCRM не создал товар «{new[0].name}»" in m for m in env.messages(Flow.CATALOG))
    links = env.offer_links()
    for product in new[1:]:
        offers = env.rc_state.find_offers(xml_id=product.external_code)
        assert len(offers) == 1 and offers[0]["id"] in links.values()


def test_duplicate_conflicts_show_stock_per_warehouse(cat_env: CatEnv) -> None:
    """A person choosing between two duplicates sees where each one's goods are."""
    env = cat_env
    env.run(Flow.CATALOG)
    duplicate = next(c for c in env.db.conflicts(env.profile_id).list(kind="duplicate_key") if c.ms_data)
    names = {s["id"]: s["name"] for s in env.ms_state.stores()}
    for item in duplicate.ms_data:
        expected = {
            names[store]: float(v["stock"])
            for store, v in env.ms_state.stock(item["id"]).items()
            if store and v["stock"]
        }
        assert {store: float(qty) for store, qty in item["stock"].items()} == expected
    assert any(item["stock"] for item in duplicate.ms_data)


def test_retailcrm_barcodes_reach_moysklad_with_the_right_type(cat_env: CatEnv) -> None:
    """Only a real EAN-13 goes as ``ean13`` (MoySklad would keep a wrong check digit, see app/sync/barcodes.py);
    other printable ASCII goes as ``code128``; what neither can carry is left out, with a log line."""
    env = cat_env
    env.configure(master="retailcrm")
    sent = {
        "BC-GOOD": ("4006381333931", [{"ean13": "4006381333931"}]),
        "BC-CHECK": ("4006381333932", [{"code128": "4006381333932"}]),  # one digit off: not an EAN-13
        "BC-SHORT": ("12345", [{"code128": "12345"}]),
        "BC-TEXT": (" AB-12/x ", [{"code128": "AB-12/x"}]),
        "BC-CYR": ("ШК-001", []),
    }
    for article, (barcode, _) in sent.items():
        env.rc_state.add_offer(name=f"Штрихкод {article}", article=article, xml_id=f"XML-{article}", barcode=barcode)
    report = env.run(Flow.CATALOG)
    assert report.errors == 0
    for article, (_, expected) in sent.items():
        made = env.ms_state.find_products(external_code=f"XML-{article}")
        assert len(made) == 1, article
        assert made[0]["barcodes"] == expected, article
    warnings = [m for m in env.messages(Flow.CATALOG) if "Штрихкод «ШК-001»" in m]
    assert len(warnings) == 1 and "не передан в МойСклад" in warnings[0]
