"""The demo shop: deterministic, realistic, and flawed in the ways the sync must handle."""

from collections import Counter
from datetime import datetime, timedelta

from app.sandbox.seed import generate_shop

NOW = datetime(2029, 2, 28, 23, 59)


def test_same_seed_same_shop_other_seed_other_shop():
    assert generate_shop(seed=3, now=NOW) == generate_shop(seed=3, now=NOW)
    assert generate_shop(seed=3, now=NOW).products != generate_shop(seed=4, now=NOW).products


def test_every_date_counts_back_from_the_shops_now():
    shop = generate_shop(orders=120, now=NOW)
    moved = generate_shop(orders=120, now=NOW + timedelta(days=400))
    assert shop.epoch == NOW
    assert all(o.created_at < NOW for o in shop.orders)
    assert [o.created_at + timedelta(days=400) for o in shop.orders] == [o.created_at for o in moved.orders]
    ages = [NOW - o.created_at for o in shop.orders]
    assert sum(age < timedelta(days=7) for age in ages) > 90  # most are recent
    assert sum(timedelta(days=7) < age < timedelta(days=30) for age in ages) >= 3  # some in between
    assert sum(age > timedelta(days=45) for age in ages) >= 5  # and some from long before
    numbers = [int(o.number.rstrip("C")) for o, age in zip(shop.orders, ages, strict=True) if age > timedelta(days=7)]
    assert numbers == sorted(numbers)  # older orders got the lower numbers


def test_catalog_has_variants_russian_names_and_unique_keys():
    shop = generate_shop(products=300, orders=50)
    offers = shop.offers()
    assert any(p.variants for p in shop.products) and any(not p.variants for p in shop.products)
    assert all(any("а" <= ch <= "я" for ch in p.name.lower()) for p in shop.products)
    assert len({o.key for o in offers}) == len(offers)
    assert len({o.xml_id for o in offers}) == len(offers)
    variant = next(o for o in offers if o.variant_key)
    assert "#" in variant.xml_id and variant.article.startswith(variant.article.split("-")[0])


def test_deliberate_flaws_are_present():
    shop = generate_shop(products=300, orders=50)
    ms_articles = Counter(p.article for p in shop.products if p.in_moysklad and not p.variants)
    rc_articles = Counter(o.article.strip().lower() for o in shop.offers() if o.in_retailcrm)
    (dup_ms,) = shop.anomalies["duplicate_article_moysklad"]
    (dup_rc,) = shop.anomalies["duplicate_article_retailcrm"]
    assert ms_articles[dup_ms] == 2
    assert rc_articles[dup_rc.lower()] == 2
    assert len(shop.anomalies["only_in_moysklad"]) == 3
    assert len(shop.anomalies["only_in_retailcrm"]) == 2
    odd = [o.article for o in shop.offers() if o.article != o.article.strip()]
    assert len(odd) == 2
    assert shop.anomalies["ambiguous_counterparty_phone"]


def test_orders_reference_retailcrm_offers_and_known_statuses():
    shop = generate_shop(products=100, orders=80)
    offers = shop.offer_index()
    codes = {s.code for s in shop.statuses}
    for order in shop.orders:
        assert order.status in codes
        assert order.items
        assert all(offers[i.offer_key].in_retailcrm for i in order.items)
    assert len({o.number for o in shop.orders}) == len(shop.orders)
    assert len({o.status for o in shop.orders}) >= 6


def test_stock_only_for_moysklad_items_and_known_stores():
    shop = generate_shop(products=100, orders=10, stores=4)
    offers = shop.offer_index()
    store_keys = {s.key for s in shop.stores}
    assert shop.stock
    for (offer_key, store_key), qty in shop.stock.items():
        assert offers[offer_key].in_moysklad and store_key in store_keys and qty >= 0


def test_store_count_is_clamped_and_extra_stores_are_named():
    assert len(generate_shop(products=5, orders=1, stores=0).stores) == 1
    many = generate_shop(products=5, orders=1, stores=7)
    assert len(many.stores) == 7 and len({s.rc_code for s in many.stores}) == 7
