"""MoySklad reports: the short current-stock report, read one row at a time
(:func:`app.clients.json_stream.array_items`) with shared ids and figures so 130,000 rows stay small.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from app.clients.json_stream import array_items
from app.clients.moysklad.constants import MAX_URL_LENGTH, SERVICE
from app.clients.moysklad.core import MoySkladCore
from app.clients.moysklad_models import StockRow, TextPool
from app.clients.parsing import as_map, decimal, text


class MoySkladReports(MoySkladCore):
    """Stock reports."""

    # --- stock ------------------------------------------------------------------------------------------
    def stock_current(
        self,
        stock_type: str = "stock",
        *,
        by_store: bool = True,
        changed_since: datetime | None = None,
        include_zero: bool = False,
        assortment_ids: Sequence[str] | None = None,
        store_ids: Sequence[str] | None = None,
    ) -> list[StockRow]:
        """The short current-stock report: absolute figures of ``stock_type`` (stock | freeStock |
        quantity | reserve | inTransit) per item and store (``by_store``) or over all stores.

        ``changed_since`` (≤ 24 h ago) gives only items changed since then, zeros included.
        Long id lists are split over several requests to keep URLs short.
        """
        path = "report/stock/bystore/current" if by_store else "report/stock/all/current"
        params = [("stockType", stock_type)]
        if include_zero:
            params.append(("include", "zeroLines"))
        if changed_since is not None:
            params.append(("changedSince", changed_since.strftime("%Y-%m-%d %H:%M:%S")))
        store_part = f"storeId={','.join(store_ids)}" if store_ids else ""
        filters: list[str] = []
        if assortment_ids:
            budget = MAX_URL_LENGTH - len(self.base_url) - len(store_part) - 200
            filters = [
                ";".join(p for p in (f"assortmentId={','.join(chunk)}", store_part) if p)
                for chunk in _comma_chunks(list(dict.fromkeys(assortment_ids)), budget)
            ]
        elif store_part:
            filters = [store_part]
        rows: list[StockRow] = []
        stores = TextPool()  # a full report repeats a handful of store ids over 100,000 rows
        items = TextPool()  # and each item's id once per warehouse: one string each instead of three
        for filter_text in filters or [""]:
            query = [*params, ("filter", filter_text)] if filter_text else params
            # A full report is ~100 bytes a row, 130,000 rows at 50,000 offers: parsed whole it would be a
            # transient tree several times the rows kept, so it is read one row at a time.
            data = self._request("GET", path, params=query, raw=True)
            for entry in array_items(data, path, service=SERVICE):
                row = as_map(entry)
                assortment = items(text(row.get("assortmentId")))
                if assortment is None:
                    continue
                rows.append(
                    StockRow(
                        assortment_id=assortment,
                        store_id=stores(text(row.get("storeId"))),
                        value=_quantity(row.get(stock_type)),
                    )
                )
            del data
        return rows


@functools.lru_cache(maxsize=4096, typed=True)  # typed: 5 stays Decimal('5'), 5.0 stays Decimal('5.0')
def _shared_quantity(value: float | int | str) -> Decimal:
    return decimal(value) or Decimal(0)


def _quantity(value: Any) -> Decimal:
    """A stock figure; equal figures share one Decimal (a full report holds 100,000 of a few hundred values)."""
    if isinstance(value, bool) or not isinstance(value, float | int | str):
        return decimal(value) or Decimal(0)
    return _shared_quantity(value)


def _comma_chunks(ids: list[str], budget: int) -> Iterator[list[str]]:
    """Ids in groups whose comma-joined, percent-encoded text fits ``budget`` characters."""
    current: list[str] = []
    length = 0
    for item in ids:
        piece = len(quote(item, safe="")) + 3  # "%2C"
        if current and length + piece > budget:
            yield current
            current, length = [], 0
        current.append(item)
        length += piece
    if current:
        yield current
