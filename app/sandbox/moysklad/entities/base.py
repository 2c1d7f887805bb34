"""What every entity type shares: write rules, filters, search, expand and the JSON it renders to.

A record is a plain dict in the API's field names. References are :class:`Ref` objects, moments are
``datetime`` (naive MSK), money is float kopecks; keys starting with ``_`` are internal (``_ref`` is the
record's own Ref). :meth:`EntityKind.render` turns a record into the JSON the real service answers with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.fields import FieldSpec, apply_sync_id, coerce
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.query import ExpandTree, expand_string
from app.sandbox.moysklad.refs import Ref, meta
from app.sandbox.moysklad.timefmt import format_moment

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

Record = dict[str, Any]


@dataclass
class RenderContext:
    """One request's view: the state and the API base URL built from the ``Host`` header."""

    state: MoySkladState
    base: str

    def reference(self, ref: Ref, subtree: ExpandTree | None) -> Any:
        """A reference as JSON: meta only, or the whole target when expanded (or always inline)."""
        kind = self.state.kind_of(ref)
        if kind is not None and (subtree is not None or kind.inline):
            target = self.state.lookup(ref)
            if target is not None:
                return kind.render(self, target, subtree or {}, path=ref.type)
        return {"meta": meta(ref, self.base)}

    def value(self, value: Any, subtree: ExpandTree | None) -> Any:
        if isinstance(value, Ref):
            return self.reference(value, subtree)
        if isinstance(value, datetime):
            return format_moment(value)
        if isinstance(value, list):
            return [self.value(item, subtree) for item in value]
        if isinstance(value, dict):
            return {k: self.value(v, None) for k, v in value.items() if not k.startswith("_")}
        return value


def common_filters() -> dict[str, FilterField]:
    return {"id": FilterField("uuid"), "updated": FilterField("datetime")}


class EntityKind:
    """Base class: override the class attributes and hooks per entity type."""

    name: ClassVar[str] = ""  # the wire type and the state table
    fields: ClassVar[dict[str, FieldSpec]] = {}
    required: ClassVar[tuple[str, ...]] = ()
    filters: ClassVar[dict[str, FilterField]] = {}
    search_fields: ClassVar[tuple[str, ...]] = ()
    expandable: ClassVar[frozenset[str]] = frozenset()
    archivable: ClassVar[bool] = False
    creatable: ClassVar[bool] = True
    deletable: ClassVar[bool] = True
    sync_id: ClassVar[bool] = False
    inline: ClassVar[bool] = False  # rendered whole wherever referenced (price types)
    owned: ClassVar[bool] = True  # carries owner/shared/group

    # -- identity ---------------------------------------------------------------------------------------
    @property
    def list_path(self) -> str:
        return f"entity/{self.name}"

    def make_ref(self, entity_id: str) -> Ref:
        return Ref.entity(self.name, entity_id)

    # -- writing ----------------------------------------------------------------------------------------
    def new_record(self, state: MoySkladState) -> Record:
        entity_id = state.new_id()
        record: Record = {"_ref": self.make_ref(entity_id), "id": entity_id, "accountId": state.account_id}
        if self.owned:
            record["owner"] = state.employee_ref
            record["shared"] = False
            record["group"] = state.group_ref
        record["updated"] = state.clock.now()
        return record

    def apply(self, state: MoySkladState, record: Record, body: dict[str, Any], *, creating: bool) -> None:
        """Copy the writable fields of ``body`` onto ``record`` (a private copy while validating)."""
        for name, value in body.items():
            if name == "syncId" and self.sync_id:
                apply_sync_id(record, value, creating=creating)
                continue
            if self.apply_custom(state, record, name, value, creating=creating):
                continue
            spec = self.fields.get(name)
            if spec is None:
                continue  # read-only or unknown: ignored
            stored = coerce(state, name, spec, value)
            if stored is None:
                record.pop(name, None)
            else:
                record[name] = stored

    def apply_custom(self, state: MoySkladState, record: Record, name: str, value: Any, *, creating: bool) -> bool:
        """Handle a field that needs more than :func:`coerce`; return True when handled."""
        return False

    def check_required(self, record: Record) -> None:
        for name in self.required:
            value = record.get(name)
            if value is None or value == "" or value == []:
                raise errors.required(name)

    def finish(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        """Defaults, derived values and cross-field rules, after :meth:`apply`."""

    def after_commit(self, state: MoySkladState, record: Record, old: Record | None) -> None:
        """Side effects once the record is stored (counters, stock)."""

    def before_delete(self, state: MoySkladState, record: Record) -> None:
        """Raise to refuse a delete (e.g. an entity still used by documents)."""

    def after_delete(self, state: MoySkladState, record: Record) -> None:
        """Side effects once the record is gone."""

    def copy_record(self, record: Record) -> Record:
        """A copy deep enough that :meth:`apply` never touches the stored record."""
        copy: Record = {}
        for key, value in record.items():
            if isinstance(value, list):
                copy[key] = [dict(v) if isinstance(v, dict) else v for v in value]
            elif isinstance(value, dict):
                copy[key] = dict(value)
            else:
                copy[key] = value
        return copy

    # -- reading ----------------------------------------------------------------------------------------
    def check_expand(self, expand: ExpandTree, path: str) -> None:
        for key in expand:
            if key not in self.expandable:
                raise errors.expand_unsupported(f"{path}.{key}" if path else key)

    def render(self, ctx: RenderContext, record: Record, expand: ExpandTree, *, path: str = "") -> dict[str, Any]:
        self.check_expand(expand, path)
        out: dict[str, Any] = {"meta": meta(record["_ref"], ctx.base, expand=expand_string(expand))}
        for key, value in record.items():
            if key.startswith("_"):
                continue
            out[key] = ctx.value(value, expand.get(key))
        self.extras(ctx, record, out, expand)
        return out

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        """Computed fields added at render time."""

    def metadata(self, ctx: RenderContext) -> dict[str, Any]:
        return {
            "meta": {"href": f"{ctx.base}/{self.list_path}/metadata", "mediaType": "application/json"},
            "attributes": {
                "meta": {"href": f"{ctx.base}/{self.list_path}/metadata/attributes", "type": "attributemetadata",
                         "mediaType": "application/json", "size": 0, "limit": 1000, "offset": 0}
            },
            "createShared": False,
        }

    def search_text(self, record: Record) -> Iterable[str]:
        for name in self.search_fields:
            value = record.get(name)
            if isinstance(value, str):
                yield value
