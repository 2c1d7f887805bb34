"""Documents: customer orders (заказы покупателей) and demands (отгрузки), their positions and states.

Semantics reproduced (moysklad-api.md §5.6, §5.7, §8.13):

* ``name`` is auto-numbered per document type ("00001", "00002", …) when absent; ``externalCode`` is a random
  22-character string when absent; ``moment`` defaults to now and keeps minutes only.
* Inline ``positions`` (a list, or ``{"rows": [...]}`` as templates return them) replace the whole set:
  positions matched by ``id``/``meta`` are updated, the others created, the missing ones deleted. At most
  1000 (413/2022). A position needs ``assortment`` (412/3000); ``quantity`` defaults to 1.
* ``reserve`` ≤ ``quantity`` on order positions (412/17003); negative quantities are 412/3002.
* ``sum`` / ``vatSum`` are computed in kopecks (each line rounded half-up to a whole kopeck). With
  ``vatIncluded`` the price holds the VAT (sum = lines, vatSum = line × vat / (100 + vat), as the docs' examples
  show: sum 100000, vatSum 16667 at 20 %, DOC:documents/_retireorder); without it VAT is added on top
  (sum = lines + line × vat / 100: "Включен ли НДС в цену" [inferred]); ``vatEnabled`` false: no VAT at all.
  A new document without ``vatIncluded`` takes ``state.vat_included_default`` (true, as the docs' example).
* ``state`` must be a state of the same document type (400/2013 otherwise).
* A demand needs ``organization``, ``agent`` and ``store``; ``customerOrder`` links it to an order, which then
  lists it in ``demands`` and shows ``shipped`` per position. Shipping releases the order's reserve: an order
  reserves ``max(0, reserve − shipped)`` of each item.
* ``PUT /entity/demand/new`` with ``{"customerOrder": {meta}}`` returns an unsaved demand prefilled from the
  order (positions not yet shipped); POSTing that template creates the demand.
* A sales return (``salesreturn``, возврат покупателя) needs ``organization``, ``agent`` and ``store``; ``demand``
  links it to the shipment it returns. ``PUT /entity/salesreturn/new`` with ``{"demand": {meta}}`` returns an
  unsaved return prefilled from that demand (OAS ``getSalesReturnTemplate``: "переданный `demand` позволяет
  получить шаблон на основе отгрузки"); here its positions are what the demand shipped less what its posted
  returns took back [inferred]. A posted return puts its goods back into its store.
* A position's ``assortment`` is a product, a variant or a service. A service holds no reserve (a ``reserve``
  sent for it is ignored) and a demand never takes it out of stock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad import attributes, errors
from app.sandbox.moysklad.entities.base import EntityKind, Record, RenderContext, common_filters
from app.sandbox.moysklad.entities.payments import payed_sum
from app.sandbox.moysklad.fields import (
    ADDRESS,
    BOOL,
    INT,
    MOMENT,
    NUMBER,
    STRING,
    TEXT,
    FieldSpec,
    coerce,
    enum,
    ref,
    resolve_ref,
)
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.query import ExpandTree, expand_string
from app.sandbox.moysklad.refs import Ref, collection_meta, is_uuid, meta, ref_from_href
from app.sandbox.moysklad.timefmt import to_minute

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

MAX_POSITIONS = 1000
ASSORTMENT_TYPES = ("product", "variant", "service", "bundle")
NO_STOCK_TYPES = frozenset({"service", "bundle"})  # sold but never stored itself (a bundle's components are)
STATE_TYPES = ("Regular", "Successful", "Unsuccessful")


class StateKind(EntityKind):
    """A document status (``/entity/<doc>/metadata/states/{id}``)."""

    name = "state"
    owned = False
    creatable = False
    deletable = False
    required = ("name",)
    fields: ClassVar[dict[str, FieldSpec]] = {"name": STRING, "color": INT, "stateType": enum(*STATE_TYPES)}

    def new_state(self, state: MoySkladState, entity_type: str) -> Record:
        entity_id = state.new_id()
        return {"_ref": Ref.state(entity_type, entity_id), "id": entity_id, "accountId": state.account_id,
                "entityType": entity_type}


def _kopecks(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def _dec(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def line_amounts(position: Record, vat_enabled: bool, vat_included: bool) -> tuple[Decimal, Decimal]:
    """(line total, VAT part) of one position, whole kopecks."""
    line = _dec(position["quantity"]) * _dec(position["price"]) * (1 - _dec(position.get("discount", 0.0)) / 100)
    vat = Decimal(int(position.get("vat", 0))) if vat_enabled and position.get("vatEnabled", True) else Decimal(0)
    if not vat:
        return _kopecks(line), Decimal(0)
    if vat_included:
        return _kopecks(line), _kopecks(line * vat / (100 + vat))
    part = line * vat / 100
    return _kopecks(line + part), _kopecks(part)


def document_sums(record: Record) -> tuple[float, float]:
    vat_enabled = bool(record.get("vatEnabled", True))
    included = bool(record.get("vatIncluded", True))
    total = Decimal(0)
    vat_total = Decimal(0)
    for position in record.get("_positions", ()):
        line, vat = line_amounts(position, vat_enabled, included)
        total += line
        vat_total += vat
    return float(total), float(vat_total)


def _assortment_ids(_state: Any, record: Record) -> list[str]:
    return [p["assortment"].id for p in record.get("_positions", ())]


def _state_name(state: Any, record: Record) -> str | None:
    state_ref = record.get("state")
    target = state.lookup(state_ref) if state_ref is not None else None
    return target["name"] if target else None


class DocumentKind(EntityKind):
    sync_id = True
    position_fields: ClassVar[dict[str, FieldSpec]] = {
        "quantity": NUMBER, "price": NUMBER, "discount": NUMBER, "vat": INT, "vatEnabled": BOOL,
    }
    expandable = frozenset({"agent", "organization", "store", "state", "positions", "owner", "group",
                            "customerOrder", "demands", "demand"})

    @property
    def position_type(self) -> str:
        return f"{self.name}position"

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "positions":
            apply_positions(state, self, record, value)
        elif name == "state":
            if value is None:
                record.pop("state", None)
            else:
                record["state"] = resolve_ref(state, "state", value, ("state",))
                target = state.lookup(record["state"])
                if target is None or target["entityType"] != self.name:
                    raise errors.bad_href("state")
        elif name == "rate":
            if value is None:
                record["rate"] = {"currency": state.rub_ref}
            elif not isinstance(value, dict):
                raise errors.wrong_type("rate", "Object")
            else:
                currency = value.get("currency")
                record["rate"] = {"currency": resolve_ref(state, "rate.currency", currency, ("currency",))
                                  if currency is not None else state.rub_ref}
        else:
            return False
        return True

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("name", state.next_document_name(self.name))
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("moment", to_minute(record["updated"]))
            record.setdefault("applicable", True)
            record.setdefault("vatEnabled", True)
            record.setdefault("vatIncluded", state.vat_included_default)
            record.setdefault("rate", {"currency": state.rub_ref})
            record.setdefault("created", record["updated"])
            record.setdefault("printed", False)
            record.setdefault("published", False)
            record.setdefault("_positions", [])
        if record.get("name") == "":
            raise errors.required("name")
        record["sum"], record["vatSum"] = document_sums(record)

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        state.refresh_stock_for(record, old=old)

    def after_delete(self, state: MoySkladState, record: Record) -> None:
        state.refresh_stock_for(record, deleted=True)

    def render(self, ctx: RenderContext, record: Record, expand: ExpandTree, *, path: str = "") -> dict[str, Any]:
        out = super().render(ctx, record, expand, path=path)
        positions = record.get("_positions", ())
        sub = expand.get("positions")
        positions_path = f"{self.list_path}/{record['id']}/positions"
        collection: dict[str, Any] = {"meta": collection_meta(ctx.base, positions_path, self.position_type,
                                                              len(positions), expand=expand_string(sub or {}))}
        if sub is not None:
            shipped = self.shipped_per_position(ctx.state, record)
            collection["rows"] = [self.render_position(ctx, record, p, sub, shipped) for p in positions]
        out["positions"] = collection
        return out

    def shipped_per_position(self, state: MoySkladState, record: Record) -> dict[str, float]:
        return {}

    def render_position(self, ctx: RenderContext, document: Record, position: Record, expand: ExpandTree,
                        shipped: dict[str, float]) -> dict[str, Any]:
        for key in expand:
            if key != "assortment":
                raise errors.expand_unsupported(f"positions.{key}")
        out: dict[str, Any] = {"meta": meta(position["_ref"], ctx.base), "id": position["id"],
                               "accountId": ctx.state.account_id}
        for key in ("quantity", "price", "discount", "vat", "vatEnabled"):
            out[key] = position[key]
        out["assortment"] = ctx.reference(position["assortment"], expand.get("assortment"))
        return out

    def metadata(self, ctx: RenderContext) -> dict[str, Any]:
        result = super().metadata(ctx)
        kind = ctx.state.kinds["state"]
        result["states"] = [kind.render(ctx, s, {}) for s in ctx.state.states_of(self.name)]
        return result

    def template(self, ctx: RenderContext, body: dict[str, Any]) -> dict[str, Any]:
        raise errors.template_unsupported(self.name)


def base_filters() -> dict[str, FilterField]:
    return {
        **common_filters(), "name": FilterField("string"), "code": FilterField("string"),
        "externalCode": FilterField("string"), "description": FilterField("string"),
        "moment": FilterField("datetime"), "created": FilterField("datetime"), "applicable": FilterField("bool"),
        "sum": FilterField("number"), "agent": FilterField("ref"), "organization": FilterField("ref"),
        "store": FilterField("ref"), "state": FilterField("ref"), "owner": FilterField("ref"),
        "group": FilterField("ref"), "syncId": FilterField("uuid"), "printed": FilterField("bool"),
        "published": FilterField("bool"), "shipmentAddress": FilterField("string"),
        "state.name": FilterField("string", getter=_state_name),
        "assortment": FilterField("reflist", getter=_assortment_ids, sortable=False),
        "isDeleted": FilterField("bool", getter=lambda s, r: False),
    }


_DOC_FIELDS: dict[str, FieldSpec] = {
    "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "moment": MOMENT,
    "applicable": BOOL, "vatEnabled": BOOL, "vatIncluded": BOOL, "organization": ref("organization"),
    "agent": ref("counterparty", "organization"), "store": ref("store"), "shipmentAddress": STRING,
    "shipmentAddressFull": ADDRESS, "shared": BOOL,
}


class CustomerOrderKind(DocumentKind):
    name = "customerorder"
    required = ("organization", "agent")
    fields: ClassVar[dict[str, FieldSpec]] = {**_DOC_FIELDS, "deliveryPlannedMoment": MOMENT}
    filters: ClassVar[dict[str, FilterField]] = {**base_filters(),
                                                 "deliveryPlannedMoment": FilterField("datetime")}
    search_fields = ("name", "description", "externalCode")

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "attributes":
            attributes.apply_values(state, self.name, record, value)
            return True
        return super().apply_custom(state, record, name, value, creating=creating)

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        # required additional fields, on every create and change (after the plain required fields)
        attributes.check_required(state, self.name, record)
        if old is None:
            record.setdefault("invoicedSum", 0.0)
        for position in record["_positions"]:
            if position.get("reserve", 0.0) > position["quantity"]:
                raise errors.reserve_over_quantity()

    def shipped_per_position(self, state: MoySkladState, record: Record) -> dict[str, float]:
        remaining = dict(state.shipped_by_assortment(record["id"]))
        result: dict[str, float] = {}
        for position in record.get("_positions", ()):
            aid = position["assortment"].id
            take = min(position["quantity"], remaining.get(aid, 0.0))
            remaining[aid] = remaining.get(aid, 0.0) - take
            result[position["id"]] = float(take)
        return result

    def render_position(self, ctx: RenderContext, document: Record, position: Record, expand: ExpandTree,
                        shipped: dict[str, float]) -> dict[str, Any]:
        out = super().render_position(ctx, document, position, expand, shipped)
        out["shipped"] = shipped.get(position["id"], 0.0)
        out["reserve"] = position.get("reserve", 0.0)
        return out

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        state = ctx.state
        demands = state.demands_of(record["id"])
        if demands:
            sub = expand.get("demands")
            out["demands"] = [ctx.reference(d["_ref"], sub) for d in demands]
        out["shippedSum"] = float(sum(d["sum"] for d in demands if d.get("applicable")))
        reserved = Decimal(0)
        for position in record.get("_positions", ()):
            reserved += _kopecks(_dec(position.get("reserve", 0.0)) * _dec(position["price"])
                                 * (1 - _dec(position.get("discount", 0.0)) / 100))
        out["reservedSum"] = float(reserved)
        out["payedSum"] = payed_sum(state, record["id"])  # from the linked money documents (entities/payments.py)
        if record.get("_attributes"):
            out["attributes"] = attributes.render_values(ctx, record)

    def template(self, ctx: RenderContext, body: dict[str, Any]) -> dict[str, Any]:
        state = ctx.state
        now = to_minute(state.clock.now())
        return {
            "moment": ctx.value(now, None), "applicable": True, "vatEnabled": True,
            "vatIncluded": state.vat_included_default,
            "rate": {"currency": {"meta": meta(state.rub_ref, ctx.base)}},
            "organization": {"meta": meta(state.organization_ref, ctx.base)},
            "sum": 0.0, "payedSum": 0.0, "shippedSum": 0.0, "invoicedSum": 0.0, "reservedSum": 0.0,
            "positions": {"rows": []},
        }


class DemandKind(DocumentKind):
    name = "demand"
    required = ("organization", "agent", "store")
    fields: ClassVar[dict[str, FieldSpec]] = {**_DOC_FIELDS, "customerOrder": ref("customerorder")}
    filters: ClassVar[dict[str, FilterField]] = {**base_filters(), "customerOrder": FilterField("ref")}
    search_fields = ("name", "description", "externalCode")

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        if old is None:
            record.setdefault("payedSum", 0.0)

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        state.index_demand(record, old)
        super().after_commit(state, record, old)

    def after_delete(self, state: MoySkladState, record: Record) -> None:
        state.index_demand(None, record)
        super().after_delete(state, record)

    def template(self, ctx: RenderContext, body: dict[str, Any]) -> dict[str, Any]:
        state = ctx.state
        result = _blank_template(ctx)
        order_value = body.get("customerOrder")
        if order_value is None:
            result["positions"] = {"rows": []}
            return result
        order_ref = resolve_ref(state, "customerOrder", order_value, ("customerorder",))
        order = state.lookup(order_ref)
        assert order is not None
        for key in ("organization", "agent", "store"):
            if order.get(key) is not None:
                result[key] = {"meta": meta(order[key], ctx.base)}
        if "store" not in result:
            result["store"] = {"meta": meta(state.default_store_ref(), ctx.base)}
        for key in ("vatEnabled", "vatIncluded", "shipmentAddress", "shipmentAddressFull", "description"):
            if key in order:
                result[key] = ctx.value(order[key], None)
        result["customerOrder"] = {"meta": meta(order_ref, ctx.base)}
        order_kind = state.kinds["customerorder"]
        assert isinstance(order_kind, CustomerOrderKind)
        shipped = order_kind.shipped_per_position(state, order)
        rows: list[dict[str, Any]] = []
        draft: Record = {"vatEnabled": order.get("vatEnabled", True), "vatIncluded": order.get("vatIncluded", True),
                         "_positions": []}
        for position in order["_positions"]:
            left = position["quantity"] - shipped.get(position["id"], 0.0)
            if left <= 0:
                continue
            row = {"quantity": float(left), "price": position["price"], "discount": position["discount"],
                   "vat": position["vat"], "vatEnabled": position["vatEnabled"],
                   "assortment": {"meta": meta(position["assortment"], ctx.base)}}
            rows.append(row)
            draft["_positions"].append({**position, "quantity": float(left)})
        result["sum"] = document_sums(draft)[0]
        result["positions"] = {"rows": rows}
        return result


def _blank_template(ctx: RenderContext) -> dict[str, Any]:
    """What ``…/new`` answers before it copies anything from the document it is made from: now, applicable,
    VAT as the account's default, roubles, the account's organization, no sums."""
    state = ctx.state
    return {
        "moment": ctx.value(to_minute(state.clock.now()), None), "applicable": True, "vatEnabled": True,
        "vatIncluded": state.vat_included_default,
        "rate": {"currency": {"meta": meta(state.rub_ref, ctx.base)}},
        "organization": {"meta": meta(state.organization_ref, ctx.base)},
        "sum": 0.0, "payedSum": 0.0,
    }


class SalesReturnKind(DocumentKind):
    """Возврат покупателя (OAS ``salesReturn``; example entity fixtures/sales_return.json)."""

    name = "salesreturn"
    required = ("organization", "agent", "store")
    fields: ClassVar[dict[str, FieldSpec]] = {**_DOC_FIELDS, "demand": ref("demand")}
    filters: ClassVar[dict[str, FilterField]] = {**base_filters(), "demand": FilterField("ref")}
    search_fields = ("name", "description", "externalCode")

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        super().finish(state, record, old)
        if old is None:
            record.setdefault("payedSum", 0.0)

    def template(self, ctx: RenderContext, body: dict[str, Any]) -> dict[str, Any]:
        state = ctx.state
        result = _blank_template(ctx)
        demand_value = body.get("demand")
        if demand_value is None:
            result["positions"] = {"rows": []}
            return result
        demand_ref = resolve_ref(state, "demand", demand_value, ("demand",))
        demand = state.lookup(demand_ref)
        assert demand is not None
        for key in ("organization", "agent", "store"):
            if demand.get(key) is not None:
                result[key] = {"meta": meta(demand[key], ctx.base)}
        for key in ("vatEnabled", "vatIncluded", "description"):
            if key in demand:
                result[key] = ctx.value(demand[key], None)
        result["demand"] = {"meta": meta(demand_ref, ctx.base)}
        returned = state.returned_by_assortment(demand["id"])
        rows: list[dict[str, Any]] = []
        draft: Record = {"vatEnabled": demand.get("vatEnabled", True),
                         "vatIncluded": demand.get("vatIncluded", True), "_positions": []}
        for position in demand["_positions"]:
            aid = position["assortment"].id
            take = min(position["quantity"], returned.get(aid, 0.0))
            returned[aid] = returned.get(aid, 0.0) - take
            left = position["quantity"] - take
            if left <= 0:
                continue
            rows.append({"quantity": float(left), "price": position["price"], "discount": position["discount"],
                         "vat": position["vat"], "vatEnabled": position["vatEnabled"],
                         "assortment": {"meta": meta(position["assortment"], ctx.base)}})
            draft["_positions"].append({**position, "quantity": float(left)})
        result["sum"] = document_sums(draft)[0]
        result["positions"] = {"rows": rows}
        return result


# -- positions -------------------------------------------------------------------------------------------

def position_rows(value: Any) -> list[Any]:
    rows = value.get("rows") if isinstance(value, dict) else value
    if rows is None:
        return []
    if not isinstance(rows, list):
        raise errors.wrong_type("positions", "Array(Object)")
    return rows


def _position_id(item: dict[str, Any]) -> str | None:
    if isinstance(item.get("meta"), dict):
        parsed = ref_from_href(item["meta"].get("href"))
        if parsed is not None and parsed.table == "position":
            return parsed.id
    raw = item.get("id")
    return str(raw) if is_uuid(raw) else None


def new_position(state: MoySkladState, kind: DocumentKind, document: Record) -> Record:
    position_id = state.new_id()
    return {"_ref": Ref.position(kind.name, document["id"], position_id), "id": position_id}


def apply_position(state: MoySkladState, kind: DocumentKind, position: Record, body: Any, *, creating: bool) -> None:
    if not isinstance(body, dict):
        raise errors.wrong_type("positions", "Object")
    for name, value in body.items():
        if name == "assortment":
            position["assortment"] = (resolve_ref(state, "assortment", value, ASSORTMENT_TYPES)
                                      if value is not None else None)
        elif name == "reserve" and kind.name == "customerorder":
            position["reserve"] = coerce(state, name, NUMBER, value) if value is not None else 0.0
        elif name in kind.position_fields:
            stored = coerce(state, name, kind.position_fields[name], value)
            if stored is not None:
                position[name] = stored
    if position.get("assortment") is None:
        raise errors.required("assortment")
    if position["assortment"].type in NO_STOCK_TYPES and kind.name == "customerorder":
        position["reserve"] = 0.0  # nothing to reserve
    if creating:
        position.setdefault("quantity", 1.0)
        position.setdefault("price", 0.0)
        position.setdefault("discount", 0.0)
        if "vat" not in position:
            position["vat"] = state.default_vat(position["assortment"])
        position.setdefault("vatEnabled", position["vat"] > 0)
        if kind.name == "customerorder":
            position.setdefault("reserve", 0.0)
    if position["quantity"] < 0:
        raise errors.negative("quantity")
    if position["price"] < 0:
        raise errors.negative("price")
    if position.get("reserve", 0.0) < 0:
        raise errors.negative("reserve")
    if position["discount"] > 100:
        raise errors.ApiError(412, 17008, "Ошибка сохранения объекта: скидка не может превышать 100%",
                              parameter="discount")


def apply_positions(state: MoySkladState, kind: DocumentKind, document: Record, value: Any) -> None:
    """Replace-all: matched ids are updated, new items created, the rest removed."""
    rows = position_rows(value)
    if len(rows) > MAX_POSITIONS:
        raise errors.too_many_nested("positions")
    existing = {p["id"]: p for p in document.get("_positions", ())}
    result: list[Record] = []
    for item in rows:
        if not isinstance(item, dict):
            raise errors.wrong_type("positions", "Object")
        position_id = _position_id(item)
        if position_id is not None and position_id in existing:
            position = dict(existing.pop(position_id))
            apply_position(state, kind, position, item, creating=False)
        else:
            position = new_position(state, kind, document)
            apply_position(state, kind, position, item, creating=True)
        result.append(position)
    document["_positions"] = result


def order_contribution(order: Record, shipped: dict[str, float]) -> dict[tuple[str, str | None], float]:
    """Reserve an applicable order holds: per item, ``max(0, reserve − shipped)`` at its store (or None)."""
    if not order.get("applicable"):
        return {}
    store = order.get("store")
    store_id = store.id if store is not None else None
    reserves: dict[str, float] = defaultdict(float)
    for position in order.get("_positions", ()):
        if position["assortment"].type not in NO_STOCK_TYPES:
            reserves[position["assortment"].id] += position.get("reserve", 0.0)
    result: dict[tuple[str, str | None], float] = {}
    for aid, reserve in reserves.items():
        left = max(0.0, reserve - shipped.get(aid, 0.0))
        if left:
            result[(aid, store_id)] = left
    return result


def demand_contribution(demand: Record, lookup: Callable[[Ref], Record | None] | None = None
                        ) -> dict[tuple[str, str | None], float]:
    """Stock a posted demand takes out of its store: each good's quantity, a bundle's components times its
    quantity (MoySklad writes a bundle off as its components, DOC:dictionaries/_bundle), services nothing."""
    if not demand.get("applicable") or demand.get("store") is None:
        return {}
    store_id = demand["store"].id
    result: dict[tuple[str, str | None], float] = defaultdict(float)
    for position in demand.get("_positions", ()):
        assortment = position["assortment"]
        if assortment.type == "bundle" and lookup is not None:
            bundle = lookup(assortment) or {}
            for component in bundle.get("_components", ()):
                if component["assortment"].type not in NO_STOCK_TYPES:
                    result[(component["assortment"].id, store_id)] += position["quantity"] * component["quantity"]
        elif assortment.type not in NO_STOCK_TYPES:
            result[(assortment.id, store_id)] += position["quantity"]
    return dict(result)


def return_contribution(document: Record) -> dict[tuple[str, str | None], float]:
    """A posted sales return brings its goods back into its store: the negative of what a demand takes out."""
    return {key: -quantity for key, quantity in demand_contribution(document).items()}
