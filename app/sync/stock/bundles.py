"""Bundles' (комплекты) stock, computed from their components; services left out of stock altogether.

MoySklad keeps no stock of a bundle: stock reports leave bundles and services out (moysklad-api.md §5.4: the
assortment's stock fields are "not for services or bundles"; the sandbox's reports do the same). RetailCRM still
needs a figure for a bundle's offer: per RetailCRM store, the minimum over its components of
⌊component's figure ÷ its quantity in the bundle⌋, from the figures the stock flow computed for the components'
own offers in the same pass (so no request of its own, and nothing per bundle).

A changes-only pass brings only the components whose stock changed; the others' figures come from what earlier
passes saw, kept in the ``pushed`` table (``PART_STOCK``: component id → ``{RetailCRM store code: figure}``).
A component not seen yet (a new bundle, a new component) is read whole with the pass's by-id read of fresh
items, which costs a request only when there was none to join. Compositions are kept too (``PARTS``), so a
run without the catalog flow still knows them.

A component that is not linked (or gone from MoySklad) makes its bundle 0, with a log line. A service in a
bundle does not limit it (services have no stock).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from app.messages import Message, msg
from app.sync.catalog.source import offer_links, shared_snapshot
from app.sync.engine import RunContext
from app.sync.model import Flow, Level

PARTS = "bundle_parts"  # pushed target: bundle id -> JSON [[component id, "quantity", type], ...] ("null": unknown)
PART_STOCK = "bundle_part_stock"  # pushed target: component id -> JSON {RetailCRM store code: "figure"}
NO_STOCK_TYPES = frozenset({"service", "bundle"})  # linked, but never in a stock report

Parts = tuple[tuple[str, Decimal, str], ...]  # (component id, quantity, its type or "missing")


@dataclass
class StockLinks:
    """This run's offer links split for the stock flow: goods (in stock reports) and bundles (computed)."""

    goods: dict[str, int]
    bundles: dict[str, int] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)

    @property
    def sold(self) -> dict[str, int]:
        """Goods and bundles: every offer that gets stock (for labels)."""
        return {**self.goods, **self.bundles}


def stock_links(ctx: RunContext) -> StockLinks:
    links = offer_links(ctx.shared, ctx.db, ctx.profile_id)
    snapshot = shared_snapshot(ctx.shared)
    if snapshot is not None:
        items = snapshot.ms.items
        types: dict[str, str] = {ms_id: items[ms_id].type for ms_id in links if ms_id in items}
        missing = [ms_id for ms_id in links if ms_id not in items]
        if missing:  # linked items this run did not read (gone): their stored type
            stored = ctx.db.links(ctx.profile_id).all("offer")
            types.update({ms_id: stored[ms_id].ms_type or "product" for ms_id in missing if ms_id in stored})
    else:
        types = {ms_id: link.ms_type or "product" for ms_id, link in ctx.db.links(ctx.profile_id).all("offer").items()}
    result = StockLinks(goods={})
    for ms_id, offer_id in links.items():
        kind = types.get(ms_id)
        target = result.bundles if kind == "bundle" else result.services if kind == "service" else result.goods
        target[ms_id] = offer_id
    return result


def _parse_parts(text: str | None) -> Parts | None:
    try:
        raw = json.loads(text) if text else None
        return tuple((str(c), Decimal(str(q)), str(t)) for c, q, t in raw) if raw is not None else None
    except (ValueError, TypeError, ArithmeticError):
        return None


def compositions(ctx: RunContext, bundle_ids: Iterable[str]) -> dict[str, Parts | None]:
    """Each linked bundle's components: this run's catalog when it read one (then remembered), else the store."""
    repo = ctx.db.pushed(ctx.profile_id)
    stored = repo.get_many(PARTS)
    snapshot = shared_snapshot(ctx.shared)
    result: dict[str, Parts | None] = {}
    changed: dict[str, str] = {}
    for bundle_id in bundle_ids:
        if snapshot is not None and bundle_id in snapshot.ms.bundles:
            found = snapshot.ms.bundles[bundle_id]
            items = snapshot.ms.items
            parts = None if found is None else tuple(
                (c, q, items[c].type if c in items else "missing") for c, q in found
            )
            text = json.dumps(None if parts is None else [[c, str(q), t] for c, q, t in parts])
            if stored.get(bundle_id) != text:
                changed[bundle_id] = text
            result[bundle_id] = parts
        else:
            result[bundle_id] = _parse_parts(stored.get(bundle_id))
    if changed:
        repo.put_many(PARTS, changed)
    return result


