"""The catalog: products, services (услуги), variants (модификации), folders, price types, units, currency,
characteristics.

Money is float kopecks (``3353.0`` = 33.53 ₽). Choices where the docs are silent:

* ``salePrices`` on PUT merge by price type: the price types sent are replaced, the others kept; a new
  product gets a zero price for every price type (as the real UI shows). Clients should send the full list.
* ``barcodes`` replace the whole list; none are generated when omitted. Only GTIN is validated (3014),
  as the docs say; an EAN-13 with a wrong check digit is stored as sent, as the docs' example shows.
* A variant's characteristic given by ``name`` that does not exist yet is created (by ``id``: must exist).
* Two variants of one product with the same characteristic values → 412/3006.
* A service is sold like a product (prices, barcodes, syncId, VAT, folder) but has no article, no weight,
  no variants and never any stock: documents list it as a position, stock never moves for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.entities.base import EntityKind, Record, RenderContext, common_filters
from app.sandbox.moysklad.fields import (
    BOOL,
    INT,
    NUMBER,
    STRING,
    TEXT,
    FieldSpec,
    coerce,
    enum,
    number_value,
    ref,
    resolve_ref,
)
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.query import ExpandTree
from app.sandbox.moysklad.refs import Ref, collection_meta, is_uuid, ref_from_href

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

BARCODE_TYPES = ("ean13", "ean8", "code128", "gtin", "upc")
PAYMENT_ITEM_TYPES = ("GOOD", "EXCISABLE_GOOD", "COMPOUND_PAYMENT_ITEM", "ANOTHER_PAYMENT_ITEM")
SERVICE_PAYMENT_ITEM_TYPES = ("SERVICE", "WORK", "PROVIDING_RID", "COMPOUND_PAYMENT_ITEM", "ANOTHER_PAYMENT_ITEM")
TAX_SYSTEMS = ("TAX_SYSTEM_SAME_AS_GROUP", "GENERAL_TAX_SYSTEM", "SIMPLIFIED_TAX_SYSTEM_INCOME",
               "SIMPLIFIED_TAX_SYSTEM_INCOME_OUTCOME", "UNIFIED_AGRICULTURAL_TAX", "PRESUMPTIVE_TAX_SYSTEM",
               "PATENT_BASED")
TRACKING_TYPES = ("NOT_TRACKED", "BEER_ALCOHOL", "ELECTRONICS", "FOOD_SUPPLEMENT", "LP_CLOTHES", "LP_LINENS",
                  "MEDICAL_DEVICES", "MILK", "NCP", "NOT_TRACKED", "OTP", "PERFUMERY", "SANITIZER", "SHOES",
                  "TIRES", "TOBACCO", "WATER")



def goods_defaults(state: MoySkladState, record: Record) -> None:
    """What a create of a product or a bundle gets when the body leaves it out (both are goods)."""
    record.setdefault("uom", state.uom_ref)
    record.setdefault("vatEnabled", False)
    record.setdefault("useParentVat", True)
    record.setdefault("paymentItemType", "GOOD")
    record.setdefault("trackingType", "NOT_TRACKED")
    record.setdefault("discountProhibited", False)
    record.setdefault("weight", 0.0)
    record.setdefault("volume", 0.0)
    record.setdefault("minPrice", {"value": 0.0, "currency": state.rub_ref})

class UomKind(EntityKind):
    name = "uom"
    creatable = False
    deletable = False
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"),
    }


class CurrencyKind(EntityKind):
    name = "currency"
    owned = False
    archivable = True
    creatable = False
    deletable = False
    filters: ClassVar[dict[str, FilterField]] = {
        "id": FilterField("uuid"), "name": FilterField("string"), "code": FilterField("string"),
        "isoCode": FilterField("string"), "archived": FilterField("bool"),
    }

    def new_record(self, state: MoySkladState) -> Record:
        entity_id = state.new_id()
        return {"_ref": self.make_ref(entity_id), "id": entity_id}


class PriceTypeKind(EntityKind):
    """Price types live under ``/context/companysettings/pricetype`` and render whole wherever referenced."""

    name = "pricetype"
    owned = False
    inline = True
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {"name": STRING, "externalCode": STRING}

    @property
    def list_path(self) -> str:
        return "context/companysettings/pricetype"

    def make_ref(self, entity_id: str) -> Ref:
        return Ref.price_type(entity_id)

    def new_record(self, state: MoySkladState) -> Record:
        entity_id = state.new_id()
        return {"_ref": self.make_ref(entity_id), "id": entity_id}

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        record.setdefault("externalCode", state.new_uuid_code())


class CharacteristicKind(EntityKind):
    """A variant characteristic (``/entity/variant/metadata/characteristics``), wire type attributemetadata."""

    name = "characteristic"
    owned = False
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {"name": STRING}

    @property
    def list_path(self) -> str:
        return "entity/variant/metadata/characteristics"

    def make_ref(self, entity_id: str) -> Ref:
        return Ref.characteristic(entity_id)

    def new_record(self, state: MoySkladState) -> Record:
        entity_id = state.new_id()
        return {"_ref": self.make_ref(entity_id), "id": entity_id}

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        record.setdefault("type", "string")
        record.setdefault("required", False)


def folder_path(state: MoySkladState, folder_ref: Ref | None) -> str:
    """``Одежда/Футболки`` for a folder (including itself), as products show it in ``pathName``."""
    names: list[str] = []
    seen: set[str] = set()
    while folder_ref is not None and folder_ref.id not in seen:
        seen.add(folder_ref.id)
        folder = state.lookup(folder_ref)
        if folder is None:
            break
        names.append(folder["name"])
        folder_ref = folder.get("productFolder")
    return "/".join(reversed(names))


class ProductFolderKind(EntityKind):
    name = "productfolder"
    archivable = True
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT,
        "productFolder": ref("productfolder"), "vat": INT, "vatEnabled": BOOL, "useParentVat": BOOL,
        "shared": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "description": FilterField("string"), "archived": FilterField("bool"),
        "productFolder": FilterField("ref"),
        "pathName": FilterField("string", getter=lambda s, r: folder_path(s, r.get("productFolder"))),
    }
    search_fields = ("name", "code")
    expandable = frozenset({"productFolder", "owner", "group"})

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("archived", False)
            record.setdefault("useParentVat", True)
        parent = record.get("productFolder")
        if parent is not None and (parent.id == record["id"] or record["id"] in _ancestors(state, parent)):
            raise errors.ApiError(412, 3007, "Ошибка валидации сохраняемого объекта: группа не может быть вложена "
                                  "сама в себя", parameter="productFolder")

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["pathName"] = folder_path(ctx.state, record.get("productFolder"))

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        for table in ("product", "service", "productfolder"):
            for other in state.table(table).values():
                folder = other.get("productFolder")
                if folder is not None and folder.id == record["id"]:
                    raise errors.in_use("productfolder")


def _ancestors(state: MoySkladState, folder_ref: Ref) -> set[str]:
    found: set[str] = set()
    current: Ref | None = folder_ref
    while current is not None and current.id not in found:
        found.add(current.id)
        folder = state.lookup(current)
        current = folder.get("productFolder") if folder else None
    return found


# -- prices and barcodes, shared by products and variants --------------------------------------------------

def _price(state: MoySkladState, name: str, item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise errors.wrong_type(name, "Object")
    value = number_value(f"{name}.value", item.get("value", 0.0))
    if value < 0:
        raise errors.negative(f"{name}.value")
    currency = item.get("currency")
    currency_ref = resolve_ref(state, f"{name}.currency", currency, ("currency",)) if currency else state.rub_ref
    return {"value": value, "currency": currency_ref}


def apply_sale_prices(state: MoySkladState, record: Record, value: Any) -> None:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise errors.wrong_type("salePrices", "Array(Object)")
    by_type: dict[str, dict[str, Any]] = {sp["priceType"].id: sp for sp in record.get("salePrices", ())}
    for item in value:
        price = _price(state, "salePrices", item)
        raw_type = item.get("priceType")
        type_ref = (resolve_ref(state, "salePrices.priceType", raw_type, ("pricetype",))
                    if raw_type is not None else state.default_price_type_ref())
        by_type[type_ref.id] = {"value": price["value"], "currency": price["currency"], "priceType": type_ref}
    record["salePrices"] = _ordered_prices(state, by_type)


def _ordered_prices(state: MoySkladState, by_type: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    ordered = [by_type[pid] for pid in state.price_type_ids() if pid in by_type]
    return ordered


def fill_sale_prices(state: MoySkladState, record: Record) -> None:
    """Every price type gets a price (0.0 when never set), in the company's price-type order."""
    by_type = {sp["priceType"].id: sp for sp in record.get("salePrices", ())}
    for pid in state.price_type_ids():
        if pid not in by_type:
            by_type[pid] = {"value": 0.0, "currency": state.rub_ref, "priceType": Ref.price_type(pid)}
    record["salePrices"] = _ordered_prices(state, by_type)


