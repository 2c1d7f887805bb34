"""RetailCRM reference books (sites, stores, price types, statuses, delivery and payment types, order
methods) and what an API key may do (:class:`CredentialsInfo`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from app.clients.parsing import as_list, boolean, integer, roubles, text

Raw = Mapping[str, Any]


@dataclass(frozen=True)
class Site:
    code: str
    name: str
    id: int | None = None
    url: str | None = None
    catalog_id: str | None = None
    load_from_yml: bool = False  # True: the catalog comes from an ICML file and cannot be edited via API
    currency: str | None = None

    @classmethod
    def from_api(cls, raw: Raw) -> Site:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            id=integer(raw.get("id")),
            url=text(raw.get("url")),
            catalog_id=text(raw.get("catalogId")),
            load_from_yml=boolean(raw.get("loadFromYml")),
            currency=text(raw.get("currency")),
        )


@dataclass(frozen=True)
class Store:
    code: str
    name: str
    type: str | None = None
    inventory_type: str | None = None  # "integer" | "available" (0/1 flag)
    active: bool = True
    external_id: str | None = None
    xml_id: str | None = None

    @classmethod
    def from_api(cls, raw: Raw) -> Store:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            type=text(raw.get("type")),
            inventory_type=text(raw.get("inventoryType")),
            active=boolean(raw.get("active"), True),
            external_id=text(raw.get("externalId")),
            xml_id=text(raw.get("xmlId")),
        )


@dataclass(frozen=True)
class PriceType:
    code: str
    name: str
    id: int | None = None
    active: bool = True
    default: bool = False

    @classmethod
    def from_api(cls, raw: Raw) -> PriceType:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            id=integer(raw.get("id")),
            active=boolean(raw.get("active"), True),
            default=boolean(raw.get("default")),
        )


@dataclass(frozen=True)
class Status:
    code: str
    name: str
    group: str | None = None
    active: bool = True
    ordering: int | None = None

    @classmethod
    def from_api(cls, raw: Raw) -> Status:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            group=text(raw.get("group")),
            active=boolean(raw.get("active"), True),
            ordering=integer(raw.get("ordering")),
        )


@dataclass(frozen=True)
class StatusGroup:
    code: str
    name: str
    statuses: tuple[str, ...] = ()
    active: bool = True
    ordering: int | None = None
    process: bool = False

    @classmethod
    def from_api(cls, raw: Raw) -> StatusGroup:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            statuses=tuple(str(s) for s in as_list(raw.get("statuses"))),
            active=boolean(raw.get("active"), True),
            ordering=integer(raw.get("ordering")),
            process=boolean(raw.get("process")),
        )


@dataclass(frozen=True)
class DeliveryType:
    code: str
    name: str
    active: bool = True
    default_cost: Decimal | None = None

    @classmethod
    def from_api(cls, raw: Raw) -> DeliveryType:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            active=boolean(raw.get("active"), True),
            default_cost=roubles(raw.get("defaultCost")),
        )


@dataclass(frozen=True)
class PaymentType:
    code: str
    name: str
    active: bool = True

    @classmethod
    def from_api(cls, raw: Raw) -> PaymentType:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            active=boolean(raw.get("active"), True),
        )


@dataclass(frozen=True)
class PaymentStatus:
    """``/reference/payment-statuses``: ``paymentComplete`` marks the statuses that mean "paid"
    (fixture References/testPaymentStatuses: ``paid`` and a shop's own ``fiskalizirovan``)."""

    code: str
    name: str
    complete: bool = False
    active: bool = True

    @classmethod
    def from_api(cls, raw: Raw) -> PaymentStatus:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            complete=boolean(raw.get("paymentComplete"), False),
            active=boolean(raw.get("active"), True),
        )


@dataclass(frozen=True)
class ProductStatus:
    """``/reference/product-statuses``: an order line's status; ``cancelStatus`` marks the statuses that cancel
    the line (fixture References/testProductStatuses: a shop's own ``otmena``; an object keyed by code)."""

    code: str
    name: str
    cancel: bool = False
    active: bool = True

    @classmethod
    def from_api(cls, raw: Raw) -> ProductStatus:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            cancel=boolean(raw.get("cancelStatus"), False),
            active=boolean(raw.get("active"), True),
        )


@dataclass(frozen=True)
class OrderMethod:
    code: str
    name: str
    active: bool = True

    @classmethod
    def from_api(cls, raw: Raw) -> OrderMethod:
        return cls(
            code=str(raw.get("code", "")),
            name=str(raw.get("name") or raw.get("code") or ""),
            active=boolean(raw.get("active"), True),
        )


@dataclass(frozen=True)
class User:
    """A RetailCRM user (an order's ``managerId`` is one): ``/api/v5/users`` rows and ``/users/{id}``'s
    ``user``. Shape from the official PHP client's recorded answers (UsersTest testList / testGet) and its model
    ``Entity/Users/User.php``: ``{id, firstName, lastName?, patronymic?, email, active, isManager, …}``; the
    recorded user has ``firstName`` only."""

    id: int
    first_name: str = ""
    last_name: str = ""
    patronymic: str = ""
    email: str = ""
    active: bool = True

    @property
    def name(self) -> str:
        """«Фамилия Имя» as a manager is named in a document; the e-mail when neither is set, else ""."""
        return " ".join(p for p in (self.last_name, self.first_name) if p) or self.email

    @classmethod
    def from_api(cls, raw: Raw) -> User:
        return cls(
            id=integer(raw.get("id")) or 0,
            first_name=(text(raw.get("firstName")) or "").strip(),
            last_name=(text(raw.get("lastName")) or "").strip(),
            patronymic=(text(raw.get("patronymic")) or "").strip(),
            email=(text(raw.get("email")) or "").strip(),
            active=boolean(raw.get("active"), True),
        )


@dataclass(frozen=True)
class CredentialsInfo:
    """What ``/api/credentials`` says about the key, and which of the needed scopes it lacks."""

    scopes: frozenset[str]
    site_access: str  # "access_full" | "access_selective"
    sites: tuple[str, ...]  # the sites a selective key may see
    missing_scopes: tuple[str, ...] = ()
