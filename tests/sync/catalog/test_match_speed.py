"""match_catalog stays linear: a big catalog (50,000 per side) is matched in about a second."""

import time

from app.sync.catalog.keys import MatchKey, MsItem, RcOffer
from app.sync.catalog.matching import match_catalog

N = 50_000


def make_catalog():
    ms_items = []
    rc_offers = []
    for i in range(N):
        if i % 4 == 0:  # a quarter are variants keyed by their code
            ms_items.append(
                MsItem(id=f"v{i}", type="variant", name=f"Вариант {i}", code=f"C{i}", barcodes=(f"46{i:011d}",))
            )
        else:
            ms_items.append(
                MsItem(id=f"p{i}", type="product", name=f"Товар {i}", article=f"ART-{i}", barcodes=(f"46{i:011d}",))
            )
        article = f"C{i}" if i % 4 == 0 else f" art-{i}"
        if i % 1000 == 1:
            article = f"DUP-{i // 10_000}"  # a sprinkle of duplicates and only-in items
        rc_offers.append(
            RcOffer(id=i + 1, product_id=i + 1, name=f"Предложение {i}", article=article, barcode=f"46{i:011d}")
        )
    links = {ms_items[i].id: i + 1 for i in range(0, N, 3)}
    return ms_items, rc_offers, links


def test_fifty_thousand_per_side():
    ms_items, rc_offers, links = make_catalog()
    for key in (MatchKey.ARTICLE, MatchKey.BARCODE):
        started = time.perf_counter()
        result = match_catalog(ms_items, rc_offers, key, links)
        seconds = time.perf_counter() - started
        print(
            f"\nmatch_catalog {key.value}: {N} per side in {seconds:.2f} s, "
            f"{len(result.pairs)} pairs, {len(result.conflicts)} conflicts"
        )
        assert seconds < 20
        if key is MatchKey.BARCODE:
            assert len(result.pairs) == N and result.conflicts == []
        else:
            # every offer that kept its own article pairs; the renamed ones become duplicates/only-in
            assert len(result.pairs) > N * 0.99
            assert result.conflicts
            assert result.variant_code_fallbacks == N // 4
