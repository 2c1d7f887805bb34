"""The ICML export of the MoySklad catalog: a file RetailCRM's ICML rules accept, written over real HTTP from
the sandbox, and a round trip: a RetailCRM site that loads it gets offers the catalog flow links, every one."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.sandbox.retailcrm.models import Site
from app.store import SyncSettings
from app.sync.catalog.icml import FILE_NAME, export_icml, param_code
from app.sync.catalog.icml_writer import IcmlCategory, IcmlOffer, IcmlUnit, IcmlWriter
from app.sync.catalog.source import load_moysklad_catalog
from app.sync.model import Flow
from tests.sync.catalog.support import CatEnv, cat_environment

NOW = datetime(2026, 3, 1, 12, 0, 0)


@pytest.fixture
def cat_env() -> Iterator[CatEnv]:
    with cat_environment(products=60) as env:
        yield env


def validate_icml(path: Path) -> ET.Element:
    """RetailCRM's ICML rules (docs.simla.com/Developers/modules/ICML): a well-formed UTF-8 file,
    ``yml_catalog[@date]/shop`` with a name, categories with unique ids whose parents exist, offers with a unique
    ``id``, a ``productId``, a ``name`` and (for a MoySklad catalog) an ``xmlId``; every ``categoryId`` exists."""
    raw = path.read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    raw.decode("utf-8")
    root = ET.fromstring(raw)
    assert root.tag == "yml_catalog" and root.get("date")
    shop = root.find("shop")
    assert shop is not None and (shop.findtext("name") or "").strip()
    cat_ids = [c.get("id") for c in shop.iterfind("categories/category")]
    assert all(cat_ids) and len(cat_ids) == len(set(cat_ids))
    for cat in shop.iterfind("categories/category"):
        assert cat.get("parentId") is None or cat.get("parentId") in cat_ids
        assert (cat.text or "").strip()
    offer_ids = []
    for offer in shop.iterfind("offers/offer"):
        offer_ids.append(offer.get("id"))
        assert offer.get("id") and offer.get("productId")
        assert (offer.findtext("name") or "").strip() and (offer.findtext("xmlId") or "").strip()
        category = offer.findtext("categoryId")
        assert category is None or category in cat_ids
        for price in ("price", "purchasePrice"):
            if offer.findtext(price) is not None:
                Decimal(offer.findtext(price) or "x")
    assert len(offer_ids) == len(set(offer_ids)), "offer ids must be unique"
    return root


# --- the writer --------------------------------------------------------------------------------------------

def test_the_writer_escapes_and_keeps_cyrillic(tmp_path: Path) -> None:
    path = tmp_path / "out" / FILE_NAME
    tricky = 'Чай «Эрл Грей» & <лимон> "крупный" \'лист\'\x01'
    with IcmlWriter(path, "Магазин & Ко", date="2026-03-01 12:00:00") as writer:
        writer.categories([IcmlCategory("a&b", "Чай <чёрный>"), IcmlCategory("c", "Листовой", parent_id="a&b")])
        writer.offer(IcmlOffer(id='p"1', product_id="p<1>", name=tricky, product_name=tricky, xml_id='p"1',
                               price=Decimal("1234.5"), purchase_price=Decimal("1000"), category_id="c",
                               params=(("article", "Артикул", "A&B"), ("color", "Цвет", "красный")),
                               vendor="ООО «Рога & копыта»", unit=IcmlUnit("pc", "Штука", "шт."),
                               barcodes=("4600000000001", "4600000000002")))
    root = validate_icml(path)
    offer = root.find("shop/offers/offer")
    assert offer is not None
    assert offer.get("id") == 'p"1' and offer.get("productId") == "p<1>"
    assert offer.findtext("name") == tricky.replace("\x01", "")
    assert offer.findtext("price") == "1234.50" and offer.findtext("purchasePrice") == "1000.00"
    assert [(p.get("code"), p.text) for p in offer.iterfind("param")] == [("article", "A&B"), ("color", "красный")]
    assert offer.findtext("vendor") == "ООО «Рога & копыта»"
    unit = offer.find("unit")
    assert unit is not None and unit.attrib == {"code": "pc", "name": "Штука", "sym": "шт."}
    assert [b.text for b in offer.iterfind("barcode")] == ["4600000000001", "4600000000002"]
    assert root.findtext("shop/name") == "Магазин & Ко"
    assert [p.name for p in path.parent.iterdir()] == [FILE_NAME]  # no temp file left


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), IcmlWriter(path, "Магазин", date="2026-03-01 12:00:00") as writer:
        writer.offer(IcmlOffer(id="1", product_id="1", name="x", product_name="x", xml_id="1"))
        raise RuntimeError("the catalog read broke off")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == [FILE_NAME]


def test_param_codes_are_latin_and_stable() -> None:
    assert param_code("Цвет") == "color" and param_code("Размер") == "size"
    assert param_code("Материал подошвы") == "material-podoshvy"
    assert param_code("  ") == "param"


# --- the export from the sandbox ------------------------------------------------------------------------------

def test_the_export_covers_the_moysklad_catalog(cat_env: CatEnv, tmp_path: Path) -> None:
    env = cat_env
    path = tmp_path / FILE_NAME
    result = export_icml(env.moysklad, env.settings, path, shop_name="Уют & Ко", now=NOW)
    root = validate_icml(path)
    catalog = load_moysklad_catalog(env.moysklad)
    live = {i.id: i for i in catalog.items.values() if not i.archived}
    offers = {o.get("id"): o for o in root.iterfind("shop/offers/offer")}
    assert result.offers == len(offers) == len(live) and not result.duplicates
    assert root.get("date") == "2026-03-01 12:00:00"
    assert len(list(root.iterfind("shop/categories/category"))) == len(catalog.folders) == result.categories
    price_type = env.settings.price_pairs[0].ms_price_type_id
    variants = 0
    for item in live.values():
        product = catalog.product_of(item.id)
        assert product is not None
        if item.type == "variant":
            variants += 1
            xml_id = f"{product.external_code}#{item.external_code}"
        else:
            xml_id = item.external_code
        offer = offers[xml_id]
        assert offer.findtext("xmlId") == xml_id
        assert offer.get("productId") == product.external_code  # variants share their product's
        assert offer.findtext("productName") == product.name and offer.findtext("name") == item.name
        assert Decimal(offer.findtext("price") or "") == catalog.prices[item.id][price_type]
        if item.buy_price is not None:
            assert Decimal(offer.findtext("purchasePrice") or "") == item.buy_price
        params = {p.get("name"): p.text for p in offer.iterfind("param")}
        for name, value in item.characteristics:
            assert params[name] == value
        assert [b.text for b in offer.iterfind("barcode")] == list(item.barcodes)
        unit = offer.find("unit")
        assert unit is not None and unit.get("code") == "pc" and unit.get("sym") == "шт"
    assert variants > 0
    assert root.findtext("shop/name") == "Уют & Ко"


def _icml_site(env: CatEnv, code: str = "icml-shop") -> str:
    rc = env.rc_state
    with rc.lock:
        rc.db.sites[code] = Site(id=90, code=code, name="Магазин из файла", url=f"https://{code}.example.ru",
                                 catalog_id=90)
    return code


def test_a_site_that_loads_the_file_links_every_offer(cat_env: CatEnv, tmp_path: Path) -> None:
    env = cat_env
    path = tmp_path / FILE_NAME
    result = export_icml(env.moysklad, env.settings, path, shop_name="Уют", now=NOW)
    site = _icml_site(env)
    counts = env.rc_state.load_icml(site, path)
    assert counts["offers"] == result.offers and counts["deactivated"] == 0
    loaded = [o for o in env.rc_state.offers() if o["site"] == site]
    assert all(o["externalId"] == o["xmlId"] for o in loaded)  # as recorded Store/testOffers.json shows
    env.configure(retailcrm_site=site, catalog_mode="icml")
    # by the article: the seeded shop's deliberate duplicate article (two MoySklad items, hence two offers)
    # is a duplicate conflict as it would be in any catalog; nothing is missing on either side
    env.configure(match_key="article")
    report = env.run(Flow.CATALOG)
    assert report.errors == 0, report.message
    conflicts = env.db.conflicts(env.profile_id).list(status="open")
    assert {c.kind for c in conflicts} <= {"duplicate_key"}
    assert len(env.offer_links()) == len(loaded) - 2 * len(conflicts)
    # by the external code (xmlId = product#variant): every offer
    env.configure(match_key="external-code")
    report = env.run(Flow.CATALOG)
    assert report.errors == 0, report.message
    assert set(env.offer_links().values()) == {o["id"] for o in loaded}
    assert env.db.conflicts(env.profile_id).list(status="open") == []

def test_the_catalog_run_writes_the_file_when_a_folder_is_set(cat_env: CatEnv, tmp_path: Path) -> None:
    env = cat_env
    assert SyncSettings().icml_folder is None  # off by default
    env.run(Flow.CATALOG)
    assert not any(tmp_path.iterdir())
    env.configure(icml_folder=str(tmp_path / "feed"))
    report = env.run(Flow.CATALOG)
    assert report.errors == 0, report.message
    path = tmp_path / "feed" / FILE_NAME
    validate_icml(path)
    assert any(str(path) in m and "ICML" in m for m in env.messages(Flow.CATALOG))


def test_an_unwritable_folder_is_said_plainly(cat_env: CatEnv, tmp_path: Path) -> None:
    env = cat_env
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    env.configure(icml_folder=str(blocker / "sub"))
    env.run(Flow.CATALOG)
    said = [m for m in env.messages(Flow.CATALOG) if "ICML" in m and "не записан" in m]
    assert said and "Traceback" not in said[0]


def _many_offers(count: int) -> Iterator[IcmlOffer]:
    for n in range(count):
        yield IcmlOffer(id=f"p{n // 3}#v{n}", product_id=f"p{n // 3}", name=f"Товар {n} (красный, XL)",
                        product_name=f"Товар {n // 3}", xml_id=f"p{n // 3}#v{n}", price=Decimal("990.00"),
                        params=(("color", "Цвет", "красный"), ("size", "Размер", "XL")), barcodes=(f"{n:013d}",))


def _write(path: Path, count: int) -> IcmlWriter:
    with IcmlWriter(path, "Магазин", date="2026-03-01 12:00:00") as writer:
        writer.categories([IcmlCategory("1", "Всё")])
        for offer in _many_offers(count):
            writer.offer(offer)
    return writer


def test_offers_are_streamed_not_held(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / FILE_NAME
    tracemalloc.start()
    try:
        _write(path, 8_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # the file is written as it goes: memory stays a small fraction of what the file holds
    assert path.stat().st_size > 2_000_000 and peak < 500_000, peak


def test_fifty_thousand_offers_make_a_valid_file(tmp_path: Path) -> None:
    path = tmp_path / FILE_NAME
    assert _write(path, 50_000).offers_written == 50_000
    ids: set[str | None] = set()
    for _, el in ET.iterparse(path):
        if el.tag == "offer":
            ids.add(el.get("id"))
            el.clear()
    assert len(ids) == 50_000
