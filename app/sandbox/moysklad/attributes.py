"""Additional fields (дополнительные поля, ``attributes``) of customer orders: their metadata and values.

What is emulated (moysklad-api.md §5: "``…/metadata/attributes[/{id}]``", "``attributes`` updates touch only
the attributes given" / "merge by attribute id"; the OAS fixture ``document_metadata_expanded.json`` for
the metadata's shape: ``{meta, id, name, type, required, show}``):

* ``GET /entity/customerorder/metadata/attributes`` lists them; ``…/metadata`` counts them.
* A customer order takes ``"attributes": [{"meta": {"href": …/metadata/attributes/<id>}, "value": …}]``
  (or ``"id"`` instead of ``meta``); a value of ``null`` or ``""`` clears one; the others are kept on a PUT.
* An attribute with ``required: true`` must have a value when an order is created or changed
  ("значение атрибута должно быть заполнено при создании или изменении сущности", the docs'
  ``workbook/_workbook_attributes_crud.md``, moysklad/api-remap-1.2-doc#770). The refusal is 412/3000 with
  the attribute's *name* as the field, as real accounts answer it (wpcraft-ru/wooms#135 and #484:
  ``"Ошибка сохранения объекта: поле 'Способ оплаты' не может быть пустым или отсутствовать", "code": 3000,
  "parameter": "Способ оплаты"``). The real service lists every missing attribute; this one names the first.

Only customer orders carry attributes here: nothing else in the sandbox needs them yet. A ``customentity``
attribute points at a user dictionary and takes one of its elements (:mod:`app.sandbox.moysklad.dictionaries`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.sandbox.moysklad import dictionaries, errors
from app.sandbox.moysklad.refs import Ref, is_uuid, meta, parse_href

if TYPE_CHECKING:
    from app.sandbox.moysklad.entities.base import RenderContext
    from app.sandbox.moysklad.state import MoySkladState

Record = dict[str, Any]
ATTRIBUTE_TYPES = ("string", "text", "long", "double", "boolean", "time", "link", "file", "customentity")


def attribute_ref(entity_type: str, attribute_id: str) -> Ref:
    return Ref("attributemetadata", attribute_id, f"entity/{entity_type}/metadata/attributes/{attribute_id}", None,
               "attribute")


def attributes_of(state: MoySkladState, entity_type: str) -> list[Record]:
    return [a for a in state.table("attribute").values() if a["_entity"] == entity_type]


def render_attribute(ctx: RenderContext, record: Record) -> dict[str, Any]:
    out: dict[str, Any] = {"meta": meta(record["_ref"], ctx.base)}
    if record.get("_dictionary"):  # OAS attributeMetaInfo.customEntityMeta (document_metadata_expanded.json)
        out["customEntityMeta"] = dictionaries.metadata_meta(ctx.base, record["_dictionary"])
    out.update(id=record["id"], name=record["name"], type=record["type"], required=record["required"], show=True)
    return out


def apply_values(state: MoySkladState, entity_type: str, record: Record, value: Any) -> None:
    """Merge the ``attributes`` of a request body into ``record["_attributes"]`` (attribute id → value)."""
    if value is None:
        return
    if not isinstance(value, list):
        raise errors.wrong_type("attributes", "Array(Object)")
    values: dict[str, Any] = dict(record.get("_attributes", {}))
    table = state.table("attribute")
    for item in value:
        if not isinstance(item, dict):
            raise errors.wrong_type("attributes", "Object")
        attribute_id: str | None = None
        if isinstance(item.get("meta"), dict):
            parsed = parse_href(item["meta"].get("href"))
            if parsed is None or parsed.segments[-2:-1] != ("attributes",):
                raise errors.bad_href("attributes")
            attribute_id = parsed.id
        elif is_uuid(item.get("id")):
            attribute_id = str(item["id"])
        else:
            raise errors.meta_missing("attributes")
        attribute = table.get(attribute_id)
        if attribute is None or attribute["_entity"] != entity_type:
            raise errors.not_found("attributemetadata", attribute_id, parameter="attributes")
        raw = item.get("value")
        if raw is None or raw == "":
            values.pop(attribute_id, None)
        elif attribute["type"] == "customentity":
            values[attribute_id] = dictionaries.element_value(state, attribute, raw)
        else:
            values[attribute_id] = raw
    record["_attributes"] = values


def check_required(state: MoySkladState, entity_type: str, record: Record) -> None:
    """412/3000 naming the first required attribute without a value."""
    values = record.get("_attributes", {})
    for attribute in attributes_of(state, entity_type):
        if attribute["required"] and values.get(attribute["id"]) in (None, ""):
            raise errors.required(attribute["name"])


def render_values(ctx: RenderContext, record: Record) -> list[dict[str, Any]]:
    table = ctx.state.table("attribute")
    rows = []
    for attribute_id, value in record.get("_attributes", {}).items():
        attribute = table.get(attribute_id)
        if attribute is not None:
            rows.append({"meta": meta(attribute["_ref"], ctx.base), "id": attribute_id, "name": attribute["name"],
                         "type": attribute["type"], "value": dictionaries.render_value(ctx, value)})
    return rows
