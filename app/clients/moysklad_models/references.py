"""MoySklad reference entities: organizations, stores, price types, order states, product folders, and the
account check's answer (:class:`AccountInfo`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.clients.parsing import as_map, boolean, integer, meta_id, text

Raw = Mapping[str, Any]


def _meta(raw: Raw) -> dict[str, Any]:
    return as_map(raw.get("meta"))


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    inn: str | None = None
    legal_title: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Organization:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            inn=text(raw.get("inn")),
            legal_title=text(raw.get("legalTitle")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class Store:
    id: str
    name: str
    code: str | None = None
    external_code: str | None = None
    archived: bool = False
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> Store:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            code=text(raw.get("code")),
            external_code=text(raw.get("externalCode")),
            archived=boolean(raw.get("archived")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class PriceType:
    id: str
    name: str
    external_code: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> PriceType:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            external_code=text(raw.get("externalCode")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class State:
    """A status of customer orders (``/entity/customerorder/metadata`` → ``states``)."""

    id: str
    name: str
    state_type: str = "Regular"  # Regular | Successful | Unsuccessful
    color: int | None = None
    entity_type: str | None = None
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> State:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            state_type=str(raw.get("stateType") or "Regular"),
            color=integer(raw.get("color")),
            entity_type=text(raw.get("entityType")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class ProductFolder:
    id: str
    name: str
    path_name: str | None = None
    external_code: str | None = None
    parent_id: str | None = None
    archived: bool = False
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> ProductFolder:
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            path_name=text(raw.get("pathName")),
            external_code=text(raw.get("externalCode")),
            parent_id=meta_id(raw.get("productFolder")) if raw.get("productFolder") else None,
            archived=boolean(raw.get("archived")),
            meta=_meta(raw),
        )


@dataclass(frozen=True)
class AccountInfo:
    """Who the token belongs to and what it can see: the answer to "does this connection work?"."""

    employee_id: str | None
    employee_name: str | None
    login: str | None  # the employee's uid, "admin@shop"
    account_id: str | None
    organizations: tuple[Organization, ...]
    stores: tuple[Store, ...]


@dataclass(frozen=True)
class AttributeMeta:
    """An additional field (доп. поле) of an entity (``/entity/<type>/metadata/attributes``).

    Shape from the OAS schema ``attributeMetaInfo`` and the fixture ``document_metadata_expanded.json``
    (/work/shared/moysklad-openapi): ``{meta, id, name, type, required, show, description?, customEntityMeta?}``;
    ``customEntityMeta`` (only for ``type: customentity``) points at ``…/entity/customentity/<dictionary>/metadata``.
    """

    id: str
    name: str
    type: str  # string | text | long | double | boolean | time | link | file | customentity | (entity types)
    required: bool = False
    dictionary_id: str | None = None  # the customentity dictionary's id, for type customentity
    meta: Raw = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_api(cls, raw: Raw) -> AttributeMeta:
        dictionary = None
        href = text(as_map(raw.get("customEntityMeta")).get("href")) or ""
        parts = href.rstrip("/").split("/")
        if "customentity" in parts:
            after = parts[parts.index("customentity") + 1:]
            dictionary = after[0] if after else None
        return cls(
            id=str(raw.get("id") or meta_id(raw) or ""),
            name=str(raw.get("name") or ""),
            type=str(raw.get("type") or ""),
            required=boolean(raw.get("required")),
            dictionary_id=dictionary,
            meta=_meta(raw),
        )
