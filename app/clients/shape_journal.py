"""The answer-shape journal: what the real services answer, as *shapes*, never as values.

Nobody building Svyazka can reach a real account, so every run quietly notes, per endpoint, the keys, JSON
types and nesting of each answer, whether a value was null, empty or present, the HTTP status codes and error
codes with their counts, and the headers that matter (rate-limit headers, ``Content-Encoding``). Only a short
allow-list of enum-like fields (:data:`ENUM_KEYS`) keeps its distinct values, capped; nothing else keeps a
value: no names, phones, e-mails, prices, ids or keys. A support bundle (:mod:`app.support_bundle`) carries
the journal; ``python -m app.sandbox.shapes compare`` holds it against the sandbox.

Fed by one hook in :class:`app.clients.http.HttpCore` (``stats.shapes``); kept in memory during a run and
merged into one JSON file per profile in the data folder when the run ends (:meth:`ShapeJournal.save`),
written atomically, bounded in size (:data:`MAX_NODES`, :data:`MAX_ENDPOINTS`, :data:`MAX_VALUES`).

Cost: parsed answers (RetailCRM pages of ≤ 100 records) are walked as they are: the first
:data:`FULL_ANSWERS` of an endpoint in a run whole (a reference list once, whole), later ones only the first
:data:`ITEMS_PER_ARRAY` elements of each array, and past :data:`SHAPED_ANSWERS` answers of one endpoint in a run
only one answer in :data:`SHAPE_EVERY` (a 50,000-offer catalog is 500 pages of the same shape). MoySklad's big
list answers reach the client as raw bytes and are decoded row by row by the client itself
(``moysklad._ListAnswer``); re-parsing them here would double the work, so only the head of such an answer is
decoded: its members before ``rows`` and the first :data:`RAW_ROWS` rows (a list is many pages, so the sample
covers many rows over a run).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

VERSION = 1
FOLDER = "shapes"  # inside the data folder

# Fields whose distinct values are kept (capped): codes a service defines or a shop picks from a list, never
# a person's data. RetailCRM: status/group codes (References/testStatuses.json), `inventoryType`
# (References/testStores.json), `catalogId` (References/testSites.json), `contragentType`; MoySklad: `type`
# in every `meta` (shared/docs/moysklad-api.md), `companyType` of counterparties (moysklad-openapi).
ENUM_KEYS = frozenset({"status", "group", "inventoryType", "catalogId", "type", "companyType", "contragentType"})
MAX_VALUES = 20  # distinct values kept per enum field
MAX_VALUE_LENGTH = 40  # a longer "code" is not a code: not kept
MAX_NODES = 4000  # keys and elements per endpoint; past it new keys are not added (``truncated``)
MAX_ENDPOINTS = 300
MAX_DEPTH = 16
FULL_ANSWERS = 3  # per endpoint and run, the first answers are walked whole (every element of every array) …
ITEMS_PER_ARRAY = 10  # … later ones only the first elements of each array (a page's first records, each page)
SHAPED_ANSWERS = 20  # per endpoint and run, every answer's body is shaped up to this many; then one in
SHAPE_EVERY = 10  # this many (statuses, error codes and headers are still counted for every answer)
RAW_ROWS = 10  # rows decoded from the head of a raw (streamed) answer
RAW_HEAD_BYTES = 128 * 1024  # and never more than this much of its text
MAX_ERROR_CODES = 50

# Objects keyed by a code or an id (RetailCRM references keyed by code, payments by id, custom fields by
# their code: References/*.json, Orders/testGet.json): their values are merged as one shape, their keys
# (account data) are not kept.
MAP_KEYS = frozenset({
    "sites", "statuses", "statusGroups", "deliveryTypes", "deliveryServices", "paymentTypes", "paymentStatuses",
    "orderMethods", "orderTypes", "productStatuses", "payments", "customFields", "properties", "errors",
    "legalEntities", "couriers", "units", "countries", "currencies", "stores", "priceTypes",
})
_ID_KEY = re.compile(r"^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$", re.IGNORECASE)
_ID_SEGMENT = re.compile(r"^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})$",
                         re.IGNORECASE)

# Headers worth knowing (shared/docs/moysklad-api.md §rate limits: X-RateLimit-*, X-Lognex-Retry-*, X-Lognex-Reset;
# RetailCRM's 503 may carry Retry-After); only these keep their values:
VALUE_HEADERS = frozenset({"content-encoding", "x-ratelimit-limit", "x-lognex-retry-timeinterval"})
_COUNTED_HEADER = re.compile(r"ratelimit|retry|lognex-reset|lognex-auth$|content-encoding", re.IGNORECASE)

# The JSON types, with null and empty told apart from present.
NULL, EMPTY_STRING, STRING, NUMBER, BOOLEAN = "null", "empty string", "string", "number", "boolean"
OBJECT, EMPTY_OBJECT, ARRAY, EMPTY_ARRAY = "object", "empty object", "array", "empty array"

_log = logging.getLogger("app.clients.shapes")

Node = dict[str, Any]  # {"types": {type: n}, "keys": {k: Node}, "items": Node, "map": bool, "values": {v: n}}


def journal_path(data_dir: Path, profile_id: int) -> Path:
    """Where a profile's journal lives in the data folder."""
    return Path(data_dir) / FOLDER / f"profile-{profile_id}.json"


