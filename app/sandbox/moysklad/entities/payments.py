"""Money documents: incoming payments and cash receipts (``paymentin``, ``cashin``), outgoing payments and cash
orders (``paymentout``, ``cashout``), linked to documents through ``operations``.

Semantics reproduced (the official OpenAPI schema, ../shared/moysklad-openapi/openapi.json, schemas ``paymentIn``,
``cashIn``, ``paymentOut``, ``cashOut``, ``FinanceInOperationAbstract``; example ``fixtures/payment_in.json``):

* ``organization`` and ``agent`` are required (412/3000); ``sum`` is in kopecks, never negative (412/3002).
  The schema marks ``sum`` read-only, yet a payment has no positions to compute it from and the example carries
  one: the sandbox takes it as sent [inferred], and the client checks the answer's sum (app/sync/orders/payments.py).
* ``operations`` is a list of ``{"meta": …, "linkedSum": …}``; ``linkedSum`` defaults to the whole sum.
  Incoming documents accept ``customerorder``, ``demand``, ``invoiceout``, ``purchasereturn``,
  ``commissionreportin``, ``retailshift`` (those the sandbox has: customer orders and demands).
* Outgoing documents: the schema lists ``salesreturn, supply, invoicein, purchaseorder, commissionreportout``,
  not ``customerorder``. The sandbox accepts a customer order as well, as the task asks
  (``MoySkladState.outgoing_to_order``, True by default); set it False to answer as the schema reads
  (412, the wrong-reference-type refusal), which the client detects and recovers from.
* A customer order's ``payedSum`` is the linked sums of its posted incoming documents minus those of its
  posted outgoing ones (the schema: "Сумма входящих платежей по Заказу"; the minus is the task's [inferred]).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.entities.base import EntityKind, Record
from app.sandbox.moysklad.fields import BOOL, MOMENT, STRING, TEXT, FieldSpec, number_value, ref, resolve_ref
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.refs import Ref
from app.sandbox.moysklad.timefmt import to_minute

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

INCOMING = ("paymentin", "cashin")
OUTGOING = ("paymentout", "cashout")
PAYMENT_TYPES = INCOMING + OUTGOING
_IN_OPERATIONS = ("customerorder", "demand")  # of the schema's list, the types the sandbox has
_OUT_OPERATIONS = ("customerorder",)  # the schema's list has none the sandbox has; see outgoing_to_order


def _ref_filter(name: str) -> Any:
    return lambda _state, record: record.get(name).id if record.get(name) is not None else None


class PaymentKind(EntityKind):
    sync_id = True
    required = ("organization", "agent")
    fields: ClassVar[dict[str, FieldSpec]] = {
        "name": STRING, "code": STRING, "externalCode": STRING, "description": TEXT, "moment": MOMENT,
        "applicable": BOOL, "organization": ref("organization"), "agent": ref("counterparty", "organization"),
        "paymentPurpose": STRING,
    }
    filters: ClassVar[dict[str, FilterField]] = {
        "id": FilterField("uuid"), "updated": FilterField("datetime"), "name": FilterField("string"),
        "syncId": FilterField("uuid"), "sum": FilterField("number"), "applicable": FilterField("bool"),
        "agent": FilterField("ref"), "organization": FilterField("ref"), "moment": FilterField("datetime"),
    }
    search_fields = ("name", "description", "paymentPurpose")
    expandable = frozenset({"agent", "organization", "owner", "group"})

    @property
    def incoming(self) -> bool:
        return self.name in INCOMING

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        if name == "sum":
            amount = number_value("sum", value)
            if amount < 0:
                raise errors.negative("sum")
            record["sum"] = amount
        elif name == "operations":
            record["_operations"] = self._operations(state, value)
        else:
            return False
        return True

    def _operations(self, state: MoySkladState, value: Any) -> list[tuple[Ref, float | None]]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise errors.wrong_type("operations", "Array(Object)")
        allowed: tuple[str, ...] = _IN_OPERATIONS if self.incoming else _OUT_OPERATIONS
        if not self.incoming and not state.outgoing_to_order:
            allowed = ()  # as the schema reads: none of the sandbox's documents may be linked
        result: list[tuple[Ref, float | None]] = []
        for item in value:
            if not isinstance(item, dict):
                raise errors.wrong_type("operations", "Object")
            meta = item.get("meta")
            kind = meta.get("type") if isinstance(meta, dict) else None
            if not allowed or kind not in allowed:
                raise errors.ApiError(
                    412, 3002 if allowed else 3000,
                    f"Ошибка сохранения объекта: в поле 'operations' нельзя указать документ типа '{kind}'",
                    parameter="operations")
            target = resolve_ref(state, "operations", {"meta": meta}, allowed)
            linked = item.get("linkedSum")
            result.append((target, number_value("linkedSum", linked) if linked is not None else None))
        return result

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        if old is None:
            record.setdefault("name", state.next_document_name(self.name))
            record.setdefault("externalCode", state.new_external_code())
            record.setdefault("moment", to_minute(record["updated"]))
            record.setdefault("applicable", True)
            record.setdefault("created", record["updated"])
            record.setdefault("sum", 0.0)
            record.setdefault("vatSum", 0.0)
            record.setdefault("printed", False)
            record.setdefault("published", False)
            record.setdefault("rate", {"currency": state.rub_ref})
            record.setdefault("_operations", [])

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        state.bump()  # an order's payedSum is computed from these

    def extras(self, ctx: Any, record: Record, out: dict[str, Any], expand: Any) -> None:
        operations = record.get("_operations") or []
        if operations:
            out["operations"] = [
                {"meta": ctx.meta_of(target), "linkedSum": linked if linked is not None else record["sum"]}
                for target, linked in operations
            ]


class PaymentInKind(PaymentKind):
    name = "paymentin"


class CashInKind(PaymentKind):
    name = "cashin"


class PaymentOutKind(PaymentKind):
    name = "paymentout"


class CashOutKind(PaymentKind):
    name = "cashout"


def payed_sum(state: MoySkladState, order_id: str) -> float:
    """What an order's ``payedSum`` shows: posted incoming documents' linked sums minus outgoing ones'.

    Every order's figure is worked out at once and kept until the state changes (``generation``), so a list of
    many orders costs one pass over the money documents."""
    cached = state.__dict__.get("_payed_sums")
    if cached is None or cached[0] != state.generation:
        totals: dict[str, float] = {}
        for kind_name in PAYMENT_TYPES:
            sign = 1.0 if kind_name in INCOMING else -1.0
            for record in state.table(kind_name).values():
                if not record.get("applicable", True):
                    continue
                for target, linked in record.get("_operations") or ():
                    if target.type == "customerorder":
                        amount = linked if linked is not None else record["sum"]
                        totals[target.id] = totals.get(target.id, 0.0) + sign * amount
        cached = (state.generation, totals)
        state.__dict__["_payed_sums"] = cached
    return round(cached[1].get(order_id, 0.0), 2)


def payment_kinds() -> list[EntityKind]:
    return [PaymentInKind(), CashInKind(), PaymentOutKind(), CashOutKind()]


__all__ = ["INCOMING", "OUTGOING", "PAYMENT_TYPES", "payed_sum", "payment_kinds"]
