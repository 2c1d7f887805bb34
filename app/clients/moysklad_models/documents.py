"""MoySklad documents and parties: counterparties, customer orders with their positions, demands.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.clients.moysklad_models.references import _meta
from app.clients.parsing import as_list, as_map, boolean, decimal, integer, kopecks, meta_id, text, timestamp

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Counterparty:
    id: str
    name: str
    inn: str | None = None
    email: str | None = None
    phone: str | None = None
    company_type: str | None = None  # legal | entrepreneur | individual
    external_code: str | None = None
    tags: tuple[str, ...] = ()
    sync_id: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Counterparty:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            inn=text(raw.get("inn")),
            email=text(raw.get("email")),
            phone=text(raw.get("phone")),
            company_type=text(raw.get("companyType")),
            external_code=text(raw.get("externalCode")),
            tags=tuple(str(t) for t in as_list(raw.get("tags"))),
            sync_id=text(raw.get("syncId")),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class Position:
    """A line of a customer order or a demand (present only when ``positions`` was expanded)."""

    id: str | None
    assortment_id: str | None
    assortment_type: str | None  # product | variant | service | bundle
    quantity: Decimal
    price: Decimal  # roubles per unit, before the discount
    discount: Decimal  # percent
    vat: int | None = None
    reserve: Decimal | None = None

    @classmethod
    def from_api(cls, raw: Any) -> Position:
        data = as_map(raw)
        assortment = as_map(data.get("assortment"))
        return cls(
            id=text(data.get("id")),
            assortment_id=meta_id(assortment),
            assortment_type=text(as_map(assortment.get("meta")).get("type")),
            quantity=decimal(data.get("quantity")) or Decimal(0),
            price=kopecks(data.get("price")) or Decimal("0.00"),
            discount=decimal(data.get("discount")) or Decimal(0),
            vat=integer(data.get("vat")),
            reserve=decimal(data.get("reserve")),
        )


def _positions(raw: Raw) -> tuple[Position, ...] | None:
    positions = raw.get("positions")
    if isinstance(positions, list):
        return tuple(Position.from_api(p) for p in positions)
    rows = as_map(positions).get("rows")
    if isinstance(rows, list):
        return tuple(Position.from_api(p) for p in rows)
    return None  # not expanded: only a meta link


@dataclass(frozen=True)
class CustomerOrder:
    id: str
    name: str
    external_code: str | None
    moment: datetime | None
    applicable: bool
    sum: Decimal | None  # roubles
    state_id: str | None
    agent_id: str | None
    organization_id: str | None
    store_id: str | None
    description: str | None = None
    sync_id: str | None = None
    positions: tuple[Position, ...] | None = None  # None when not expanded
    updated: datetime | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> CustomerOrder:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            external_code=text(raw.get("externalCode")),
            moment=timestamp(raw.get("moment")),
            applicable=boolean(raw.get("applicable"), True),
            sum=kopecks(raw.get("sum")),
            state_id=meta_id(raw.get("state")) if raw.get("state") else None,
            agent_id=meta_id(raw.get("agent")) if raw.get("agent") else None,
            organization_id=meta_id(raw.get("organization")) if raw.get("organization") else None,
            store_id=meta_id(raw.get("store")) if raw.get("store") else None,
            description=text(raw.get("description")),
            sync_id=text(raw.get("syncId")),
            positions=_positions(raw),
            updated=timestamp(raw.get("updated")),
            meta=_meta(raw),
            raw=raw,
        )


@dataclass(frozen=True)
class Demand:
    """A shipment (отгрузка); ``customer_order_id`` links it to its order."""

    id: str
    name: str
    customer_order_id: str | None
    store_id: str | None
    agent_id: str | None
    applicable: bool
    sum: Decimal | None
    moment: datetime | None = None
    external_code: str | None = None
    sync_id: str | None = None
    positions: tuple[Position, ...] | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)
    raw: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Demand:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            customer_order_id=meta_id(raw.get("customerOrder")) if raw.get("customerOrder") else None,
            store_id=meta_id(raw.get("store")) if raw.get("store") else None,
            agent_id=meta_id(raw.get("agent")) if raw.get("agent") else None,
            applicable=boolean(raw.get("applicable"), True),
            sum=kopecks(raw.get("sum")),
            moment=timestamp(raw.get("moment")),
            external_code=text(raw.get("externalCode")),
            sync_id=text(raw.get("syncId")),
            positions=_positions(raw),
            meta=_meta(raw),
            raw=raw,
        )
