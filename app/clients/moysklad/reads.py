"""MoySklad reads: the account check, reference lists, and entities page by page (offset paging computed
here, never ``nextHref``), by id, or by many values in as few short-URL requests as possible.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from app.clients.errors import ProtocolError, SettingsError, not_api_message, protocol_message
from app.clients.moysklad.constants import MAX_EXPAND_PAGE, MAX_PAGE, MAX_URL_LENGTH, SERVICE
from app.clients.moysklad.core import MoySkladCore
from app.clients.moysklad_filter import Filter, split_values
from app.clients.moysklad_models import (
    AccountInfo,
    AttributeMeta,
    Counterparty,
    CustomerOrder,
    Demand,
    Organization,
    PriceType,
    Product,
    ProductFolder,
    State,
    Store,
    Variant,
)
from app.clients.parsing import as_list, as_map, integer, text


class MoySkladReads(MoySkladCore):
    """Account, references and paged entity lists."""

    # --- account ----------------------------------------------------------------------------------------
    def check_access(self) -> AccountInfo:
        """Who the token belongs to, with the organizations and stores it can see.

        :class:`SettingsError` when the token is refused, the API is locked, or the user sees no
        organization or no store (the sync needs both).
        """
        employee = self._get("context/employee")
        organizations = tuple(self.organizations())
        stores = tuple(self.stores())
        # a wrong structure is not an account without organizations (the real answers: MoySklad JSON API 1.2,
        # /work/shared/moysklad-openapi: an employee and every list row carry "id" and "meta")
        if not isinstance(employee, Mapping) or not text(employee.get("id")) or not all(
            o.id for o in organizations
        ) or not all(s.id for s in stores):
            raise SettingsError(SERVICE, not_api_message(SERVICE, self.base_url), reason="not_service",
                                detail="context/employee or a list row without an id")
        if not organizations:
            raise SettingsError(
                SERVICE,
                "Пользователь МойСклад не видит ни одного юрлица. Попросите администратора МойСклад выдать "
                "ему права на справочник «Юрлица».",
                reason="no_access",
                detail="no organizations visible",
            )
        if not stores:
            raise SettingsError(
                SERVICE,
                "Пользователь МойСклад не видит ни одного склада. Попросите администратора МойСклад выдать "
                "ему доступ к складам, с которыми работает Связка.",
                reason="no_access",
                detail="no stores visible",
            )
        return AccountInfo(
            employee_id=text(employee.get("id")),
            employee_name=text(employee.get("name")) or text(employee.get("fullName")),
            login=text(employee.get("uid")),
            account_id=text(employee.get("accountId")),
            organizations=organizations,
            stores=stores,
        )

    def organizations(self) -> list[Organization]:
        return [Organization.from_api(r) for r in self.iter_entities("organization")]

    def stores(self) -> list[Store]:
        return [Store.from_api(r) for r in self.iter_entities("store")]

    def product_folders(self) -> list[ProductFolder]:
        return [ProductFolder.from_api(r) for r in self.iter_entities("productfolder")]

    def price_types(self) -> list[PriceType]:
        data = self._get("context/companysettings/pricetype")
        if not isinstance(data, list):
            raise ProtocolError(SERVICE, protocol_message(SERVICE), detail="pricetype: not an array")
        return [PriceType.from_api(as_map(r)) for r in data]

    def order_states(self, entity: str = "customerorder") -> list[State]:
        data = as_map(self._get(f"entity/{entity}/metadata"))
        return [State.from_api(as_map(s)) for s in as_list(data.get("states"))]

    def attributes(self, entity: str = "customerorder") -> list[AttributeMeta]:
        """The entity's additional fields: ``GET /entity/<type>/metadata/attributes`` answers ``{meta, rows}``
        (moysklad-api.md §5 "…/metadata/attributes"; rows shaped as the OAS ``attributeMetaInfo``)."""
        data = as_map(self._get(f"entity/{entity}/metadata/attributes"))
        if not isinstance(data.get("rows"), list):
            raise ProtocolError(SERVICE, not_api_message(SERVICE, self.base_url),
                                detail=f"{entity}/metadata/attributes: no rows array")
        return [AttributeMeta.from_api(as_map(r)) for r in data["rows"]]

    def custom_entity_elements(self, dictionary_id: str) -> list[dict[str, Any]]:
        """The elements of a user dictionary (``GET /entity/customentity/<id>``: a list of the OAS
        ``customEntityElement`` ``{meta, id, name, code, …}``)."""
        return list(self.iter_rows(f"entity/customentity/{dictionary_id}"))

    # --- lists ------------------------------------------------------------------------------------------
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
    ) -> Iterator[dict[str, Any]]:
        """Every row of a list endpoint, page by page (offset/limit computed here).

        The page size is ``limit`` capped at 1000, or at 100 when ``expand`` is asked.
        """
        expand_text = expand if expand is None or isinstance(expand, str) else ",".join(expand)
        page = max(1, min(limit, MAX_EXPAND_PAGE if expand_text else MAX_PAGE))
        extra = list(params)
        filter_text = filters.render() if isinstance(filters, Filter) else filters
        if filter_text:
            extra.append(("filter", filter_text))
        if expand_text:
            extra.append(("expand", expand_text))
        if order:
            extra.append(("order", order))
        if search:
            extra.append(("search", search))
        offset = 0
        endpoint = f"GET {path}"
        while True:
            data = as_map(self._get(path, [("limit", str(page)), ("offset", str(offset)), *extra], endpoint=endpoint))
            if not isinstance(data.get("rows"), list):  # absent, null or not a list: not MoySklad answering
                raise ProtocolError(SERVICE, not_api_message(SERVICE, self.base_url),
                                    detail=f"{path}: no rows array in a list answer")
            rows = data["rows"]
            for row in rows:
                yield as_map(row)
            offset += page
            size = integer(as_map(data.get("meta")).get("size"))
            if len(rows) < page or (size is not None and offset >= size):
                return

    def iter_entities(
        self,
        entity: str,
        *,
        filters: Filter | str | None = None,
        expand: str | Sequence[str] | None = None,
        limit: int = MAX_PAGE,
        order: str | None = None,
        search: str | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every ``/entity/<entity>`` row matching ``filters`` (raw JSON dicts)."""
        return self.iter_rows(
            f"entity/{entity}", filters=filters, expand=expand, limit=limit, order=order, search=search
        )

    def find_by_values(
        self,
        entity: str,
        field: str,
        values: Iterable[object],
        *,
        filters: Filter | None = None,
        expand: str | Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        """Rows whose ``field`` equals any of ``values``, in as few OR requests as keep URLs short."""
        wanted = [v for v in dict.fromkeys(values) if v is not None and str(v) != ""]
        if not wanted:
            return []
        budget = MAX_URL_LENGTH - len(self.base_url) - len(entity) - 200
        found: dict[str, dict[str, Any]] = {}
        for chunk in split_values(field, wanted, budget, base=filters):
            for row in self.iter_entities(entity, filters=chunk, expand=expand):
                found.setdefault(str(row.get("id") or len(found)), row)
        return list(found.values())

    def get(self, entity: str, entity_id: str, *, expand: str | None = None) -> dict[str, Any] | None:
        """One entity by id; None when it does not exist."""
        params = [("expand", expand)] if expand else []
        data = self._get(
            f"entity/{entity}/{quote(entity_id, safe='')}",
            params,
            endpoint=f"GET entity/{entity}/{{id}}",
            missing_ok=True,
        )
        return as_map(data) if data is not None else None

    # typed iterators
    def iter_products(self, filters: Filter | str | None = None) -> Iterator[Product]:
        return (Product.from_api(r) for r in self.iter_entities("product", filters=filters))

    def iter_variants(self, filters: Filter | str | None = None) -> Iterator[Variant]:
        return (Variant.from_api(r) for r in self.iter_entities("variant", filters=filters))

    def iter_counterparties(self, filters: Filter | str | None = None) -> Iterator[Counterparty]:
        return (Counterparty.from_api(r) for r in self.iter_entities("counterparty", filters=filters))

    def iter_customer_orders(
        self, filters: Filter | str | None = None, *, with_positions: bool = False
    ) -> Iterator[CustomerOrder]:
        expand = "positions" if with_positions else None
        return (CustomerOrder.from_api(r) for r in self.iter_entities("customerorder", filters=filters, expand=expand))

    def iter_demands(self, filters: Filter | str | None = None) -> Iterator[Demand]:
        return (Demand.from_api(r) for r in self.iter_entities("demand", filters=filters))
