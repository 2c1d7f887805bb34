"""What the sync layer asks of each service's client: :class:`RetailCrmPort` and :class:`MoySkladPort`.

``RunContext.retailcrm`` / ``.moysklad`` (and the helpers handed a client) are typed with these, so mypy checks
every call a flow makes. Each lists exactly the methods app/sync calls, with the real clients' signatures
(app/clients/retailcrm/, app/clients/moysklad/); the real clients satisfy them (checked by mypy through
``_satisfied`` below), and so must any test double. A method the sync layer starts to use is added here first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from app.clients.moysklad.constants import MAX_PAGE

if TYPE_CHECKING:
    from app.clients.errors import ItemError
    from app.clients.moysklad import MoySkladClient
    from app.clients.moysklad_filter import Filter
    from app.clients.moysklad_models import AttributeMeta, CatalogRow, CustomerOrder, StockRow, TextPool
    from app.clients.moysklad_models import Store as MsStore
    from app.clients.retailcrm import RetailCrmClient
    from app.clients.retailcrm_models import (
        Customer,
        CustomerHistoryRecord,
        DeliveryType,
        HistoryRecord,
        InventoryOffer,
        InventoryUpdate,
        Order,
        OrderMethod,
        OrderStatusInfo,
        PaymentStatus,
        PaymentType,
        PriceUpdate,
        Product,
        ProductBatchResult,
        ProductGroup,
        ProductStatus,
        Site,
        Status,
        StatusGroup,
        UploadResult,
        User,
    )
    from app.clients.retailcrm_models import Store as RcStore

R = TypeVar("R")


class CursorStore(Protocol):
    """What :class:`app.store.CursorRepository` offers to the typed cursor sets (``orders/cursors.py``,
    ``stock/cursors.py``, ``page_limits.py``)."""

    def get(self, flow: str, name: str, default: str | None = None) -> str | None: ...

    def set(self, flow: str, name: str, value: str | int) -> None: ...

    def reset(self, flow: str, name: str | None = None) -> None: ...

    def all(self, flow: str) -> dict[str, str]: ...


class RetailCrmPort(Protocol):
    # reference books (app/clients/retailcrm/account.py)
    def sites(self) -> list[Site]: ...
    def statuses(self) -> list[Status]: ...
    def status_groups(self) -> list[StatusGroup]: ...
    def payment_statuses(self) -> list[PaymentStatus]: ...  # app/sync/orders/payments.py
    def payment_types(self) -> list[PaymentType]: ...
    def product_statuses(self) -> list[ProductStatus]: ...  # app/sync/orders/cancelled_lines.py
    def delivery_types(self) -> list[DeliveryType]: ...  # app/sync/orders/attributes.py
    def order_methods(self) -> list[OrderMethod]: ...
    def stores(self) -> list[RcStore]: ...
    def users(self) -> list[User]: ...  # managers' names (app/sync/orders/attributes.py)

    # orders and their history (orders.py)
    def iter_orders(self, filter: Mapping[str, Any] | None = None) -> Iterator[Order]: ...
    def iter_order_history(self, since_id: int = 0, *, limit: int | None = None) -> Iterator[HistoryRecord]: ...
    def newest_order_history_id(self) -> int: ...
    # customers (app/sync/orders/customers.py)
    def iter_customers(self, filter: Mapping[str, Any] | None = None) -> Iterator[Customer]: ...
    def iter_customer_history(
        self, since_id: int = 0, *, limit: int | None = None
    ) -> Iterator[CustomerHistoryRecord]: ...
    def newest_customer_history_id(self) -> int: ...
    def orders_statuses(
        self, ids: Iterable[int] = (), external_ids: Iterable[str] = (), *, chunk: int = 100
    ) -> list[OrderStatusInfo]: ...
    def edit_order_status(
        self, identifier: int | str, status: str, *, by: str = "id", site: str | None = None
    ) -> Order: ...

    # catalog (catalog.py)
    def iter_products(self, filter: Mapping[str, Any] | None = None) -> Iterator[Product]: ...
    def iter_product_groups(self, filter: Mapping[str, Any] | None = None) -> Iterator[ProductGroup]: ...
    def iter_inventories(
        self, filter: Mapping[str, Any] | None = None, *, details: bool = True
    ) -> Iterator[InventoryOffer]: ...
    def create_product_group(self, group: Mapping[str, Any], *, site: str | None = None) -> int: ...
    def products_batch_create(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult: ...
    def products_batch_edit(self, products: Sequence[Mapping[str, Any]]) -> ProductBatchResult: ...

    # uploads (uploads.py)
    def upload_inventories(
        self, offers: Sequence[InventoryUpdate | Mapping[str, Any]], *, site: str | None = None
    ) -> UploadResult: ...
    def upload_prices(self, prices: Sequence[PriceUpdate | Mapping[str, Any]]) -> UploadResult: ...


class MoySkladPort(Protocol):
    # references for request bodies (app/clients/moysklad/core.py)
    def meta(self, entity: str, entity_id: str) -> dict[str, Any]: ...
    def state_meta(self, state_id: str, entity: str = "customerorder") -> dict[str, Any]: ...
    def price_type_meta(self, price_type_id: str) -> dict[str, Any]: ...

    # reads (reads.py)
    def stores(self) -> list[MsStore]: ...
    def attributes(self, entity: str = "customerorder") -> list[AttributeMeta]: ...  # app/sync/orders/attributes.py
    def custom_entity_elements(self, dictionary_id: str) -> list[dict[str, Any]]: ...
    def get(self, entity: str, entity_id: str, *, expand: str | None = None) -> dict[str, Any] | None: ...
    def iter_entities(
        self,
        entity: str,
        *,
        filters: Filter | str | None = None,
        expand: str | Sequence[str] | None = None,
        limit: int = MAX_PAGE,
        order: str | None = None,
        search: str | None = None,
    ) -> Iterator[dict[str, Any]]: ...
    def iter_rows(
        self,
        path: str,
        *,
        filters: Filter | str | None = None,
        expand: str | Sequence[str] | None = None,
        limit: int = MAX_PAGE,
        order: str | None = None,
        search: str | None = None,
        params: Sequence[tuple[str, str]] = (),
    ) -> Iterator[dict[str, Any]]: ...
    def find_by_values(
        self,
        entity: str,
        field: str,
        values: Iterable[object],
        *,
        filters: Filter | None = None,
        expand: str | Sequence[str] | None = None,
    ) -> list[dict[str, Any]]: ...
    def iter_customer_orders(
        self, filters: Filter | str | None = None, *, with_positions: bool = False
    ) -> Iterator[CustomerOrder]: ...

    # big lists (stream.py)
    def catalog_pages(
        self, entity: str, *, filters: Filter | str | None = None, parallel: int = 2, pool: TextPool | None = None
    ) -> Iterator[list[CatalogRow]]: ...
    def map_pages(
        self,
        path: str,
        transform: Callable[[Iterable[dict[str, Any]]], R],
        *,
        filters: Filter | str | None = None,
        parallel: int = 3,
        params: Sequence[tuple[str, str]] = (),
    ) -> Iterator[R]: ...

    # the stock report (reports.py)
    def stock_current(
        self,
        stock_type: str = "stock",
        *,
        by_store: bool = True,
        changed_since: datetime | None = None,
        include_zero: bool = False,
        assortment_ids: Sequence[str] | None = None,
        store_ids: Sequence[str] | None = None,
    ) -> list[StockRow]: ...

    # writes (documents.py)
    def create(self, entity: str, body: Mapping[str, Any], *, expand: str | None = None) -> dict[str, Any]: ...
    def create_many(
        self,
        entity: str,
        items: Sequence[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        expand: str | None = None,
    ) -> list[dict[str, Any] | ItemError]: ...
    def update(
        self, entity: str, entity_id: str, body: Mapping[str, Any], *, expand: str | None = None
    ) -> dict[str, Any]: ...
    def demand_template(self, order_id: str) -> dict[str, Any]: ...

    def sales_return_template(self, demand_id: str) -> dict[str, Any]: ...


def _satisfied(retailcrm: RetailCrmClient, moysklad: MoySkladClient) -> tuple[RetailCrmPort, MoySkladPort]:
    """Never called: mypy fails here when a real client stops satisfying its port."""
    return retailcrm, moysklad