def apply_barcodes(record: Record, value: Any) -> None:
    if value is None:
        value = []
    if not isinstance(value, list):
        raise errors.wrong_type("barcodes", "Array(Object)")
    result: list[dict[str, str]] = []
    old = record.get("barcodes", ())
    for item in value:
        if not isinstance(item, dict) or len(item) != 1:
            raise errors.wrong_type("barcodes", "Barcode")
        (kind, code), = item.items()
        if kind not in BARCODE_TYPES:
            raise errors.enum_value("barcodes", str(kind), BARCODE_TYPES)
        if not isinstance(code, str):
            raise errors.wrong_type(f"barcodes.{kind}", "String")
        if not code:
            continue  # "пустые значения игнорируются" (DOC:dictionaries/_product, «Штрихкоды»)
        if len(code) > 255:
            raise errors.ApiError(412, 3011, "Ошибка валидации штрихкода: невозможно добавить к сущности штрихкод "
                                  "длиной более 255 символов", parameter="barcodes")
        if kind == "gtin" and {kind: code} not in old:
            _check_gtin(code)
        result.append({kind: code})
    record["barcodes"] = result


def _check_gtin(code: str) -> None:
    """GTIN is the one type MoySklad validates (error 3014 with these three texts, DOC:_errors); only new
    values are checked on an update (DOC:dictionaries/_product). EAN-13 is not: the docs' own example stores
    ``{"ean13": "2000000000000"}``, whose check digit is wrong (DOC:workbook/_workbook_barcode)."""
    if not (code.isascii() and code.isdigit()):
        detail = "GTIN должен содержать только цифры"
    elif len(code) not in (8, 12, 13, 14):
        detail = "В штрихкоде GTIN должно быть 14, 13, 12 или 8 цифр"
    elif not _gs1_check_digit_ok(code):
        detail = "Не сходится контрольная сумма"
    else:
        return
    # The status of 3014 is not documented; 412 like the other validation errors (3000 is 412, verified).
    raise errors.ApiError(412, 3014, f"Ошибка валидации штрихкода: неверный формат GTIN: {detail}",
                          parameter="barcodes")


