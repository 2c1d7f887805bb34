"""The stock flow's apply step: upload batches to RetailCRM (run inline or deferred, several at once),
record what was accepted, and what follows them all (:class:`_Uploads`)."""

from __future__ import annotations

import threading

from app.clients.errors import RemoteValidationError
from app.clients.retailcrm_models import InventoryUpdate, OfferRef, StoreLevel
from app.messages import Message, msg
from app.sync.background import FlowOutcome
from app.sync.engine import RunContext
from app.sync.model import Counts, Flow, Level
from app.sync.stock.cursors import StockCursors
from app.sync.stock.work import (
    OfferRow,
    StockWork,
    quantity_text,
)


class _Uploads:
    """The stock flow's upload batches (run inline or deferred, several at once) and what follows them all."""

    def __init__(self, ctx: RunContext, work: StockWork) -> None:
        self.ctx = ctx
        self.work = work
        self.pushed = ctx.db.pushed(ctx.profile_id)
        self.total = len(work.rows)
        self.sent = 0
        self.all_ok = True
        self._lock = threading.Lock()

    def send(self, batch: list[OfferRow]) -> Counts:
        """One batch of up to 250 offers; its figures are recorded as sent as soon as RetailCRM accepts it."""
        ctx = self.ctx
        ctx.check_cancel()
        counts = Counts()
        updates = [
            InventoryUpdate(
                OfferRef(id=row.offer_id),
                tuple(StoreLevel(code, qty, row.purchase) for code, qty in sorted(row.levels.items())),
            )
            for row in batch
        ]
        try:
            result = ctx.retailcrm.upload_inventories(updates)
        except RemoteValidationError as exc:
            self.all_ok = False
            counts.failed += sum(len(row.changed) for row in batch)
            ctx.log(Level.ERROR, Flow.STOCK, msg("stock.refused", n=len(batch), error=exc.sentence))
            return counts
        missing = {ref.id for ref in result.not_found if ref.id is not None}
        stock_values: dict[str, str] = {}
        costs: dict[str, str] = {}
        work = self.work
        for row in batch:
            if row.offer_id in missing:
                self.all_ok = False
                counts.failed += len(row.changed)
                ctx.log(Level.WARNING, Flow.STOCK, msg("stock.offer_missing", label=work.label(row.offer_id)),
                        entity_type="offer", entity_ref=str(row.offer_id))
                continue
            for code, qty in row.levels.items():
                stock_values[f"{row.offer_id}:{code}"] = quantity_text(qty)
            parts = [work.change_text(row, code, before) for code, before in row.changed]
            if row.purchase is not None:
                costs[str(row.offer_id)] = str(row.purchase)
                parts.append(msg("stock.purchase_part", cost=row.purchase))
            counts.updated += len(row.changed)
            # one line per offer (not per warehouse): a 50,000-offer first run stays readable and quick
            joined: Message = parts[0]
            for part in parts[1:]:
                joined = msg("stock.join", head=joined, tail=part)
            ctx.log(Level.INFO, Flow.STOCK, msg("stock.sent", label=work.label(row.offer_id), parts=joined),
                    entity_type="offer", entity_ref=str(row.offer_id), entity_url=work.url(row.offer_id))
        self.pushed.put_many("stock", stock_values)
        if costs:
            self.pushed.put_many("purchase_price", costs)
        with self._lock:
            self.sent += len(batch)
            sent = self.sent
        ctx.progress(Flow.STOCK, sent, self.total, "apply")
        return counts

    def finish(self, outcome: FlowOutcome) -> None:
        """The poll moment becomes the cursor only when every batch went through; else the next run repeats."""
        if outcome.ok and self.all_ok:
            cursors = StockCursors(self.ctx.db.cursors(self.ctx.profile_id))
            cursors.last_poll = self.work.poll
            if self.work.full:
                cursors.last_full = self.work.poll
        elif not outcome.cancelled:
            self.ctx.log(Level.WARNING, Flow.STOCK, msg("stock.not_all_sent"))
