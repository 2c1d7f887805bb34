"""References between entities, and the ``meta`` objects and hrefs they become on the wire.

Records keep a :class:`Ref` where the API shows ``{"meta": {...}}``; hrefs are built per request from the
``Host`` header, so one stored record serves any address the emulator is reached at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

API_PREFIX = "/api/remap/1.2"
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

# UI paths for uuidHref, as in the official fixtures ("#good/edit?id=…").
_UI_PATHS = {
    "product": "good/edit",
    "service": "good/edit",  # goods and services share one editor in the web app
    "bundle": "good/edit",  # so do bundles (OAS fixture bundle.json)
    "variant": "feature/edit",
    "counterparty": "company/edit",
    "organization": "mycompany/edit",
    "store": "warehouse/edit",
    "customerorder": "customerorder/edit",
    "demand": "demand/edit",
    "salesreturn": "salesreturn/edit",
    "employee": "employee/edit",
    "currency": "currency/edit",
    "uom": "uom/edit",
    "productfolder": "good/edit",
}


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.match(value) is not None


@dataclass(frozen=True, slots=True)
class Ref:
    """Where an entity lives: its wire ``type``, its id and its path below the API root."""

    type: str
    id: str
    path: str  # e.g. "entity/product/<id>"
    metadata_path: str | None  # e.g. "entity/product/metadata"
    table: str  # the state table that holds the record ("product", "state", "pricetype", …)

    @classmethod
    def entity(cls, type_name: str, entity_id: str) -> Ref:
        return cls(type_name, entity_id, f"entity/{type_name}/{entity_id}", f"entity/{type_name}/metadata", type_name)

    @classmethod
    def price_type(cls, entity_id: str) -> Ref:
        return cls("pricetype", entity_id, f"context/companysettings/pricetype/{entity_id}", None, "pricetype")

    @classmethod
    def state(cls, entity_type: str, entity_id: str) -> Ref:
        return cls(
            "state", entity_id, f"entity/{entity_type}/metadata/states/{entity_id}",
            f"entity/{entity_type}/metadata", "state",
        )

    @classmethod
    def characteristic(cls, entity_id: str) -> Ref:
        return cls(
            "attributemetadata", entity_id, f"entity/variant/metadata/characteristics/{entity_id}", None,
            "characteristic",
        )

    @classmethod
    def position(cls, document_type: str, document_id: str, position_id: str) -> Ref:
        return cls(
            f"{document_type}position", position_id, f"entity/{document_type}/{document_id}/positions/{position_id}",
            None, "position",
        )


def meta(ref: Ref, base: str, *, expand: str = "") -> dict[str, Any]:
    """The ``meta`` object of a reference. ``base`` is ``http://host/api/remap/1.2``."""
    href = f"{base}/{ref.path}"
    if expand:
        href += f"?expand={expand}"
    result: dict[str, Any] = {"href": href}
    if ref.metadata_path:
        result["metadataHref"] = f"{base}/{ref.metadata_path}"
    result["type"] = ref.type
    result["mediaType"] = "application/json"
    ui = _UI_PATHS.get(ref.type)
    if ui is not None:
        result["uuidHref"] = f"{base[: -len(API_PREFIX)]}/app/#{ui}?id={ref.id}"
    return result


def collection_meta(base: str, path: str, type_name: str, size: int, limit: int = 1000, offset: int = 0,
                    *, expand: str = "") -> dict[str, Any]:
    """Meta of a nested collection (``positions``, ``accounts``…) or of a list."""
    href = f"{base}/{path}" + (f"?expand={expand}" if expand else "")
    return {"href": href, "type": type_name, "mediaType": "application/json", "size": size, "limit": limit,
            "offset": offset}


@dataclass(frozen=True, slots=True)
class ParsedHref:
    """What an href in a request body or filter points at (only the part after ``/api/remap/1.2/``)."""

    segments: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.segments[-1]


def parse_href(href: object) -> ParsedHref | None:
    """Split an href into path segments below the API root; None when it is not an API href.

    The host is not checked: a client that kept hrefs from another address still points at the same ids.
    """
    if not isinstance(href, str):
        return None
    cut = href.find(API_PREFIX + "/")
    if cut < 0:
        return None
    path = href[cut + len(API_PREFIX) + 1 :]
    path = path.split("?", 1)[0].split("#", 1)[0].strip("/")
    segments = tuple(s for s in path.split("/") if s)
    if not segments or not is_uuid(segments[-1]):
        return None
    return ParsedHref(segments)


def ref_from_href(href: object) -> Ref | None:
    """The :class:`Ref` an href names, by its path shape alone (existence is checked by the caller)."""
    parsed = parse_href(href)
    if parsed is None:
        return None
    s = parsed.segments
    if len(s) == 3 and s[0] == "entity":
        return Ref.entity(s[1], s[2])
    if len(s) == 4 and s[:3] == ("context", "companysettings", "pricetype"):
        return Ref.price_type(s[3])
    if len(s) == 5 and s[0] == "entity" and s[2:4] == ("metadata", "states"):
        return Ref.state(s[1], s[4])
    if len(s) == 5 and s[:4] == ("entity", "variant", "metadata", "characteristics"):
        return Ref.characteristic(s[4])
    if len(s) == 5 and s[0] == "entity" and s[3] == "positions":
        return Ref.position(s[1], s[2], s[4])
    return None