def _gs1_check_digit_ok(code: str) -> bool:
    """The GS1 check digit: weights 3 and 1 alternate from the digit next to the check digit leftwards."""
    body = code[:-1]
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == int(code[-1])


def barcode_values(_state: Any, record: Record) -> list[str]:
    return [code for item in record.get("barcodes", ()) for code in item.values()]


class _Sellable(EntityKind):
    """What products and variants share: prices, barcodes, syncId."""

    sync_id = True
    archivable = True

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "salePrices":
            apply_sale_prices(state, record, value)
        elif name in ("buyPrice", "minPrice"):
            if value is None:
                record.pop(name, None)
            else:
                record[name] = _price(state, name, value)
        elif name == "barcodes":
            apply_barcodes(record, value)
        else:
            return False
        return True

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("archived", False)
            record.setdefault("buyPrice", {"value": 0.0, "currency": state.rub_ref})
            record.setdefault("barcodes", [])
        fill_sale_prices(state, record)

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        if state.used_in_documents(record["id"]):
            raise errors.in_use(self.name)


class ProductKind(_Sellable):
    name = "product"
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "article": STRING, "externalCode": STRING, "description": TEXT,
        "archived": BOOL, "vat": INT, "vatEnabled": BOOL, "useParentVat": BOOL, "weight": NUMBER, "volume": NUMBER,
        "productFolder": ref("productfolder"), "uom": ref("uom"), "supplier": ref("counterparty", "organization"),
        "discountProhibited": BOOL, "paymentItemType": enum(*PAYMENT_ITEM_TYPES),
        "trackingType": enum(*TRACKING_TYPES), "isSerialTrackable": BOOL, "shared": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "article": FilterField("string"), "externalCode": FilterField("string"),
        "description": FilterField("string"), "archived": FilterField("bool"), "weight": FilterField("number"),
        "volume": FilterField("number"), "productFolder": FilterField("ref"), "uom": FilterField("ref"),
        "supplier": FilterField("ref"), "owner": FilterField("ref"), "syncId": FilterField("uuid"),
        "isSerialTrackable": FilterField("bool"), "vat": FilterField("number"),
        "barcode": FilterField("strlist", getter=barcode_values, sortable=False),
        "pathName": FilterField("string", getter=lambda s, r: folder_path(s, r.get("productFolder"))),
    }
    search_fields = ("name", "code", "article")
    expandable = frozenset({"productFolder", "uom", "supplier", "owner", "group"})

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        if old is None:
            goods_defaults(state, record)
            record.setdefault("isSerialTrackable", False)

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["pathName"] = folder_path(ctx.state, record.get("productFolder"))
        out["variantsCount"] = ctx.state.variant_count(record["id"])
        vat_enabled = bool(record.get("vatEnabled"))
        out["effectiveVat"] = int(record.get("vat", 0)) if vat_enabled else 0
        out["effectiveVatEnabled"] = vat_enabled
        out["images"] = {"meta": {"href": f"{ctx.base}/entity/product/{record['id']}/images", "type": "image",
                                  "mediaType": "application/json", "size": 0, "limit": 1000, "offset": 0}}

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is not None and old.get("name") != record.get("name"):
            state.rename_variants_of(record)

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        super().before_delete(state, record)
        for variant in state.variants_of(record["id"]):
            if state.used_in_documents(variant["id"]):
                raise errors.in_use("variant")

    def after_delete(self, state: MoySkladState, record: Record) -> None:
        state.delete_variants_of(record["id"])


