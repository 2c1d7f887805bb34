"""Edits on both sides (issue 15, item 3): a person's change to a MoySklad order is never undone silently.

What Svyazka last wrote to each customer order is remembered as its *content* (``db.pushed`` target
``order_written``): the fields a person may edit in MoySklad — positions (assortment, quantity, price,
discount; not the reserve, which follows the status), the description and the shipment address; not the
state or the store. It is taken from MoySklad's answer to the write when that answer carries the positions
(``expand=positions`` on the POST/PUT: "Expand also works on create/update responses", moysklad-api.md §4;
no extra request), else from the body sent, read the same way (a batch answer without rows: whether a large
batch honours expand is not documented), so Svyazka's own write never looks like a person's edit.

Plan (:func:`plan`), for each linked order RetailCRM changed: its MoySklad order is read (one request per 100
ids, ``expand=positions.assortment``) and :func:`judge` decides:

* unchanged in MoySklad: updated as before;
* changed in MoySklad and RetailCRM's content changed too: a conflict ``order_changed_both_sides``; nothing
  is written to the order while it is open (the order waits, so it is looked at every run);
* changed in MoySklad, RetailCRM changed only the status: only the state (and store) goes, with MoySklad's
  own positions when the reserve rule changes (the order moved into or out of the cancel/complete groups);
* nothing remembered (written by an older version): the old full fingerprint (``order``) is compared with
  MoySklad's order, its state taken as the one last sent; a difference counts as a change in MoySklad.

The person's decision (``use_retailcrm`` / ``use_moysklad``) is carried out by the next run and then marked
``done`` in the resolution, so a later change on both sides opens the conflict again.

A change made only in MoySklad (:func:`plan_changed`): customer orders changed there since the last run are
read (the statuses-back read when that flow is on, else one request of our own per run with a cursor); an
order whose content differs from what was written is left as it is and the journal says so once per change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from app.clients.moysklad_filter import Filter
from app.clients.parsing import as_list, as_map, decimal, kopecks, meta_id, text, timestamp
from app.messages import msg
from app.money import rub
from app.sync.conflict_key import ConflictKey
from app.sync.model import Flow, Level
from app.sync.orders.cursors import CURSOR_FLOW
from app.sync.orders.fingerprints import fingerprint_of_entity
from app.sync.orders.mapping import DELIVERY, MappedOrder, positions_body
from app.sync.orders.work import PUSHED_STATE, PUSHED_TARGET, OrderUpdate, chunks, label, ms_order_url
from app.vocab import ConflictKind, ResolutionAction

if TYPE_CHECKING:
    from app.clients.retailcrm_models import Order
    from app.sync.orders.apply import Applier
    from app.sync.orders.plan import Planner

PUSHED_WRITTEN = "order_written"  # RetailCRM order id -> JSON of :class:`Written`
CURSOR_NAME = "edits_since"  # MoySklad's ``updated`` of the newest order looked at (reverse flow off)
KIND = ConflictKind.ORDER_CHANGED_BOTH_SIDES
READ_BATCH = 100  # ids per read: a list with expand is at most 100 rows a page (moysklad-api.md §4)
EXPAND = "positions.assortment"  # the positions and their names, for the conflict's two sides
WRITE_EXPAND = "positions"  # on a create or update: the answer carries the positions as saved
INACTIVE_GROUPS = frozenset({"complete", "cancel"})  # as decide.py: orders there hold no reserve


# -- content ---------------------------------------------------------------------------------------------------


def _plain(value: Decimal) -> str:
    normalized = value.normalize()
    return format(normalized, "f") if normalized != 0 else "0"


def _content(rows: Iterable[Any], description: Any, address: Any, delivery_service_id: str | None) -> str:
    """The hash of what a person may edit, read the way fingerprints.fingerprint_of_entity reads positions;
    the positions' order does not count."""
    positions = []
    for raw in rows:
        row = as_map(raw)
        assortment = as_map(row.get("assortment"))
        kind = text(as_map(assortment.get("meta")).get("type")) or ""
        assortment_id = meta_id(assortment) or ""
        if kind == "service" and assortment_id == delivery_service_id:
            assortment_id = DELIVERY
        positions.append([
            kind, assortment_id, _plain(decimal(row.get("quantity")) or Decimal(0)),
            str(int(rub(kopecks(row.get("price")) or Decimal(0)) * 100)),
            _plain(decimal(row.get("discount")) or Decimal(0)),
        ])
    data = {"description": text(description) or "", "address": text(address) or "", "positions": sorted(positions)}
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def expanded_rows(entity: Mapping[str, Any]) -> list[Any] | None:
    """The positions of a customer order as MoySklad returned it, or None when they were not expanded (only
    their ``meta`` came: moysklad-api.md §4, nested collections without expand)."""
    positions = as_map(entity.get("positions"))
    if "rows" not in positions:
        return None
    return as_list(positions.get("rows"))


