"""Orders RetailCRM → MoySklad: customer orders, counterparties, shipments, and statuses back (optional).

Which orders
    The first run (no history cursor, or a full run) lists the orders now in one of the export statuses,
    created in the last ``first_sync_days`` days (the cut-off date is kept: an order created before it is
    never exported, unless the setting is 0); later runs walk ``orders/history`` from the stored ``sinceId``
    and fetch every touched order once (100 ids a request). Changes made with Svyazka's own key
    (``apiKey.current``) are skipped, so the sync never echoes itself. Orders that could not go last time
    (a conflict, a refused write) are kept in a "waiting" list and looked at again on every run until they
    go or stop qualifying.

Never a duplicate
    A create reserves its link first (``links.reserve`` → a fresh ``syncId``) and sends that ``syncId``;
    MoySklad returns the existing order when the same ``syncId`` comes again. Before creating, MoySklad is
    also asked for orders whose ``externalCode`` is the RetailCRM id (a lost database, a crash after the
    write): such an order is linked instead of created.
    An order RetailCRM's own MoySklad module exported (``customFields.moyskladexternalid``,
    :mod:`app.sync.module_orders`) is linked to that customer order as it stands (positions untouched until the
    next change in RetailCRM; its state and a shipment it has count as Svyazka's).

Shipments
    A demand is created once (``syncId``) for an order in the shipment status or in any later status of the
    process order (the status's group, then its place in the group: ``app.sync.process_order``), never for a
    status of the cancel group, never for one in a group before the shipment status's.

Delivery cost
    A cost above zero is a position of the service named ``delivery_service_name`` (default «Доставка»),
    found by name or created once with a ``syncId``; its id is kept per name in the cursors.

Updates
    A linked order gets one update per run at most, and only when the fields Svyazka owns (state, store,
    positions, address, comments) hash differently from what was last pushed (``db.pushed`` target
    "order"). Positions replace the whole set.

Conflicts
    Unmapped status, an order line whose offer is not linked, several counterparties matching one
    customer, unusable data: the order waits, a conflict says why, and the run goes on.

``plan`` reads both services and decides (it records conflicts, nothing else); ``apply`` writes in batches
and records every success at once, so Stop or a crash leaves nothing to duplicate.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar

from app.clients.errors import ItemError, NotFound, RemoteValidationError, SettingsError
from app.clients.moysklad_filter import Filter
from app.clients.moysklad_models import CustomerOrder
from app.clients.parsing import meta_id, text, timestamp
from app.clients.retailcrm_models import Order, Status
from app.store import Link, LinkConflictError
from app.sync.catalog.source import shared_snapshot
from app.sync.counterparties import (
    SMALL_ACCOUNT_ROWS,
    CandidateIndex,
    CounterpartyDecision,
    OrderCustomerInfo,
    ambiguous_key,
    counterparty_body,
    customer_of,
    decide,
    find_candidates,
)
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Counts, Flow, FlowPlan, Level
from app.sync.module_orders import MODULE_FIELD, ModuleMark, demand_ids, find_orders, module_mark
from app.sync.orders_mapping import (
    DELIVERY,
    LineProblem,
    MappedOrder,
    OfferTarget,
    bad_data_reasons,
    create_body,
    fingerprint,
    fingerprint_of_entity,
    map_order,
    map_positions,
    required_attributes,
    required_attributes_advice,
    sum_mismatch,
    update_body,
)
from app.sync.process_order import DEFAULT_ORDER_NOTE, ProcessOrder, read_groups
from app.sync.stock import report as stock_report

T = TypeVar("T")

CURSOR_FLOW = "orders"
HISTORY_CURSOR = "history_since_id"
PREFETCH_KEY = "orders.reading"  # RunContext.shared: the planner and its reads started at the run's start
WAITING_CURSOR = "waiting_order_ids"
REVERSE_CURSOR = "reverse_updated_since"
DELIVERY_SERVICE_CURSOR = "delivery_service_id"  # + ":<name>": the service is per name
DELIVERY_SYNC_CURSOR = "delivery_service_sync_id"  # + ":<name>": a renamed setting never reuses the old syncId
FIRST_SYNC_CURSOR = "first_sync_from"  # "YYYY-MM-DD": orders created before it are not exported
BIG_ACCOUNT_CURSOR = "counterparties_beyond_one_page"  # "1": skip reading a first page of counterparties
PUSHED_TARGET = "order"  # the fingerprint of what was last sent
PUSHED_STATE = "order_state"  # the MoySklad state last sent: a different one now was set by a person
DEFAULT_DELIVERY_NAME = "Доставка"
IDS_PER_REQUEST = 100  # filter[ids][] and orders/statuses take at most 100 ids
HISTORY_PAGE = 100
CREATE_BATCH = 100  # orders (with their positions) per POST
# Conflicts only this flow raises: every run looks at every order that could have one, so a conflict of
# these kinds not seen in a run is gone (see ConflictRepository.close_missing).
OWN_CONFLICT_KINDS = ("unlinked_order_line", "ambiguous_counterparty", "unmapped_status")
INACTIVE_GROUPS = frozenset({"complete", "cancel"})  # orders here hold no reserve
MSK = timezone(timedelta(hours=3))  # RetailCRM accounts of Russian shops keep Moscow dates
MS_APP = "https://online.moysklad.ru/app/"


def delivery_cursor(cursor: str, service_name: str) -> str:
    """The cursor name that keeps the delivery service's id (or syncId) for one service name."""
    return f"{cursor}:{service_name}"


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def ms_order_url(ms_id: str) -> str:
    return f"{MS_APP}#customerorder/edit?id={ms_id}"


def ms_demand_url(ms_id: str) -> str:
    return f"{MS_APP}#demand/edit?id={ms_id}"


# --- reading RetailCRM's history ---------------------------------------------------------------------------


def first_sync_start(days: int, today: date | None = None) -> date | None:
    """The first day a first sync takes orders from (``days`` = 0: no limit)."""
    if days <= 0:
        return None
    today = today or datetime.now(UTC).astimezone(MSK).date()
    return today - timedelta(days=days)


@dataclass
class HistoryScan:
    newest: int
    touched: set[int] = field(default_factory=set)
    status_changed: set[int] = field(default_factory=set)
    reached_shipment: set[int] = field(default_factory=set)
    deleted: set[int] = field(default_factory=set)
    own: int = 0
    records: int = 0