class ServiceKind(_Sellable):
    """A service (услуга, DOC:dictionaries/_service): no article, weight, variants or stock."""

    name = "service"
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "archived": BOOL,
        "vat": INT, "vatEnabled": BOOL, "useParentVat": BOOL, "productFolder": ref("productfolder"),
        "uom": ref("uom"), "discountProhibited": BOOL, "paymentItemType": enum(*SERVICE_PAYMENT_ITEM_TYPES),
        "taxSystem": enum(*TAX_SYSTEMS), "shared": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "description": FilterField("string"),
        "archived": FilterField("bool"), "productFolder": FilterField("ref"), "uom": FilterField("ref"),
        "owner": FilterField("ref"), "group": FilterField("ref"), "shared": FilterField("bool"),
        "syncId": FilterField("uuid"), "vat": FilterField("number"),
        "barcode": FilterField("strlist", getter=barcode_values, sortable=False),
        "pathName": FilterField("string", getter=lambda s, r: folder_path(s, r.get("productFolder"))),
    }
    search_fields = ("name", "code")  # the docs: context search covers name and code only
    expandable = frozenset({"productFolder", "uom", "owner", "group"})

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        if old is None:
            record.setdefault("vatEnabled", False)
            record.setdefault("useParentVat", True)
            record.setdefault("paymentItemType", "SERVICE")
            record.setdefault("discountProhibited", False)
            record.setdefault("minPrice", {"value": 0.0, "currency": state.rub_ref})

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["pathName"] = folder_path(ctx.state, record.get("productFolder"))
        vat_enabled = bool(record.get("vatEnabled"))
        out["effectiveVat"] = int(record.get("vat", 0)) if vat_enabled else 0
        out["effectiveVatEnabled"] = vat_enabled