def endpoint_label(endpoint: str) -> str:
    """``GET entity/product/<uuid>`` → ``GET entity/product/{id}``: an endpoint never carries an id."""
    method, _, path = endpoint.partition(" ")
    parts = ["{id}" if _ID_SEGMENT.match(p) else p for p in path.split("/")]
    return f"{method} {'/'.join(parts)}".strip()


def _empty_endpoint() -> dict[str, Any]:
    return {"answers": 0, "statuses": {}, "errors": {}, "headers": {}, "body": {}, "nodes": 0, "truncated": False}


class _Budget:
    def __init__(self, entry: dict[str, Any]) -> None:
        self.entry = entry

    def take(self) -> bool:
        if self.entry["nodes"] >= MAX_NODES:
            self.entry["truncated"] = True
            return False
        self.entry["nodes"] += 1
        return True


def _bump(counts: dict[str, int], key: str, by: int = 1) -> None:
    counts[key] = counts.get(key, 0) + by


def _type_of(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, str):
        return STRING if value else EMPTY_STRING
    if isinstance(value, Mapping):
        return OBJECT if value else EMPTY_OBJECT
    if isinstance(value, list):
        return ARRAY if value else EMPTY_ARRAY
    return type(value).__name__


def _enum_value(value: Any) -> str | None:
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float | str):
        text = value if isinstance(value, str) else json.dumps(value)
        return text if len(text) <= MAX_VALUE_LENGTH else None
    return None


def _walk(node: Node, value: Any, key: str, depth: int, budget: _Budget, items: int | None) -> None:
    kind = _type_of(value)
    _bump(node.setdefault("types", {}), kind)
    if key in ENUM_KEYS and kind in (STRING, NUMBER, BOOLEAN):
        _note_value(node, _enum_value(value))
    if depth >= MAX_DEPTH:
        return
    if kind == OBJECT:
        # keyed by ids: judged by the first key (a regex per key of every object would cost more than the walk)
        if key in MAP_KEYS or (_ID_KEY.match(str(next(iter(value)))) and all(_ID_KEY.match(str(k)) for k in value)):
            node["map"] = True
            item = node.get("items")
            for inner in list(value.values())[:items]:
                if item is None:
                    if not budget.take():
                        return
                    item = node["items"] = {}
                _walk(item, inner, "", depth + 1, budget, items)
            return
        keys = node.setdefault("keys", {})
        for name, inner in value.items():
            name = str(name)
            child = keys.get(name)
            if child is None:
                if not budget.take():
                    continue
                child = keys[name] = {}
            _walk(child, inner, name, depth + 1, budget, items)
    elif kind == ARRAY:
        item = node.get("items")
        for inner in value[:items]:
            if item is None:
                if not budget.take():
                    return
                item = node["items"] = {}
            # an array of codes (e.g. a group's "statuses") is an enum only under its own name
            _walk(item, inner, key if not isinstance(inner, Mapping | list) else "", depth + 1, budget, items)


