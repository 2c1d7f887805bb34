"""The MoySklad stock report a run asked for early, shared by the flows that can use it.

The stock flow asks for its report when the run starts (:meth:`app.sync.stock.flow.StockFlow.prefetch`), so
that it is read while the catalogs are. The catalog flow can then show the stock of its conflicts' items from
the same answer instead of asking MoySklad again, when that answer is a full one of on-hand stock.

The orders flow, which runs after the stock flow, notes here the items its shipments (and reserves) changed
(:func:`note_touched`), so the stock flow can carry those figures to RetailCRM in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.clients.moysklad_models import StockRow
from app.messages import Message
from app.sync.model import Cancelled
from app.sync.waiting import result_of
from app.vocab import StockType

if TYPE_CHECKING:
    from app.sync.run_shared import RunShared



@dataclass
class PrefetchedReport:
    now: datetime  # the poll moment, taken before the report was asked for
    full: bool  # every item with zero lines, or only the changes since ``since``
    why: Message | str  # why a full pass (for the plan's note)
    since: datetime | None
    stock_type: str
    report: Future[list[StockRow]]


def prefetched(shared: RunShared) -> PrefetchedReport | None:
    return shared.stock_report


def full_on_hand(
    shared: RunShared, check_cancel: Callable[[], None] | None = None
) -> list[StockRow] | None:
    """The prefetched report when it is a full one of on-hand stock (``stock``) and it arrived; else None.
    ``check_cancel`` runs while it is awaited (a Stop raises ``Cancelled`` within a second)."""
    found = prefetched(shared)
    if found is None or not found.full or found.stock_type != StockType.STOCK:
        return None
    try:
        return result_of(found.report, check_cancel)
    except Cancelled:
        raise
    except Exception:  # its own flow reports the failure; here it is only a help
        return None


# --- what the orders flow changed in MoySklad's stock ------------------------------------------------------



@dataclass
class StockTouched:
    """MoySklad items whose figures the orders flow changed in this run, after the stock flow had read them:
    shipped (a demand writes stock off) or reserved (a customer order's reserve lowers the free stock)."""

    shipped: set[str]
    reserved: set[str]

    def affecting(self, stock_type: str) -> set[str]:
        """The items whose ``stock_type`` figure changed: on-hand stock moves only with shipments."""
        return self.shipped | self.reserved if stock_type == StockType.FREE_STOCK else set(self.shipped)


def note_touched(shared: RunShared, assortment_ids: Any, *, shipped: bool) -> None:
    """Record MoySklad item ids (products, variants; services too, which have no stock and are never linked)."""
    found = shared.stock_touched
    if found is None:
        found = shared.stock_touched = StockTouched(set(), set())
    (found.shipped if shipped else found.reserved).update(i for i in assortment_ids if i)


def touched(shared: RunShared) -> StockTouched | None:
    return shared.stock_touched
