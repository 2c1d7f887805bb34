"""What every entity type shares: write rules, filters, search, expand and the JSON it renders to.

A record is a plain dict in the API's field names. References are :class:`Ref` objects, moments are
``datetime`` (naive MSK), money is float kopecks; keys starting with ``_`` are internal (``_ref`` is the
record's own Ref). :meth:`EntityKind.render` turns a record into the JSON the real service answers with;
:meth:`EntityKind.render_json` writes the same thing straight to JSON text, for pages of up to 1000 rows.

Speed matters here: a sync reads ~56,000 products and variants in 1000-row pages, so one page must cost
well under the 0.27 s the real rate limit allows per page. Two things make it cheap: within one request
(one :class:`RenderContext`) every reference (owner, group, currency, uom, folder, price type,
characteristic…) is rendered and encoded once and then reused; and list rows are written as JSON text
directly, so most of each row is copied, not rebuilt and re-encoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, ClassVar

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.attributes import attributes_of
from app.sandbox.moysklad.fields import FieldSpec, apply_sync_id, coerce
from app.sandbox.moysklad.filters import FilterField
from app.sandbox.moysklad.query import ExpandTree, expand_string
from app.sandbox.moysklad.refs import Ref, meta
from app.sandbox.moysklad.timefmt import format_moment

if TYPE_CHECKING:
    from app.sandbox.moysklad.state import MoySkladState

Record = dict[str, Any]


# What the HTTP layer sends: ``Response.json`` uses exactly these settings.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_ID = "\uffffid\uffff"  # stands for a record id in a cached meta template (never in a real href)


def dumps(payload: Any) -> str:
    """``payload`` as the emulator's responses encode it (compact, UTF-8 text)."""
    return _ENCODER.encode(payload)


def json_float(value: float) -> str:
    """``dumps(float(value))`` without the encoder's per-call setup."""
    text = float.__repr__(float(value))
    return text if text[-1] not in "fn" else dumps(float(value))  # inf/nan: json's own spelling