def _code(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return text(value.get("code"))
    return text(value)


# --- what the plan decided ---------------------------------------------------------------------------------


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
    # made by RetailCRM's own MoySklad module (``customFields.moyskladexternalid``, app.sync.module_orders):
    # linked as it is; its state and an existing shipment are taken as Svyazka's own
    taken_over: bool = False
    module_state: str | None = None
    module_demand: str | None = None


@dataclass
class OrderUpdate:
    order: Order
    ms_id: str
    mapped: MappedOrder
    fingerprint: str


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
class Work:
    """Everything apply needs (``FlowPlan.state["work"]``)."""

    creates: list[OrderCreate] = field(default_factory=list)
    updates: list[OrderUpdate] = field(default_factory=list)
    shipments: list[Shipment] = field(default_factory=list)
    statuses_back: list[StatusBack] = field(default_factory=list)
    counterparties_to_create: dict[str, OrderCustomerInfo] = field(default_factory=dict)
    counterparties_to_link: dict[str, str] = field(default_factory=dict)  # customer key -> ms id
    waiting: set[int] = field(default_factory=set)
    history_cursor: int | None = None
    first_sync_from: str | None = None  # set by the first run with a limited window
    reverse_cursor: str | None = None
    delivery: DeliveryPlan = field(default_factory=lambda: DeliveryPlan(DEFAULT_DELIVERY_NAME))
    big_account: bool | None = None  # learned while looking for counterparties (None: not looked)
    unchanged: int = 0
    skipped: int = 0


@dataclass
class _Conflicts:
    """Conflicts found in this plan, merged per key (one unlinked offer, many orders)."""

    items: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def add(self, kind: str, key: str, title: str, *, rc_data: Any = None, ms_data: Any = None,
            order: str | None = None) -> None:
        entry = self.items.get((kind, key))
        if entry is None:
            entry = {"kind": kind, "key": key, "title": title, "rc_data": dict(rc_data or {}), "ms_data": ms_data,
                     "orders": []}
            self.items[(kind, key)] = entry
        if order and order not in entry["orders"]:
            entry["orders"].append(order)

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for entry in self.items.values():
            orders = entry["orders"]
            title = entry["title"]
            if orders:
                shown = ", ".join(orders[:5]) + (f" и ещё {len(orders) - 5}" if len(orders) > 5 else "")
                title = f"{title} Ждут заказы: {shown}."
            rows.append({"kind": entry["kind"], "key": entry["key"], "title": title,
                         "rc_data": {**entry["rc_data"], "orders": orders}, "ms_data": entry["ms_data"]})
        return rows


# --- the flow ----------------------------------------------------------------------------------------------


class OrdersFlow:
    """The orders flow (:class:`app.sync.engine.FlowRunner`)."""

    flow = Flow.ORDERS

    def __init__(self, *, counterparty_scan_rows: int = SMALL_ACCOUNT_ROWS, create_batch: int = CREATE_BATCH) -> None:
        self.counterparty_scan_rows = counterparty_scan_rows
        self.create_batch = max(1, min(create_batch, 1000))

    def prefetch(self, ctx: RunContext) -> None:
        """Read RetailCRM's side (statuses, the history cursor, the orders to export) when the run starts.

        Those reads need nothing the earlier flows produce, and RetailCRM is idle while MoySklad's catalog is
        read; done at the plan they would take their turn among the stock uploads instead. Reads only: a
        Stop or a failure reaches the plan through the future."""
        if ctx.prefetch is None:
            return
        planner = _Planner(ctx, self.counterparty_scan_rows)
        ctx.shared[PREFETCH_KEY] = (planner, ctx.prefetch.submit(planner.read))

    def plan(self, ctx: RunContext) -> FlowPlan:
        found = ctx.shared.pop(PREFETCH_KEY, None)
        if found is not None:
            planner, reading = found
            return planner.decide(reading.result())
        return _Planner(ctx, self.counterparty_scan_rows).run()

    def apply(self, ctx: RunContext, plan: FlowPlan) -> Counts:
        work = plan.state.get("work")
        if not isinstance(work, Work):
            return Counts()
        return _Applier(ctx, work, self.create_batch).run()


class _Planner:
    def __init__(self, ctx: RunContext, counterparty_scan_rows: int) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.rc = ctx.retailcrm
        self.ms = ctx.moysklad
        self.scan_rows = counterparty_scan_rows
        self.links = ctx.db.links(ctx.profile_id)
        self.cursors = ctx.db.cursors(ctx.profile_id)
        self.conflict_repo = ctx.db.conflicts(ctx.profile_id)
        self.plan = FlowPlan(Flow.ORDERS)
        self.work = Work(delivery=DeliveryPlan(self.settings.delivery_service_name or DEFAULT_DELIVERY_NAME))
        self.conflicts = _Conflicts()
        self.site = self.settings.retailcrm_site
        self.export = set(self.settings.export_statuses)
        self.statuses: dict[str, Status] = {}
        self._process: ProcessOrder | None = None
        self.created_from: date | None = None
        self.rc_url = str(getattr(self.rc, "account_url", "")).rstrip("/")

    # -- helpers -----------------------------------------------------------------------------------------
    def log(self, level: Level, message: str, order: Order | None = None, *, ms_id: str | None = None) -> None:
        url = None
        if ms_id:
            url = ms_order_url(ms_id)
        elif order is not None and self.rc_url:
            url = f"{self.rc_url}/orders/{order.id}/edit"
        self.ctx.log(level, Flow.ORDERS, message, entity_type="order",
                     entity_ref=_label(order) if order else None, entity_url=url)

    def status_name(self, code: str | None) -> str:
        status = self.statuses.get(code or "")
        return status.name if status else (code or "без статуса")

    def state_name(self, state_id: str | None) -> str:
        return self.settings.state_names.get(state_id or "", "") or "статус МойСклад"

    # -- run ---------------------------------------------------------------------------------------------
    def run(self) -> FlowPlan:
        return self.decide(self.read())

    def decide(self, reading: tuple[dict[int, Order], HistoryScan | None] | None) -> FlowPlan:
        """The plan from what :meth:`read` found (None: nothing to follow)."""
        if reading is None:
            return self._finish()
        orders, scan = reading
        self._decide(orders, scan)
        if self.settings.reverse_status_flow:
            self._plan_statuses_back(orders, scan)
        return self._finish()

    def read(self) -> tuple[dict[int, Order], HistoryScan | None] | None:
        """RetailCRM's side: the orders to look at and the history that touched them (None: nothing to do).
        Reads only, so it may run ahead of the earlier flows (:meth:`OrdersFlow.prefetch`)."""
        ctx = self.ctx
        cursor_text = self.cursors.get(CURSOR_FLOW, HISTORY_CURSOR)
        cursor = int(cursor_text) if cursor_text and cursor_text.isdigit() else None
        waiting = _read_ids(self.cursors.get(CURSOR_FLOW, WAITING_CURSOR))
        if not self.export:
            self.plan.notes.append(
                "Не выбран ни один статус для выгрузки, поэтому новые заказы в МойСклад не выгружаются. "
                "Отметьте статусы RetailCRM в настройках."
            )
            if cursor is None:  # nothing was ever exported: nothing to keep up to date either
                return None
        if not self.settings.organization_id:
            self.plan.notes.append(
                "Не выбрано юрлицо МойСклад, поэтому новые заказы не выгружаются. Выберите юрлицо в настройках."
            )
        self.statuses = self._rc_statuses()
        self._process = None  # read when the first order's shipment is decided (a run may have none)

        self.created_from = self._created_from(first_run=cursor is None)

        scan: HistoryScan | None = None
        if cursor is None or ctx.full:
            newest = self.rc.newest_order_history_id()
            orders = self._list_exportable()
            missing = [i for i in waiting if i not in orders]
            orders.update(self._fetch(missing))
            self.work.history_cursor = newest
            what = "полная сверка" if ctx.full and cursor is not None else "первый запуск"
            if cursor is None and self.created_from is not None:
                days = self.settings.first_sync_days
                self.plan.notes.append(
                    f"Первая синхронизация: заказы за последние {days} {_days_word(days)}; более ранние не "
                    "выгружаются."
                )
            elif self.created_from is not None:
                self.plan.notes.append(
                    f"Заказы, созданные до {self.created_from:%d.%m.%Y} (до первой синхронизации), не выгружаются."
                )
            self.plan.notes.append(
                f"Заказы ({what}): в статусах для выгрузки {len(orders)} заказ(ов); "
                "дальше Связка будет следить за изменениями по истории RetailCRM."
            )
        else:
            scan = self._walk_history(cursor)
            self.work.history_cursor = scan.newest
            orders = self._fetch(sorted(scan.touched | waiting))
            if scan.records:
                own = f", свои изменения пропущены: {scan.own}" if scan.own else ""
                self.plan.notes.append(
                    f"История RetailCRM: {scan.records} изменений в {len(scan.touched)} заказ(ах){own}."
                )
        return orders, scan

    # -- reading -----------------------------------------------------------------------------------------
    def _rc_statuses(self) -> dict[str, Status]:
        cached = self.ctx.shared.get("retailcrm.statuses")
        if isinstance(cached, dict):
            return cached
        statuses = {s.code: s for s in self.rc.statuses()}
        self.ctx.shared["retailcrm.statuses"] = statuses
        return statuses

    @property
    def process(self) -> ProcessOrder:
        """The statuses' process order (group, then status in the group), read on first use and cached for
        the run like the statuses. Without the groups (the call failed) the default groups' order stands
        in, and a warning says so."""
        if self._process is None:
            self._process = self._process_order()
        return self._process

    def _process_order(self) -> ProcessOrder:
        groups = self.ctx.shared.get("retailcrm.status_groups")
        if not isinstance(groups, list):
            groups = read_groups(self.rc.status_groups) or []  # [] (unreadable): the default order, once a run
            self.ctx.shared["retailcrm.status_groups"] = groups
        if not groups and self.settings.shipment_status:
            self.ctx.log(Level.WARNING, Flow.ORDERS, DEFAULT_ORDER_NOTE)
        return ProcessOrder.build(self.statuses.values(), groups)

    def _order_filter(self) -> dict[str, Any]:
        return {"sites": [self.site]} if self.site else {}

    def _created_from(self, *, first_run: bool) -> date | None:
        """The day before which orders are never exported: set by the first sync, kept in a cursor."""
        days = self.settings.first_sync_days
        if days <= 0:
            return None  # 0: every order, including those a limited first sync left out
        if first_run:
            start = first_sync_start(days, self.ctx.clock().astimezone(MSK).date())
            self.work.first_sync_from = start.isoformat() if start else None
            return start
        stored = self.cursors.get(CURSOR_FLOW, FIRST_SYNC_CURSOR)
        try:
            return date.fromisoformat(stored) if stored else None
        except ValueError:
            return None

    def _before_start(self, order: Order) -> bool:
        return self.created_from is not None and order.created_at is not None \
            and order.created_at.date() < self.created_from

    def _list_exportable(self) -> dict[int, Order]:
        orders: dict[int, Order] = {}
        if not self.export:
            return orders
        flt = {**self._order_filter(), "extendedStatus": sorted(self.export)}
        if self.created_from is not None:
            flt["createdAtFrom"] = self.created_from.isoformat()  # RetailCRM's Y-m-d
        for order in self.rc.iter_orders(flt):
            if self._unusable_id(order):
                continue
            orders[order.id] = order
            if len(orders) % 100 == 0:
                self.ctx.check_cancel()
                self.ctx.progress(Flow.ORDERS, len(orders), 0, "plan")
        return orders

    def _unusable_id(self, order: Order) -> bool:
        """An order whose RetailCRM id is not a positive whole number ("12abc"; RetailCRM's ids are integers,
        /work/shared/docs/retailcrm-api.md) cannot be linked, looked up or sent: a bad-data conflict for that order,
        and the run goes on with the others (the model reads such an id as 0)."""
        if order.id > 0:
            return False
        raw_id = str(order.raw.get("id"))
        label = order.number or order.external_id or raw_id
        key = f"bad_data:order-id:{label}"
        title = (f"Заказ {label} не выгружен в МойСклад: RetailCRM прислал вместо его идентификатора «{raw_id}», "
                 "а это не число. Проверьте заказ в RetailCRM; если он в порядке, сообщите в поддержку RetailCRM.")
        self.conflicts.add("bad_data", key, title, rc_data={"number": order.number, "id": raw_id})
        self.log(Level.WARNING, title, None)
        return True

    def _fetch(self, ids: Sequence[int]) -> dict[int, Order]:
        orders: dict[int, Order] = {}
        for done, chunk in enumerate(_chunks(list(ids), IDS_PER_REQUEST), start=1):
            self.ctx.check_cancel()
            for order in self.rc.iter_orders({**self._order_filter(), "ids": list(chunk)}):
                if not self._unusable_id(order):
                    orders[order.id] = order
            self.ctx.progress(Flow.ORDERS, min(done * IDS_PER_REQUEST, len(ids)), len(ids), "plan")
        return orders

    def _walk_history(self, since: int) -> HistoryScan:
        scan = HistoryScan(newest=since)
        shipment = self.settings.shipment_status
        for record in self.rc.iter_order_history(since, limit=HISTORY_PAGE):
            scan.records += 1
            scan.newest = max(scan.newest, record.id)
            if scan.records % HISTORY_PAGE == 0:
                self.ctx.check_cancel()
                self.ctx.progress(Flow.ORDERS, scan.records, 0, "plan")
            if record.api_key_current:
                scan.own += 1
                continue
            if record.order_id is None:
                continue
            site = text(record.order.get("site"))
            if self.site and site and site != self.site:
                continue
            if record.deleted:
                scan.deleted.add(record.order_id)
                continue
            scan.touched.add(record.order_id)
            if record.field == "status":
                scan.status_changed.add(record.order_id)
                if shipment and _code(record.new) == shipment:
                    scan.reached_shipment.add(record.order_id)
        if scan.deleted:
            self.plan.notes.append(
                f"В RetailCRM удалено заказов: {len(scan.deleted)}. В МойСклад Связка их не удаляет."
            )
        return scan

    # -- deciding ----------------------------------------------------------------------------------------
    def _decide(self, orders: Mapping[int, Order], scan: HistoryScan | None) -> None:
        settings = self.settings
        order_links = self.links.all("order", by="rc")
        pending_orders = {link.rc_id: link for link in self.links.pending("order")}
        demand_links = self.links.all("demand", by="rc")
        pending_demands = {link.rc_id for link in self.links.pending("demand")}
        offers = self._offer_targets()
        pushed = self.ctx.db.pushed(self.ctx.profile_id).get_many(PUSHED_TARGET)
        line_resolutions = self.conflict_repo.resolutions("unlinked_order_line")
        bad_resolutions = self.conflict_repo.resolutions("bad_data")
        status_resolutions = self.conflict_repo.resolutions("unmapped_status")
        skip_offers = frozenset(
            int(key.rsplit(":", 1)[1])
            for key, res in line_resolutions.items()
            if res.get("action") == "ignore" and key.startswith("unlinked_order_line:offer:")
            and key.rsplit(":", 1)[1].isdigit()
        )
        for key, res in line_resolutions.items():
            offer_part = key.rsplit(":", 1)[1]
            ms_id = text(res.get("ms_id"))
            if res.get("action") == "link" and ms_id and offer_part.isdigit():
                offers.setdefault(int(offer_part), OfferTarget(ms_id, text(res.get("ms_type")) or "product"))
        self._prepare_delivery(orders.values())
        with_delivery = self.work.delivery.available
        reached = scan.reached_shipment if scan else set()
        creates: list[OrderCreate] = []

        for order in sorted(orders.values(), key=lambda o: o.id):
            rc_key = str(order.id)
            link = order_links.get(rc_key)
            pending = rc_key in pending_orders
            linked = link is not None and link.ms_id is not None
            if not linked and not pending and order.status not in self.export:
                self.work.skipped += 1
                self.log(Level.DEBUG, f"Заказ {_label(order)} пропущен: статус «{self.status_name(order.status)}» "
                                      "не выгружается в МойСклад.", order)
                continue
            if not linked and not pending and self._before_start(order):
                assert self.created_from is not None
                self.work.skipped += 1
                self.log(Level.DEBUG, f"Заказ {_label(order)} пропущен: он создан до {self.created_from:%d.%m.%Y}, "
                                      "а более ранние заказы при подключении Связки не выгружаются.", order)
                continue
            reasons = bad_data_reasons(order, creating=not linked)
            if reasons:
                self._bad_data(order, reasons, bad_resolutions)
                continue
            state_id = settings.status_map.get(order.status or "") or None
            state_waits = False  # a linked order whose state goes once its status is mapped
            if state_id is None:
                ignored = status_resolutions.get(f"unmapped_status:{order.status}", {}).get("action") == "ignore"
                if not linked and ignored:
                    self.work.skipped += 1
                    self.log(Level.INFO, f"Заказ {_label(order)} пропущен: статус «{self.status_name(order.status)}» "
                                         "не сопоставлен, и вы решили не выгружать такие заказы.", order)
                    continue
                if not ignored:
                    self._unmapped_status(order, linked)
                    state_waits = linked
                if not linked:
                    continue
            group = self.statuses[order.status].group if order.status in self.statuses else None
            active = group not in INACTIVE_GROUPS
            delivery_cost = order.delivery.cost if with_delivery else None
            positions, problems = map_positions(
                order, offers, reserve=active, skip_offers=skip_offers, delivery_cost=delivery_cost
            )
            if problems:
                self._unlinked_lines(order, problems, linked)
                continue
            store_id = self._store_for(order)
            mapped = map_order(order, positions, state_id=state_id, store_id=store_id)
            fp = fingerprint(mapped, with_delivery=with_delivery)
            if linked:
                assert link is not None and link.ms_id is not None
                if pushed.get(rc_key) != fp:
                    self.work.updates.append(OrderUpdate(order, link.ms_id, mapped, fp))
                else:
                    self.work.unchanged += 1
                if state_waits:
                    self.work.waiting.add(order.id)
                self._maybe_ship(order, link.ms_id, reached, demand_links, pending_demands)
                continue
            creates.append(OrderCreate(order, mapped, customer_of(order), fingerprint=fp, pending=pending))

        creates = self._adopt_existing(creates, order_links)
        if not settings.organization_id:
            # nowhere to put new orders yet: they wait (the note says why) and go once it is chosen
            waiting_for_org = [c for c in creates if not c.adopt_ms_id]
            self.work.waiting.update(c.order.id for c in waiting_for_org)
            creates = [c for c in creates if c.adopt_ms_id]
        creates = self._choose_counterparties(creates)
        self._check_names(creates)
        for create in creates:
            self.work.creates.append(create)
            if create.module_demand:
                continue  # the module's order is shipped in MoySklad already: that shipment stands
            # an order found already in MoySklad (a crash after its create) still ships like any other
            self._maybe_ship(create.order, create.adopt_ms_id, reached, demand_links, pending_demands)

    def _offer_targets(self) -> dict[int, OfferTarget]:
        targets: dict[int, OfferTarget] = {}
        for rc_id, link in self.links.all("offer", by="rc").items():
            if link.ms_id and rc_id.isdigit():
                targets[int(rc_id)] = OfferTarget(link.ms_id, link.ms_type or "product")
        snapshot = shared_snapshot(self.ctx.shared)
        if snapshot is not None:
            # The catalog flow ran just before: its links are this run's (a dry run's are the ones it would make,
            # a real run may still be storing them beside the uploads).
            for ms_id, offer_id in snapshot.links.items():
                item = snapshot.ms.items.get(ms_id)
                targets[offer_id] = OfferTarget(ms_id, item.type if item is not None else "product")
        return targets

    def _store_for(self, order: Order) -> str | None:
        pairs = self.settings.store_pairs
        for pair in pairs:
            if order.shipment_store and pair.rc_store_code == order.shipment_store:
                return pair.ms_store_id
        return pairs[0].ms_store_id if pairs else None

    def _prepare_delivery(self, orders: Iterable[Order]) -> None:
        delivery = self.work.delivery
        if not any(o.delivery.cost and o.delivery.cost > 0 for o in orders):
            return
        cached = self.cursors.get(CURSOR_FLOW, delivery_cursor(DELIVERY_SERVICE_CURSOR, delivery.name))
        if cached:
            delivery.service_id = cached  # found or created by an earlier run: no request needed
            return
        shared_key = "moysklad.delivery_service"
        if shared_key in self.ctx.shared:
            found = self.ctx.shared[shared_key]
        else:
            try:
                rows = self.ms.find_by_values("service", "name", [delivery.name])
            except SettingsError as exc:
                if exc.reason != "not_service":
                    raise
                rows = None
            found = rows
            self.ctx.shared[shared_key] = found
        if found is None:
            delivery.available = False
            self.plan.notes.append(
                "Стоимость доставки в МойСклад не передаётся: в этой учётной записи МойСклад нет раздела услуг."
            )
            return
        match = next((r for r in found if text(r.get("name")) == delivery.name), None)
        if match is not None:
            delivery.service_id = text(match.get("id"))
        else:
            delivery.create = True
            self.plan.changes.append(
                Change(Flow.ORDERS, Action.CREATE, "moysklad", "service", delivery.name,
                       f"Услуга «{delivery.name}» в МойСклад: будет создана для стоимости доставки")
            )

    def _shipped(self, order: Order, reached: set[int]) -> bool:
        """Whether the goods of ``order`` have left: its status is the shipment status or a later one in
        the process order (group first, then the status in its group: :mod:`app.sync.process_order`), or
        it passed the shipment status since the last run and is not now in an earlier group; never while
        it is in the cancel group. RetailCRM's ``ordering`` alone restarts in every group, so comparing it
        across groups would ship brand-new orders."""
        shipment = self.settings.shipment_status
        if not shipment:
            return False
        return self.process.shipped(order.status, shipment, reached=order.id in reached)

    def _maybe_ship(self, order: Order, ms_order_id: str | None, reached: set[int],
                    demand_links: Mapping[str, Link], pending_demands: set[str]) -> None:
        if not self._shipped(order, reached):
            return
        if str(order.id) in demand_links:
            return
        self.work.shipments.append(Shipment(order, ms_order_id))
        if str(order.id) in pending_demands:
            self.log(Level.INFO, f"Заказ {_label(order)}: отгрузка могла быть создана в прошлый раз; Связка "
                                 "повторит запрос с тем же идентификатором, дубликата не будет.", order)

    # -- conflicts ---------------------------------------------------------------------------------------
    def _bad_data(self, order: Order, reasons: list[str], resolutions: Mapping[str, Any]) -> None:
        key = f"bad_data:order:{order.id}"
        if resolutions.get(key, {}).get("action") == "ignore":
            self.work.skipped += 1
            self.log(Level.INFO, f"Заказ {_label(order)} пропущен по вашему решению: {'; '.join(reasons)}.", order)
            return
        text_reasons = "; ".join(reasons)
        self.conflicts.add("bad_data", key, f"Заказ {_label(order)} не выгружен в МойСклад: {text_reasons}.",
                           rc_data={"order_id": order.id, "number": order.number, "reasons": reasons})
        self.work.waiting.add(order.id)
        self.log(Level.WARNING, f"Заказ {_label(order)} не выгружен в МойСклад: {text_reasons}. Исправьте заказ "
                                "в RetailCRM; Связка попробует снова при следующей синхронизации.", order)

    def _unmapped_status(self, order: Order, linked: bool) -> None:
        name = self.status_name(order.status)
        self.conflicts.add(
            "unmapped_status", f"unmapped_status:{order.status}",
            f"Статус RetailCRM «{name}» не сопоставлен со статусом МойСклад.",
            rc_data={"status": order.status, "name": name}, order=_label(order),
        )
        self.work.waiting.add(order.id)
        if linked:
            self.log(Level.WARNING, f"Заказ {_label(order)}: статус «{name}» не сопоставлен со статусом МойСклад, "
                                    "поэтому статус заказа в МойСклад не меняется. Выберите статус в настройках.",
                     order)
        else:
            self.log(Level.WARNING, f"Заказ {_label(order)} не выгружен: статус «{name}» не сопоставлен со статусом "
                                    "МойСклад. Без статуса заказ не выгружается, потому что неверный статус может "
                                    "запустить сценарии МойСклад. Выберите статус МойСклад в настройках.", order)

    def _unlinked_lines(self, order: Order, problems: Sequence[LineProblem], linked: bool) -> None:
        lines = []
        for problem in problems:
            if problem.offer_id is not None:
                key = f"unlinked_order_line:offer:{problem.offer_id}"
                what = f"Товар «{problem.name}» (предложение RetailCRM {problem.offer_id})"
            else:
                key = f"unlinked_order_line:order:{order.id}:line:{problem.index}"
                what = f"Строка {problem.index} заказа {_label(order)} («{problem.name}»)"
            self.conflicts.add(
                "unlinked_order_line", key, f"{what} не связан(а) с товаром МойСклад.",
                rc_data={"offer_id": problem.offer_id, "name": problem.name}, order=_label(order),
            )
            lines.append(f"строка {problem.index} «{problem.name}»")
        self.work.waiting.add(order.id)
        action = "не обновлён в МойСклад" if linked else "не выгружен в МойСклад"
        self.log(Level.WARNING, f"Заказ {_label(order)} {action}: товар не связан с МойСклад ({'; '.join(lines)}). "
                                "Свяжите товар в каталоге или исключите строку в разделе «Конфликты».", order)

    # -- creates: existing orders, counterparties, numbers -----------------------------------------------
    def _adopt_existing(self, creates: list[OrderCreate], order_links: Mapping[str, Link]) -> list[OrderCreate]:
        if not creates:
            return creates
        linked_ms = {link.ms_id for link in order_links.values() if link.ms_id}
        by_code: dict[str, dict[str, Any]] = {}
        rows = self.ms.find_by_values(
            "customerorder", "externalCode", [str(c.order.id) for c in creates], expand="positions"
        )
        for row in rows:
            code = text(row.get("externalCode"))
            if code and code not in by_code and text(row.get("id")) not in linked_ms:
                by_code[code] = row
        # orders RetailCRM's own MoySklad module exported: their customer orders, in one batched read
        marks = {c.order.id: module_mark(c.order) for c in creates if str(c.order.id) not in by_code}
        module_rows = find_orders(self.ms, (m.ms_id for m in marks.values() if m is not None and m.ms_id))
        taken = {i.lower() for i in linked_ms if i}
        kept: list[OrderCreate] = []
        for create in creates:
            row = by_code.get(str(create.order.id))
            if row is None:
                if create.pending and create.order.status not in self.export:
                    # reserved once but never written, and no longer in an export status: nothing to do
                    self.work.skipped += 1
                    continue
                self._take_over(create, marks.get(create.order.id), module_rows, taken)
                kept.append(create)
                continue
            kept.append(create)
            create.adopt_ms_id = text(row.get("id"))
            existing_fp = fingerprint_of_entity(row, self.work.delivery.service_id)
            create.adopt_needs_update = existing_fp != create.fingerprint
            self.log(Level.INFO, f"Заказ {_label(create.order)} уже есть в МойСклад (заказ покупателя "
                                 f"{text(row.get('name')) or ''}): Связка свяжет его, а не создаст второй.",
                     create.order, ms_id=create.adopt_ms_id)
        return kept

    def _take_over(self, create: OrderCreate, mark: ModuleMark | None, rows: Mapping[str, dict[str, Any]],
                   taken: set[str]) -> None:
        """Link ``create`` to the customer order RetailCRM's MoySklad module made for it, when its mark names
        one that exists and no other order has (a copied order keeps the field: that copy is a new order).
        ``taken``: MoySklad ids linked already, this plan's takeovers added."""
        if mark is None:
            return
        order = create.order
        label = _label(order)
        if mark.ms_id is None:
            shown = mark.value if len(mark.value) <= 60 else mark.value[:57] + "…"
            self.log(Level.INFO, f"Заказ {label}: в поле «{MODULE_FIELD}» записано «{shown}», а это не "
                                 "идентификатор заказа МойСклад. Связка не учитывает это поле и выгружает заказ как "
                                 "обычно.", order)
            return
        row = rows.get(mark.ms_id)
        if row is None:
            self.log(Level.WARNING, f"Заказ {label}: по полю «{MODULE_FIELD}» его выгружал модуль RetailCRM для "
                                    "МойСклад, но такого заказа покупателя в МойСклад нет (его удалили или он в "
                                    "другой учётной записи МойСклад). Связка выгрузит заказ как новый.", order)
            return
        if mark.ms_id in taken:
            self.log(Level.WARNING, f"Заказ {label}: заказ покупателя МойСклад из поля «{MODULE_FIELD}» уже связан "
                                    "с другим заказом RetailCRM (например, заказ скопирован вместе с этим полем). "
                                    "Связка выгрузит этот заказ как новый.", order)
            return
        taken.add(mark.ms_id)
        create.adopt_ms_id = text(row.get("id"))
        create.adopt_needs_update = False  # positions stay as the module left them until RetailCRM changes
        create.taken_over = True
        create.module_state = meta_id(row.get("state"))
        demands = demand_ids(row)
        create.module_demand = demands[0] if demands else None
        self.log(Level.INFO, f"Заказ {label} уже выгружен модулем RetailCRM для МойСклад (заказ покупателя "
                             f"{text(row.get('name')) or ''}): Связка свяжет его и дальше будет вести сама, второй "
                             "заказ не создаётся.", order, ms_id=create.adopt_ms_id)

    def _choose_counterparties(self, creates: list[OrderCreate]) -> list[OrderCreate]:
        todo = [c for c in creates if not c.adopt_ms_id]
        if not todo:
            return creates
        linked = {rc: link.ms_id for rc, link in self.links.all("counterparty", by="rc").items() if link.ms_id}
        pending = {link.rc_id for link in self.links.pending("counterparty")}
        resolutions = self.conflict_repo.resolutions("ambiguous_counterparty")
        customers: dict[str, OrderCustomerInfo] = {}
        for create in todo:
            customers.setdefault(create.customer.key, create.customer)
        lookup = [
            c.info for key, c in customers.items()
            if key not in linked and key not in pending and ambiguous_key(key) not in resolutions
        ]
        # a full run checks again whether the account still has more counterparties than one page
        known_big = not self.ctx.full and self.cursors.get(CURSOR_FLOW, BIG_ACCOUNT_CURSOR) == "1"
        search = find_candidates(self.ms, lookup, small_account_rows=self.scan_rows, known_big=known_big)
        if lookup:
            self.work.big_account = search.big_account
        lookups = search.requests
        index = CandidateIndex(search.candidates)
        decisions: dict[str, CounterpartyDecision] = {}
        for key, customer in customers.items():
            if key in pending and key not in linked:
                decisions[key] = CounterpartyDecision(
                    "create", how="создан новый контрагент (повтор прерванной записи)"
                )
                continue
            decisions[key] = decide(customer, linked_ms_id=linked.get(key), index=index,
                                    resolution=resolutions.get(ambiguous_key(key)))
        kept: list[OrderCreate] = [c for c in creates if c.adopt_ms_id]
        for create in todo:
            decision = decisions[create.customer.key]
            create.counterparty = decision
            key = create.customer.key
            if decision.action == "wait":
                self._ambiguous(create, decision)
                continue
            if decision.action == "skip":
                self.work.skipped += 1
                self.log(Level.INFO, f"Заказ {_label(create.order)} пропущен: {decision.how}.", create.order)
                continue
            if decision.action == "create":
                self.work.counterparties_to_create.setdefault(key, create.customer)
            elif decision.link and decision.ms_id and key not in linked:
                self.work.counterparties_to_link.setdefault(key, decision.ms_id)
            kept.append(create)
        if lookups:
            self.log(Level.DEBUG, f"Поиск контрагентов в МойСклад: {len(lookup)} клиент(ов), запросов: {lookups}.")
        return kept

    def _ambiguous(self, create: OrderCreate, decision: CounterpartyDecision) -> None:
        customer = create.customer
        names = ", ".join(f"«{c.name}»" for c in decision.candidates[:5])
        self.conflicts.add(
            "ambiguous_counterparty", ambiguous_key(customer.key),
            f"Клиент «{customer.name}»: {decision.how}. Выберите контрагента МойСклад для этого клиента.",
            rc_data={"customer_id": customer.info.rc_customer_id, "name": customer.name, "inn": customer.info.inn,
                     "email": customer.info.email, "phone": customer.info.phone},
            ms_data={"rule": decision.rule, "candidates": [
                {"id": c.id, "name": c.name, "inn": c.inn, "email": c.email, "phone": c.phone, "archived": c.archived}
                for c in decision.candidates]},
            order=_label(create.order),
        )
        self.work.waiting.add(create.order.id)
        self.log(Level.WARNING, f"Заказ {_label(create.order)} ждёт: для клиента «{customer.name}» подходят "
                                f"несколько контрагентов МойСклад ({names}). Выберите нужного в разделе "
                                "«Конфликты».", create.order)

    def _check_names(self, creates: list[OrderCreate]) -> None:
        wanted = [c for c in creates if not c.adopt_ms_id and c.order.number]
        if not wanted:
            return
        rows = self.ms.find_by_values("customerorder", "name", [c.order.number for c in wanted])
        taken = {text(r.get("name")) for r in rows}
        for create in wanted:
            if create.order.number in taken:
                self.log(Level.INFO, f"Заказ {_label(create.order)}: номер уже занят в МойСклад, номер заказу "
                                     "покупателя присвоит МойСклад.", create.order)
            else:
                create.name = create.order.number

    # -- statuses back -----------------------------------------------------------------------------------
    def _plan_statuses_back(self, orders: Mapping[int, Order], scan: HistoryScan | None) -> None:
        reverse_map = self.settings.reverse_status_map
        cursor = self.cursors.get(CURSOR_FLOW, REVERSE_CURSOR)
        if cursor is None:
            newest = next(iter(self.ms.iter_rows("entity/customerorder", order="updated,desc", limit=1)), None)
            self.work.reverse_cursor = text(newest.get("updated")) if newest else "1970-01-01 03:00:00"
            self.plan.notes.append(
                "Обратная передача статусов включена: изменения статусов заказов в МойСклад с этого момента "
                "будут переданы в RetailCRM."
            )
            return
        since = timestamp(cursor)
        flt = Filter().ge("updated", since) if since else None
        by_ms = self.links.all("order", by="ms")
        pushed_states = self.ctx.db.pushed(self.ctx.profile_id).get_many(PUSHED_STATE)
        newest_seen = cursor
        candidates: list[tuple[CustomerOrder, Link, str]] = []
        for row in self.ms.iter_customer_orders(flt):
            raw_updated = text(row.raw.get("updated"))
            # MoySklad's "YYYY-MM-DD HH:MM:SS.mmm" sorts as text
            if raw_updated and raw_updated > newest_seen:
                newest_seen = raw_updated
            link = by_ms.get(row.id)
            target = reverse_map.get(row.state_id or "")
            if link is None or not target or not link.rc_id.isdigit():
                continue
            if pushed_states.get(link.rc_id) == (row.state_id or ""):
                continue  # the state Svyazka itself sent: no person changed it
            candidates.append((row, link, target))
        self.work.reverse_cursor = newest_seen
        if not candidates:
            return
        forward_changed = scan.status_changed if scan else set()
        unknown = [int(link.rc_id) for _, link, _ in candidates if int(link.rc_id) not in orders]
        current: dict[int, str | None] = {o.id: o.status for o in orders.values()}
        numbers: dict[int, str] = {o.id: _label(o) for o in orders.values()}
        if unknown:
            for info in self.rc.orders_statuses(ids=unknown):
                current[info.id] = info.status
        updates = {u.order.id: u for u in self.work.updates}
        for row, link, target in candidates:
            rc_id = int(link.rc_id)
            number = numbers.get(rc_id) or link.rc_ext or str(rc_id)
            status = current.get(rc_id)
            if rc_id not in current:
                continue  # the order is gone from RetailCRM
            if status == target or (status and self.settings.status_map.get(status) == row.state_id):
                continue
            if rc_id in forward_changed:
                self.ctx.log(Level.INFO, Flow.ORDERS,
                             f"Заказ {number}: статус изменён и в RetailCRM, и в МойСклад; оставлен статус "
                             "RetailCRM.", entity_type="order", entity_ref=number, entity_url=ms_order_url(row.id))
                continue
            self.work.statuses_back.append(
                StatusBack(rc_id, number, row.id, row.name, row.state_id or "", target, status)
            )
            update = updates.get(rc_id)
            if update is not None:  # keep MoySklad's new state in the update that goes anyway
                update.mapped = replace(update.mapped, state_id=row.state_id)
                update.fingerprint = fingerprint(update.mapped, with_delivery=self.work.delivery.available)

    # -- summary -----------------------------------------------------------------------------------------
    def _finish(self) -> FlowPlan:
        work, plan = self.work, self.plan
        rows = self.conflicts.rows()
        if rows:
            self.conflict_repo.record_many(rows, self.ctx.run_id)
        if self.ctx.run_id is not None:
            self.conflict_repo.close_missing(self.ctx.run_id, OWN_CONFLICT_KINDS)
        for key, customer in work.counterparties_to_create.items():
            plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", "counterparty", key,
                                       f"Контрагент «{customer.name}» в МойСклад: будет создан", customer))
        for create in work.creates:
            plan.changes.append(self._create_change(create))
        for update in work.updates:
            plan.changes.append(Change(
                Flow.ORDERS, Action.UPDATE, "moysklad", "customerorder", _label(update.order),
                f"Заказ {_label(update.order)} → МойСклад: будет обновлён заказ покупателя "
                f"(статус «{self.state_name(update.mapped.state_id)}», позиций {len(update.mapped.positions)})",
                update,
            ))
        for shipment in work.shipments:
            plan.changes.append(Change(Flow.ORDERS, Action.CREATE, "moysklad", "demand", _label(shipment.order),
                                       f"Заказ {_label(shipment.order)} → МойСклад: будет создана отгрузка", shipment))
        for back in work.statuses_back:
            plan.changes.append(Change(
                Flow.ORDERS, Action.UPDATE, "retailcrm", "order", back.number,
                f"Заказ {back.number} → RetailCRM: статус «{self.status_name(back.current)}» → "
                f"«{self.status_name(back.status)}» (как в МойСклад)", back,
            ))
        new_orders = sum(1 for c in work.creates if not c.adopt_ms_id)
        adopted_updates = sum(1 for c in work.creates if c.adopt_ms_id and c.adopt_needs_update)
        plan.counts = Counts(
            created=new_orders + len(work.shipments) + len(work.counterparties_to_create)
            + (1 if work.delivery.create else 0),
            updated=len(work.updates) + adopted_updates + len(work.statuses_back),
            unchanged=work.unchanged + sum(1 for c in work.creates if c.adopt_ms_id and not c.adopt_needs_update),
            skipped=work.skipped + len(work.waiting),
        )
        plan.conflicts = len(rows)
        plan.state["work"] = work
        plan.state["stats"] = {
            "to_create": new_orders,
            "to_update": len(work.updates) + adopted_updates,
            "shipments": len(work.shipments),
            "waiting": len(work.waiting),
            "skipped": work.skipped,
            "unchanged": work.unchanged,
            "counterparties_to_create": len(work.counterparties_to_create),
            "statuses_back": len(work.statuses_back),
        }
        if work.waiting:
            plan.notes.append(f"Ждут решения или исправления: {len(work.waiting)} заказ(ов); подробности в разделе "
                              "«Конфликты».")
        return plan

    def _create_change(self, create: OrderCreate) -> Change:
        label = _label(create.order)
        if create.adopt_ms_id:
            what = "будет связан с уже существующим заказом покупателя"
            if create.taken_over:
                what += ", который выгрузил модуль RetailCRM для МойСклад"
            if create.adopt_needs_update:
                what += " и обновлён"
            return Change(Flow.ORDERS, Action.LINK, "moysklad", "customerorder", label,
                          f"Заказ {label} → МойСклад: {what}", create)
        how = create.counterparty.how if create.counterparty else ""
        return Change(
            Flow.ORDERS, Action.CREATE, "moysklad", "customerorder", label,
            f"Заказ {label} → МойСклад: будет создан заказ покупателя (статус «"
            f"{self.state_name(create.mapped.state_id)}», позиций {len(create.mapped.positions)}), {how}",
            create,
        )


