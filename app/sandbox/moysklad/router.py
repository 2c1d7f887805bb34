"""Which handler answers which path below ``/api/remap/1.2`` (the emulator has done auth and limits).

Unknown paths → 404/1002; unknown entity types → 404/1005; a known path with the wrong method → 405/1039;
an unknown id → 404/1021 (DELETE: 404 with an empty body and no Content-Type, as OAS documents).
Request bodies must be JSON sent with ``Content-Type: application/json`` (415/1037 otherwise).
"""

from __future__ import annotations

import json
from typing import Any

from app.sandbox.core import Request, Response
from app.sandbox.moysklad import dictionaries, errors
from app.sandbox.moysklad.attributes import attributes_of, render_attribute
from app.sandbox.moysklad.entities import ENTITY_TYPES, DocumentKind, EntityKind, RenderContext
from app.sandbox.moysklad.entities.base import dumps
from app.sandbox.moysklad.entities.documents import apply_position, new_position, position_rows
from app.sandbox.moysklad.listing import list_entities, render_page
from app.sandbox.moysklad.query import Query, parse_expand
from app.sandbox.moysklad.refs import ref_from_href


def read_body(request: Request) -> Any:
    if not request.body or not request.body.strip():
        return None
    content_type = (request.header("content-type") or "").lower()
    if not content_type.startswith("application/json"):
        raise errors.bad_content_type()
    try:
        return json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise errors.bad_json() from None


def ok(payload: Any, status: int = 200) -> Response:
    return Response.json(payload, status=status)


def ok_text(text: str, status: int = 200) -> Response:
    """A JSON answer already encoded as :func:`ok` would encode it."""
    return Response(status=status, body=text.encode("utf-8"))


