"""The MoySklad catalog as an ICML file, for shops whose RetailCRM catalog is loaded from a file.

The file is what RetailCRM's own MoySklad generator writes (retailcrm/moysklad-catalog, MoySkladICMLParser.php,
``createICML``; /work/shared/docs/retailcrm-api.md §8), so a catalog RetailCRM loaded from either one links the
same way:

- ``<categories>``: MoySklad folders, ``id`` = the folder's externalCode (its id when it has none, or when two
  folders share one), ``parentId`` the parent folder's; parents are written before their children;
- one ``<offer>`` per product without variants and per variant: ``id`` and ``<xmlId>`` = the product's
  externalCode, or ``<product externalCode>#<variant externalCode>`` (:func:`offer_xml_id_for`, the rule the
  catalog flow matches ``xmlId`` with); ``productId`` = the product's externalCode, so RetailCRM groups a
  product's variants into one product card;
- ``<price>``: the MoySklad price type of the first price pair in the settings (else the first sale price, as the
  generator does), ``<purchasePrice>``: the purchase price (``buyPrice``), two decimals;
- ``<param code="article" name="Артикул">``, ``<param code="code" name="Код">`` (the property the catalog flow
  can match MoySklad's code with, keys.py ``MODULE_CODE_PROPERTY``), and each characteristic of a variant;
- ``<vendor>``: the product's supplier; ``<unit>``: its unit (ICML ``<unit code name sym>``); ``<barcode>``:
  every barcode (ICML docs, docs.simla.com/Developers/modules/ICML).

Archived goods are left out: RetailCRM deactivates offers that are no longer in the file, which is what a shop
expects of goods it stopped selling (the generator leaves them out too unless told otherwise).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.clients.errors import SvyazkaApiError
from app.messages import Message, msg
from app.store.settings import SyncSettings
from app.sync.catalog.icml_writer import IcmlCategory, IcmlOffer, IcmlUnit, IcmlWriter
from app.sync.catalog.keys import MsItem, offer_xml_id_for
from app.sync.catalog.source import MsCatalog, load_moysklad_catalog

FILE_NAME = "svyazka-catalog.xml"

# the MS generator's own param codes and names (MoySkladICMLParser.php, createICML)
ARTICLE_PARAM = ("article", "Артикул")
CODE_PARAM = ("code", "Код")

_TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t", "u", "f",
     "h", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"],
    strict=True,
))
# MoySklad names a unit by its OKEI code (796 = штука); RetailCRM has codes of its own: the recorded
# ``Store/testOffers.json`` shows ``"unit": {"code": "pc", "name": "Штука", "sym": "шт."}``. Others go as OKEI codes.
_RC_UNIT_CODES = {"796": "pc"}
# the codes RetailCRM's seeded catalogs use for the usual characteristics (app/sandbox/retailcrm/seeding.py)
_KNOWN_CODES = {"размер": "size", "цвет": "color"}


def param_code(name: str) -> str:
    """A characteristic's ``<param code>``: the same for the same name in every offer (RetailCRM keeps one
    property per code), Latin letters, digits and ``-``."""
    low = name.strip().casefold()
    if low in _KNOWN_CODES:
        return _KNOWN_CODES[low]
    latin = "".join(_TRANSLIT.get(ch, ch) for ch in low)
    code = re.sub(r"[^a-z0-9]+", "-", latin).strip("-")
    return code or "param"


@dataclass
class IcmlResult:
    path: Path
    offers: int = 0
    categories: int = 0
    skipped_archived: int = 0
    duplicates: list[str] = field(default_factory=list)  # offer ids met twice (the later ones were left out)


@dataclass(frozen=True)
class References:
    """Names the catalog rows point at by id: units and suppliers."""

    units: dict[str, IcmlUnit] = field(default_factory=dict)
    vendors: dict[str, str] = field(default_factory=dict)


def icml_path(settings: SyncSettings) -> Path | None:
    """Where each catalog run writes the file; None when the export is off."""
    return Path(settings.icml_folder) / FILE_NAME if settings.icml_folder else None


def read_references(ms: Any, catalog: MsCatalog) -> References:
    """Units (one short list) and the suppliers the products name (by id, in as few requests as URLs allow)."""
    units: dict[str, IcmlUnit] = {}
    if any(p.uom_id for p in catalog.products.values()):
        for row in ms.iter_entities("uom"):
            sym = str(row.get("name") or "")
            okei = str(row.get("code") or row.get("externalCode") or "")
            units[str(row.get("id") or "")] = IcmlUnit(
                code=_RC_UNIT_CODES.get(okei, okei or sym),
                name=str(row.get("description") or sym),
                sym=sym,
            )
    supplier_ids = sorted({p.supplier_id for p in catalog.products.values() if p.supplier_id})
    vendors: dict[str, str] = {}
    if supplier_ids:
        for row in ms.find_by_values("counterparty", "id", supplier_ids):
            if row.get("id") and row.get("name"):
                vendors[str(row["id"])] = str(row["name"])
    return References(units=units, vendors=vendors)


def _categories(catalog: MsCatalog) -> tuple[list[IcmlCategory], dict[str, str]]:
    """Folders as categories, parents first; and each folder's category id."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for folder in catalog.folders.values():
        wanted = (folder.external_code or "").strip() or folder.id
        cat_id = wanted if wanted not in taken else folder.id
        ids[folder.id] = cat_id
        taken.add(cat_id)
    ordered: list[IcmlCategory] = []
    placed: set[str] = set()

    def place(folder_id: str, trail: frozenset[str]) -> None:
        if folder_id in placed or folder_id in trail:
            return
        folder = catalog.folders[folder_id]
        parent = folder.parent_id if folder.parent_id in catalog.folders else None
        if parent is not None:
            place(parent, trail | {folder_id})
        placed.add(folder_id)
        parent_cat = ids[parent] if parent is not None and parent in placed else None
        ordered.append(IcmlCategory(id=ids[folder_id], name=folder.name or folder.path_name or folder_id,
                                    parent_id=parent_cat))

    for folder_id in catalog.folders:
        place(folder_id, frozenset())
    return ordered, ids