class VariantKind(_Sellable):
    name = "variant"
    required = ("product", "characteristics")
    fields: ClassVar[dict[str, FieldSpec]] = {
        "code": STRING, "externalCode": STRING, "description": TEXT, "archived": BOOL,
        "discountProhibited": BOOL,
        "article": STRING,  # in the docs' attribute table (DOC:dictionaries/_variant), though not in the OAS schema
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "description": FilterField("string"), "article": FilterField("string"),
        "archived": FilterField("bool"), "syncId": FilterField("uuid"),
        "productid": FilterField("uuid", getter=lambda s, r: r["product"].id if r.get("product") else None),
        "barcode": FilterField("strlist", getter=barcode_values, sortable=False),
    }
    search_fields = ("name", "code")
    expandable = frozenset({"product"})
    # No owner, shared or group: neither the OAS variant schema nor the docs' attribute table
    # (DOC:dictionaries/_variant) nor the OAS fixture variant.json has them (a variant belongs to its product);
    # only one old response example in the docs shows them.
    owned = False

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "product":
            product = resolve_ref(state, "product", value, ("product",)) if value is not None else None
            if not creating and product is not None and record.get("product") not in (None, product):
                raise errors.ApiError(412, 3001, "Ошибка сохранения объекта: поле 'product' не может быть изменено",
                                      parameter="product")
            if product is not None:
                record["product"] = product
            return True
        if name == "characteristics":
            record["_characteristics"] = _characteristics(state, value)
            return True
        return super().apply_custom(state, record, name, value, creating=creating)

    def check_required(self, record: Record) -> None:
        if record.get("product") is None:
            raise errors.required("product")
        if not record.get("_characteristics"):
            raise errors.required("characteristics")

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        product = state.lookup(record["product"])
        values = tuple(item["value"] for item in record["_characteristics"])
        record["name"] = f"{product['name'] if product else ''} ({', '.join(values)})"
        signature = tuple(sorted((item["_char"].id, item["value"]) for item in record["_characteristics"]))
        for other in state.variants_of(record["product"].id):
            if other["id"] != record["id"]:
                theirs = tuple(sorted((i["_char"].id, i["value"]) for i in other["_characteristics"]))
                if theirs == signature:
                    raise errors.not_unique("characteristics")

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["characteristics"] = [
            {"meta": ctx.meta_of(item["_char"]), "id": item["_char"].id,
             "name": (ctx.state.lookup(item["_char"]) or {}).get("name", ""), "value": item["value"]}
            for item in record["_characteristics"]
        ]

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        state.index_variant(record, old)

    def after_delete(self, state: MoySkladState, record: Record) -> None:
        state.index_variant(None, record)

    def metadata(self, ctx: RenderContext) -> dict[str, Any]:
        kind = ctx.state.kinds["characteristic"]
        return {
            "meta": {"href": f"{ctx.base}/entity/variant/metadata", "mediaType": "application/json"},
            "characteristics": [kind.render(ctx, r, {}) for r in ctx.state.table("characteristic").values()],
        }