# --- apply -------------------------------------------------------------------------------------------------


class _Applier:
    def __init__(self, ctx: RunContext, work: Work, batch: int) -> None:
        self.ctx = ctx
        self.work = work
        self.batch = batch
        self.ms = ctx.moysklad
        self.rc = ctx.retailcrm
        self.links = ctx.db.links(ctx.profile_id)
        self.cursors = ctx.db.cursors(ctx.profile_id)
        self.pushed = ctx.db.pushed(ctx.profile_id)
        self.counts = Counts(unchanged=work.unchanged, skipped=work.skipped + len(work.waiting))
        self.failed_orders: set[int] = set()
        self.agents: dict[str, str] = {}
        self.created_ms: dict[int, str] = {}  # rc order id -> ms order id created in this run
        # rc order id -> the body that created its customer order in this run: a shipment of it is built from
        # this instead of asking MoySklad for a template (one request per order)
        self.created_bodies: dict[int, dict[str, Any]] = {}
        self.delivery_lost = False  # the delivery service could not be created in this run
        self.delivery_checked = False  # looked whether a cached delivery service still exists
        self.total = (len(work.creates) + len(work.updates) + len(work.shipments) + len(work.statuses_back)
                      + len(work.counterparties_to_create))
        self.done = 0

    def log(self, level: Level, message: str, ref: str | None, url: str | None, entity: str = "order") -> None:
        self.ctx.log(level, Flow.ORDERS, message, entity_type=entity, entity_ref=ref, entity_url=url)

    def progress(self, step: int) -> None:
        self.done += step
        self.ctx.progress(Flow.ORDERS, self.done, self.total, "apply")

    def run(self) -> Counts:
        self._delivery_service()
        self._counterparties()
        self._creates()
        self._updates()
        self._shipments()
        self._statuses_back()
        self._save_cursors()
        return self.counts

    # -- delivery service --------------------------------------------------------------------------------
    def _delivery_service(self) -> None:
        delivery = self.work.delivery
        id_cursor = delivery_cursor(DELIVERY_SERVICE_CURSOR, delivery.name)
        if delivery.service_id:
            self.cursors.set(CURSOR_FLOW, id_cursor, delivery.service_id)
            return
        if not delivery.create:
            return
        # the syncId is stored before the request: a lost answer is retried with it, and MoySklad returns
        # the service it already made instead of a second one
        sync_cursor = delivery_cursor(DELIVERY_SYNC_CURSOR, delivery.name)
        sync_id = self.cursors.get(CURSOR_FLOW, sync_cursor) or str(uuid.uuid4())
        self.cursors.set(CURSOR_FLOW, sync_cursor, sync_id)
        try:
            created = self.ms.create("service", {"name": delivery.name, "syncId": sync_id})
        except RemoteValidationError as exc:
            self._delivery_lost()
            self.counts.failed += 1
            self.log(Level.ERROR, f"Не удалось создать услугу «{delivery.name}» в МойСклад: {exc.message} "
                                  "Стоимость доставки в заказы не передана; Связка попробует снова при следующей "
                                  "синхронизации.", delivery.name, None, "service")
            return
        delivery.service_id = text(created.get("id"))
        if delivery.service_id:
            self.cursors.set(CURSOR_FLOW, id_cursor, delivery.service_id)
            self.counts.created += 1
            self.log(Level.INFO, f"Создана услуга «{delivery.name}» в МойСклад для стоимости доставки.",
                     delivery.name, f"{MS_APP}#good/edit?id={delivery.service_id}", "service")

    def _delivery_lost(self) -> None:
        """The delivery service cannot be used in this run: orders go without their delivery line, and
        what is remembered as sent says so, so the line is added once the service is there again."""
        self.work.delivery.available = False
        self.work.delivery.service_id = None
        self.delivery_lost = True

    def _fingerprint(self, mapped: MappedOrder, planned: str) -> str:
        """What is remembered as sent; without the delivery line when it could not go (the order is then
        looked at again next run, so the line is added as soon as the service exists)."""
        if not self.delivery_lost:
            return planned
        if any(p.assortment_id == DELIVERY for p in mapped.positions):
            self.work.waiting.add(mapped.rc_id)
        return fingerprint(mapped, with_delivery=False)

    def _check_delivery_service(self, mapped: MappedOrder) -> None:
        """After a "not found" refusal of an order with a delivery line: if the service itself is gone
        (deleted in MoySklad), forget it, so the next run finds or creates it again."""
        delivery = self.work.delivery
        if self.delivery_checked or not delivery.service_id:
            return
        if not any(p.assortment_id == DELIVERY for p in mapped.positions):
            return
        self.delivery_checked = True
        if self.ms.get("service", delivery.service_id) is not None:
            return
        name = delivery.name
        self.cursors.reset(CURSOR_FLOW, delivery_cursor(DELIVERY_SERVICE_CURSOR, name))
        self.cursors.reset(CURSOR_FLOW, delivery_cursor(DELIVERY_SYNC_CURSOR, name))
        self.log(Level.WARNING, f"Услуга «{name}» для стоимости доставки не найдена в МойСклад (возможно, её "
                                "удалили). При следующей синхронизации Связка найдёт её по названию или создаст "
                                "заново.", name, None, "service")

    # -- counterparties ----------------------------------------------------------------------------------
    def _counterparties(self) -> None:
        for key, found_id in self.work.counterparties_to_link.items():
            # a counterparty already standing for another customer is used without a link of its own
            with contextlib.suppress(LinkConflictError):
                self.links.complete("counterparty", key, found_id, ms_type="counterparty")
            self.agents[key] = found_id
        todo = list(self.work.counterparties_to_create.items())
        for chunk in _chunks(todo, self.batch):
            self.ctx.check_cancel()
            bodies = []
            for key, customer in chunk:
                link = self.links.reserve("counterparty", key, ms_type="counterparty", rc_ext=customer.name[:255])
                if link.ms_id:
                    self.agents[key] = link.ms_id
                    continue
                assert link.sync_id is not None
                bodies.append((key, customer, counterparty_body(customer, link.sync_id)))
            if not bodies:
                continue
            results = self._create_many("counterparty", [b for _, _, b in bodies])
            for (key, customer, _), result in zip(bodies, results, strict=True):
                if isinstance(result, ItemError):
                    self.counts.failed += 1
                    self.log(Level.ERROR, f"Не удалось создать контрагента «{customer.name}» в МойСклад: "
                                          f"{result.message}. Заказы этого клиента подождут.", customer.name, None,
                             "counterparty")
                    continue
                ms_id = text(result.get("id"))
                if not ms_id:
                    continue
                self.links.complete("counterparty", key, ms_id, ms_type="counterparty")
                self.agents[key] = ms_id
                self.counts.created += 1
                self.log(Level.INFO, f"Создан контрагент «{customer.name}» в МойСклад.", customer.name,
                         f"{MS_APP}#company/edit?id={ms_id}", "counterparty")
            self.progress(len(chunk))

    def _create_many(self, entity: str, bodies: list[dict[str, Any]], expand: str | None = None
                     ) -> list[dict[str, Any] | ItemError]:
        """A batch create; a batch the service refused as a whole counts as every item failing."""
        try:
            return list(self.ms.create_many(entity, bodies, batch_size=len(bodies), expand=expand))
        except RemoteValidationError as exc:
            return [ItemError(index=i, errors=exc.errors) for i in range(len(bodies))]

    # -- orders: create ----------------------------------------------------------------------------------
    def _agent_for(self, create: OrderCreate) -> str | None:
        decision = create.counterparty
        key = create.customer.key
        if key in self.agents:
            return self.agents[key]
        if decision is not None and decision.action == "use" and decision.ms_id:
            return decision.ms_id
        return None

    def _creates(self) -> None:
        settings = self.ctx.settings
        work = self.work
        adopt = [c for c in work.creates if c.adopt_ms_id]
        for create in adopt:
            self._adopt(create)
        fresh = [c for c in work.creates if not c.adopt_ms_id]
        if fresh and not settings.organization_id:
            for create in fresh:
                self.work.waiting.add(create.order.id)
            return
        service_id = work.delivery.service_id if work.delivery.available else None
        for chunk in _chunks(fresh, self.batch):
            self.ctx.check_cancel()
            ready: list[tuple[OrderCreate, Link, dict[str, Any]]] = []
            for create in chunk:
                agent = self._agent_for(create)
                order = create.order
                if agent is None:
                    self.failed_orders.add(order.id)
                    self.counts.failed += 1
                    self.log(Level.ERROR, f"Заказ {_label(order)} не выгружен: не удалось подобрать контрагента. "
                                          "Связка попробует снова при следующей синхронизации.", _label(order), None)
                    continue
                link = self.links.reserve("order", order.id, rc_ext=order.number, ms_type="customerorder")
                if link.ms_id:  # done meanwhile (another run finished it): nothing to create
                    continue
                assert link.sync_id is not None and settings.organization_id is not None
                body = create_body(create.mapped, self.ms.meta, self.ms.state_meta, service_id,
                                   organization_id=settings.organization_id, agent_id=agent,
                                   sync_id=link.sync_id, name=create.name)
                ready.append((create, link, body))
            if not ready:
                continue
            results = self._create_many("customerorder", [body for _, _, body in ready])
            fingerprints: dict[str, str] = {}
            states: dict[str, str] = {}
            for (create, _link, sent), result in zip(ready, results, strict=True):
                order = create.order
                if isinstance(result, ItemError):
                    self.failed_orders.add(order.id)
                    self.counts.failed += 1
                    if any(e.field == "agent" for e in result.errors):
                        # the linked counterparty is gone (deleted in MoySklad): look the customer up afresh
                        self.links.remove("counterparty", rc_id=create.customer.key)
                    if _not_found(result):
                        self._check_delivery_service(create.mapped)
                    attributes = required_attributes(result.errors)
                    if attributes:
                        self.log(Level.ERROR, f"Заказ {_label(order)} не выгружен в МойСклад: "
                                              f"{required_attributes_advice(attributes)}.", _label(order), None)
                        continue
                    self.log(Level.ERROR, f"Заказ {_label(order)} → МойСклад: не создан. {result.message}. Связка "
                                          "попробует снова при следующей синхронизации.", _label(order), None)
                    continue
                ms_id = text(result.get("id"))
                if not ms_id:
                    continue
                self.links.complete("order", order.id, ms_id, ms_type="customerorder", rc_ext=order.number)
                fingerprints[str(order.id)] = self._fingerprint(create.mapped, create.fingerprint)
                states[str(order.id)] = create.mapped.state_id or ""
                self.created_ms[order.id] = ms_id
                self.created_bodies[order.id] = sent
                self._touched(create.mapped, shipped=False)
                self.counts.created += 1
                ms_name = text(result.get("name")) or ""
                how = create.counterparty.how if create.counterparty else ""
                notes = "".join(f"; {n}" for n in create.mapped.notes)
                self.log(Level.INFO, f"Заказ {_label(order)} → МойСклад: создан заказ покупателя {ms_name}, "
                                     f"{how}{notes}", _label(order), ms_order_url(ms_id))
                mismatch = sum_mismatch(sent, result)
                if mismatch is not None:
                    self.log(Level.WARNING, f"Заказ {_label(order)}: сумма заказа покупателя {ms_name} в МойСклад "
                                            f"{mismatch[1]} ₽, а отправлено позиций на {mismatch[0]} ₽. Проверьте "
                                            "в МойСклад настройку «НДС включен в цену» и цены позиций.",
                             _label(order), ms_order_url(ms_id))
            if fingerprints:
                self.pushed.put_many(PUSHED_TARGET, fingerprints)
                self.pushed.put_many(PUSHED_STATE, states)
            self.progress(len(chunk))

    def _adopt(self, create: OrderCreate) -> None:
        order = create.order
        assert create.adopt_ms_id is not None
        try:
            self.links.complete("order", order.id, create.adopt_ms_id, ms_type="customerorder", rc_ext=order.number)
        except LinkConflictError as exc:
            self.failed_orders.add(order.id)
            self.counts.failed += 1
            self.log(Level.ERROR, str(exc), _label(order), ms_order_url(create.adopt_ms_id))
            return
        if create.taken_over:
            self._taken_over(create)
            return
        self.log(Level.INFO, f"Заказ {_label(order)} → МойСклад: связан с уже существующим заказом покупателя.",
                 _label(order), ms_order_url(create.adopt_ms_id))
        if create.adopt_needs_update:
            self.work.updates.append(OrderUpdate(order, create.adopt_ms_id, create.mapped, create.fingerprint))
            self.total += 1
        else:
            self._remember(order.id, create.mapped, create.fingerprint)
            self.counts.unchanged += 1

    def _taken_over(self, create: OrderCreate) -> None:
        """The link to a customer order RetailCRM's MoySklad module made is stored; nothing is written to it
        now. What RetailCRM has today counts as sent, so the next change in RetailCRM updates it the usual way;
        the state it has counts as Svyazka's, so statuses back see only a person's change; a shipment it has
        counts as this order's, so none is made a second time."""
        order = create.order
        label = _label(order)
        assert create.adopt_ms_id is not None
        self.pushed.put_many(PUSHED_TARGET, {str(order.id): self._fingerprint(create.mapped, create.fingerprint)})
        if create.module_state:
            self.pushed.put_many(PUSHED_STATE, {str(order.id): create.module_state})
        shipped = ""
        if create.module_demand:
            with contextlib.suppress(LinkConflictError):
                self.links.complete("demand", order.id, create.module_demand, ms_type="demand", rc_ext=order.number)
                shipped = " Отгрузка по нему в МойСклад уже есть, вторую Связка не создаст."
        self.counts.unchanged += 1
        self.log(Level.INFO, f"Заказ {label} уже выгружен модулем RetailCRM для МойСклад, Связка связала его и "
                             "дальше ведёт сама. Заказ покупателя в МойСклад пока не изменён: его обновит следующее "
                             f"изменение заказа в RetailCRM.{shipped}", label, ms_order_url(create.adopt_ms_id))

    # -- orders: update ----------------------------------------------------------------------------------
    def _updates(self) -> None:
        updates = self.work.updates
        if not updates:
            return
        service_id = self.work.delivery.service_id if self.work.delivery.available else None
        if len(updates) == 1:
            # one order: a plain PUT (a batch of one would cost the same request)
            update = updates[0]
            body = update_body(update.mapped, self.ms.meta, self.ms.state_meta, service_id)
            try:
                self.ms.update("customerorder", update.ms_id, body)
            except (RemoteValidationError, NotFound) as exc:
                errors = exc.errors if isinstance(exc, RemoteValidationError) else ()
                self._update_failed(update, exc.message, missing=isinstance(exc, NotFound),
                                    attributes=required_attributes(errors))
            else:
                self._updated(update)
            self.progress(1)
            return
        for chunk in _chunks(updates, self.batch):
            self.ctx.check_cancel()
            bodies = [
                {"meta": self.ms.meta("customerorder", u.ms_id)["meta"],
                 **update_body(u.mapped, self.ms.meta, self.ms.state_meta, service_id)}
                for u in chunk
            ]
            results = self._create_many("customerorder", bodies)
            for update, result in zip(chunk, results, strict=True):
                if isinstance(result, ItemError):
                    self._update_failed(update, result.message, missing=_not_found(result),
                                        attributes=required_attributes(result.errors))
                else:
                    self._updated(update)
            self.progress(len(chunk))

    def _remember(self, order_id: int, mapped: MappedOrder, fp: str) -> None:
        self.pushed.put_many(PUSHED_TARGET, {str(order_id): self._fingerprint(mapped, fp)})
        if mapped.state_id:  # an update without a state (unmapped status) left MoySklad's state as it was
            self.pushed.put_many(PUSHED_STATE, {str(order_id): mapped.state_id})

    def _touched(self, mapped: MappedOrder, *, shipped: bool) -> None:
        """Tell the stock flow which items this write moved (reserves here, shipments below): it carries their
        new figures to RetailCRM before the run ends (:meth:`app.sync.flows.stock.StockFlow.follow_up`)."""
        ids = (p.assortment_id for p in mapped.positions if p.assortment_id != DELIVERY)
        stock_report.note_touched(self.ctx.shared, ids, shipped=shipped)

    def _updated(self, update: OrderUpdate) -> None:
        self._touched(update.mapped, shipped=False)
        self._remember(update.order.id, update.mapped, update.fingerprint)
        self.counts.updated += 1
        state = self.ctx.settings.state_names.get(update.mapped.state_id or "", "")
        what = f", статус «{state}»" if state else ""
        self.log(Level.INFO, f"Заказ {_label(update.order)} → МойСклад: заказ покупателя обновлён{what}, позиций "
                             f"{len(update.mapped.positions)}.", _label(update.order), ms_order_url(update.ms_id))

    def _update_failed(self, update: OrderUpdate, message: str, *, missing: bool = False,
                       attributes: Sequence[str] = ()) -> None:
        label = _label(update.order)
        if missing and self.ms.get("customerorder", update.ms_id) is None:
            # a person deleted it in MoySklad: Svyazka never brings it back by itself, and stops retrying
            # until the order changes in RetailCRM again
            self._remember(update.order.id, update.mapped, update.fingerprint)
            self.counts.skipped += 1
            self.log(Level.WARNING, f"Заказ {label}: заказ покупателя удалён в МойСклад, поэтому изменения из "
                                    "RetailCRM в него не переданы. Если заказ нужен в МойСклад, создайте его там "
                                    "заново или обратитесь в поддержку.", label, ms_order_url(update.ms_id))
            return
        if missing:
            self._check_delivery_service(update.mapped)
        self.failed_orders.add(update.order.id)
        self.counts.failed += 1
        if attributes:
            self.log(Level.ERROR, f"Заказ {label} → МойСклад: не обновлён: {required_attributes_advice(attributes)}.",
                     label, ms_order_url(update.ms_id))
            return
        self.log(Level.ERROR, f"Заказ {label} → МойСклад: не обновлён. {message.rstrip('.')}. Связка попробует "
                              "снова при следующей синхронизации.", label, ms_order_url(update.ms_id))

    # -- shipments ---------------------------------------------------------------------------------------
    def _shipments(self) -> None:
        ready: list[tuple[Shipment, dict[str, Any]]] = []
        recovered = self._recover_unconfirmed_shipments()
        for shipment in self.work.shipments:
            self.ctx.check_cancel()
            order = shipment.order
            ms_order = shipment.ms_order_id or self.created_ms.get(order.id)
            if ms_order is None or order.id in self.failed_orders or order.id in recovered:
                continue  # the order itself did not go (its shipment waits with it), or it is shipped already
            link = self.links.reserve("demand", order.id, rc_ext=order.number, ms_type="demand")
            if link.ms_id:
                continue
            sent = self.created_bodies.get(order.id)
            body = demand_body(self.ms.meta("customerorder", ms_order), sent) if sent is not None else None
            if body is None:
                # an order written by an earlier run (or a body missing a field): MoySklad's template knows what
                # is left to ship
                try:
                    template = self.ms.demand_template(ms_order)
                except (NotFound, RemoteValidationError) as exc:
                    self.counts.failed += 1
                    self.log(Level.ERROR, f"Заказ {_label(order)} → МойСклад: отгрузка не создана. {exc.message}",
                             _label(order), ms_order_url(ms_order), "demand")
                    continue
                rows = template.get("positions")
                positions = rows.get("rows") if isinstance(rows, Mapping) else rows
                if not positions:
                    self.log(Level.INFO, f"Заказ {_label(order)}: в МойСклад отгружать нечего (всё уже отгружено), "
                                         "отгрузка не создана.", _label(order), ms_order_url(ms_order))
                    continue
                body = {k: v for k, v in template.items() if k != "meta"}
            body["syncId"] = link.sync_id
            ready.append((shipment, body))
        for chunk in _chunks(ready, self.batch):
            self.ctx.check_cancel()
            results = self._create_many("demand", [body for _, body in chunk])
            for (shipment, sent_body), result in zip(chunk, results, strict=True):
                order = shipment.order
                if isinstance(result, ItemError):
                    self.failed_orders.add(order.id)
                    self.counts.failed += 1
                    self.log(Level.ERROR, f"Заказ {_label(order)} → МойСклад: отгрузка не создана. {result.message}.",
                             _label(order), None, "demand")
                    continue
                ms_id = text(result.get("id"))
                if not ms_id:
                    continue
                self.links.complete("demand", order.id, ms_id, ms_type="demand", rc_ext=order.number)
                self.counts.created += 1
                # the shipment wrote these items off in MoySklad after the stock flow read them
                rows = sent_body.get("positions") or ()
                if isinstance(rows, Mapping):  # a template's positions may come as {"rows": [...]}
                    rows = rows.get("rows") or ()
                stock_report.note_touched(
                    self.ctx.shared, (meta_id(row.get("assortment")) for row in rows if isinstance(row, Mapping)),
                    shipped=True,
                )
                demand_name = text(result.get("name")) or ""
                self.log(Level.INFO, f"Заказ {_label(order)} → МойСклад: создана отгрузка {demand_name}.",
                         _label(order), ms_demand_url(ms_id), "demand")
            self.progress(len(chunk))

    def _recover_unconfirmed_shipments(self) -> set[int]:
        """Shipments an earlier run created but could not record (it stopped before the answer came): their
        link is still a reservation. They are found by the reservation's syncId and linked, in one request.
        Asking for a template instead would find nothing left to ship (that shipment shipped it) and leave
        the link reserved for ever. Returns the RetailCRM ids of the orders whose shipment was found."""
        wanted = {str(s.order.id) for s in self.work.shipments}
        pending = {link.sync_id.lower(): link for link in self.links.pending("demand")
                   if link.sync_id and link.rc_id in wanted}
        if not pending:
            return set()
        recovered: set[int] = set()
        for row in self.ms.find_by_values("demand", "syncId", list(pending)):
            link = pending.get((text(row.get("syncId")) or "").lower())
            ms_id = text(row.get("id"))
            if link is None or not ms_id:
                continue
            self.links.complete("demand", link.rc_id, ms_id, ms_type="demand", rc_ext=link.rc_ext)
            recovered.add(int(link.rc_id))
            self.counts.created += 1
            number = link.rc_ext or link.rc_id
            self.log(Level.INFO, f"Заказ {number} → МойСклад: отгрузка {text(row.get('name')) or ''} была создана "
                                 "прошлой синхронизацией, которая прервалась; теперь она связана с заказом.",
                     number, ms_demand_url(ms_id), "demand")
        return recovered

    # -- statuses back -----------------------------------------------------------------------------------
    def _statuses_back(self) -> None:
        statuses = self.ctx.shared.get("retailcrm.statuses") or {}
        for back in self.work.statuses_back:
            self.ctx.check_cancel()
            try:
                self.rc.edit_order_status(back.rc_id, back.status, by="id")
            except (RemoteValidationError, NotFound) as exc:
                self.counts.failed += 1
                self.log(Level.ERROR, f"Заказ {back.number} → RetailCRM: статус не изменён. {exc.message}",
                         back.number, ms_order_url(back.ms_id))
                continue
            self.counts.updated += 1
            # RetailCRM now agrees with this state: it is no longer news on the next run
            self.pushed.put_many(PUSHED_STATE, {str(back.rc_id): back.state_id})
            name = statuses[back.status].name if back.status in statuses else back.status
            self.log(Level.INFO, f"Заказ {back.number} → RetailCRM: статус «{name}», как у заказа покупателя "
                                 f"{back.ms_name} в МойСклад.", back.number, ms_order_url(back.ms_id))
            self.progress(1)

    # -- cursors -----------------------------------------------------------------------------------------
    def _save_cursors(self) -> None:
        waiting = sorted(self.work.waiting | self.failed_orders)
        self.cursors.set(CURSOR_FLOW, WAITING_CURSOR, json.dumps(waiting))
        if self.work.first_sync_from is not None:
            self.cursors.set(CURSOR_FLOW, FIRST_SYNC_CURSOR, self.work.first_sync_from)
        if self.work.history_cursor is not None:
            self.cursors.set(CURSOR_FLOW, HISTORY_CURSOR, self.work.history_cursor)
        if self.work.reverse_cursor is not None:
            self.cursors.set(CURSOR_FLOW, REVERSE_CURSOR, self.work.reverse_cursor)
        if self.work.big_account is not None:
            self.cursors.set(CURSOR_FLOW, BIG_ACCOUNT_CURSOR, "1" if self.work.big_account else "0")