@dataclass
class BundleStock:
    """The components' figures per RetailCRM store code, from earlier passes plus this one."""

    parts: dict[str, Parts | None]
    known: dict[str, dict[str, Decimal]]  # component id -> code -> figure

    @classmethod
    def load(cls, ctx: RunContext, links: StockLinks) -> BundleStock:
        parts = compositions(ctx, links.bundles)
        known: dict[str, dict[str, Decimal]] = {}
        for comp_id, text in ctx.db.pushed(ctx.profile_id).get_many(PART_STOCK).items():
            try:
                known[comp_id] = {code: Decimal(value) for code, value in json.loads(text).items()}
            except (ValueError, TypeError, AttributeError, ArithmeticError):
                continue  # unreadable: read it again as if never seen
        return cls(parts, known)

    def components(self, links: StockLinks) -> set[str]:
        """Linked goods that some linked bundle is made of."""
        return {c for parts in self.parts.values() if parts for c, _, _ in parts if c in links.goods}

    def unseen(self, links: StockLinks) -> set[str]:
        """Components whose figures no pass has seen yet: the plan reads them whole."""
        return {c for c in self.components(links) if c not in self.known}

    def take(self, ctx: RunContext, links: StockLinks, targets: dict[tuple[int, str], Decimal],
             codes: Iterable[str]) -> None:
        """Take this pass's component figures from ``targets`` and remember them."""
        codes = list(codes)
        changed: dict[str, str] = {}
        for comp_id in self.components(links):
            offer_id = links.goods[comp_id]
            fresh = {code: targets[(offer_id, code)] for code in codes if (offer_id, code) in targets}
            if not fresh:
                continue
            merged = {**self.known.get(comp_id, {}), **fresh}
            if merged != self.known.get(comp_id):
                self.known[comp_id] = merged
                changed[comp_id] = json.dumps({code: str(v) for code, v in sorted(merged.items())})
        if changed:
            ctx.db.pushed(ctx.profile_id).put_many(PART_STOCK, changed)

    def figures(self, ctx: RunContext, flow: Flow, links: StockLinks, codes: Iterable[str], *,
                log: bool = True) -> dict[tuple[int, str], Decimal]:
        """The figure of every linked bundle at every RetailCRM store code: min ⌊component ÷ quantity⌋."""
        codes = list(codes)
        result: dict[tuple[int, str], Decimal] = {}
        for bundle_id, offer_id in sorted(links.bundles.items()):
            parts = self.parts.get(bundle_id)
            why = self._why_zero(parts, links)
            for code in codes:
                if why is not None:
                    result[(offer_id, code)] = Decimal(0)
                    continue
                limits = [
                    (self.known.get(c, {}).get(code, Decimal(0)) / q).to_integral_value(ROUND_FLOOR)
                    for c, q, t in parts or () if t not in NO_STOCK_TYPES
                ]
                result[(offer_id, code)] = max(Decimal(0), min(limits)) if limits else Decimal(0)
            if why is not None and log:
                snapshot = shared_snapshot(ctx.shared)
                item = snapshot.ms.items.get(bundle_id) if snapshot is not None else None
                name = f"«{item.name}»" if item is not None else bundle_id
                ctx.log(Level.WARNING, flow, msg("stock.bundle_zero", name=name, why=why),
                        entity_type="offer", entity_ref=str(offer_id))
        return result

    @staticmethod
    def _why_zero(parts: Parts | None, links: StockLinks) -> Message | None:
        if parts is None:
            return msg("stock.bundle.unknown")
        if not parts:
            return msg("stock.bundle.empty")
        missing = [c for c, _, t in parts if t == "missing"]
        if missing:
            return msg("stock.bundle.missing", id=missing[0])
        unlinked = [c for c, _, t in parts if t not in NO_STOCK_TYPES and c not in links.goods]
        if unlinked:
            return msg("stock.bundle.unlinked", id=unlinked[0])
        return None


def touched_components(ctx: RunContext, links: StockLinks, touched: set[str]) -> set[str]:
    """The linked components of touched bundles (a demand of a bundle writes off its components)."""
    bundles = touched & links.bundles.keys()
    if not bundles:
        return set()
    parts = compositions(ctx, bundles)
    return {c for p in parts.values() if p for c, _, _ in p if c in links.goods}