def _characteristics(state: MoySkladState, value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise errors.wrong_type("characteristics", "Array(Object)")
    result: list[dict[str, Any]] = []
    for item in value:
        if not isinstance(item, dict):
            raise errors.wrong_type("characteristics", "Object")
        char_value = coerce(state, "characteristics.value", STRING, item.get("value"))
        if not char_value:
            raise errors.required("characteristics.value")
        char_ref: Ref | None = None
        if isinstance(item.get("meta"), dict):
            parsed = ref_from_href(item["meta"].get("href"))
            if parsed is None or parsed.table != "characteristic":
                raise errors.bad_href("characteristics")
            char_ref = parsed
        elif item.get("id") is not None:
            if not is_uuid(item["id"]):
                raise errors.bad_uuid("characteristics.id")
            char_ref = Ref.characteristic(str(item["id"]))
        if char_ref is not None:
            record = state.lookup(char_ref)
            if record is None:
                raise errors.not_found("attributemetadata", char_ref.id, parameter="characteristics")
            char_ref = record["_ref"]
        elif isinstance(item.get("name"), str) and item["name"].strip():
            char_ref = state.characteristic_by_name(item["name"].strip(), create=True)
        else:
            raise errors.required("characteristics.name")
        if any(existing["_char"] is char_ref for existing in result):
            raise errors.ApiError(412, 3013, "Ошибка валидации: для поля 'characteristics' массив элементов не "
                                  "должен содержать сущности с одинаковыми идентификаторами",
                                  parameter="characteristics")
        result.append({"_char": char_ref, "value": char_value})
    return result


class BundleKind(_Sellable):
    """A bundle (комплект, DOC:dictionaries/_bundle; OAS fixtures ``bundle.json``, ``bundle_component.json``):
    sold like a product (article, code, prices, barcodes, VAT, folder) but made of ``components`` (other
    products, variants or services with a quantity). It has no stock of its own (stock reports and the
    assortment's stock fields leave it out, moysklad-api.md §5.4); a demand of a bundle takes its
    components out of stock. Components are written whole on create/PUT (the ``/components`` sub-resource
    is not emulated)."""

    name = "bundle"
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "article": STRING, "externalCode": STRING, "description": TEXT,
        "archived": BOOL, "vat": INT, "vatEnabled": BOOL, "useParentVat": BOOL, "weight": NUMBER, "volume": NUMBER,
        "productFolder": ref("productfolder"), "uom": ref("uom"), "discountProhibited": BOOL,
        "paymentItemType": enum(*PAYMENT_ITEM_TYPES), "trackingType": enum(*TRACKING_TYPES), "shared": BOOL,
        "partialDisposal": BOOL,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "article": FilterField("string"), "externalCode": FilterField("string"),
        "description": FilterField("string"), "archived": FilterField("bool"), "productFolder": FilterField("ref"),
        "owner": FilterField("ref"), "syncId": FilterField("uuid"),
        "barcode": FilterField("strlist", getter=barcode_values, sortable=False),
        "pathName": FilterField("string", getter=lambda s, r: folder_path(s, r.get("productFolder"))),
    }
    search_fields = ("name", "code", "article")
    expandable = frozenset({"productFolder", "uom", "owner", "group", "components"})

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "components":
            record["_components"] = _components(state, value)
            return True
        return super().apply_custom(state, record, name, value, creating=creating)

    def check_required(self, record: Record) -> None:
        super().check_required(record)
        if not record.get("_components"):
            raise errors.required("components")

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        if old is None:
            goods_defaults(state, record)
            record.setdefault("partialDisposal", False)

    def render(self, ctx: RenderContext, record: Record, expand: ExpandTree, *, path: str = "") -> dict[str, Any]:
        out = super().render(ctx, record, expand, path=path)
        components = record.get("_components", ())
        sub_path = f"entity/bundle/{record['id']}/components"
        collection: dict[str, Any] = {"meta": collection_meta(ctx.base, sub_path, "bundlecomponent", len(components))}
        if "components" in expand:
            collection["rows"] = [
                {"meta": {"href": f"{ctx.base}/{sub_path}/{c['id']}", "type": "bundlecomponent",
                          "mediaType": "application/json"},
                 "id": c["id"], "accountId": ctx.state.account_id,
                 "assortment": ctx.reference(c["assortment"], None), "quantity": c["quantity"]}
                for c in components
            ]
        out["components"] = collection
        return out

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        out["pathName"] = folder_path(ctx.state, record.get("productFolder"))
        vat_enabled = bool(record.get("vatEnabled"))
        out["effectiveVat"] = int(record.get("vat", 0)) if vat_enabled else 0
        out["effectiveVatEnabled"] = vat_enabled


def _components(state: MoySkladState, value: Any) -> list[dict[str, Any]]:
    rows = value.get("rows") if isinstance(value, dict) else value
    if not isinstance(rows, list):
        raise errors.wrong_type("components", "Array(Object)")
    result: list[dict[str, Any]] = []
    for item in rows:
        if not isinstance(item, dict):
            raise errors.wrong_type("components", "Object")
        if item.get("assortment") is None:
            raise errors.required("components.assortment")
        assortment = resolve_ref(state, "components.assortment", item["assortment"], ("product", "variant", "service"))
        quantity = number_value("components.quantity", item.get("quantity", 1.0))
        if quantity <= 0:
            raise errors.negative("components.quantity")
        result.append({"id": state.new_id(), "assortment": assortment, "quantity": quantity})
    return result