def content_of_entity(entity: Mapping[str, Any], delivery_service_id: str | None) -> str | None:
    """The content of a customer order read with ``expand=positions`` (None: positions not expanded)."""
    rows = expanded_rows(entity)
    if rows is None:
        return None
    return _content(rows, entity.get("description"), entity.get("shipmentAddress"), delivery_service_id)


def content_of_body(body: Mapping[str, Any], delivery_service_id: str | None) -> str:
    """The content of a body Svyazka sends (create_body / update_body: ``positions`` a list)."""
    return _content(as_list(body.get("positions")), body.get("description"), body.get("shipmentAddress"),
                    delivery_service_id)


def content_of_mapped(p: Planner, mapped: MappedOrder) -> str:
    """The content RetailCRM's order would write now (the positions as update_body would send them)."""
    service_id = p.work.delivery.service_id if p.work.delivery.available else None
    rows = positions_body(mapped, p.ms.meta, service_id)
    return _content(rows, mapped.description, mapped.shipment_address, service_id)


@dataclass
class Written:
    """What Svyazka last wrote to one customer order."""

    ms: str  # the content as MoySklad saved it
    rc: str  # the content RetailCRM's order had then (what was sent)
    updated: str = ""  # MoySklad's ``updated`` in the answer to that write ("" unknown)
    noted: str = ""  # a content changed in MoySklad that the journal has named already
    seen: str = ""  # MoySklad's ``updated`` of that noted change

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def load(cls, value: str | None) -> Written | None:
        if not value:
            return None
        try:
            data = json.loads(value)
        except ValueError:
            return None
        if not isinstance(data, dict) or not data.get("ms"):
            return None
        return cls(ms=str(data["ms"]), rc=str(data.get("rc") or ""), updated=str(data.get("updated") or ""),
                   noted=str(data.get("noted") or ""), seen=str(data.get("seen") or ""))


# -- the decision ----------------------------------------------------------------------------------------------


class Verdict(StrEnum):
    UPDATE = "update"  # write RetailCRM's order as before
    KEEP = "keep"  # MoySklad's content stays: only the state (and store) goes
    CONFLICT = "conflict"  # both changed: a person decides; nothing is written
    LEAVE = "leave"  # the person chose to ignore the conflict: nothing is written


def judge(*, written: Written | None, ms_now: str, rc_now: str, old_matches: bool, action: str | None) -> Verdict:
    """Pure: what to do with a linked order RetailCRM changed. ``written``: what was remembered (None: an
    older version wrote it); ``old_matches``: without ``written``, MoySklad's order still equals the old full
    fingerprint; ``action``: the person's open decision on this order's conflict, if any."""
    if action == ResolutionAction.USE_RETAILCRM:
        return Verdict.UPDATE
    if action == ResolutionAction.USE_MOYSKLAD:
        return Verdict.KEEP
    if ms_now == rc_now:
        # MoySklad has RetailCRM's content already: our write whose record a crash lost, or the same edit made
        # on both sides; nothing to ask
        return Verdict.UPDATE
    if written is None:
        if old_matches:
            return Verdict.UPDATE
        # what RetailCRM had at the last write is unknown: a status-only change cannot be told apart
        return Verdict.LEAVE if action == ResolutionAction.IGNORE else Verdict.CONFLICT
    if rc_now == written.rc and (ms_now != written.ms or written.ms != written.rc):
        # RetailCRM's content is as last sent, MoySklad's is its own (edited there, or kept there as decided):
        # only the state goes
        return Verdict.KEEP
    if ms_now == written.ms:
        return Verdict.UPDATE
    return Verdict.LEAVE if action == ResolutionAction.IGNORE else Verdict.CONFLICT


