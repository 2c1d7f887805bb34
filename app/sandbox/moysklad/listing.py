"""Lists: filter, search, order, then the paged envelope ``{"context","meta","rows"}``.

Rows come in a stable order: creation order unless ``order=`` says otherwise (ties keep creation order).
``archived`` defaults to false on entities that have it, unless the filter names ``archived`` or ``id``
(the docs: combining ``id`` with ``archived`` ignores ``archived``).

A list's selection is cached in the state between pages (see :meth:`MoySkladState.selection`), and rows
without ``expand`` are written straight to JSON text (:meth:`EntityKind.render_json`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from app.sandbox.moysklad import errors
from app.sandbox.moysklad.entities.base import EntityKind, Record, RenderContext, dumps
from app.sandbox.moysklad.filters import FilterField, compile_filters, mentioned, parse_filters, sort_key
from app.sandbox.moysklad.query import ExpandTree, Page, Query, expand_for_list, page, page_links
from app.sandbox.moysklad.refs import collection_meta


def context_block(ctx: RenderContext) -> dict[str, Any]:
    return {"employee": {"meta": {"href": f"{ctx.base}/context/employee",
                                  "metadataHref": f"{ctx.base}/entity/employee/metadata",
                                  "type": "employee", "mediaType": "application/json"}}}


def select(ctx: RenderContext, records: Iterable[Record], fields: dict[str, FilterField], query: Query, *,
           archivable: bool, search: Callable[[Record], Iterable[str]] | None) -> list[Record]:
    """Records matching ``filter`` and ``search``, in the order ``order`` asks for."""
    conditions = parse_filters(query.get_all("filter"))
    predicate = compile_filters(conditions, fields, ctx.state)
    names = mentioned(conditions)
    hide_archived = archivable and "archived" not in names and "id" not in names
    if "id" in names and archivable:
        conditions = [c for c in conditions if c.field != "archived"]
        predicate = compile_filters(conditions, fields, ctx.state)
    needle = (query.get("search") or "").strip().lower()
    result = []
    for record in records:
        if hide_archived and record.get("archived"):
            continue
        if not predicate(record):
            continue
        if needle and search is not None and not any(needle in text.lower() for text in search(record)):
            continue
        result.append(record)
    return order(ctx, result, fields, query.get("order"))


def order(ctx: RenderContext, records: list[Record], fields: dict[str, FilterField], text: str | None) -> list[Record]:
    if not text:
        return records
    keys: list[tuple[str, bool]] = []
    for part in text.split(";"):
        if not part.strip():
            continue
        name, _, direction = part.partition(",")
        name = name.strip()
        direction = direction.strip().lower() or "asc"
        spec = fields.get(name)
        if spec is None or not spec.sortable:
            raise errors.order_field(name)
        if direction not in ("asc", "desc"):
            raise errors.order_direction(direction, name)
        keys.append((name, direction == "desc"))
    result = list(records)
    for name, descending in reversed(keys):  # stable sorts, least significant key first
        result.sort(key=sort_key(fields[name], ctx.state, name), reverse=descending)
    return result


def envelope(ctx: RenderContext, path: str, type_name: str, rows: list[dict[str, Any]], size: int, query: Query,
             current: Page, *, metadata: bool = True) -> dict[str, Any]:
    meta = collection_meta(ctx.base, path, type_name, size, current.limit, current.offset)
    if metadata:
        meta = {"href": meta["href"], "metadataHref": f"{ctx.base}/{path}/metadata", **{
            k: v for k, v in meta.items() if k != "href"}}
    meta.update(page_links(ctx.base, path, query, current, size))
    return {"context": context_block(ctx), "meta": meta, "rows": rows}


def select_entities(ctx: RenderContext, kind: EntityKind, query: Query) -> list[Record]:
    """What ``GET /entity/<type>`` matches, in order; cached between pages until anything changes."""
    key = ("entity", kind.name, tuple(query.get_all("filter")), query.get("search"), query.get("order"))
    return ctx.state.selection(key, lambda: select(ctx, ctx.state.table(kind.name).values(), kind.filters, query,
                                                   archivable=kind.archivable, search=kind.search_text))


def list_entities(ctx: RenderContext, kind: EntityKind, query: Query) -> str:
    """``GET /entity/<type>`` for a plain entity kind, as JSON text."""
    current = page(query)
    expand = expand_for_list(query, current)
    kind.check_expand(expand, "")
    records = select_entities(ctx, kind, query)
    window = records[current.offset: current.offset + current.limit]
    if expand:
        rows = [kind.render(ctx, record, expand) for record in window]
        return dumps(envelope(ctx, kind.list_path, kind.name, rows, len(records), query, current))
    head = dumps(envelope(ctx, kind.list_path, kind.name, [], len(records), query, current))
    return splice_rows(head, [kind.render_json(ctx, record) for record in window])


def splice_rows(text: str, rows: list[str]) -> str:
    """Put already-encoded rows into the empty ``rows`` array that ends an envelope's JSON."""
    if not text.endswith('"rows":[]}'):
        raise AssertionError("an envelope must end with its rows")  # pragma: no cover - envelope() builds it so
    if not rows:
        return text
    # one join over the rows: a page is ~5 MB of text, so every extra concatenation is a copy of all of it
    pieces = list(rows)
    pieces[0] = text[: -len("]}")] + pieces[0]
    pieces[-1] = pieces[-1] + "]}"
    return ",".join(pieces)


def render_page(ctx: RenderContext, path: str, type_name: str, items: list[Any], query: Query,
                render: Callable[[Any, ExpandTree], dict[str, Any]], *, metadata: bool = False) -> dict[str, Any]:
    """A paged envelope over already-selected items (positions, assortment, reports)."""
    current = page(query)
    expand = expand_for_list(query, current)
    window = items[current.offset: current.offset + current.limit]
    rows = [render(item, expand) for item in window]
    return envelope(ctx, path, type_name, rows, len(items), query, current, metadata=metadata)
