"""What the orders plan decided and apply carries out: the work items, and the conflicts found on the way."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from app.clients.retailcrm_models import Order
from app.messages import Message, msg
from app.sync.conflict_key import ConflictKey
from app.sync.model import PlanStats
from app.sync.orders.counterparties import CounterpartyDecision, OrderCustomerInfo
from app.sync.orders.mapping import MappedOrder

if TYPE_CHECKING:
    from app.sync.orders.customers import CustomersWork
    from app.sync.orders.payments import PaymentWrite

T = TypeVar("T")

DEFAULT_DELIVERY_NAME = "Доставка"
PUSHED_TARGET = "order"  # the fingerprint of what was last sent
PUSHED_STATE = "order_state"  # the MoySklad state last sent: a different one now was set by a person
MS_APP = "https://online.moysklad.ru/app/"


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ms_order_url(ms_id: str) -> str:
    return f"{MS_APP}#customerorder/edit?id={ms_id}"


def ms_demand_url(ms_id: str) -> str:
    return f"{MS_APP}#demand/edit?id={ms_id}"


def label(order: Order | None) -> str:
    """How the journal names an order: its number, else its id."""
    if order is None:
        return ""
    return order.number or str(order.id)


@dataclass
class DeliveryPlan:
    name: str
    service_id: str | None = None
    create: bool = False  # create the service in apply
    available: bool = True  # False: MoySklad offers no services here; delivery cost is not sent


@dataclass
class OrderCreate:
    order: Order
    mapped: MappedOrder
    customer: OrderCustomerInfo
    counterparty: CounterpartyDecision | None = None
    name: str | None = None
    fingerprint: str = ""
    adopt_ms_id: str | None = None  # already in MoySklad (externalCode): link instead of creating
    adopt_needs_update: bool = False
    pending: bool = False  # a create was reserved earlier but never confirmed
    # made by RetailCRM's own MoySklad module (``customFields.moyskladexternalid``,
    # app.sync.orders.module_orders): linked as it is; its state and an existing shipment are taken as Svyazka's own
    taken_over: bool = False
    module_state: str | None = None
    module_demand: str | None = None
    found: dict[str, Any] | None = None  # the MoySklad order adopted, as read (with positions)


@dataclass
class OrderUpdate:
    order: Order
    ms_id: str
    mapped: MappedOrder
    fingerprint: str
    edit: Any = None  # app.sync.orders.edits.Keep: MoySklad's content stays, only the state goes


@dataclass
class Shipment:
    order: Order
    ms_order_id: str | None  # None while the order is created in this same run


@dataclass
class StatusBack:
    rc_id: int
    number: str
    ms_id: str
    ms_name: str
    state_id: str
    status: str
    current: str | None


@dataclass
class OrdersStats(PlanStats):
    """The orders plan's figures: the safety check reads ``shipments``."""

    to_create: int = 0
    to_update: int = 0
    shipments: int = 0
    waiting: int = 0
    skipped: int = 0
    unchanged: int = 0
    counterparties_to_create: int = 0
    statuses_back: int = 0
    returns: int = 0  # sales returns to make (app/sync/orders/returns.py)


@dataclass
class Work:
    """Everything apply needs (``FlowPlan.work``)."""

    creates: list[OrderCreate] = field(default_factory=list)
    updates: list[OrderUpdate] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    statuses_back: list[StatusBack] = field(default_factory=list)
    returns: list[Any] = field(default_factory=list)  # app.sync.orders.returns.SalesReturn
    return_records: dict[int, Any] = field(default_factory=dict)  # read this run, kept by apply (returns.Record)
    # shipments made in MoySklad itself (app.sync.orders.ms_shipments.MsShipment)
    ms_shipments: list[Any] = field(default_factory=list)
    deleted: list[Any] = field(default_factory=list)  # orders deleted in RetailCRM (app.sync.orders.deleted)
    deleted_ids: set[int] = field(default_factory=set)  # never waited for again
    payments: list[PaymentWrite] = field(default_factory=list)  # money documents (app.sync.orders.payments)
    edits: Any = None  # app.sync.orders.edits.Pending: what the plan found about edits made in MoySklad
    ms_changed: list[dict[str, Any]] | None = None  # customer orders changed in MoySklad (statuses back's read)
    paid_kopecks: dict[int, int] = field(default_factory=dict)  # rc order id -> RetailCRM's paid sum, to check
    counterparties_to_create: dict[str, OrderCustomerInfo] = field(default_factory=dict)
    counterparties_to_link: dict[str, str] = field(default_factory=dict)  # customer key -> ms id
    customers: CustomersWork | None = None  # linked counterparties kept current (app.sync.orders.customers)
    waiting: set[int] = field(default_factory=set)
    history_cursor: int | None = None
    first_sync_from: date | None = None  # set by the first run with a limited window
    reverse_cursor: str | None = None
    delivery: DeliveryPlan = field(default_factory=lambda: DeliveryPlan(DEFAULT_DELIVERY_NAME))
    big_account: bool | None = None  # learned while looking for counterparties (None: not looked)
    unchanged: int = 0
    skipped: int = 0


@dataclass
class PlanConflicts:
    """Conflicts found in this plan, merged per key (one unlinked offer, many orders)."""

    items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def add(self, key: ConflictKey, title: Message | str, *, rc_data: Any = None, ms_data: Any = None,
            order: str | None = None) -> None:
        kind, text_key = key.kind, str(key)
        entry = self.items.get((kind, text_key))
        if entry is None:
            entry = {"kind": kind, "key": text_key, "title": title, "rc_data": dict(rc_data or {}),
                     "ms_data": ms_data, "orders": []}
            self.items[(kind, text_key)] = entry
        if order and order not in entry["orders"]:
            entry["orders"].append(order)

    def merge(self, other: PlanConflicts) -> None:
        """Add ``other``'s conflicts as if each had been added here, in their order."""
        for entry in other.items.values():
            key = ConflictKey.parse(entry["key"])
            orders = entry["orders"] or [None]
            for order in orders:
                self.add(key, entry["title"], rc_data=entry["rc_data"], ms_data=entry["ms_data"], order=order)

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for entry in self.items.values():
            orders = entry["orders"]
            title = entry["title"]
            if orders:
                more = msg("orders.and_more", count=len(orders) - 5) if len(orders) > 5 else ""
                title = msg("orders.conflict_waiting", title=title, orders=", ".join(orders[:5]), more=more)
            rows.append({"kind": entry["kind"], "key": entry["key"], "title": title,
                         "rc_data": {**entry["rc_data"], "orders": orders}, "ms_data": entry["ms_data"]})
        return rows
