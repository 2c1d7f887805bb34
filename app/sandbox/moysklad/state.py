"""The emulated account: every record, the indices, the stock ledger, and the Python API for tests.

All HTTP handling runs under :attr:`MoySkladState.lock` (one re-entrant lock per emulator); every public
method here takes it too, so tests may read and change data from any thread while clients are connected.
The Python API returns the same JSON the API would answer (hrefs built for the last ``Host`` seen).

List selections (the ordered records a ``filter``/``search``/``order`` matches) are cached between pages:
a client reading 56,000 variants in 1000-row pages would otherwise filter the whole table for every page.
The cache is keyed by the list's parameters and dropped whenever :attr:`MoySkladState.generation` moves.
The rule: **every change bumps the generation** — every store and delete of a record, every index and
stock-ledger change, every HTTP request other than GET/HEAD (the emulator bumps before and after
handling it), and every Python-API call (the ``locked`` decorator bumps, reads included). Filters reach
into other tables (a product's ``pathName`` reads its folders), so one global counter is the safe choice.
"""

from __future__ import annotations

import functools
import random
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, Concatenate, ParamSpec, TypeVar

from app.sandbox.moysklad import dictionaries, errors
from app.sandbox.moysklad.attributes import ATTRIBUTE_TYPES, attribute_ref, attributes_of, render_attribute
from app.sandbox.moysklad.auth import Credentials
from app.sandbox.moysklad.entities import EntityKind, RenderContext, build_kinds
from app.sandbox.moysklad.entities.documents import demand_contribution, order_contribution, return_contribution
from app.sandbox.moysklad.limits import RateLimiter
from app.sandbox.moysklad.refs import Ref, is_uuid, parse_href
from app.sandbox.moysklad.stock import Contribution, StockLedger
from app.sandbox.moysklad.timefmt import Clock

Record = dict[str, Any]
P = ParamSpec("P")
T = TypeVar("T")

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
TABLES = ("product", "service", "bundle", "variant", "productfolder", "uom", "currency", "pricetype",
          "characteristic", "store", "organization", "counterparty", "employee", "group", "customerorder", "demand",
          "salesreturn", "state", "attribute", "paymentin", "cashin", "paymentout", "cashout",
          "customentity", "customentityelement")
DEFAULT_BASE = "http://127.0.0.1/api/remap/1.2"
MAX_BATCH = 1000
SELECTION_CACHE_SIZE = 8  # a sync reads a few lists at once; each entry is one list of record references


def locked(method: Callable[Concatenate[MoySkladState, P], T]) -> Callable[Concatenate[MoySkladState, P], T]:
    """Run a Python-API method under the state lock; it may change anything, so cached lists are dropped."""

    @functools.wraps(method)
    def wrapper(self: MoySkladState, *args: P.args, **kwargs: P.kwargs) -> T:
        with self.lock:
            self.bump()
            try:
                return method(self, *args, **kwargs)
            finally:
                self.bump()

    return wrapper