def _price(item: MsItem, prices: dict[str, Decimal], settings: SyncSettings) -> Decimal | None:
    if settings.price_pairs:
        return prices.get(settings.price_pairs[0].ms_price_type_id)
    return item.sale_prices[0][2] if item.sale_prices else None


def _offers(catalog: MsCatalog, settings: SyncSettings, refs: References, category_of: dict[str, str],
            result: IcmlResult) -> Iterator[IcmlOffer]:
    for item in catalog.items.values():
        if item.archived:
            result.skipped_archived += 1
            continue
        product = catalog.product_of(item.id)
        product_code = (product.external_code or "").strip() if product is not None else ""
        try:
            offer_id = offer_xml_id_for(item)
        except ValueError:  # no externalCode (MoySklad always gives one; a hand-made import may not)
            offer_id = f"{item.product_id}#{item.id}" if item.type == "variant" else item.id
        params: list[tuple[str, str, str]] = []
        # A variant has no article in MoySklad: its code stands in, the very value the catalog flow matches a
        # variant by under the article key (keys.py ``ms_key_texts``), so a file-fed catalog links by any key.
        article = item.article or (item.code if item.type == "variant" else None)
        if article:
            params.append((*ARTICLE_PARAM, article))
        if item.code:
            params.append((*CODE_PARAM, item.code))
        for name, value in item.characteristics:
            if value:
                params.append((param_code(name), name, value))
        folder = product.folder_id if product is not None else None
        yield IcmlOffer(
            id=offer_id,
            product_id=product_code or (product.id if product is not None else item.id),
            name=item.name,
            product_name=product.name if product is not None else item.name,
            xml_id=offer_id,
            price=_price(item, catalog.prices.get(item.id, {}), settings),
            purchase_price=item.buy_price,
            category_id=category_of.get(folder) if folder else None,
            params=tuple(params),
            vendor=refs.vendors.get(product.supplier_id or "") if product is not None else None,
            unit=refs.units.get(product.uom_id or "") if product is not None else None,
            barcodes=item.barcodes,
        )


def write_icml(catalog: MsCatalog, settings: SyncSettings, path: Path, *, shop_name: str, now: datetime,
               refs: References | None = None) -> IcmlResult:
    """Write ``catalog`` to ``path`` (atomically). Offer ids are unique: a repeated one is left out and named
    in the result (RetailCRM would merge the two into one offer)."""
    result = IcmlResult(path=path)
    categories, category_of = _categories(catalog)
    seen: set[str] = set()
    with IcmlWriter(path, shop_name, date=now.strftime("%Y-%m-%d %H:%M:%S")) as writer:
        writer.categories(categories)
        result.categories = len(categories)
        for offer in _offers(catalog, settings, refs or References(), category_of, result):
            if offer.id in seen:
                result.duplicates.append(offer.id)
                continue
            seen.add(offer.id)
            writer.offer(offer)
        result.offers = writer.offers_written
    return result


def export_icml(ms: Any, settings: SyncSettings, path: Path, *, shop_name: str, now: datetime,
                catalog: MsCatalog | None = None, progress: Callable[[int], None] = lambda done: None) -> IcmlResult:
    """Read MoySklad's catalog (unless a run read it already) and its units and suppliers, then write the file.
    Units and suppliers are a help: when MoySklad refuses them the file is written without."""
    if catalog is None:
        catalog = load_moysklad_catalog(ms, progress)
    try:
        refs = read_references(ms, catalog)
    except SvyazkaApiError:
        refs = References()
    return write_icml(catalog, settings, path, shop_name=shop_name, now=now, refs=refs)


def summary(result: IcmlResult) -> Message:
    """One sentence for the journal and the console (``str()`` of it is the Russian text)."""
    duplicates: Message | str = ""
    if result.duplicates:
        duplicates = msg("catalog.icml_duplicates", n=len(result.duplicates), shown=", ".join(result.duplicates[:5]))
    return msg("catalog.icml_written", path=str(result.path), offers=result.offers, categories=result.categories,
               duplicates=duplicates)
