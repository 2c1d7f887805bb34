"""The MoySklad stock report a run asked for early, shared by the flows that can use it.

The stock flow asks for its report when the run starts (:meth:`app.sync.flows.stock.StockFlow.prefetch`), so
that it is read while the catalogs are. The catalog flow can then show the stock of its conflicts' items from
the same answer instead of asking MoySklad again, when that answer is a full one of on-hand stock.
"""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.clients.moysklad_models import StockRow

SHARED_KEY = "stock_report"  # RunContext.shared


@dataclass
class PrefetchedReport:
    now: datetime  # the poll moment, taken before the report was asked for
    full: bool  # every item with zero lines, or only the changes since ``since``
    why: str  # why a full pass (for the plan's note)
    since: datetime | None
    stock_type: str
    report: Future[list[StockRow]]


def prefetched(shared: dict[str, Any]) -> PrefetchedReport | None:
    value = shared.get(SHARED_KEY)
    return value if isinstance(value, PrefetchedReport) else None


def full_on_hand(shared: dict[str, Any]) -> list[StockRow] | None:
    """The prefetched report when it is a full one of on-hand stock (``stock``) and it arrived; else None."""
    found = prefetched(shared)
    if found is None or not found.full or found.stock_type != "stock":
        return None
    try:
        return found.report.result()
    except Exception:  # its own flow reports the failure; here it is only a help
        return None
