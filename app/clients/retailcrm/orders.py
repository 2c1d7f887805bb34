"""RetailCRM orders and customers: paged reads, lookups, creates that are never re-sent blindly, edits,
status polling, and the order history walked by ``sinceId``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from app.clients.errors import NotFound, ProtocolError, protocol_message
from app.clients.http import json_text
from app.clients.parsing import as_list, as_map, integer, require
from app.clients.retailcrm.constants import SERVICE, SMALLEST_PAGE
from app.clients.retailcrm.core import RetailCrmCore, chunks
from app.clients.retailcrm_models import Customer, CustomerHistoryRecord, HistoryRecord, Order, OrderStatusInfo
from app.clients.retry import Safety


class RetailCrmOrders(RetailCrmCore):
    """Orders, their history, and customers."""

    # --- orders -----------------------------------------------------------------------------------------
    def iter_orders(self, filter: Mapping[str, Any] | None = None) -> Iterator[Order]:
        """Every order matching ``filter`` (``{"extendedStatus": [...], "createdAtFrom": date, ...}``)."""
        for row in self._pages("orders", "orders", self._filter(filter), self.page_limit):
            yield Order.from_api(row)

    def get_order(self, identifier: int | str, *, by: str = "externalId", site: str | None = None) -> Order | None:
        """One order by ``externalId`` (default) or internal ``id``; None when there is none."""
        params = [("by", by), *self._site_form(site).items()]
        data = self._get(
            f"orders/{quote(str(identifier), safe='')}", params, endpoint="GET orders/{id}", missing_ok=True
        )
        if data is None:
            return None
        return Order.from_api(as_map(require(data, "order", SERVICE, "orders/{id}")))

    def create_order(self, order: Mapping[str, Any], *, site: str | None = None) -> Order:
        """Create an order. Never re-sent once it may have arrived: on :class:`MaybeApplied` look it up
        by its ``externalId`` (``get_order(external_id)``) before trying again."""
        label = order.get("externalId") or order.get("number") or ""
        data = self._post(
            "orders/create",
            {"order": json_text(order), **self._site_form(site)},
            safety=Safety.CREATE_ONCE,
            what=f"заказа {label}".strip(),
        )
        if isinstance(data.get("order"), Mapping):
            return Order.from_api(data["order"])
        order_id = integer(require(data, "id", SERVICE, "orders/create"))
        found = self.get_order(order_id or 0, by="id", site=site)
        if found is None:
            raise ProtocolError(SERVICE, protocol_message(SERVICE), detail="created order not found by id")
        return found

    def edit_order(
        self,
        identifier: int | str,
        changes: Mapping[str, Any],
        *,
        by: str = "externalId",
        site: str | None = None,
    ) -> Order:
        """Change the given fields of an order (``by`` = ``"externalId"`` or ``"id"``)."""
        data = self._post(
            f"orders/{quote(str(identifier), safe='')}/edit",
            {"order": json_text(changes), "by": by, **self._site_form(site)},
            endpoint="POST orders/{id}/edit",
        )
        if isinstance(data.get("order"), Mapping):
            return Order.from_api(data["order"])
        found = self.get_order(identifier, by=by, site=site)
        if found is None:
            raise NotFound(SERVICE, "RetailCRM не нашёл изменённый заказ.", detail="order vanished after edit")
        return found

    def edit_order_status(
        self, identifier: int | str, status: str, *, by: str = "id", site: str | None = None
    ) -> Order:
        return self.edit_order(identifier, {"status": status}, by=by, site=site)

    def orders_statuses(
        self, ids: Iterable[int] = (), external_ids: Iterable[str] = (), *, chunk: int = 100
    ) -> list[OrderStatusInfo]:
        """Current status of known orders (cheap polling); split into requests of ``chunk`` ids."""
        keys = [("ids[]", str(i)) for i in ids] + [("externalIds[]", str(e)) for e in external_ids]
        result: list[OrderStatusInfo] = []
        for part in chunks(keys, chunk):
            data = self._get_ok("orders/statuses", part)
            result += [OrderStatusInfo.from_api(as_map(r)) for r in as_list(data.get("orders"))]
        return result

    def iter_order_history(self, since_id: int = 0, *, limit: int | None = None) -> Iterator[HistoryRecord]:
        """Every change after history record ``since_id``, oldest first.

        Walks by ``filter[sinceId]`` (never by page) until an empty answer, or until the service says the
        answer held its last page, so records appended meanwhile are picked up on the next call.
        """
        for row in self._walk_history("orders/history", since_id, limit):
            yield HistoryRecord.from_api(row)

    def newest_order_history_id(self) -> int:
        """The id of the newest ``orders/history`` record (0 when there is none), in at most two requests.

        History is listed oldest first, so the first page at the smallest page size tells how many pages
        there are, and the newest record is on the last one. Records added between the two requests only
        push the answer forward, never past a record the caller has not seen.
        """
        return self._newest_history_id("orders/history")

    def _walk_history(self, endpoint: str, since_id: int, limit: int | None) -> Iterator[Mapping[str, Any]]:
        """The raw records of a history endpoint after ``since_id``, oldest first (orders' and customers' share
        the envelope, /work/shared/docs/retailcrm-api.md §6)."""
        last = since_id
        page_limit = limit or self.page_limit
        while True:
            data = self._get_ok(endpoint, [("filter[sinceId]", str(last)), ("limit", str(page_limit))])
            rows = [as_map(r) for r in as_list(data.get("history"))]
            yield from rows
            if not rows:
                return
            newest = max(integer(r.get("id")) or 0 for r in rows)
            if newest <= last:
                raise ProtocolError(SERVICE, protocol_message(SERVICE), detail=f"{endpoint} did not move past sinceId")
            last = newest
            total_pages = integer(as_map(data.get("pagination")).get("totalPageCount"))
            if total_pages is not None and total_pages <= 1:
                return

    def _newest_history_id(self, endpoint: str) -> int:
        """The id of the newest record of a history endpoint (0: none), in at most two requests: history is
        listed oldest first, so the first page at the smallest size tells how many pages there are."""
        params = [("limit", str(SMALLEST_PAGE))]
        first = self._get_ok(endpoint, params)
        ids = [integer(as_map(x).get("id")) or 0 for x in as_list(first.get("history"))]
        if not ids:
            return 0
        total_pages = integer(as_map(first.get("pagination")).get("totalPageCount")) or 1
        if total_pages > 1:
            last = self._get_ok(endpoint, [*params, ("page", str(total_pages))])
            ids += [integer(as_map(x).get("id")) or 0 for x in as_list(last.get("history"))]
        return max(ids)

    # --- customers --------------------------------------------------------------------------------------
    def iter_customers(self, filter: Mapping[str, Any] | None = None) -> Iterator[Customer]:
        for row in self._pages("customers", "customers", self._filter(filter), self.page_limit):
            yield Customer.from_api(row)

    def get_customer(
        self, identifier: int | str, *, by: str = "externalId", site: str | None = None
    ) -> Customer | None:
        params = [("by", by), *self._site_form(site).items()]
        data = self._get(
            f"customers/{quote(str(identifier), safe='')}", params, endpoint="GET customers/{id}", missing_ok=True
        )
        if data is None:
            return None
        return Customer.from_api(as_map(require(data, "customer", SERVICE, "customers/{id}")))

    def iter_customer_history(self, since_id: int = 0, *, limit: int | None = None
                              ) -> Iterator[CustomerHistoryRecord]:
        """Every customer change after ``since_id``, oldest first: ``customers/history`` walked by
        ``filter[sinceId]`` exactly as :meth:`iter_order_history` walks the orders' (same envelope,
        /work/shared/docs/retailcrm-api.md §6)."""
        for row in self._walk_history("customers/history", since_id, limit):
            yield CustomerHistoryRecord.from_api(row)

    def newest_customer_history_id(self) -> int:
        """The id of the newest ``customers/history`` record (0: none), in at most two requests, as
        :meth:`newest_order_history_id` finds the orders'."""
        return self._newest_history_id("customers/history")

    def create_customer(self, customer: Mapping[str, Any], *, site: str | None = None) -> int:
        """Create a customer; returns its id. Like :meth:`create_order`, never re-sent blindly."""
        label = customer.get("externalId") or customer.get("email") or ""
        data = self._post(
            "customers/create",
            {"customer": json_text(customer), **self._site_form(site)},
            safety=Safety.CREATE_ONCE,
            what=f"клиента {label}".strip(),
        )
        return integer(require(data, "id", SERVICE, "customers/create")) or 0
