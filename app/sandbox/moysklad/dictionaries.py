"""User dictionaries (пользовательские справочники, ``customentity``) and their elements, read over HTTP.

Grounded in the official OpenAPI spec and its fixtures (/work/shared/moysklad-openapi):

* ``GET /entity/customentity/{id}`` lists a dictionary's elements (``customEntityElementList``: ``{context, meta,
  rows}``, paged with ``limit``/``offset`` like every list); an element is ``customEntityElement``
  (fixture ``custom_entity_element.json``): ``{meta, id, accountId, updated, name, code, externalCode,
  description, shared, …}`` with ``meta.href`` ``…/entity/customentity/{dictionary}/{element}`` and
  ``metadataHref`` ``…/entity/customentity/{dictionary}/metadata``.
* ``GET /entity/customentity/{id}/{elementId}`` one element; ``GET /entity/customentity/{id}/metadata`` the
  dictionary's ``customEntityMetadata`` (``{meta, entityMeta, attributes, id, name, createShared}``, fixture
  ``company_settings_metadata.json``), which ``context/companysettings/metadata`` lists as ``customEntities``.
* An additional field of type ``customentity`` carries ``customEntityMeta`` (``…/customentity/{id}/metadata``,
  type ``customentitymetadata``; fixture ``document_metadata_expanded.json``); its value on an entity is
  ``{"meta": <element meta>, "name": <element name>}`` (schema ``attributeCustomEntity``). A request gives the
  element's ``meta``; an element of another dictionary or an unknown one is refused here as not found (the
  real wording for that case is not recorded).

Creating dictionaries and elements over HTTP is not emulated: an administrator makes them in the web app; the
state's Python API (``add_dictionary``) stands in for that.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.refs import Ref, collection_meta, meta, parse_href
from app.sandbox.moysklad.timefmt import format_moment

if TYPE_CHECKING:
    from app.sandbox.moysklad.entities.base import RenderContext
    from app.sandbox.moysklad.query import Query
    from app.sandbox.moysklad.state import MoySkladState

Record = dict[str, Any]
DICTIONARIES = "customentity"  # state tables
ELEMENTS = "customentityelement"


def dictionary_ref(dictionary_id: str) -> Ref:
    return Ref("customentity", dictionary_id, f"entity/customentity/{dictionary_id}", None, DICTIONARIES)


def element_ref(dictionary_id: str, element_id: str) -> Ref:
    return Ref("customentity", element_id, f"entity/customentity/{dictionary_id}/{element_id}",
               f"entity/customentity/{dictionary_id}/metadata", ELEMENTS)


def metadata_meta(base: str, dictionary_id: str) -> dict[str, Any]:
    """The ``customEntityMeta`` of an attribute (and the ``meta`` of the dictionary's metadata)."""
    return {"href": f"{base}/entity/customentity/{dictionary_id}/metadata", "type": "customentitymetadata",
            "mediaType": "application/json"}


def elements_of(state: MoySkladState, dictionary_id: str) -> list[Record]:
    return [e for e in state.table(ELEMENTS).values() if e["_dictionary"] == dictionary_id]


def render_element(ctx: RenderContext, record: Record) -> dict[str, Any]:
    return {"meta": meta(record["_ref"], ctx.base), "id": record["id"], "accountId": ctx.state.account_id,
            "updated": format_moment(record["updated"]), "name": record["name"], "code": record["code"],
            "externalCode": record["externalCode"], "description": None, "shared": True}


def render_metadata(ctx: RenderContext, record: Record) -> dict[str, Any]:
    dictionary_id = record["id"]
    return {"meta": metadata_meta(ctx.base, dictionary_id), "entityMeta": meta(record["_ref"], ctx.base),
            "attributes": {"meta": collection_meta(ctx.base, f"entity/customentity/{dictionary_id}/metadata/"
                                                   "attributes", "attributemetadata", 0)},
            "id": dictionary_id, "name": record["name"], "createShared": True}


def add(state: MoySkladState, name: str, elements: list[str]) -> Record:
    """A dictionary with ``elements`` (names; codes ``1``, ``2``… as the web app numbers them)."""
    dictionary_id = state.new_id()
    record = {"_ref": dictionary_ref(dictionary_id), "id": dictionary_id, "name": name}
    state.insert_seeded(DICTIONARIES, record)
    for element in elements:
        add_element(state, dictionary_id, element)
    return record


def add_element(state: MoySkladState, dictionary_id: str, name: str) -> Record:
    if dictionary_id not in state.table(DICTIONARIES):
        raise KeyError(f"no dictionary {dictionary_id!r}")
    element_id = state.new_id()
    record = {"_ref": element_ref(dictionary_id, element_id), "id": element_id, "_dictionary": dictionary_id,
              "name": name, "code": str(len(elements_of(state, dictionary_id)) + 1),
              "externalCode": state.new_external_code(), "updated": state.clock.now()}
    state.insert_seeded(ELEMENTS, record)
    return record


def handle(state: MoySkladState, ctx: RenderContext, rest: list[str], method: str, query: Query,
           path: str) -> dict[str, Any]:
    """``/entity/customentity/…`` (``rest`` after ``customentity``): reads only."""
    if not rest or len(rest) > 2:
        if not rest:
            raise errors.method_not_allowed(method)  # POST (a new dictionary) is the web app's here
        raise errors.unknown_path(path)
    if method != "GET":
        raise errors.method_not_allowed(method)
    dictionary = state.table(DICTIONARIES).get(rest[0])
    if dictionary is None:
        raise errors.not_found("customentity", rest[0])
    if len(rest) == 1:
        from app.sandbox.moysklad.listing import render_page  # listing imports the entities, which import us

        return render_page(ctx, f"entity/customentity/{rest[0]}", "customentity", elements_of(state, rest[0]),
                           query, lambda e, _expand: render_element(ctx, e))
    if rest[1] == "metadata":
        return render_metadata(ctx, dictionary)
    element = state.table(ELEMENTS).get(rest[1])
    if element is None or element["_dictionary"] != rest[0]:
        raise errors.not_found("customentity", rest[1])
    return render_element(ctx, element)


def element_value(state: MoySkladState, attribute: Record, value: Any) -> dict[str, str]:
    """A customentity attribute's value from a request (``{"meta": {"href": …/customentity/{d}/{e}}}``) as
    stored: the element's id."""
    if not isinstance(value, dict):
        raise errors.wrong_type("attributes", "Object")
    if not isinstance(value.get("meta"), dict):
        raise errors.meta_missing("attributes")
    parsed = parse_href(value["meta"].get("href"))
    if parsed is None or len(parsed.segments) != 4 or parsed.segments[:2] != ("entity", "customentity"):
        raise errors.bad_href("attributes")
    element = state.table(ELEMENTS).get(parsed.id)
    if element is None or element["_dictionary"] != attribute.get("_dictionary"):
        raise errors.not_found("customentity", parsed.id, parameter="attributes")
    return {"_element": parsed.id}


def render_value(ctx: RenderContext, stored: Any) -> Any:
    """The stored value as the API shows it: an element as ``{meta, name}``; anything else as it is."""
    if not (isinstance(stored, dict) and "_element" in stored):
        return stored
    element = ctx.state.table(ELEMENTS).get(stored["_element"])
    if element is None:  # removed from its dictionary after the order took it
        return None
    return {"meta": meta(element["_ref"], ctx.base), "name": element["name"]}