# what MoySklad's demand template (``PUT entity/demand/new``) copies from a customer order besides positions
_DEMAND_REFS = ("organization", "agent", "store")
_DEMAND_TEXTS = ("shipmentAddress", "description")
_DEMAND_FLAGS = ("vatEnabled", "vatIncluded")  # copied as sent, so the shipment's sum is the order's


def demand_body(order_meta: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, Any] | None:
    """A shipment of a whole customer order this run has just created, from the body that created it: what the
    template would copy (organization, counterparty, warehouse, address, comment, every position with its
    quantity, price and discount; VAT comes from the goods as it did for the order). Nothing is shipped of a
    new order yet, so every position goes in full. None when the body lacks something a shipment needs
    (e.g. no warehouse): the caller asks MoySklad for the template instead."""
    if any(sent.get(key) is None for key in _DEMAND_REFS):
        return None
    positions = [{k: v for k, v in row.items() if k != "reserve"}  # a shipment has no reserve
                 for row in sent.get("positions") or () if isinstance(row, Mapping)]
    if not positions:
        return None
    body: dict[str, Any] = {"customerOrder": dict(order_meta)}
    for key in _DEMAND_REFS:
        body[key] = sent[key]
    for key in _DEMAND_TEXTS:
        if sent.get(key):
            body[key] = sent[key]
    for key in _DEMAND_FLAGS:
        if key in sent:
            body[key] = sent[key]
    body["positions"] = positions
    return body


def _not_found(error: ItemError) -> bool:
    return any(e.code == 1021 for e in error.errors)


def _label(order: Order | None) -> str:
    if order is None:
        return ""
    return order.number or str(order.id)


def _days_word(days: int) -> str:
    """«день», «дня» or «дней» after ``days``."""
    if days % 10 == 1 and days % 100 != 11:
        return "день"
    if 2 <= days % 10 <= 4 and not 12 <= days % 100 <= 14:
        return "дня"
    return "дней"


def _read_ids(value: str | None) -> set[int]:
    if not value:
        return set()
    try:
        data = json.loads(value)
    except ValueError:
        return set()
    return {int(x) for x in data if isinstance(x, int) or (isinstance(x, str) and x.isdigit())}


__all__ = ["OrdersFlow", "first_sync_start"]