class MoySkladState:
    """Data, indices and the write engine of one emulated MoySklad account."""

    def __init__(self, *, credentials: Credentials, limiter: RateLimiter, seed: int = 1,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = Clock(clock)
        self.credentials = credentials
        self.limiter = limiter
        self.kinds: dict[str, EntityKind] = build_kinds()
        self._rng = random.Random(f"moysklad-{seed}")
        self._tables: dict[str, dict[str, Record]] = {name: {} for name in TABLES}
        self._sync_ids: dict[str, dict[str, str]] = {name: {} for name in TABLES}
        self._variants_by_product: dict[str, list[str]] = {}
        self._demands_by_order: dict[str, list[str]] = {}
        self._doc_numbers: dict[str, int] = {}
        # moved by every change (see the module docstring); cached list selections are valid for one value
        self.generation = 0
        self._selections: OrderedDict[Hashable, tuple[int, list[Record]]] = OrderedDict()
        self.selection_hits = 0  # lists answered from the cache / computed afresh (tests and benchmarks read them)
        self.selection_misses = 0
        self.ledger = StockLedger(on_change=self.bump)
        self.settings: dict[str, Any] = {
            "discountStrategy": "bySum", "globalOperationNumbering": True, "checkShippingStock": False,
            "checkMinPrice": False, "useRecycleBin": True, "useCompanyAddress": False,
        }
        # status of a batch POST in which some items failed: OAS models 200, the WMK client saw 400
        self.batch_failure_status = 200
        # vatIncluded of a new document that does not say: the docs' minimal customer order comes back with
        # true (DOC:documents/_customerOrder); no source says it cannot be otherwise, so a test can set False
        # ("НДС сверху": sum = lines + VAT) to check a client never relies on the default
        self.vat_included_default = True
        # an outgoing payment may name a customer order in ``operations`` (entities/payments.py; False: refused,
        # as the official schema reads)
        self.outgoing_to_order = True
        self.last_base = DEFAULT_BASE
        self.account_id = self.new_id()
        # filled by seeding
        self.rub_ref: Ref = Ref.entity("currency", self.account_id)
        self.uom_ref: Ref = Ref.entity("uom", self.account_id)
        self.organization_ref: Ref = Ref.entity("organization", self.account_id)
        self.employee_ref: Ref = Ref.entity("employee", self.account_id)
        self.group_ref: Ref = Ref.entity("group", self.account_id)

    # -- ids and numbering ------------------------------------------------------------------------------
    def new_id(self) -> str:
        """A random (seeded, so repeatable) version-4 UUID, formatted by hand: it is on the seeding hot path."""
        bits = self._rng.getrandbits(128)
        bits = (bits & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
        h = f"{bits:032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def new_external_code(self) -> str:
        return "".join(self._rng.choices(_ALPHABET, k=22))

    def new_uuid_code(self) -> str:
        return self.new_id()

    def next_document_name(self, type_name: str) -> str:
        number = self._doc_numbers.get(type_name, 0) + 1
        self._doc_numbers[type_name] = number
        return f"{number:05d}"

    # -- change tracking and the list-selection cache ------------------------------------------------------
    def bump(self) -> None:
        """Note that something changed: every cached list selection is stale from now on."""
        self.generation += 1
        if self._selections:
            self._selections.clear()

    def selection(self, key: Hashable, compute: Callable[[], list[Record]]) -> list[Record]:
        """The records a list query matches, in order: cached per ``key`` while nothing changes.

        Callers must treat the returned list as read-only (it is shared with later pages)."""
        with self.lock:
            cached = self._selections.get(key)
            if cached is not None and cached[0] == self.generation:
                self._selections.move_to_end(key)
                self.selection_hits += 1
                return cached[1]
            self.selection_misses += 1
            generation = self.generation
            records = compute()
            if self.generation == generation:  # computing a selection must not change anything; be sure
                self._selections[key] = (generation, records)
                self._selections.move_to_end(key)
                while len(self._selections) > SELECTION_CACHE_SIZE:
                    self._selections.popitem(last=False)
            return records

    # -- tables -----------------------------------------------------------------------------------------
    def table(self, name: str) -> dict[str, Record]:
        return self._tables[name]

    def lookup(self, ref: Ref) -> Record | None:
        table = self._tables.get(ref.table)
        return table.get(ref.id) if table is not None else None

    def kind_of(self, ref: Ref) -> EntityKind | None:
        return self.kinds.get(ref.table)

    def context(self, base: str | None = None) -> RenderContext:
        """A render context for the Python API: nothing shared, so callers may edit what they get."""
        return RenderContext(self, base or self.last_base, share=False)

    def insert_seeded(self, kind_name: str, record: Record) -> None:
        """Store a record built by the seeder (already complete; no validation)."""
        self.bump()
        self._tables[kind_name][record["id"]] = record
        sync_id = record.get("syncId")
        if sync_id:
            self._sync_ids[kind_name][sync_id] = record["id"]

    # -- writes -----------------------------------------------------------------------------------------
    def create(self, kind: EntityKind, body: Any) -> Record:
        """Create one entity; a ``syncId`` that already exists returns that entity instead (idempotency)."""
        if not kind.creatable:
            raise errors.ApiError(405, 1011, f"Создание объектов типа '{kind.name}' не поддерживается")
        if not isinstance(body, dict):
            raise errors.object_expected()
        sync_id = body.get("syncId")
        if kind.sync_id and sync_id is not None:
            if not is_uuid(sync_id):
                raise errors.bad_uuid("syncId")
            existing = self._sync_ids[kind.name].get(str(sync_id).lower())
            if existing is not None:
                return self._tables[kind.name][existing]
        record = kind.new_record(self)
        kind.apply(self, record, body, creating=True)
        kind.check_required(record)
        kind.finish(self, record, None)
        self._store(kind, record, None)
        return record

    def update(self, kind: EntityKind, entity_id: str, body: Any) -> Record:
        old = self._tables[kind.name].get(entity_id)
        if old is None:
            raise errors.not_found(kind.name, entity_id)
        if isinstance(body, list):
            raise errors.array_not_allowed()
        if not isinstance(body, dict):
            raise errors.object_expected()
        record = kind.copy_record(old)
        kind.apply(self, record, body, creating=False)
        kind.check_required(record)
        kind.finish(self, record, old)
        if _changed(record, old):
            record["updated"] = self.clock.now()
            self._store(kind, record, old)
            return record
        return old

    def replace(self, kind: EntityKind, record: Record, old: Record) -> Record:
        """Store an already-modified copy of ``old`` (positions sub-resource, Python API edits)."""
        kind.check_required(record)
        kind.finish(self, record, old)
        record["updated"] = self.clock.now()
        self._store(kind, record, old)
        return record

    def _store(self, kind: EntityKind, record: Record, old: Record | None) -> None:
        self.bump()
        self._tables[kind.name][record["id"]] = record
        sync_id = record.get("syncId")
        if sync_id:
            self._sync_ids[kind.name][sync_id] = record["id"]
        kind.after_commit(self, record, old)

    def delete(self, kind: EntityKind, entity_id: str) -> Record:
        if not kind.deletable:
            raise errors.ApiError(405, 1010, f"Удаление объектов типа '{kind.name}' не поддерживается")
        record = self._tables[kind.name].get(entity_id)
        if record is None:
            raise errors.not_found(kind.name, entity_id)
        kind.before_delete(self, record)
        self.bump()
        del self._tables[kind.name][entity_id]
        sync_id = record.get("syncId")
        if sync_id:
            self._sync_ids[kind.name].pop(sync_id, None)
        kind.after_delete(self, record)
        return record

    def upsert_item(self, kind: EntityKind, item: Any) -> Record:
        """One element of a POST: with ``meta`` it updates that entity, without it creates one."""
        if not isinstance(item, dict):
            raise errors.object_expected()
        meta = item.get("meta")
        if meta is None:
            return self.create(kind, item)
        if not isinstance(meta, dict) or not meta.get("href"):
            raise errors.href_missing("meta")
        parsed = parse_href(meta["href"])
        if parsed is None:
            raise errors.bad_href("meta")
        if meta.get("type") not in (None, kind.name) or kind.name not in parsed.segments:
            raise errors.meta_type_mismatch("meta")
        return self.update(kind, parsed.id, item)

    def post(self, kind: EntityKind, body: Any) -> Record | list[Record | errors.ApiError]:
        """``POST /entity/<type>``: one object, or an array of up to 1000 (partial commit, errors in place)."""
        if isinstance(body, list):
            if len(body) > MAX_BATCH:
                raise errors.too_many_items()
            if not body:
                raise errors.no_objects()
            results: list[Record | errors.ApiError] = []
            for item in body:
                try:
                    results.append(self.upsert_item(kind, item))
                except errors.ApiError as exc:
                    results.append(exc)
            return results
        return self.upsert_item(kind, body)

    def delete_many(self, kind: EntityKind, body: Any) -> list[dict[str, Any]]:
        """``POST /entity/<type>/delete`` with ``[{"meta": …}, …]``."""
        if not isinstance(body, list):
            raise errors.wrong_type("body", "Array(Object)")
        if len(body) > MAX_BATCH:
            raise errors.too_many_items()
        results: list[dict[str, Any]] = []
        for item in body:
            try:
                meta = item.get("meta") if isinstance(item, dict) else None
                if not isinstance(meta, dict) or not meta.get("href"):
                    raise errors.href_missing("meta")
                parsed = parse_href(meta["href"])
                if parsed is None or kind.name not in parsed.segments:
                    raise errors.bad_href("meta")
                self.delete(kind, parsed.id)
                results.append({"info": f"Сущность '{kind.name}' с UUID: {parsed.id} успешно удалена"})
            except errors.ApiError as exc:
                results.append(exc.body())
        return results

    # -- indices used by the entity kinds -----------------------------------------------------------------
    def index_variant(self, record: Record | None, old: Record | None) -> None:
        self.bump()
        if old is None and record is not None:
            self._variants_by_product.setdefault(record["product"].id, []).append(record["id"])
        elif record is None and old is not None:
            ids = self._variants_by_product.get(old["product"].id, [])
            if old["id"] in ids:
                ids.remove(old["id"])
            self.ledger.remove_item(old["id"], self.clock.now())

    def variant_count(self, product_id: str) -> int:
        return len(self._variants_by_product.get(product_id, ()))

    def variants_of(self, product_id: str) -> list[Record]:
        table = self._tables["variant"]
        return [table[vid] for vid in self._variants_by_product.get(product_id, ()) if vid in table]

    def delete_variants_of(self, product_id: str) -> None:
        kind = self.kinds["variant"]
        for variant in self.variants_of(product_id):
            self.delete(kind, variant["id"])
        self.bump()
        self._variants_by_product.pop(product_id, None)
        self.ledger.remove_item(product_id, self.clock.now())

    def rename_variants_of(self, product: Record) -> None:
        kind = self.kinds["variant"]
        for variant in self.variants_of(product["id"]):
            self.replace(kind, kind.copy_record(variant), variant)

    def characteristic_by_name(self, name: str, *, create: bool) -> Ref:
        for record in self._tables["characteristic"].values():
            if record["name"].lower() == name.lower():
                ref: Ref = record["_ref"]
                return ref
        if not create:
            raise errors.not_found("attributemetadata", name)
        kind = self.kinds["characteristic"]
        record = kind.new_record(self)
        record["name"] = name
        kind.finish(self, record, None)
        self._store(kind, record, None)
        created: Ref = record["_ref"]
        return created

    def price_type_ids(self) -> list[str]:
        return list(self._tables["pricetype"])

    def default_price_type_ref(self) -> Ref:
        first = next(iter(self._tables["pricetype"].values()), None)
        if first is None:
            raise errors.required("priceType")
        ref: Ref = first["_ref"]
        return ref

    def default_store_ref(self) -> Ref:
        first = next(iter(self._tables["store"].values()))
        ref: Ref = first["_ref"]
        return ref

    def default_vat(self, assortment: Ref) -> int:
        record = self.lookup(assortment)
        if record is not None and assortment.type == "variant":
            record = self.lookup(record["product"])
        if record is None or not record.get("vatEnabled"):
            return 0
        return int(record.get("vat", 0))

    def states_of(self, entity_type: str) -> list[Record]:
        return [s for s in self._tables["state"].values() if s["entityType"] == entity_type]

    def index_demand(self, record: Record | None, old: Record | None) -> None:
        self.bump()
        old_order = old.get("customerOrder") if old else None
        new_order = record.get("customerOrder") if record else None
        if old_order is not None and (new_order is None or new_order.id != old_order.id or record is None):
            ids = self._demands_by_order.get(old_order.id, [])
            if old is not None and old["id"] in ids:
                ids.remove(old["id"])
        if new_order is not None and record is not None:
            ids = self._demands_by_order.setdefault(new_order.id, [])
            if record["id"] not in ids:
                ids.append(record["id"])

    def demands_of(self, order_id: str) -> list[Record]:
        table = self._tables["demand"]
        return [table[d] for d in self._demands_by_order.get(order_id, ()) if d in table]

    def shipped_by_assortment(self, order_id: str) -> dict[str, float]:
        shipped: dict[str, float] = {}
        for demand in self.demands_of(order_id):
            if not demand.get("applicable"):
                continue
            for position in demand.get("_positions", ()):
                aid = position["assortment"].id
                shipped[aid] = shipped.get(aid, 0.0) + position["quantity"]
        return shipped

    def returned_by_assortment(self, demand_id: str) -> dict[str, float]:
        """What the posted sales returns of one demand brought back, per item."""
        returned: dict[str, float] = {}
        for document in self._tables["salesreturn"].values():
            link = document.get("demand")
            if link is None or link.id != demand_id or not document.get("applicable"):
                continue
            for position in document.get("_positions", ()):
                aid = position["assortment"].id
                returned[aid] = returned.get(aid, 0.0) + position["quantity"]
        return returned

    def refresh_stock_for(self, document: Record, *, deleted: bool = False, old: Record | None = None) -> None:
        """Re-derive a document's stock effect (and, for a demand, its orders' reserves)."""
        now = self.clock.now()
        doc_type = document["_ref"].type
        if doc_type == "demand":
            contribution = None if deleted else Contribution(out=demand_contribution(document, self.lookup),
                                                             reserve={})
            self.ledger.apply(document["id"], contribution, now)
            orders = {ref.id for ref in (document.get("customerOrder"), old.get("customerOrder") if old else None)
                      if ref is not None}
            for order_id in orders:
                order = self._tables["customerorder"].get(order_id)
                if order is not None:
                    self._refresh_order(order, now)
        elif doc_type == "salesreturn":
            self.ledger.apply(document["id"], None if deleted else Contribution(out=return_contribution(document),
                                                                                reserve={}), now)
        elif doc_type == "customerorder":
            if deleted:
                self.ledger.apply(document["id"], None, now)
            else:
                self._refresh_order(document, now)

    def _refresh_order(self, order: Record, now: datetime) -> None:
        reserve = order_contribution(order, self.shipped_by_assortment(order["id"]))
        self.ledger.apply(order["id"], Contribution(out={}, reserve=reserve), now)

    def used_in_documents(self, item_id: str) -> bool:
        for table in ("customerorder", "demand", "salesreturn"):
            for document in self._tables[table].values():
                if any(p["assortment"].id == item_id for p in document.get("_positions", ())):
                    return True
        return False

    def refuse_if_referenced(self, record: Record, field: str) -> None:
        for table in ("customerorder", "demand", "salesreturn"):
            for document in self._tables[table].values():
                value = document.get(field)
                if isinstance(value, Ref) and value.id == record["id"]:
                    raise errors.in_use(record["_ref"].type)

    # == Python API for tests (thread-safe) ==================================================================
    def _render(self, kind_name: str, record: Record, expand: dict[str, Any] | None = None) -> dict[str, Any]:
        return self.kinds[kind_name].render(self.context(), record, expand or {})

    def _render_all(self, kind_name: str, records: Any) -> list[dict[str, Any]]:
        return [self._render(kind_name, r) for r in records]

    @locked
    def products(self) -> list[dict[str, Any]]:
        """Every product as ``GET /entity/product/{id}`` returns it."""
        return self._render_all("product", self._tables["product"].values())

    @locked
    def product(self, product_id: str) -> dict[str, Any] | None:
        record = self._tables["product"].get(product_id)
        return self._render("product", record) if record else None

    @locked
    def find_products(self, *, article: str | None = None, name: str | None = None, code: str | None = None,
                      external_code: str | None = None) -> list[dict[str, Any]]:
        """Products whose given fields all equal the values (exact match)."""
        wanted = {k: v for k, v in (("article", article), ("name", name), ("code", code),
                                    ("externalCode", external_code)) if v is not None}
        found = [r for r in self._tables["product"].values() if all(r.get(k) == v for k, v in wanted.items())]
        return self._render_all("product", found)

    @locked
    def variants(self, product_id: str | None = None) -> list[dict[str, Any]]:
        records = self.variants_of(product_id) if product_id else list(self._tables["variant"].values())
        return self._render_all("variant", records)

    @locked
    def variant(self, variant_id: str) -> dict[str, Any] | None:
        record = self._tables["variant"].get(variant_id)
        return self._render("variant", record) if record else None

    @locked
    def services(self, *, name: str | None = None) -> list[dict[str, Any]]:
        """Every service (or those named exactly ``name``) as ``GET /entity/service/{id}`` returns it."""
        found = [r for r in self._tables["service"].values() if name is None or r.get("name") == name]
        return self._render_all("service", found)

    @locked
    def service(self, service_id: str) -> dict[str, Any] | None:
        record = self._tables["service"].get(service_id)
        return self._render("service", record) if record else None

    @locked
    def bundles(self) -> list[dict[str, Any]]:
        """Every bundle with its components (``expand=components``)."""
        return [self._render("bundle", r, {"components": {}}) for r in self._tables["bundle"].values()]

    @locked
    def add_attribute(self, entity_type: str, name: str, *, type_name: str = "string",
                      required: bool = False, dictionary: str | None = None) -> dict[str, Any]:
        """An additional field of ``entity_type`` (only ``customerorder`` takes values here), as an account
        administrator adds one in the web app; see :mod:`app.sandbox.moysklad.attributes`. A ``customentity``
        one names its ``dictionary`` (an id from :meth:`add_dictionary`)."""
        if type_name not in ATTRIBUTE_TYPES:
            raise ValueError(f"unknown attribute type {type_name!r}")
        if (type_name == "customentity") != (dictionary is not None):
            raise ValueError("a customentity attribute, and only one, names its dictionary")
        if dictionary is not None and dictionary not in self._tables[dictionaries.DICTIONARIES]:
            raise KeyError(f"no dictionary {dictionary!r}")
        attribute_id = self.new_id()
        record = {"_ref": attribute_ref(entity_type, attribute_id), "id": attribute_id, "name": name,
                  "type": type_name, "required": required, "_entity": entity_type}
        if dictionary is not None:
            record["_dictionary"] = dictionary
        self.insert_seeded("attribute", record)
        return render_attribute(self.context(), record)

    @locked
    def add_dictionary(self, name: str, elements: list[str]) -> dict[str, Any]:
        """A user dictionary (справочник) with elements by name, as an administrator makes one in the web app;
        ``{"id", "name", "elements": [rendered element, …]}`` (see :mod:`app.sandbox.moysklad.dictionaries`)."""
        record = dictionaries.add(self, name, elements)
        ctx = self.context()
        return {"id": record["id"], "name": name,
                "elements": [dictionaries.render_element(ctx, e) for e in dictionaries.elements_of(self, record["id"])]}

    @locked
    def add_dictionary_element(self, dictionary_id: str, name: str) -> dict[str, Any]:
        """One more element in a dictionary (what a person does when a value is missing from it)."""
        return dictionaries.render_element(self.context(), dictionaries.add_element(self, dictionary_id, name))

    @locked
    def set_attribute_required(self, entity_type: str, name: str, required: bool) -> None:
        """Make an additional field required or optional (what the refusal's message asks a person to do)."""
        for record in attributes_of(self, entity_type):
            if record["name"] == name:
                record["required"] = required
                return
        raise KeyError(f"no attribute {name!r} on {entity_type}")

    @locked
    def attributes(self, entity_type: str) -> list[dict[str, Any]]:
        return [render_attribute(self.context(), r) for r in attributes_of(self, entity_type)]

    @locked
    def counterparties(self) -> list[dict[str, Any]]:
        return self._render_all("counterparty", self._tables["counterparty"].values())

    @locked
    def customer_orders(self) -> list[dict[str, Any]]:
        """Every order, with positions expanded (``expand=positions``)."""
        return [self._render("customerorder", r, {"positions": {}}) for r in self._tables["customerorder"].values()]

    @locked
    def find_customer_orders(self, *, external_code: str | None = None, name: str | None = None,
                             sync_id: str | None = None) -> list[dict[str, Any]]:
        wanted = {k: v for k, v in (("externalCode", external_code), ("name", name), ("syncId", sync_id))
                  if v is not None}
        found = [r for r in self._tables["customerorder"].values()
                 if all(r.get(k) == v for k, v in wanted.items())]
        return [self._render("customerorder", r, {"positions": {}}) for r in found]

    @locked
    def demands(self) -> list[dict[str, Any]]:
        return [self._render("demand", r, {"positions": {}}) for r in self._tables["demand"].values()]

    @locked
    def sales_returns(self) -> list[dict[str, Any]]:
        return [self._render("salesreturn", r, {"positions": {}}) for r in self._tables["salesreturn"].values()]

    @locked
    def money_documents(self, type_name: str) -> list[dict[str, Any]]:
        """Every ``paymentin`` / ``cashin`` / ``paymentout`` / ``cashout`` as the API returns it."""
        return self._render_all(type_name, self._tables[type_name].values())

    @locked
    def stores(self) -> list[dict[str, Any]]:
        return self._render_all("store", self._tables["store"].values())

    @locked
    def store_by_name(self, name: str) -> dict[str, Any] | None:
        for record in self._tables["store"].values():
            if record["name"] == name:
                return self._render("store", record)
        return None

    @locked
    def state_by_name(self, name: str, entity_type: str = "customerorder") -> dict[str, Any] | None:
        for record in self.states_of(entity_type):
            if record["name"] == name:
                return self._render("state", record)
        return None

    @locked
    def organization(self) -> dict[str, Any]:
        return self._render("organization", next(iter(self._tables["organization"].values())))

    @locked
    def price_types(self) -> list[dict[str, Any]]:
        return self._render_all("pricetype", self._tables["pricetype"].values())

    @locked
    def stock(self, assortment_id: str) -> dict[str | None, dict[str, float]]:
        """``{store_id or None: {"stock", "reserve", "freeStock"}}`` for one product or variant."""
        result: dict[str | None, dict[str, float]] = {}
        for store in sorted(self.ledger.keys_by_item.get(assortment_id, ()), key=lambda s: s or ""):
            stock, reserve = self.ledger.values((assortment_id, store))
            result[store] = {"stock": stock, "reserve": reserve, "freeStock": stock - reserve}
        return result

    @locked
    def set_stock(self, assortment_id: str, store_id: str, quantity: float) -> None:
        """Make the stock at one store equal ``quantity`` (as an inventory would); moves ``changed_at``."""
        if assortment_id not in self._tables["product"] and assortment_id not in self._tables["variant"]:
            raise KeyError(f"no product or variant {assortment_id}")
        if store_id not in self._tables["store"]:
            raise KeyError(f"no store {store_id}")
        self.ledger.set_stock((assortment_id, store_id), float(quantity), self.clock.now())

    @locked
    def rename_article(self, old_article: str, new_article: str, *, product_id: str | None = None) -> int:
        """Change the article of every product that has ``old_article`` (or just ``product_id``); bumps
        ``updated``. Returns how many products changed."""
        kind = self.kinds["product"]
        changed = 0
        for record in list(self._tables["product"].values()):
            if record.get("article") != old_article or (product_id is not None and record["id"] != product_id):
                continue
            copy = kind.copy_record(record)
            copy["article"] = new_article
            self.replace(kind, copy, record)
            changed += 1
        return changed

    @locked
    def update_entity(self, type_name: str, entity_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a PUT body (same rules and errors as the API) and return the result."""
        kind = self.kinds[type_name]
        return self._render(type_name, self.update(kind, entity_id, body))

    @locked
    def create_entity(self, type_name: str, body: dict[str, Any]) -> dict[str, Any]:
        """Create like a POST of one object would (validation included)."""
        kind = self.kinds[type_name]
        return self._render(type_name, self.create(kind, body))

    @locked
    def delete_entity(self, type_name: str, entity_id: str) -> None:
        self.delete(self.kinds[type_name], entity_id)

    @locked
    def add_product(self, name: str, article: str | None = None, *, price: float = 0.0, buy_price: float = 0.0,
                    code: str | None = None, external_code: str | None = None, barcode: str | None = None,
                    folder_id: str | None = None, stock: dict[str, float] | None = None) -> dict[str, Any]:
        """A new product (prices in kopecks: ``price`` is the first price type). ``stock`` maps store id →
        quantity on hand."""
        base = self.last_base
        body: dict[str, Any] = {"name": name, "buyPrice": {"value": float(buy_price)},
                                "salePrices": [{"value": float(price)}]}
        for key, value in (("article", article), ("code", code), ("externalCode", external_code)):
            if value is not None:
                body[key] = value
        if barcode is not None:
            body["barcodes"] = [{"ean13": barcode}]
        if folder_id is not None:
            body["productFolder"] = {"meta": {"href": f"{base}/entity/productfolder/{folder_id}",
                                              "type": "productfolder"}}
        record = self.create(self.kinds["product"], body)
        for store_id, quantity in (stock or {}).items():
            self.set_stock(record["id"], store_id, quantity)
        return self._render("product", record)

    def revoke_tokens(self) -> None:
        """Invalidate every access token (clients must fetch a new one with Basic auth)."""
        self.credentials.revoke_tokens()

    def issue_token(self) -> str:
        """What ``POST /security/token`` does: a new token that revokes the earlier ones."""
        return self.credentials.issue_token()

    def unlock(self) -> None:
        """Lift the automatic lock-out of users that got too many 429s."""
        self.limiter.unlock()

    @locked
    def counts(self) -> dict[str, int]:
        """Number of records per entity type."""
        return {name: len(self._tables[name]) for name in TABLES}

    def set_clock(self, moment: datetime | None) -> None:
        """Pin the emulator's "now" (naive MSK), or None to follow the wall clock again."""
        self.clock.set(moment)

    def advance_clock(self, seconds: float) -> datetime:
        return self.clock.advance(seconds)

    def now(self) -> datetime:
        return self.clock.now()


def _changed(record: Record, old: Record) -> bool:
    keys = (set(record) | set(old)) - {"updated"}
    return any(record.get(k) != old.get(k) for k in keys)