@dataclass
class Keep:
    """An update that keeps MoySklad's content (:attr:`OrderUpdate.edit`)."""

    ms_content: str
    rc_content: str
    positions: list[dict[str, Any]] | None = None  # MoySklad's own positions, reserves per the rule; None: not sent
    rebase: bool = False  # use_moysklad: MoySklad's content becomes the baseline


@dataclass
class Pending:
    """The plan's findings for apply (``Work.edits``)."""

    rc_content: dict[int, str] = field(default_factory=dict)  # rc id -> RetailCRM's content, for updates
    settle: dict[int, str] = field(default_factory=dict)  # rc id -> conflict key whose decision is carried out
    noted: dict[int, Written] = field(default_factory=dict)  # records to store: a MoySklad-only change named
    cursor: str | None = None  # our own cursor (reverse flow off)


def pending(p: Planner) -> Pending:
    if not isinstance(p.work.edits, Pending):
        p.work.edits = Pending()
    return p.work.edits


# -- plan ------------------------------------------------------------------------------------------------------


def read_orders(p: Planner, ms_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Customer orders by id with their positions: one request per up to 100 ids."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(sorted(set(ms_ids)), READ_BATCH):
        for row in p.ms.find_by_values("customerorder", "id", chunk, expand=EXPAND):
            ms_id = text(row.get("id"))
            if ms_id:
                found[ms_id] = row
    return found


def _old_matches(row: Mapping[str, Any], pushed: str | None, state: str | None, service_id: str | None) -> bool:
    """An order an older version wrote: MoySklad's order still equals the full fingerprint last sent, its
    state taken as the one last sent (a state is not content; statuses back follow it)."""
    if not pushed:
        return False
    entity = dict(row)
    if state:
        entity["state"] = {"id": state}  # meta_id reads an object's own id first
    return fingerprint_of_entity(entity, service_id) == pushed


def lines_of_mapped(mapped: MappedOrder) -> list[dict[str, Any]]:
    return [{"name": pos.label or pos.assortment_id, "quantity": float(pos.quantity),
             "price": float(rub(pos.price * (100 - pos.discount) / 100))} for pos in mapped.positions]


def lines_of_entity(entity: Mapping[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for raw in expanded_rows(entity) or []:
        row = as_map(raw)
        assortment = as_map(row.get("assortment"))
        price = kopecks(row.get("price")) or Decimal(0)
        discount = decimal(row.get("discount")) or Decimal(0)
        lines.append({"name": text(assortment.get("name")) or meta_id(assortment) or "",
                      "quantity": float(decimal(row.get("quantity")) or 0),
                      "price": float(rub(price * (100 - discount) / 100))})
    return lines


def _active(p: Planner, order: Order) -> bool:
    status = p.statuses.get(order.status or "")
    return (status.group if status is not None else None) not in INACTIVE_GROUPS


def own_positions(row: Mapping[str, Any], active: bool) -> list[dict[str, Any]] | None:
    """MoySklad's own positions with the reserve per the rule, when the rule changed since they were written
    (goods hold a reserve only in an active order), else None (the positions are not sent)."""
    rows = [as_map(r) for r in expanded_rows(row) or []]
    goods = [r for r in rows if text(as_map(as_map(r.get("assortment")).get("meta")).get("type")) != "service"]
    reserved = any((decimal(r.get("reserve")) or 0) > 0 for r in goods)
    if not goods or reserved == active:
        return None
    out = []
    for r in rows:
        assortment = as_map(r.get("assortment"))
        kind = text(as_map(assortment.get("meta")).get("type")) or ""
        item: dict[str, Any] = {"assortment": {"meta": as_map(assortment.get("meta"))}}
        for key in ("quantity", "price", "discount", "vat", "vatEnabled"):
            if key in r:
                item[key] = r[key]
        if kind != "service":
            item["reserve"] = float(decimal(r.get("quantity")) or 0) if active else 0.0
        out.append(item)
    return out


def plan(p: Planner) -> None:
    """Look at MoySklad's side of every update RetailCRM's changes made; keep, drop or hold them."""
    updates = p.work.updates
    if not updates:
        return
    store = p.ctx.db.pushed(p.ctx.profile_id)
    written = store.get_many(PUSHED_WRITTEN)
    pushed, states = store.get_many(PUSHED_TARGET), store.get_many(PUSHED_STATE)
    service_id = p.work.delivery.service_id if p.work.delivery.available else None
    rows = read_orders(p, [u.ms_id for u in updates])
    resolutions = p.conflict_repo.resolutions(KIND)
    state = pending(p)
    kept: list[OrderUpdate] = []
    for update in updates:
        order, rc_key = update.order, str(update.order.id)
        row = rows.get(update.ms_id)
        ms_now = content_of_entity(row, service_id) if row is not None else None
        if row is None or ms_now is None:
            kept.append(update)  # gone from MoySklad: the update finds out and says so (as before)
            continue
        rc_now = content_of_mapped(p, update.mapped)
        key = str(ConflictKey.of(KIND, "order", order.id))
        resolution = resolutions.get(key) or {}
        action = None if resolution.get("done") else text(resolution.get("action"))
        base = Written.load(written.get(rc_key))
        old = base is None and _old_matches(row, pushed.get(rc_key), states.get(rc_key), service_id)
        verdict = judge(written=base, ms_now=ms_now, rc_now=rc_now, old_matches=old, action=action)
        if action in (ResolutionAction.USE_RETAILCRM, ResolutionAction.USE_MOYSKLAD):
            state.settle[order.id] = key
        if verdict is Verdict.UPDATE:
            state.rc_content[order.id] = rc_now
            kept.append(update)
        elif verdict is Verdict.KEEP:
            rebase = action == ResolutionAction.USE_MOYSKLAD
            update.edit = Keep(ms_now, rc_now if rebase else (base.rc if base else rc_now),
                               own_positions(row, _active(p, order)), rebase=rebase)
            kept.append(update)
        elif verdict is Verdict.LEAVE:
            p.work.unchanged += 1
            p.log(Level.DEBUG, msg("order_edits.ignored", order=label(order)), order, ms_id=update.ms_id)
        else:
            _conflict(p, update, row, key, resolution)
    p.work.updates[:] = kept


def _conflict(p: Planner, update: OrderUpdate, row: Mapping[str, Any], key: str,
              resolution: Mapping[str, Any]) -> None:
    order = update.order
    if resolution.get("done"):
        # the last decision was carried out: this is a new change on both sides, so the question is new too
        found = p.conflict_repo.get_by_key(KIND, key)
        if found is not None:
            p.conflict_repo.reopen(found.id)
    ms_name = text(row.get("name")) or ""
    p.conflicts.add(
        # MoySklad's name of the order only when it is not the number the person knows it by
        ConflictKey.parse(key), msg("order_edits.title", order=label(order),
                                    name=f" ({ms_name})" if ms_name and ms_name != label(order) else ""),
        rc_data={"order_id": order.id, "number": order.number, "lines": lines_of_mapped(update.mapped),
                 "description": update.mapped.description},
        ms_data={"id": update.ms_id, "name": ms_name, "lines": lines_of_entity(row),
                 "description": text(row.get("description")) or ""},
    )
    p.work.waiting.add(order.id)
    p.log(Level.WARNING, msg("order_edits.conflict", order=label(order), name=ms_name), order, ms_id=update.ms_id)


def plan_changed(p: Planner) -> None:
    """Orders changed only in MoySklad since the last run: left as they are, named once in the journal."""
    state = pending(p)
    rows = p.work.ms_changed
    if rows is None:  # the statuses-back flow is off: one read of our own, with its cursor
        rows = _read_changed(p, state)
        if rows is None:
            return
    if not rows:
        return
    store = p.ctx.db.pushed(p.ctx.profile_id)
    written = store.get_many(PUSHED_WRITTEN)
    by_ms = p.links.all("order", by="ms")
    busy = {u.order.id for u in p.work.updates} | set(p.work.waiting)
    candidates: list[tuple[dict[str, Any], int, Written]] = []
    for raw in rows:
        row = as_map(raw)
        link = by_ms.get(text(row.get("id")) or "")
        if link is None or not link.rc_id.isdigit() or int(link.rc_id) in busy:
            continue
        base = Written.load(written.get(link.rc_id))
        updated = text(row.get("updated")) or ""
        if base is None or (updated and updated in (base.updated, base.seen)):
            continue  # Svyazka's own write, or a change named already
        candidates.append((row, int(link.rc_id), base))
    if not candidates:
        return
    missing = [text(r.get("id")) or "" for r, _, _ in candidates if expanded_rows(r) is None]
    read = read_orders(p, missing) if missing else {}
    service_id = p.work.delivery.service_id if p.work.delivery.available else None
    for row, rc_id, base in candidates:
        full = read.get(text(row.get("id")) or "", row)
        now = content_of_entity(full, service_id)
        if now is None or now == base.ms:
            continue
        updated = text(full.get("updated")) or text(row.get("updated")) or ""
        if now == base.noted:
            state.noted[rc_id] = Written(base.ms, base.rc, base.updated, base.noted, updated)
            continue
        link = by_ms.get(text(row.get("id")) or "")
        shown = (link.rc_ext if link is not None else None) or text(full.get("name")) or str(rc_id)
        p.ctx.log(Level.INFO, Flow.ORDERS, msg("order_edits.changed_in_moysklad", order=shown),
                  entity_type="order", entity_ref=shown, entity_url=ms_order_url(text(full.get("id")) or ""))
        state.noted[rc_id] = Written(base.ms, base.rc, base.updated, now, updated)


def _read_changed(p: Planner, state: Pending) -> list[dict[str, Any]] | None:
    """Customer orders changed since our cursor, with their positions: one request (100 a page). The first
    run only learns where MoySklad's changes stand now (one row)."""
    cursors = p.ctx.db.cursors(p.ctx.profile_id)
    cursor = cursors.get(CURSOR_FLOW, CURSOR_NAME)
    if cursor is None:
        newest = next(iter(p.ms.iter_rows("entity/customerorder", order="updated,desc", limit=1)), None)
        state.cursor = text(newest.get("updated")) if newest else "1970-01-01 03:00:00"
        return None
    since = timestamp(cursor)
    flt = Filter().ge("updated", since) if since else None
    rows = list(p.ms.iter_entities("customerorder", filters=flt, expand=EXPAND, limit=READ_BATCH))
    newest_seen = cursor
    for row in rows:
        updated = text(row.get("updated"))
        if updated and updated > newest_seen:  # MoySklad's "YYYY-MM-DD HH:MM:SS.mmm" sorts as text
            newest_seen = updated
    state.cursor = newest_seen
    return rows


# -- apply -----------------------------------------------------------------------------------------------------


def body_for(update: OrderUpdate, full: dict[str, Any]) -> dict[str, Any]:
    """The body of an update: RetailCRM's order (``full``) or, when MoySklad's content stays, only its
    state, store, additional fields and (when the reserve rule changed) MoySklad's own positions."""
    keep = update.edit
    if not isinstance(keep, Keep):
        return full
    # the additional fields are RetailCRM's (setting ``order_attributes``) and merge by id on a PUT: they go too
    body: dict[str, Any] = {k: full[k] for k in ("state", "store", "attributes") if k in full}
    if keep.positions is not None:
        body["positions"] = keep.positions
    return body


def remember(a: Applier, order_id: int, sent: Mapping[str, Any], answer: Mapping[str, Any] | None,
             *, rc_content: str | None = None) -> None:
    """Store what was written to the order: from MoySklad's answer when it carries the positions, else from
    the body sent (the same reading). ``rc_content``: RetailCRM's content then (default: the body's)."""
    service_id = a.work.delivery.service_id if a.work.delivery.available else None
    sent_content = content_of_body(sent, service_id)
    ms_content = content_of_entity(answer, service_id) if answer else None
    record = Written(ms=ms_content or sent_content, rc=rc_content or sent_content,
                     updated=text((answer or {}).get("updated")) or "")
    a.pushed.put_many(PUSHED_WRITTEN, {str(order_id): record.dump()})


def remember_found(a: Applier, order_id: int, row: Mapping[str, Any] | None, sent: Mapping[str, Any]) -> None:
    """An order linked as it stands in MoySklad (found by externalCode, or the module's, both read with their
    positions): its content now counts as written and as agreed, so RetailCRM's next change of any kind
    writes RetailCRM's order over it, as an order Svyazka made itself."""
    service_id = a.work.delivery.service_id if a.work.delivery.available else None
    found = content_of_entity(row, service_id) if row else None
    remember(a, order_id, sent, row, rc_content=found)


def updated(a: Applier, update: OrderUpdate, sent: Mapping[str, Any], answer: Mapping[str, Any] | None) -> None:
    """After a successful update: remember the content, carry out the person's decision, say so."""
    keep = update.edit
    order_id = update.order.id
    state = a.work.edits if isinstance(a.work.edits, Pending) else Pending()
    if isinstance(keep, Keep):
        store = a.pushed.get_many(PUSHED_WRITTEN)
        base = Written.load(store.get(str(order_id)))
        if keep.rebase or base is None:
            service_id = a.work.delivery.service_id if a.work.delivery.available else None
            ms_content = (content_of_entity(answer, service_id) if answer else None) or keep.ms_content
            base = Written(ms=ms_content, rc=keep.rc_content, updated=text((answer or {}).get("updated")) or "")
        else:
            base.updated = text((answer or {}).get("updated")) or base.updated
        a.pushed.put_many(PUSHED_WRITTEN, {str(order_id): base.dump()})
        name = label(update.order)
        code = "order_edits.kept_moysklad" if keep.rebase else "order_edits.status_only"
        a.log(Level.INFO, msg(code, order=name), name, ms_order_url(update.ms_id))
    else:
        remember(a, order_id, sent, answer, rc_content=state.rc_content.get(order_id))
        if order_id in state.settle:
            name = label(update.order)
            a.log(Level.INFO, msg("order_edits.used_retailcrm", order=name), name, ms_order_url(update.ms_id))
    key = state.settle.get(order_id)
    if key is not None:
        settle(a, key)


def settle(a: Applier, key: str) -> None:
    """The person's decision is carried out: marked done, so a later change on both sides asks again."""
    repo = a.ctx.db.conflicts(a.ctx.profile_id)
    found = repo.get_by_key(KIND, key)
    if found is not None and found.resolution and not found.resolution.get("done"):
        repo.resolve(found.id, {**found.resolution, "done": True})


def apply(a: Applier) -> None:
    """After the writes: store the MoySklad-only changes named in the journal, and our cursor."""
    state = a.work.edits
    if not isinstance(state, Pending):
        return
    if state.noted:
        a.pushed.put_many(PUSHED_WRITTEN, {str(k): v.dump() for k, v in state.noted.items()})
    if state.cursor is not None:
        a.ctx.db.cursors(a.ctx.profile_id).set(CURSOR_FLOW, CURSOR_NAME, state.cursor)