@dataclass
class RenderContext:
    """One request's view: the state and the API base URL built from the ``Host`` header.

    With ``share`` (every HTTP request), an unexpanded reference renders to one dict object reused wherever
    the same target is referenced in this response, and to one cached JSON text; nothing may edit a
    rendered sub-object afterwards (callers only add keys to the top level of a row they got). The Python
    API renders with ``share=False``, so the dicts it hands to tests are independent.
    """

    state: MoySkladState
    base: str
    share: bool = True
    _references: dict[str, Any] = field(default_factory=dict, init=False, repr=False)  # kept alive here
    _shared_ids: set[int] = field(default_factory=set, init=False, repr=False)  # ids of those objects
    _texts: dict[int, str] = field(default_factory=dict, init=False, repr=False)  # id(shared object) → JSON
    _ref_texts: dict[str, str] = field(default_factory=dict, init=False, repr=False)  # ref path → JSON
    _keys: dict[str, str] = field(default_factory=dict, init=False, repr=False)  # '"key":' per key
    _moments: dict[datetime, str] = field(default_factory=dict, init=False, repr=False)
    _meta_templates: dict[tuple[str, str, str | None], tuple[str, ...]] = field(
        default_factory=dict, init=False, repr=False)

    def reference(self, ref: Ref, subtree: ExpandTree | None) -> Any:
        """A reference as JSON: meta only, or the whole target when expanded (or always inline)."""
        if subtree is None and self.share:
            cached = self._references.get(ref.path)
            if cached is None:
                cached = self._keep(ref.path, self._reference(ref, None))
            return cached
        return self._reference(ref, subtree)

    def meta_of(self, ref: Ref) -> dict[str, Any]:
        """``meta(ref, base)``, shared within this request like :meth:`reference`."""
        if not self.share:
            return meta(ref, self.base)
        key = "meta:" + ref.path
        cached = self._references.get(key)
        if cached is None:
            cached = self._keep(key, meta(ref, self.base))
        return cached  # type: ignore[no-any-return]

    def _keep(self, key: str, rendered: Any) -> Any:
        self._references[key] = rendered
        self._shared_ids.add(id(rendered))
        return rendered

    def _reference(self, ref: Ref, subtree: ExpandTree | None) -> Any:
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

    # -- straight to JSON text ------------------------------------------------------------------------
    # The hot loop of a 1000-row page: common value types are handled inline, every reference's JSON is
    # computed once per request, and everything else falls back to ``dumps(self.value(...))``.
    def encode(self, value: Any) -> str:
        """``dumps(self.value(value, None))``, reusing what this request has encoded already."""
        kind = type(value)
        if kind is str:
            return encode_basestring(value)  # type: ignore[no-any-return]
        if kind is Ref:
            text = self._ref_texts.get(value.path)
            return text if text is not None else self._ref_text(value)
        if kind is float:
            text = float.__repr__(value)
            return text if text[-1] not in "fn" else dumps(value)  # inf/nan: json's spelling
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return int.__repr__(value)
        if value is None:
            return "null"
        if kind is dict:
            oid = id(value)
            text = self._texts.get(oid)
            if text is None:
                parts: list[str] = []
                self.field_parts(value.items(), parts)
                text = "{" + ",".join(parts) + "}"
                if oid in self._shared_ids:
                    self._texts[oid] = text
            return text
        if kind is list:
            return "[" + ",".join([self.encode(item) for item in value]) + "]"
        if kind is datetime:
            moment = self._moments.get(value)
            if moment is None:
                moment = self._moments[value] = encode_basestring(format_moment(value))
            return moment
        return dumps(self.value(value, None))

    def field_parts(self, items: Iterable[tuple[str, Any]], parts: list[str]) -> None:
        """Append ``"key":value`` for each pair to ``parts``; keys starting with ``_`` are internal."""
        keys = self._keys
        ref_texts = self._ref_texts
        encode = self.encode
        append = parts.append
        for key, value in items:
            if key[:1] == "_":
                continue
            prefix = keys.get(key)
            if prefix is None:
                prefix = keys[key] = encode_basestring(key) + ":"
            kind = type(value)
            if kind is str:
                append(prefix + encode_basestring(value))
            elif kind is Ref:
                text = ref_texts.get(value.path)
                append(prefix + (text if text is not None else self._ref_text(value)))
            elif kind is float:
                text = float.__repr__(value)
                append(prefix + (text if text[-1] not in "fn" else dumps(value)))
            elif kind is bool:
                append(prefix + ("true" if value else "false"))
            else:
                append(prefix + encode(value))

    def _ref_text(self, ref: Ref) -> str:
        rendered = self.reference(ref, None)
        if not self.share:
            return dumps(rendered)
        text = self._ref_texts[ref.path] = self.encode(rendered)
        return text

    def own_meta_json(self, ref: Ref) -> str:
        """The JSON of ``meta(ref, base)`` for a row's own reference (no expand), from a per-type template."""
        if not ref.id or not ref.path.endswith(ref.id):
            return dumps(meta(ref, self.base))
        prefix = ref.path[: len(ref.path) - len(ref.id)]
        key = (ref.type, prefix, ref.metadata_path)
        template = self._meta_templates.get(key)
        if template is None:
            sample = Ref(ref.type, _ID, prefix + _ID, ref.metadata_path, ref.table)
            template = self._meta_templates[key] = tuple(dumps(meta(sample, self.base)).split(_ID))
        return encode_basestring(ref.id)[1:-1].join(template)


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
            # MoySklad omits empty optional fields from its answers (shared/docs/moysklad-api.md, "Пустые поля"):
            # a text set to "" reads back as absent, as it would had it never been sent
            if stored is None or (stored == "" and spec.kind == "string" and name not in self.required):
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
        if expand:
            self.check_expand(expand, path)
        out: dict[str, Any] = {"meta": meta(record["_ref"], ctx.base, expand=expand_string(expand) if expand else "")}
        for key, value in record.items():
            if key.startswith("_"):
                continue
            out[key] = ctx.value(value, expand.get(key))
        self.extras(ctx, record, out, expand)
        return out

    def render_json(self, ctx: RenderContext, record: Record) -> str:
        """``dumps(self.render(ctx, record, {}))``, written directly (the list and batch fast path).

        A kind that overrides :meth:`render` gets the plain route, so the two can never disagree; computed
        fields belong in :meth:`extras`, which both routes share."""
        if type(self).render is not EntityKind.render or "meta" in record:
            return dumps(self.render(ctx, record, {}))
        computed: dict[str, Any] = {}
        self.extras(ctx, record, computed, {})
        if any(key in record or key[:1] == "_" for key in computed):
            return dumps(self.render(ctx, record, {}))  # a computed field replaces a stored one in place
        parts = ['"meta":' + ctx.own_meta_json(record["_ref"])]
        ctx.field_parts(record.items(), parts)
        ctx.field_parts(computed.items(), parts)
        return "{" + ",".join(parts) + "}"

    def extras(self, ctx: RenderContext, record: Record, out: dict[str, Any], expand: ExpandTree) -> None:
        """Computed fields added at render time. Only assign keys of ``out``, never read it: the JSON fast
        path (:meth:`render_json`) passes an empty dict and merges the result like ``render`` would."""

    def metadata(self, ctx: RenderContext) -> dict[str, Any]:
        size = len(attributes_of(ctx.state, self.name))
        return {
            "meta": {"href": f"{ctx.base}/{self.list_path}/metadata", "mediaType": "application/json"},
            "attributes": {
                "meta": {"href": f"{ctx.base}/{self.list_path}/metadata/attributes", "type": "attributemetadata",
                         "mediaType": "application/json", "size": size, "limit": 1000, "offset": 0}
            },
            "createShared": False,
        }

    def search_text(self, record: Record) -> Iterable[str]:
        for name in self.search_fields:
            value = record.get(name)
            if isinstance(value, str):
                yield value
