"""Stock reports (DOC:reports/_report_stock), computed from the stock ledger.

* ``/report/stock/all`` and ``/report/stock/bystore``: paged envelopes (``meta.type`` ``stock`` /
  ``stockbystore``), 5 rate-limit units each. Filters go inside ``filter=``: ``store`` (= / !=, repeatable),
  ``product``, ``variant``, ``productFolder`` (+ ``withSubFolders``), ``stockMode``, ``quantityMode`` (/all),
  ``archived``, ``search``, ``reserveOnly``, ``inTransitOnly``; ``moment`` is accepted and ignored (the
  emulator keeps no history). Defaults: /all ``stockMode=all`` + ``quantityMode=nonEmpty``; /bystore
  ``stockMode=nonEmpty``. Order: folder path, then name.
* ``/report/stock/all/current`` and ``/report/stock/bystore/current``: bare arrays, no paging, no sorting.
  ``stockType`` = stock | freeStock | quantity | reserve | inTransit names the value key; zero rows are left
  out unless ``include=zeroLines``, and always kept with ``changedSince``. ``changedSince`` returns the
  current absolute values of items changed since then; older than 24 h or in the future is 400/1040
  (``parameter: "changedSince"``; the real code is undocumented). ``filter=assortmentId=a,b;storeId=c``.
  Items never in any operation do not appear; deleted items show as zero while within ``changedSince``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any

from app.sandbox.core import Request, Response
from app.sandbox.moysklad import errors
from app.sandbox.moysklad.entities.base import Record, RenderContext, json_float
from app.sandbox.moysklad.entities.catalog import folder_path
from app.sandbox.moysklad.filters import parse_filters, split_conditions
from app.sandbox.moysklad.listing import render_page
from app.sandbox.moysklad.query import Query
from app.sandbox.moysklad.refs import is_uuid, meta, parse_href
from app.sandbox.moysklad.timefmt import parse_filter_moment

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

STOCK_TYPES = ("stock", "freeStock", "quantity", "reserve", "inTransit")
STOCK_MODES = ("all", "positiveOnly", "negativeOnly", "empty", "nonEmpty", "underMinimum")
CHANGED_SINCE_WINDOW = timedelta(hours=24)


# stockType → its value from (stock, reserve)
_VALUE_OF: dict[str, Callable[[float, float], float]] = {
    "stock": lambda stock, reserve: stock,
    "reserve": lambda stock, reserve: reserve,
    "freeStock": lambda stock, reserve: stock - reserve,
    "inTransit": lambda stock, reserve: 0.0,
    "quantity": lambda stock, reserve: stock - reserve,
}


def mode_matches(mode: str, value: float) -> bool:
    if mode == "positiveOnly":
        return value > 0
    if mode == "negativeOnly":
        return value < 0
    if mode == "empty":
        return value == 0
    if mode == "nonEmpty":
        return value != 0
    if mode == "underMinimum":
        return value < 0  # no minimum balances in the emulator: below zero is below any minimum
    return True


def _changed_since(changed_at: datetime | None, since: datetime) -> bool:
    return changed_at is not None and changed_at >= since


def _bad_value(name: str, value: str, allowed: tuple[str, ...]) -> errors.ApiError:
    return errors.ApiError(
        400, 1084,
        f"Неверное значение '{value}' параметра запроса '{name}', допустимые значения: '{', '.join(allowed)}'",
        parameter=name,
    )


class StockReports:
    def __init__(self, state: MoySkladState) -> None:
        self.state = state

    def handle(self, request: Request, ctx: RenderContext, rest: list[str], query: Query, path: str) -> Response:
        if rest == ["all"]:
            return Response.json(self.extended(ctx, query, by_store=False))
        if rest == ["bystore"]:
            return Response.json(self.extended(ctx, query, by_store=True))
        if rest == ["all", "current"]:
            return Response(status=200, body=("[" + ",".join(self.current(query, by_store=False)) + "]").encode())
        if rest == ["bystore", "current"]:
            return Response(status=200, body=("[" + ",".join(self.current(query, by_store=True)) + "]").encode())
        raise errors.unknown_path(path)

    # -- short reports --------------------------------------------------------------------------------
    def current(self, query: Query, *, by_store: bool) -> list[str]:
        """The rows of a ``…/current`` report, each already JSON (the answer is the array of them)."""
        state = self.state
        ledger = state.ledger
        stock_type = query.get("stockType") or "stock"
        if stock_type not in STOCK_TYPES:
            raise _bad_value("stockType", stock_type, STOCK_TYPES)
        include = query.get("include")
        if include not in (None, "", "zeroLines"):
            raise _bad_value("include", include, ("zeroLines",))
        zero_lines = include == "zeroLines"
        since = self._changed_since(query.get("changedSince"))
        items, stores = self._current_filter(query.get_all("filter"))

        value = _VALUE_OF[stock_type]
        # the whole-account report with zero lines is ~130,000 rows at 56,000 items: the loop reads the
        # ledger's dicts directly (same values as ``ledger.values``) and writes each row's JSON at once
        stock_of, reserve_of, changed_at, removed_items = ledger.stock, ledger.reserve, ledger.changed_at, \
            ledger.removed_items
        value_key = "," + encode_basestring(stock_type) + ":"
        rows: list[str] = []
        for item_id, item_stores in list(ledger.keys_by_item.items()):
            if items is not None and item_id not in items:
                continue
            removed = item_id in removed_items
            keys = [(item_id, s) for s in item_stores if stores is None or s in stores]
            if since is not None:
                changed = [k for k in keys if _changed_since(changed_at.get(k), since)]
                if not changed:
                    continue
            elif removed:
                continue
            if by_store:
                for key in keys:
                    if since is not None and not _changed_since(changed_at.get(key), since):
                        continue
                    if removed:
                        amount = value(0.0, 0.0)
                    else:
                        amount = value(stock_of.get(key, 0.0), reserve_of.get(key, 0.0))
                    if amount == 0 and not zero_lines and since is None:
                        continue
                    store_text = "null" if key[1] is None else encode_basestring(key[1])
                    rows.append('{"assortmentId":' + encode_basestring(item_id) + ',"storeId":' + store_text
                                + value_key + json_float(amount) + "}")
            else:
                total_stock = sum(ledger.values(k)[0] for k in keys)
                total_reserve = sum(ledger.values(k)[1] for k in keys)
                amount = value(total_stock, total_reserve)
                if amount == 0 and not zero_lines and since is None:
                    continue
                rows.append('{"assortmentId":' + encode_basestring(item_id) + value_key + json_float(amount) + "}")
        return rows

    def _changed_since(self, text: str | None) -> Any:
        if text is None:
            return None
        try:
            since = parse_filter_moment(text)
        except ValueError:
            raise errors.bad_parameter("changedSince", f"неверный формат даты '{text}', ожидается "
                                       "'yyyy-MM-dd HH:mm:ss'") from None
        now = self.state.clock.now()
        if since > now:
            raise errors.bad_parameter("changedSince", "значение параметра 'changedSince' не может быть в будущем")
        if now - since > CHANGED_SINCE_WINDOW:
            raise errors.bad_parameter("changedSince", "значение параметра 'changedSince' не может быть раньше "
                                       "чем за 24 часа до текущего момента")
        return since

    @staticmethod
    def _current_filter(values: list[str]) -> tuple[set[str] | None, set[str | None] | None]:
        items: set[str] | None = None
        stores: set[str | None] | None = None
        for value in values:
            for part in split_conditions(value):
                name, sep, ids_text = part.partition("=")
                if not sep or name not in ("assortmentId", "storeId"):
                    raise errors.filter_error(f"неизвестное поле фильтрации '{name}'")
                ids = [i.strip() for i in ids_text.split(",") if i.strip()]
                for entity_id in ids:
                    if not is_uuid(entity_id):
                        raise errors.filter_value(entity_id, name)
                if name == "assortmentId":
                    items = (items or set()) | set(ids)
                else:
                    stores = (stores or set()) | set(ids)
        return items, stores

    # -- extended reports -----------------------------------------------------------------------------
    def extended(self, ctx: RenderContext, query: Query, *, by_store: bool) -> dict[str, Any]:
        state = self.state
        conditions = parse_filters(query.get_all("filter"))
        include_stores: list[str] = []
        exclude_stores: set[str] = set()
        wanted_items: dict[str, set[str]] = {"product": set(), "variant": set()}
        folders: list[str] = []
        with_sub = True
        stock_mode = "nonEmpty" if by_store else "all"
        quantity_mode = "nonEmpty"
        archived: set[bool] = set()
        search = ""
        reserve_only = in_transit_only = False
        for cond in conditions:
            name, op, value = cond.field, cond.op, cond.value
            if name == "store":
                parsed = parse_href(value)
                if parsed is None:
                    raise errors.filter_value(value, name)
                (include_stores.append(parsed.id) if op == "=" else exclude_stores.add(parsed.id))
            elif name in ("product", "variant"):
                parsed = parse_href(value)
                if parsed is None:
                    raise errors.filter_value(value, name)
                wanted_items[name].add(parsed.id)
            elif name == "productFolder":
                parsed = parse_href(value)
                if parsed is None:
                    raise errors.filter_value(value, name)
                folders.append(parsed.id)
            elif name == "withSubFolders":
                with_sub = value != "false"
            elif name == "stockMode":
                if value not in STOCK_MODES:
                    raise errors.filter_enum(value, name, ", ".join(STOCK_MODES))
                stock_mode = value
            elif name == "quantityMode" and not by_store:
                if value not in STOCK_MODES:
                    raise errors.filter_enum(value, name, ", ".join(STOCK_MODES))
                quantity_mode = value
            elif name == "archived":
                if value not in ("true", "false"):
                    raise errors.filter_value(value, name)
                archived.add(value == "true")
            elif name == "search":
                search = value.lower()
            elif name == "reserveOnly":
                reserve_only = value == "true"
            elif name == "inTransitOnly":
                in_transit_only = value == "true"
            elif name == "moment":
                try:
                    parse_filter_moment(value)
                except ValueError:
                    raise errors.filter_date() from None
            else:
                raise errors.filter_error(f"неизвестное поле фильтрации '{name}'")

        all_stores = [s for s in state.table("store").values() if not s.get("archived")]
        store_ids = [s["id"] for s in all_stores]
        if include_stores:
            store_ids = [s for s in store_ids if s in include_stores]
        store_ids = [s for s in store_ids if s not in exclude_stores]
        whole_account = not include_stores and not exclude_stores
        archived = archived or {False}
        group_by = query.get("groupBy") or "variant"
        if group_by not in ("product", "variant", "consignment"):
            raise _bad_value("groupBy", group_by, ("product", "variant", "consignment"))

        ledger = state.ledger
        rows: list[tuple[Record, dict[str, Any]]] = []
        for item in self._items(group_by):
            product = item if item["_ref"].type == "product" else state.lookup(item["product"])
            if product is None or bool(item.get("archived")) not in archived:
                continue
            if any(wanted_items.values()) and item["id"] not in wanted_items[item["_ref"].type] and not (
                    item["_ref"].type == "variant" and product["id"] in wanted_items["product"]):
                continue
            if folders and not self._in_folders(product, folders, with_sub):
                continue
            if search and search not in item.get("name", "").lower():
                continue
            per_store = {sid: ledger.values((item["id"], sid)) for sid in store_ids}
            stock = sum(v[0] for v in per_store.values())
            reserve = sum(v[1] for v in per_store.values())
            if whole_account:
                reserve += ledger.values((item["id"], None))[1]
            if reserve_only and not reserve:
                continue
            if in_transit_only:
                continue  # nothing is ever in transit in the emulator
            if by_store:
                if not any(mode_matches(stock_mode, v[0]) for v in per_store.values()) and stock_mode != "all":
                    continue
            else:
                if not mode_matches(stock_mode, stock) or not mode_matches(quantity_mode, stock - reserve):
                    continue
            rows.append((item, {"product": product, "per_store": per_store, "stock": stock, "reserve": reserve}))
        rows.sort(key=lambda row: (folder_path(state, row[1]["product"].get("productFolder")).lower(),
                                   row[0].get("name", "").lower()))
        stores_by_id = {s["id"]: s for s in all_stores}

        def render(row: tuple[Record, dict[str, Any]], _expand: Any) -> dict[str, Any]:
            item, figures = row
            suffix = "supplier" if item["_ref"].type == "product" else "product.supplier"
            head: dict[str, Any] = {"meta": meta(item["_ref"], ctx.base, expand=suffix)}
            if by_store:
                head["stockByStore"] = [
                    {"meta": meta(stores_by_id[sid]["_ref"], ctx.base), "name": stores_by_id[sid]["name"],
                     "stock": float(figures["per_store"][sid][0]), "reserve": float(figures["per_store"][sid][1]),
                     "inTransit": 0.0}
                    for sid in store_ids
                ]
                return head
            return {**head, **self._extended_fields(ctx, item, figures)}

        path = "report/stock/bystore" if by_store else "report/stock/all"
        return render_page(ctx, path, "stockbystore" if by_store else "stock", rows, query, render)

    def _items(self, group_by: str) -> list[Record]:
        state = self.state
        result: list[Record] = []
        for product in state.table("product").values():
            result.append(product)
            if group_by != "product":
                result.extend(state.variants_of(product["id"]))
        return result

    def _in_folders(self, product: Record, folders: list[str], with_sub: bool) -> bool:
        folder = product.get("productFolder")
        if folder is None:
            return False
        if folder.id in folders:
            return True
        if not with_sub:
            return False
        seen: set[str] = set()
        current = self.state.lookup(folder)
        while current is not None and current["id"] not in seen:
            seen.add(current["id"])
            parent = current.get("productFolder")
            if parent is None:
                return False
            if parent.id in folders:
                return True
            current = self.state.lookup(parent)
        return False

    def _extended_fields(self, ctx: RenderContext, item: Record, figures: dict[str, Any]) -> dict[str, Any]:
        state = self.state
        product = figures["product"]
        stock, reserve = figures["stock"], figures["reserve"]
        out: dict[str, Any] = {"stock": float(stock), "inTransit": 0.0, "reserve": float(reserve),
                               "quantity": float(stock - reserve), "name": item.get("name", "")}
        if item.get("code"):
            out["code"] = item["code"]
        if item["_ref"].type == "product" and item.get("article"):
            out["article"] = item["article"]
        out["price"] = float(item.get("buyPrice", {}).get("value", 0.0))
        prices = item.get("salePrices") or []
        out["salePrice"] = float(prices[0]["value"]) if prices else 0.0
        uom = state.lookup(product.get("uom") or state.uom_ref)
        if uom is not None:
            out["uom"] = {"meta": meta(uom["_ref"], ctx.base), "name": uom["name"]}
        folder_ref = product.get("productFolder")
        folder = state.lookup(folder_ref) if folder_ref is not None else None
        if folder is not None:
            out["folder"] = {"meta": meta(folder["_ref"], ctx.base), "name": folder["name"],
                             "pathName": folder_path(state, folder.get("productFolder"))}
        out["externalCode"] = item.get("externalCode", "")
        out["stockDays"] = 0
        return out
