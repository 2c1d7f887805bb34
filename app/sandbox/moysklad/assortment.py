"""``GET /entity/assortment``: products with their variants, then services, in one list, in two modes.

* Legacy (no header): rows carry ``stock``, ``reserve``, ``inTransit``, ``quantity`` (all stores, or the
  ``stockStore`` ones); filters ``stockStore``, ``stockMode`` (default all), ``quantityMode``, ``stockMoment``.
* ``X-Lognex-Remap-Beta-Feature: assortmentWithoutStock``: no stock fields; the stock filters (and
  ``article``, ``search`` inside ``filter``, ``barcode!=``) are rejected with 400/1034, and ``expand`` is
  limited to ``product``/``images``/``components`` at the first level.

Services carry no stock fields in either mode (moysklad-api.md §5.4); a stock filter other than "all"
(``stockMode``/``quantityMode``) leaves them out, since they have no stock to compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from app.sandbox.core import Request
from app.sandbox.moysklad import errors
from app.sandbox.moysklad.entities.base import Record, RenderContext
from app.sandbox.moysklad.entities.catalog import barcode_values, folder_path
from app.sandbox.moysklad.filters import FilterField, compile_filters, mentioned, parse_filters
from app.sandbox.moysklad.listing import envelope, order
from app.sandbox.moysklad.query import Query, expand_for_list, page
from app.sandbox.moysklad.refs import parse_href
from app.sandbox.moysklad.reports import STOCK_MODES, mode_matches

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

BETA_HEADER = "X-Lognex-Remap-Beta-Feature"
BETA_VALUE = "assortmentWithoutStock"
LEGACY_ONLY = frozenset({"stockMode", "quantityMode", "stockMoment", "stockStore", "minimumBalance", "salePrice",
                         "article", "alcoholic.type", "isSerialTrackable", "owner", "updatedBy", "weighed",
                         "shared", "search"})


def _product_of(state: Any, record: Record) -> Record | None:
    """The product a row belongs to; a product or a service is its own."""
    if record["_ref"].type != "variant":
        return record
    product: Record | None = state.lookup(record["product"])
    return product


def _folder(state: Any, record: Record) -> Any:
    product = _product_of(state, record)
    return product.get("productFolder") if product else None


FIELDS: dict[str, FilterField] = {
    "id": FilterField("uuid"), "updated": FilterField("datetime"), "name": FilterField("string"),
    "code": FilterField("string"), "article": FilterField("string"), "externalCode": FilterField("string"),
    "description": FilterField("string"), "archived": FilterField("bool"),
    "type": FilterField("enum", getter=lambda s, r: r["_ref"].type,
                        values=("product", "variant", "service", "bundle", "consignment")),
    "barcode": FilterField("strlist", getter=barcode_values, sortable=False),
    "productFolder": FilterField("ref", getter=_folder),
    "pathName": FilterField("string", getter=lambda s, r: folder_path(s, _folder(s, r))),
    "isSerialTrackable": FilterField("bool"), "owner": FilterField("ref"), "shared": FilterField("bool"),
    "search": FilterField("string", getter=lambda s, r: r.get("name"), sortable=False),
}
_SPECIAL = ("stockStore", "stockMode", "quantityMode", "stockMoment", "withSubFolders")


class Assortment:
    def __init__(self, state: MoySkladState) -> None:
        self.state = state

    def list(self, request: Request, ctx: RenderContext, query: Query) -> dict[str, Any]:
        state = self.state
        beta = BETA_VALUE in (request.header(BETA_HEADER) or "")
        current = page(query)
        expand = expand_for_list(query, current)
        conditions = parse_filters(query.get_all("filter"))
        names = mentioned(conditions)
        if beta:
            rejected = sorted(names & LEGACY_ONLY)
            if rejected:
                raise errors.filter_error(f"фильтрация по полю '{rejected[0]}' не поддерживается")
            if any(c.field == "barcode" and c.op == "!=" for c in conditions):
                raise errors.filter_error("оператор '!=' не поддерживается для поля 'barcode'")
            for key, sub in expand.items():
                if key not in ("product", "images", "components") or sub:
                    raise errors.expand_unsupported(key)
        stock_stores_in: list[str] = []
        stock_stores_out: set[str] = set()
        stock_mode = "all"
        quantity_mode = "all"
        plain = []
        for cond in conditions:
            if cond.field == "stockStore":
                parsed = parse_href(cond.value)
                if parsed is None:
                    raise errors.filter_value(cond.value, cond.field)
                (stock_stores_in.append(parsed.id) if cond.op == "=" else stock_stores_out.add(parsed.id))
            elif cond.field in ("stockMode", "quantityMode"):
                if cond.value not in STOCK_MODES:
                    raise errors.filter_enum(cond.value, cond.field, ", ".join(STOCK_MODES))
                if cond.field == "stockMode":
                    stock_mode = cond.value
                else:
                    quantity_mode = cond.value
            elif cond.field in _SPECIAL:
                continue
            else:
                plain.append(cond)
        predicate = compile_filters(plain, FIELDS, state)
        hide_archived = "archived" not in names and "id" not in names
        group_by = query.get("groupBy") or "variant"
        needle = (query.get("search") or "").strip().lower()
        store_ids = [s for s in state.table("store") if not stock_stores_in or s in stock_stores_in]
        store_ids = [s for s in store_ids if s not in stock_stores_out]
        whole = not stock_stores_in and not stock_stores_out

        records: list[Record] = []
        figures: dict[str, tuple[float, float]] = {}
        for record in self._items(group_by, services=stock_mode == "all" and quantity_mode == "all"):
            if hide_archived and record.get("archived"):
                continue
            if not predicate(record):
                continue
            if needle and not any(needle in (record.get(k) or "").lower() for k in ("name", "code", "article")) \
                    and not any(needle in code for code in barcode_values(state, record)):
                continue
            if not beta and record["_ref"].type not in ("service", "bundle"):
                stock = sum(state.ledger.values((record["id"], s))[0] for s in store_ids)
                reserve = sum(state.ledger.values((record["id"], s))[1] for s in store_ids)
                if whole:
                    reserve += state.ledger.values((record["id"], None))[1]
                if not mode_matches(stock_mode, stock) or not mode_matches(quantity_mode, stock - reserve):
                    continue
                figures[record["id"]] = (stock, reserve)
            records.append(record)
        records = order(ctx, records, FIELDS, query.get("order"))
        window = records[current.offset: current.offset + current.limit]
        rows = []
        for record in window:
            kind = state.kinds[record["_ref"].type]
            row = kind.render(ctx, record, expand)
            if record["id"] in figures:
                stock, reserve = figures[record["id"]]
                row.update({"stock": float(stock), "reserve": float(reserve), "inTransit": 0.0,
                            "quantity": float(stock - reserve)})
            rows.append(row)
        return envelope(ctx, "entity/assortment", "assortment", rows, len(records), query, current)

    def _items(self, group_by: str, *, services: bool) -> Iterator[Record]:
        """Every product (each followed by its variants unless grouped by product), then every service."""
        state = self.state
        for product in state.table("product").values():
            yield product
            if group_by != "product":
                yield from state.variants_of(product["id"])
        if services:
            yield from state.table("bundle").values()  # no stock of their own: left out like services
            yield from state.table("service").values()