class Router:
    def __init__(self, emulator: Any) -> None:
        self.emulator = emulator
        self.state = emulator.state

    def dispatch(self, request: Request, ctx: RenderContext, path: str) -> Response:
        segments = [s for s in path.split("/") if s]
        method = request.method.upper()
        query = Query.parse(request.query)
        if not segments:
            raise errors.unknown_path(path)
        head = segments[0]
        if head == "security" and segments[1:] == ["token"]:
            self._allow(method, "POST")
            return ok({"access_token": self.emulator.issue_token()})
        if head == "context":
            return self._context(request, ctx, segments[1:], method, query, path)
        if head == "entity" and len(segments) >= 2:
            return self._entity(request, ctx, segments[1:], method, query, path)
        if head == "report" and len(segments) >= 3 and segments[1] == "stock":
            self._allow(method, "GET")
            return self.emulator.reports.handle(request, ctx, segments[2:], query, path)
        raise errors.unknown_path(path)

    @staticmethod
    def _allow(method: str, *allowed: str) -> None:
        if method not in allowed:
            raise errors.method_not_allowed(method)

    # -- /context ---------------------------------------------------------------------------------------
    def _context(self, request: Request, ctx: RenderContext, rest: list[str], method: str, query: Query,
                 path: str) -> Response:
        state = self.state
        if rest == ["employee"]:
            self._allow(method, "GET")
            employee = state.lookup(state.employee_ref)
            return ok(state.kinds["employee"].render(ctx, employee, parse_expand(query.get("expand"))))
        if rest == ["companysettings"]:
            self._allow(method, "GET", "PUT")
            if method == "PUT":
                self._update_settings(read_body(request))
            return ok(self.company_settings(ctx))
        if rest == ["companysettings", "metadata"]:
            self._allow(method, "GET")
            return ok({"meta": {"href": f"{ctx.base}/context/companysettings/metadata",
                                "mediaType": "application/json"},
                       "customEntities": [dictionaries.render_metadata(ctx, d)
                                          for d in state.table(dictionaries.DICTIONARIES).values()]})
        if rest[:2] == ["companysettings", "pricetype"]:
            return self._price_types(request, ctx, rest[2:], method)
        raise errors.unknown_path(path)

    def company_settings(self, ctx: RenderContext) -> dict[str, Any]:
        state = self.state
        kind = state.kinds["pricetype"]
        return {
            "meta": {"href": f"{ctx.base}/context/companysettings", "type": "companysettings",
                     "mediaType": "application/json"},
            "currency": ctx.reference(state.rub_ref, None),
            "priceTypes": [kind.render(ctx, r, {}) for r in state.table("pricetype").values()],
            **state.settings,
            "accountCountry": "RU",
        }

    def _update_settings(self, body: Any) -> None:
        if not isinstance(body, dict):
            raise errors.object_expected()
        for key in ("checkShippingStock", "checkMinPrice", "useRecycleBin", "useCompanyAddress",
                    "globalOperationNumbering"):
            if key in body:
                if not isinstance(body[key], bool):
                    raise errors.wrong_type(key, "Boolean")
                self.state.settings[key] = body[key]

    def _price_types(self, request: Request, ctx: RenderContext, rest: list[str], method: str) -> Response:
        state = self.state
        kind = state.kinds["pricetype"]
        table = state.table("pricetype")
        if not rest:
            self._allow(method, "GET", "POST")
            if method == "POST":
                self._replace_price_types(read_body(request))
            return ok([kind.render(ctx, r, {}) for r in table.values()])
        self._allow(method, "GET")
        if rest == ["default"]:
            return ok(kind.render(ctx, next(iter(table.values())), {}))
        record = table.get(rest[0]) if len(rest) == 1 else None
        if record is None:
            raise errors.not_found("pricetype", rest[0])
        return ok(kind.render(ctx, record, {}))

    def _replace_price_types(self, body: Any) -> None:
        """POST replaces the whole list: items with meta are kept (renamed), new ones created, the rest
        deleted (with their prices); the first item becomes the default."""
        state = self.state
        kind = state.kinds["pricetype"]
        if not isinstance(body, list) or not body:
            raise errors.no_objects()
        if len(body) > 100:
            raise errors.ApiError(412, 3007, "Ошибка валидации сохраняемого объекта: типов цен не может быть "
                                  "больше 100")
        table = state.table("pricetype")
        new_table: dict[str, dict[str, Any]] = {}
        for item in body:
            if not isinstance(item, dict):
                raise errors.object_expected()
            existing = None
            if item.get("meta") is not None:
                parsed = ref_from_href((item.get("meta") or {}).get("href"))
                if parsed is None or parsed.table != "pricetype":
                    raise errors.bad_href("meta")
                existing = table.get(parsed.id)
                if existing is None:
                    raise errors.not_found("pricetype", parsed.id)
            record = kind.copy_record(existing) if existing else kind.new_record(state)
            kind.apply(state, record, item, creating=existing is None)
            kind.check_required(record)
            kind.finish(state, record, existing)
            if any(r["name"] == record["name"] for r in new_table.values()):
                raise errors.not_unique("name")
            new_table[record["id"]] = record
        removed = set(table) - set(new_table)
        table.clear()
        table.update(new_table)
        if removed:
            for name in ("product", "service", "bundle", "variant"):
                for product in state.table(name).values():
                    prices = product.get("salePrices", [])
                    if any(p["priceType"].id in removed for p in prices):
                        product["salePrices"] = [p for p in prices if p["priceType"].id not in removed]

    # -- /entity ----------------------------------------------------------------------------------------
    def _kind(self, type_name: str) -> EntityKind:
        if type_name not in ENTITY_TYPES:
            raise errors.unknown_type(type_name)
        return self.state.kinds[type_name]

    def _entity(self, request: Request, ctx: RenderContext, rest: list[str], method: str, query: Query,
                path: str) -> Response:
        type_name = rest[0]
        if type_name == "assortment":
            if len(rest) > 1:
                raise errors.unknown_path(path)
            self._allow(method, "GET")
            return ok(self.emulator.assortment.list(request, ctx, query))
        if type_name == "customentity":  # user dictionaries: no entity kind of their own
            return ok(dictionaries.handle(self.state, ctx, rest[1:], method, query, path))
        kind = self._kind(type_name)
        if len(rest) == 1:
            self._allow(method, "GET", "POST")
            if method == "GET":
                return ok_text(list_entities(ctx, kind, query))
            return self._post(ctx, kind, read_body(request), query)
        second = rest[1]
        if second == "metadata":
            return self._metadata(ctx, kind, rest[2:], method, request, path)
        if second in ("delete", "batch") and len(rest) == 2:
            self._allow(method, "POST")
            body = read_body(request)
            if second == "delete":
                return ok(self.state.delete_many(kind, body))
            if not isinstance(body, list):
                raise errors.wrong_type("body", "Array(Object)")
            return self._post(ctx, kind, body, query)
        if second == "new" and len(rest) == 2:
            self._allow(method, "PUT")
            if not isinstance(kind, DocumentKind):
                raise errors.template_unsupported(kind.name)
            body = read_body(request)
            if body is not None and not isinstance(body, dict):
                raise errors.ApiError(400, 2008, "Ошибка формата: запрос на шаблон не должен содержать массив")
            return ok(kind.template(ctx, body or {}))
        if second == "syncid" and len(rest) == 3:
            record_id = self._by_sync_id(kind, rest[2], method)
            return self._by_id(request, ctx, kind, record_id, method, query)
        if len(rest) == 2:
            return self._by_id(request, ctx, kind, second, method, query)
        if rest[2] == "positions" and isinstance(kind, DocumentKind):
            return self._positions(request, ctx, kind, second, rest[3:], method, query, path)
        raise errors.unknown_path(path)

    def _post(self, ctx: RenderContext, kind: EntityKind, body: Any, query: Query) -> Response:
        if body is None:
            raise errors.no_objects()
        expand = parse_expand(query.get("expand"))
        result = self.state.post(kind, body)
        if isinstance(result, list):
            rows: list[str] = []
            failed = False
            for item in result:
                if isinstance(item, errors.ApiError):
                    rows.append(dumps(item.body()))
                    failed = True
                elif expand:
                    rows.append(dumps(kind.render(ctx, item, expand)))
                else:
                    rows.append(kind.render_json(ctx, item))  # a batch answer can be 1000 rows: the fast path
            return ok_text("[" + ",".join(rows) + "]", status=self.state.batch_failure_status if failed else 200)
        return ok(kind.render(ctx, result, expand))

    def _by_sync_id(self, kind: EntityKind, sync_id: str, method: str) -> str:
        """``/entity/<type>/syncid/{syncId}`` addresses the entity created with that syncId."""
        for record in self.state.table(kind.name).values():
            if record.get("syncId") == sync_id.lower():
                return str(record["id"])
        if method == "DELETE":
            raise errors.not_found_empty()
        raise errors.not_found(kind.name, sync_id)

    def _by_id(self, request: Request, ctx: RenderContext, kind: EntityKind, entity_id: str, method: str,
               query: Query) -> Response:
        self._allow(method, "GET", "PUT", "DELETE")
        state = self.state
        if method == "DELETE":
            if state.table(kind.name).get(entity_id) is None:
                raise errors.not_found_empty()
            state.delete(kind, entity_id)
            return Response(status=200, body=b"", content_type=None)
        expand = parse_expand(query.get("expand"))
        if method == "PUT":
            return ok(kind.render(ctx, state.update(kind, entity_id, read_body(request)), expand))
        record = state.table(kind.name).get(entity_id)
        if record is None:
            raise errors.not_found(kind.name, entity_id)
        return ok(kind.render(ctx, record, expand))

    def _metadata(self, ctx: RenderContext, kind: EntityKind, rest: list[str], method: str, request: Request,
                  path: str) -> Response:
        state = self.state
        if not rest:
            self._allow(method, "GET")
            return ok(kind.metadata(ctx))
        if rest[0] == "attributes" and len(rest) == 1:
            self._allow(method, "GET")
            rows = [render_attribute(ctx, a) for a in attributes_of(state, kind.name)]
            return ok({"meta": {"href": f"{ctx.base}/{kind.list_path}/metadata/attributes",
                                "type": "attributemetadata", "mediaType": "application/json", "size": len(rows),
                                "limit": 1000, "offset": 0}, "rows": rows})
        if rest[0] == "attributes" and len(rest) == 2:
            self._allow(method, "GET")
            found = state.table("attribute").get(rest[1])
            if found is None or found["_entity"] != kind.name:
                raise errors.not_found("attributemetadata", rest[1])
            return ok(render_attribute(ctx, found))
        if rest[0] == "states" and len(rest) == 2 and isinstance(kind, DocumentKind):
            self._allow(method, "GET")
            record = state.table("state").get(rest[1])
            if record is None or record["entityType"] != kind.name:
                raise errors.not_found("state", rest[1])
            return ok(state.kinds["state"].render(ctx, record, {}))
        if kind.name == "variant" and rest[0] == "characteristics":
            char_kind = state.kinds["characteristic"]
            table = state.table("characteristic")
            if len(rest) == 1:
                self._allow(method, "GET", "POST")
                if method == "POST":
                    body = read_body(request)
                    if not isinstance(body, dict):
                        raise errors.object_expected()
                    name = body.get("name")
                    if not isinstance(name, str) or not name.strip():
                        raise errors.required("name")
                    ref = state.characteristic_by_name(name.strip(), create=True)
                    return ok(char_kind.render(ctx, table[ref.id], {}))
                return ok({"meta": {"href": f"{ctx.base}/entity/variant/metadata/characteristics",
                                    "type": "attributemetadata", "mediaType": "application/json",
                                    "size": len(table), "limit": 1000, "offset": 0},
                           "characteristics": [char_kind.render(ctx, r, {}) for r in table.values()]})
            if len(rest) == 2:
                self._allow(method, "GET")
                record = table.get(rest[1])
                if record is None:
                    raise errors.not_found("attributemetadata", rest[1])
                return ok(char_kind.render(ctx, record, {}))
        raise errors.unknown_path(path)

    # -- /entity/<doc>/{id}/positions -------------------------------------------------------------------
    def _positions(self, request: Request, ctx: RenderContext, kind: DocumentKind, doc_id: str, rest: list[str],
                   method: str, query: Query, path: str) -> Response:
        state = self.state
        document = state.table(kind.name).get(doc_id)
        if document is None:
            if method == "DELETE":
                raise errors.not_found_empty()
            raise errors.not_found(kind.name, doc_id)
        positions_path = f"{kind.list_path}/{doc_id}/positions"
        if not rest:
            self._allow(method, "GET", "POST")
            if method == "GET":
                shipped = kind.shipped_per_position(state, document)
                return ok(render_page(ctx, positions_path, kind.position_type, list(document["_positions"]), query,
                                      lambda p, expand: kind.render_position(ctx, document, p, expand, shipped)))
            body = read_body(request)
            items = body if isinstance(body, list) else [body]
            if body is None or not items:
                raise errors.no_objects()
            copy = kind.copy_record(document)
            added = []
            for item in items:
                position = new_position(state, kind, document)
                apply_position(state, kind, position, item, creating=True)
                copy["_positions"].append(position)
                added.append(position)
            if len(copy["_positions"]) > 1000:
                raise errors.too_many_nested("positions")
            saved = state.replace(kind, copy, document)
            shipped = kind.shipped_per_position(state, saved)
            rendered = [kind.render_position(ctx, saved, p, {}, shipped) for p in added]
            return ok(rendered if isinstance(body, list) else rendered[0])
        if rest == ["delete"]:
            self._allow(method, "POST")
            body = read_body(request)
            rows = position_rows(body)
            copy = kind.copy_record(document)
            results: list[dict[str, Any]] = []
            for item in rows:
                parsed = ref_from_href(((item or {}).get("meta") or {}).get("href")) if isinstance(item, dict) else None
                if parsed is None or parsed.table != "position":
                    results.append(errors.bad_href("meta").body())
                    continue
                before = len(copy["_positions"])
                copy["_positions"] = [p for p in copy["_positions"] if p["id"] != parsed.id]
                if len(copy["_positions"]) == before:
                    results.append(errors.not_found(kind.position_type, parsed.id).body())
                else:
                    results.append({"info": f"Сущность '{kind.position_type}' с UUID: {parsed.id} успешно удалена"})
            state.replace(kind, copy, document)
            return ok(results)
        if len(rest) == 1:
            self._allow(method, "GET", "PUT", "DELETE")
            position_id = rest[0]
            index = next((i for i, p in enumerate(document["_positions"]) if p["id"] == position_id), None)
            if index is None:
                if method == "DELETE":
                    raise errors.not_found_empty()
                raise errors.not_found(kind.position_type, position_id)
            if method == "GET":
                shipped = kind.shipped_per_position(state, document)
                return ok(kind.render_position(ctx, document, document["_positions"][index],
                                               parse_expand(query.get("expand")), shipped))
            copy = kind.copy_record(document)
            if method == "DELETE":
                del copy["_positions"][index]
                state.replace(kind, copy, document)
                return Response(status=200, body=b"", content_type=None)
            position = dict(copy["_positions"][index])
            apply_position(state, kind, position, read_body(request) or {}, creating=False)
            copy["_positions"][index] = position
            saved = state.replace(kind, copy, document)
            shipped = kind.shipped_per_position(state, saved)
            return ok(kind.render_position(ctx, saved, position, parse_expand(query.get("expand")), shipped))
        raise errors.unknown_path(path)