def _note_value(node: Node, text: str | None) -> None:
    if text is None:
        return
    values = node.setdefault("values", {})
    if text in values:
        values[text] += 1
    elif len(values) < MAX_VALUES:
        values[text] = 1
    else:
        node["values_capped"] = True


def _merge_node(into: Node, other: Node, budget: _Budget) -> None:
    for kind, count in other.get("types", {}).items():
        _bump(into.setdefault("types", {}), kind, count)
    for text, count in other.get("values", {}).items():
        values = into.setdefault("values", {})
        if text in values or len(values) < MAX_VALUES:
            _bump(values, text, count)
        else:
            into["values_capped"] = True
    if other.get("values_capped"):
        into["values_capped"] = True
    if other.get("map"):
        into["map"] = True
    for name, child in other.get("keys", {}).items():
        keys = into.setdefault("keys", {})
        if name not in keys:
            if not budget.take():
                continue
            keys[name] = {}
        _merge_node(keys[name], child, budget)
    if "items" in other:
        if "items" not in into:
            if not budget.take():
                return
            into["items"] = {}
        _merge_node(into["items"], other["items"], budget)


def merge(into: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """Merge journal ``other`` into ``into`` (both the JSON form); returns ``into``."""
    services = into.setdefault("services", {})
    for service, endpoints in other.get("services", {}).items():
        mine = services.setdefault(service, {})
        for label, entry in endpoints.items():
            if label not in mine:
                if sum(len(e) for e in services.values()) >= MAX_ENDPOINTS:
                    continue
                mine[label] = _empty_endpoint()
            target = mine[label]
            target["answers"] += entry.get("answers", 0)
            for status, count in entry.get("statuses", {}).items():
                _bump(target["statuses"], status, count)
            for code, count in entry.get("errors", {}).items():
                if code in target["errors"] or len(target["errors"]) < MAX_ERROR_CODES:
                    _bump(target["errors"], code, count)
            for name, header in entry.get("headers", {}).items():
                mine_header = target["headers"].setdefault(name, {"count": 0})
                mine_header["count"] += header.get("count", 0)
                for text, count in header.get("values", {}).items():
                    values = mine_header.setdefault("values", {})
                    if text in values or len(values) < MAX_VALUES:
                        _bump(values, text, count)
            if entry.get("truncated"):
                target["truncated"] = True
            _merge_node(target["body"], entry.get("body", {}), _Budget(target))
    return into


def _sample_raw(body: bytes | bytearray) -> Any:
    """The head of a raw JSON answer, decoded: a list answer's members before (and including) its first
    :data:`RAW_ROWS` rows, or an array's first :data:`RAW_ROWS` items. Never the whole answer."""
    text = bytes(body[:RAW_HEAD_BYTES]).decode("utf-8", errors="ignore")
    decoder = json.JSONDecoder()
    space = re.compile(r"[ \t\n\r]*")

    def skip(at: int) -> int:
        return space.match(text, at).end()  # type: ignore[union-attr]

    def items(at: int) -> list[Any]:
        found: list[Any] = []
        at = skip(at + 1)
        while len(found) < RAW_ROWS and text[at : at + 1] not in ("]", ""):
            try:
                item, at = decoder.raw_decode(text, at)
            except ValueError:
                break  # the head ends mid-row
            found.append(item)
            at = skip(at)
            if text[at : at + 1] == ",":
                at = skip(at + 1)
        return found

    at = skip(0)
    if text[at : at + 1] == "[":
        return items(at)
    result: dict[str, Any] = {}
    if text[at : at + 1] != "{":
        return None
    at = skip(at + 1)
    try:
        while text[at : at + 1] not in ("}", ""):
            key, at = decoder.raw_decode(text, at)
            at = skip(skip(at) + 1)  # past the colon
            if text[at : at + 1] == "[":
                result[str(key)] = items(at)
                break  # the rest follows the sampled rows; it is not read
            value, at = decoder.raw_decode(text, at)
            result[str(key)] = value
            at = skip(at)
            if text[at : at + 1] == ",":
                at = skip(at + 1)
    except ValueError:
        pass
    return result


class ShapeJournal:
    """One run's journal (thread-safe: pages are read by several threads), saved into ``path``."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._data: dict[str, Any] = {"version": VERSION, "services": {}}
        self._seen: dict[tuple[str, str], int] = {}

    def note(self, service: str, endpoint: str, status: int, headers: Mapping[str, str], body: Any) -> None:
        """One final answer: ``body`` is the parsed JSON, raw bytes (sampled) or None. Never raises."""
        try:
            label = endpoint_label(endpoint)
            with self._lock:
                seen = self._seen[(service, label)] = self._seen.get((service, label), 0) + 1
            if seen > SHAPED_ANSWERS and seen % SHAPE_EVERY:
                body = None  # counted below, not shaped
            elif isinstance(body, bytes | bytearray):
                body = _sample_raw(body)
            with self._lock:
                self._note(service, label, status, headers, body, None if seen <= FULL_ANSWERS else ITEMS_PER_ARRAY)
        except Exception:  # the journal must never break a request
            _log.debug("shape journal: answer of %s not noted", endpoint, exc_info=True)

    def _note(self, service: str, label: str, status: int, headers: Mapping[str, str], body: Any,
              items: int | None) -> None:
        endpoints = self._data["services"].setdefault(service, {})
        entry = endpoints.get(label)
        if entry is None:
            if sum(len(e) for e in self._data["services"].values()) >= MAX_ENDPOINTS:
                return
            entry = endpoints[label] = _empty_endpoint()
        entry["answers"] += 1
        _bump(entry["statuses"], str(status))
        for name, value in headers.items():
            if _COUNTED_HEADER.search(name):
                header = entry["headers"].setdefault(name.lower(), {"count": 0})
                header["count"] += 1
                if name.lower() in VALUE_HEADERS and len(value) <= MAX_VALUE_LENGTH:
                    values = header.setdefault("values", {})
                    if value in values or len(values) < MAX_VALUES:
                        _bump(values, value)
        if status >= 400 and isinstance(body, Mapping):
            # MoySklad: {"errors": [{"code": 1049, …}]} (shared/docs/moysklad-api.md); RetailCRM has no codes
            for error in body.get("errors", []) if isinstance(body.get("errors"), list) else []:
                code = error.get("code") if isinstance(error, Mapping) else None
                text = _enum_value(code)
                if text is not None and (text in entry["errors"] or len(entry["errors"]) < MAX_ERROR_CODES):
                    _bump(entry["errors"], text)
        if body is not None:
            _walk(entry["body"], body, "", 0, _Budget(entry), items)

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of what this run noted (JSON form)."""
        with self._lock:
            return json.loads(json.dumps(self._data))

    def save(self) -> Path | None:
        """Merge this run into the file (atomically: a temp file then a rename); None if nothing to save or the
        file could not be written (logged: a journal is never worth failing a run)."""
        if self.path is None:
            return None
        mine = self.snapshot()
        if not mine["services"]:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            merged = merge(load(self.path), mine)
            handle, temp = tempfile.mkstemp(prefix=".shapes-", suffix=".tmp", dir=self.path.parent)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as file:
                    json.dump(merged, file, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
                os.replace(temp, self.path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            _log.warning("shape journal not saved to %s: %s", self.path, exc)
            return None
        return self.path


def load(path: Path) -> dict[str, Any]:
    """A journal file (an empty journal when it is missing, unreadable or of another version)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": VERSION, "services": {}}
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("services"), dict):
        return {"version": VERSION, "services": {}}
    return data
