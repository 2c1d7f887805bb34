"""Archived and deleted MoySklad goods: the RetailCRM offers they leave behind ("retired" offers).

A linked item archived in MoySklad, or gone from the catalog read (deleted), must not keep selling in
RetailCRM with its last stock: its offer's stock goes to 0 on every paired store (the stock flow) and, when the
catalog is kept through the API, its product is deactivated (the catalog flow; not with ICML, which RetailCRM
loads from the file). When the item comes back from the archive, its stock is read whole again and the product
Svyazka deactivated is active again. A product a person deactivated is never switched on by Svyazka.

The catalog plan decides (:func:`plan_retired`) and hands the result to the stock flow of the same run in
``ctx.shared``; apply keeps it in the store's ``pushed`` table so a stock-only run (no catalog read) keeps the
offers at 0. Archived goods stay linked (orders with them still export: MoySklad sells archived goods).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from app.messages import msg
from app.sync.catalog.results import StaleLink
from app.sync.catalog.source import MsCatalog, RcCatalog

if TYPE_CHECKING:
    from app.sync.run_shared import RunShared

Why = Literal["archived", "deleted"]
RETIRED_TARGET = "retired_offer"  # pushed: RetailCRM offer id -> "archived" | "deleted"
DEACTIVATED_TARGET = "deactivated_product"  # pushed: RetailCRM product id Svyazka deactivated -> "1"

WHY_TEXT = {"archived": msg("catalog.retired.archived"), "deleted": msg("catalog.retired.deleted")}


@dataclass
class RetiredPlan:
    offers: dict[int, str] = field(default_factory=dict)  # offer id -> why: stock 0 on every paired store
    revived: dict[int, str] = field(default_factory=dict)  # offer id -> MoySklad item id: back from the archive
    names: dict[int, str] = field(default_factory=dict)  # offer id -> the MoySklad item's name (log lines)
    activate: dict[int, bool] = field(default_factory=dict)  # RetailCRM product id -> active as it should become


def plan_retired(
    ms: MsCatalog,
    rc: RcCatalog,
    links: Mapping[str, int],
    stale: Iterable[StaleLink],
    previous: Mapping[str, str],
    *,
    keep_out: Iterable[str] = (),
) -> RetiredPlan:
    """``links``: MoySklad item -> offer as they stand after this plan; ``previous``: the stored retired offers;
    ``keep_out``: items the folder filter took out (their links go, their offers are left as they are)."""
    plan = RetiredPlan()
    keep_out = set(keep_out)
    ms_of = {offer_id: ms_id for ms_id, offer_id in links.items()}
    for ms_id, offer_id in links.items():
        item = ms.items.get(ms_id)
        if item is not None and item.archived:
            plan.offers[offer_id] = "archived"
            plan.names[offer_id] = item.name
    for link in stale:
        if link.why == "moysklad_gone" and link.ms_id not in keep_out and link.rc_id in rc.offers:
            plan.offers.setdefault(link.rc_id, "deleted")
    for key, why in previous.items():
        before = _int(key)
        if before is None:
            continue
        if why == "deleted" and before not in ms_of and before in rc.offers:
            plan.offers.setdefault(before, "deleted")  # still without a MoySklad item: keep it at 0
        elif before in ms_of and before not in plan.offers:
            plan.revived[before] = ms_of[before]
    for offer_id in plan.offers:
        offer = rc.offers.get(offer_id)
        if offer_id not in plan.names and offer is not None:
            plan.names[offer_id] = offer.name
    return plan


def plan_activity(plan: RetiredPlan, rc: RcCatalog, links: Mapping[str, int], deactivated: Iterable[str]) -> None:
    """Products whose every linked offer is retired become inactive; a product Svyazka deactivated whose
    offers sell again becomes active (sets ``plan.activate``)."""
    linked = set(links.values())
    ours = {i for i in (_int(k) for k in deactivated) if i is not None}
    for product in rc.products.values():
        offers = [o for o in product.offer_ids if o in linked or o in plan.offers]
        if not offers:
            continue
        all_retired = all(o in plan.offers for o in offers)
        if all_retired and product.active:
            plan.activate[product.id] = False
        elif not all_retired and not product.active and product.id in ours:
            plan.activate[product.id] = True


def retired_for_stock(shared: RunShared, db: Any, profile_id: int) -> RetiredPlan:
    """This run's retired offers: the catalog plan's, else (a stock-only run) the stored ones."""
    value = shared.retired
    if isinstance(value, RetiredPlan):
        return value
    plan = RetiredPlan()
    for key, why in db.pushed(profile_id).get_many(RETIRED_TARGET).items():
        offer_id = _int(key)
        if offer_id is not None:
            plan.offers[offer_id] = why
    return plan


def store_retired(db: Any, profile_id: int, plan: RetiredPlan) -> None:
    """Keep the retired offers for the runs that do not read the catalog (apply only, never a dry run)."""
    pushed = db.pushed(profile_id)
    before = pushed.get_many(RETIRED_TARGET)
    now = {str(offer_id): why for offer_id, why in plan.offers.items()}
    gone = [key for key in before if key not in now]
    if gone:
        pushed.forget(RETIRED_TARGET, gone)
    changed = {key: why for key, why in now.items() if before.get(key) != why}
    if changed:
        pushed.put_many(RETIRED_TARGET, changed)


def _int(text: Any) -> int | None:
    try:
        return int(text)
    except (TypeError, ValueError):
        return None
