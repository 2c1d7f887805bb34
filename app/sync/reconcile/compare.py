"""Compare RetailCRM with MoySklad without writing to either: stock, prices, orders, reserves, links.

Reads (never more than a full sync reads, and mostly the same ones):

* both catalogs through the loader the catalog flow uses (:func:`read_both_catalogs`): MoySklad items with
  their prices and archived mark, RetailCRM offers of the site with their prices;
* the MoySklad stock report the stock flow's full pass reads (``report/stock/bystore/current`` with
  ``include=zeroLines``, the configured ``stock_type``), RetailCRM's ``/reference/stores`` (``inventoryType``)
  and RetailCRM's stock per store (``/store/inventories?filter[details]=1``, retailcrm-api.md §5.4: the read
  side is ``stores[{store, quantity}]``) — one request per 250 offers;
* RetailCRM's statuses and the orders in the export statuses (the orders flow's first-run listing, with its
  ``createdAtFrom`` window), MoySklad's customer orders (1000 a page, no positions: ``reservedSum`` tells
  whether an order holds reserves, a read-only field of ``customerorder`` in the MoySklad OpenAPI schema and
  moysklad-api.md), and the RetailCRM orders of those that hold reserves, by id (100 a request).

Every figure is judged by the rule the flow would send it with: stock by :func:`stock_for_store` (whole units,
negatives as 0, 1/0 for ``available`` stores), prices as exact roubles with zeros left alone unless
``send_zero_prices`` (the prices flow's rule), reserves by the orders flow's "inactive groups hold none".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from app.clients.retailcrm_models import Order, Status
from app.messages import Message, msg
from app.money import rub_amount
from app.store.settings import SyncSettings
from app.sync.ports import MoySkladPort, RetailCrmPort
from app.sync.reconcile import sources
from app.sync.reconcile.model import CheckReport, Difference, Kind

MSK = timezone(timedelta(hours=3))  # RetailCRM accounts of Russian shops keep Moscow dates (as the orders flow)
_ZERO = Decimal(0)
_NONE, _PRESENT = msg("reconcile.value.none"), msg("reconcile.value.present")
_ARCHIVED = msg("reconcile.value.archived")


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _noop(*_args: Any) -> None:
    return None


class Reconciler:
    """One comparison of a profile's two services. ``clock`` is the engine's (aware "now")."""

    def __init__(
        self,
        retailcrm: RetailCrmPort,
        moysklad: MoySkladPort,
        settings: SyncSettings,
        db: Any,
        profile_id: int,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        progress: Callable[[Message | str], None] = _noop,
        check_cancel: Callable[[], None] = _noop,
    ) -> None:
        self.rc = retailcrm
        self.ms = moysklad
        self.settings = settings
        self.db = db
        self.profile_id = profile_id
        self.clock = clock
        self.progress = progress
        self.check_cancel = check_cancel
        self.report = CheckReport()

    def run(self) -> CheckReport:
        self.progress(msg("reconcile.progress.catalogs"))
        ms_catalog, site, rc_catalog = sources.read_both_catalogs(
            self.ms, self.rc, self.settings, lambda _done: None, self.check_cancel
        )
        links = sources.stored_offer_links(self.db, self.profile_id)
        if rc_catalog is None or site is None:
            self.report.notes.append(msg("reconcile.no_site"))
        else:
            alive = self._links(links, ms_catalog, rc_catalog)
            self.check_cancel()
            self.progress(msg("reconcile.progress.stock"))
            self._stock(alive, ms_catalog, rc_catalog, site.code)
            self.check_cancel()
            self._prices(alive, ms_catalog, rc_catalog)
        self.check_cancel()
        self.progress(msg("reconcile.progress.orders"))
        self._orders()
        self.report.differences.sort(key=lambda d: (list(Kind).index(d.kind), d.name, d.where))
        return self.report

    # -- links ------------------------------------------------------------------------------------------
    def _links(self, links: dict[str, int], ms: sources.MsCatalog, rc: sources.RcCatalog) -> dict[str, int]:
        """The links whose items are still on both sides; the others become differences."""
        alive: dict[str, int] = {}
        self.report.compared[Kind.LINK_GONE] = len(links)
        for ms_id, offer_id in links.items():
            item = ms.items.get(ms_id)
            offer = rc.offers.get(offer_id)
            gone: list[Message] = []
            if item is None:
                gone.append(msg("reconcile.gone.ms_deleted"))
            elif item.archived:
                gone.append(msg("reconcile.gone.ms_archived"))
            if offer is None:
                gone.append(msg("reconcile.gone.rc_deleted"))
            if not gone:
                alive[ms_id] = offer_id
                continue
            name = item.name if item is not None else offer.name if offer is not None else ms_id
            ref = (item.article or item.code or "") if item is not None else (offer.article or "") if offer else ""
            self.report.differences.append(Difference(
                kind=Kind.LINK_GONE, name=name, ref=ref,
                retailcrm=_NONE if offer is None else _PRESENT,
                moysklad=_NONE if item is None else _ARCHIVED if item.archived else _PRESENT,
                note=gone[0] if len(gone) == 1 else msg("reconcile.join", head=gone[0], tail=gone[1]),
                rc_id=str(offer_id), ms_id=ms_id,
            ))
        return alive

    # -- stock --------------------------------------------------------------------------------------------
    def _stock(self, links: dict[str, int], ms: sources.MsCatalog, rc: sources.RcCatalog, site_code: str) -> None:
        pairs = self.settings.store_pairs
        if not pairs:
            self.report.notes.append(msg("reconcile.no_store_pairs"))
            return
        feeding: dict[str, list[str]] = defaultdict(list)  # RetailCRM store code -> MoySklad warehouses
        ms_names: dict[str, list[str]] = defaultdict(list)
        for pair in pairs:
            feeding[pair.rc_store_code].append(pair.ms_store_id)
            ms_names[pair.rc_store_code].append(f"«{pair.ms_store_name}»")
        names = {code: f"{' + '.join(found)} → {code}" for code, found in ms_names.items()}  # as the pairs read
        # the stock flow's full pass: one report with zero lines, its stock type
        rows = self.ms.stock_current(self.settings.stock_type, by_store=True, include_zero=True)
        values: dict[tuple[str, str], Decimal] = {}
        for row in rows:
            if row.store_id is not None and row.assortment_id in links:
                values[(row.assortment_id, row.store_id)] = row.value
        self.check_cancel()
        kinds = {store.code: store.inventory_type for store in self.rc.stores()}
        wanted = set(links.values())
        in_rc: dict[int, dict[str, Decimal]] = {}
        for inventory in self.rc.iter_inventories({"sites": [site_code]}):
            if inventory.id in wanted:
                in_rc[inventory.id] = inventory.stock_by_store()
        compared = 0
        for ms_id, offer_id in sorted(links.items(), key=lambda kv: kv[1]):
            item = ms.items[ms_id]
            have = in_rc.get(offer_id, {})
            for code, warehouses in feeding.items():
                value = sum((values.get((ms_id, w), _ZERO) for w in warehouses), _ZERO)
                expected = sources.stock_for_store(value, kinds.get(code))
                actual = have.get(code, _ZERO)
                compared += 1
                if actual == expected:
                    continue
                self.report.differences.append(Difference(
                    kind=Kind.STOCK, name=item.name, ref=item.article or item.code or "", where=names[code],
                    retailcrm=sources.quantity_text(actual), moysklad=sources.quantity_text(value),
                    expected=sources.quantity_text(expected), rc_id=str(offer_id), ms_id=ms_id,
                ))
        self.report.compared[Kind.STOCK] = compared

    # -- prices -------------------------------------------------------------------------------------------
    def _prices(self, links: dict[str, int], ms: sources.MsCatalog, rc: sources.RcCatalog) -> None:
        pairs = self.settings.price_pairs
        if not pairs:
            self.report.notes.append(msg("reconcile.no_price_pairs"))
            return
        send_zero = self.settings.extra.get("send_zero_prices") is True  # the prices flow's setting
        compared = 0
        for ms_id, offer_id in sorted(links.items(), key=lambda kv: kv[1]):
            item = ms.items[ms_id]
            prices = ms.prices.get(ms_id, {})
            current = rc.prices.get(offer_id, {})
            for pair in pairs:
                raw = prices.get(pair.ms_price_type_id)
                if raw is None:
                    continue
                value = rub_amount(raw)
                if value == 0 and not send_zero:
                    continue  # "not set" in MoySklad: the prices flow leaves RetailCRM's price as it is
                compared += 1
                before = current.get(pair.rc_price_code)
                actual = rub_amount(before) if before is not None else None
                if actual == value:
                    continue
                self.report.differences.append(Difference(
                    kind=Kind.PRICE, name=item.name, ref=item.article or item.code or "",
                    where=pair.ms_price_type_name or pair.rc_price_code,
                    retailcrm=str(actual) if actual is not None else _NONE, moysklad=str(value),
                    expected=str(value), rc_id=str(offer_id), ms_id=ms_id,
                ))
        self.report.compared[Kind.PRICE] = compared

    # -- orders -------------------------------------------------------------------------------------------
    def _orders(self) -> None:
        statuses: dict[str, Status] = {s.code: s for s in self.rc.statuses()}
        links = self.db.links(self.profile_id).all("order", by="rc")
        ms_orders = {
            order.id.lower(): order for order in self.ms.iter_customer_orders()
        }
        self.check_cancel()
        exportable = self._exportable()
        self._missing(exportable, links, ms_orders, statuses)
        if self.report.waiting_orders:
            n = len(self.report.waiting_orders)
            numbers = f"{', '.join(self.report.waiting_orders[:5])}{', …' if n > 5 else ''}"
            self.report.notes.append(msg("reconcile.waiting_orders", n=n, numbers=numbers))
        self._reserves(exportable, links, ms_orders, statuses)

    def _window_start(self) -> date | None:
        """The orders flow's cut-off: orders created before it are never exported (its first run keeps it)."""
        days = self.settings.first_sync_days
        if days <= 0:
            return None
        stored = self.db.cursors(self.profile_id).get(sources.ORDERS_CURSOR_FLOW, sources.FIRST_SYNC_CURSOR)
        if stored:
            try:
                return date.fromisoformat(stored)
            except ValueError:
                pass
        return self.clock().astimezone(MSK).date() - timedelta(days=days)  # no sync yet: its first window

    def _exportable(self) -> dict[int, Order]:
        export = sorted(set(self.settings.export_statuses))
        if not export:
            self.report.notes.append(msg("reconcile.no_export_statuses"))
            return {}
        flt: dict[str, Any] = {"extendedStatus": export}
        if self.settings.retailcrm_site:
            flt["sites"] = [self.settings.retailcrm_site]
        start = self._window_start()
        if start is not None:
            flt["createdAtFrom"] = start.isoformat()  # RetailCRM's Y-m-d, as the orders flow sends it
        return {order.id: order for order in self.rc.iter_orders(flt) if order.id > 0}

    def _missing(self, exportable: dict[int, Order], links: dict[str, Any], ms_orders: dict[str, Any],
                 statuses: dict[str, Status]) -> None:
        self.report.compared[Kind.ORDER_MISSING] = len(exportable)
        waiting = self._orders_with_conflicts()
        for order_id, order in sorted(exportable.items()):
            link = links.get(str(order_id))
            if link is not None and link.ms_id and link.ms_id.lower() in ms_orders:
                continue
            if link is not None and link.ms_id:
                note = msg("reconcile.order_gone_ms")
            elif str(order_id) in waiting:
                # a conflict holds it: a sync cannot put it right, a person must (open conflicts are counted by
                # `svyazka status` and the Conflicts tab), so it is said, not counted as a difference
                self.report.waiting_orders.append(order.number or str(order_id))
                continue
            else:
                note = msg("reconcile.order_not_exported")
            status = statuses.get(order.status or "")
            self.report.differences.append(Difference(
                kind=Kind.ORDER_MISSING, name=msg("reconcile.order_name", number=order.number or order_id),
                ref=order.number or "", where=status.name if status else (order.status or ""), retailcrm=_PRESENT,
                moysklad=_NONE,
                note=note, rc_id=str(order_id), ms_id=(link.ms_id or "") if link else "",
            ))

    def _orders_with_conflicts(self) -> set[str]:
        """RetailCRM order ids the orders flow keeps waiting (a conflict or a refused write says why)."""
        stored = self.db.cursors(self.profile_id).get(sources.ORDERS_CURSOR_FLOW, sources.WAITING_CURSOR)
        return {str(i) for i in sources.read_waiting_ids(stored)}

    def _reserves(self, exportable: dict[int, Order], links: dict[str, Any], ms_orders: dict[str, Any],
                  statuses: dict[str, Status]) -> None:
        """MoySklad orders holding reserves whose RetailCRM order is in a group that holds none, or gone."""
        rc_of = {link.ms_id.lower(): rc_id for rc_id, link in links.items() if link.ms_id}
        holding = {
            ms_id: order for ms_id, order in ms_orders.items()
            if ms_id in rc_of and _reserved(order.raw) > 0
        }
        self.report.compared[Kind.RESERVE_LEFT] = len(holding)
        ids = sorted({int(rc_of[ms_id]) for ms_id in holding if rc_of[ms_id].isdigit()})
        known: dict[int, Order] = {i: exportable[i] for i in ids if i in exportable}
        rest = [i for i in ids if i not in known]
        for chunk in _chunks(rest, sources.IDS_PER_REQUEST):
            self.check_cancel()
            for read in self.rc.iter_orders({"ids": list(chunk)}):
                known[read.id] = read
        for ms_id, ms_order in sorted(holding.items(), key=lambda kv: kv[1].name):
            rc_id = rc_of[ms_id]
            order = known.get(int(rc_id)) if rc_id.isdigit() else None
            state: Message | str
            if order is None:
                state, note = _NONE, msg("reconcile.reserve_order_deleted")
            else:
                status = statuses.get(order.status or "")
                if status is None or status.group not in sources.INACTIVE_GROUPS:
                    continue
                state = status.name
                note = msg("reconcile.reserve_order_closed")
            self.report.differences.append(Difference(
                kind=Kind.RESERVE_LEFT, name=msg("reconcile.order_name", number=ms_order.name),
                ref=(order.number or "") if order else "",
                retailcrm=state, moysklad=msg("reconcile.value.reserve", amount=_reserved(ms_order.raw)), note=note,
                rc_id=rc_id, ms_id=ms_id,
            ))


def _reserved(raw: dict[str, Any]) -> Decimal:
    """``reservedSum`` (kopecks in MoySklad) in roubles; 0 when absent."""
    value = raw.get("reservedSum")
    try:
        return (Decimal(str(value)) / 100).quantize(Decimal("0.01")) if value else _ZERO
    except ArithmeticError:
        return _ZERO


def differences_of(report: CheckReport, kinds: Iterable[Kind]) -> list[Difference]:
    chosen = set(kinds)
    return [d for d in report.differences if d.kind in chosen]
