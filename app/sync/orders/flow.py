"""The orders flow RetailCRM → MoySklad (:class:`app.sync.engine.FlowRunner`): customer orders,
counterparties, shipments, and statuses back (optional).

``plan`` (:mod:`app.sync.orders.plan`) reads both services and decides (it records conflicts, nothing
else); ``apply`` (:mod:`app.sync.orders.apply`) writes in batches and records every success at once, so
Stop or a crash leaves nothing to duplicate. Orders that could not go last time (a conflict, a refused
write) are kept in a "waiting" list and looked at again on every run until they go or stop qualifying.
"""

from __future__ import annotations

from app.sync.engine import RunContext
from app.sync.model import Counts, Flow, FlowPlan
from app.sync.orders.apply import Applier
from app.sync.orders.counterparties import SMALL_ACCOUNT_ROWS
from app.sync.orders.plan import Planner
from app.sync.orders.work import Work

CREATE_BATCH = 100  # orders (with their positions) per POST


class OrdersFlow:
    """The orders flow (:class:`app.sync.engine.FlowRunner`)."""

    flow = Flow.ORDERS

    def __init__(self, *, counterparty_scan_rows: int = SMALL_ACCOUNT_ROWS, create_batch: int = CREATE_BATCH) -> None:
        self.counterparty_scan_rows = counterparty_scan_rows
        self.create_batch = max(1, min(create_batch, 1000))

    def prefetch(self, ctx: RunContext) -> None:
        """Read RetailCRM's side (statuses, the history cursor, the orders to export) when the run starts.

        Those reads need nothing the earlier flows produce, and RetailCRM is idle while MoySklad's catalog is
        read; done at the plan they would take their turn among the stock uploads instead. Reads only: a
        Stop or a failure reaches the plan through the future."""
        if ctx.prefetch is None:
            return
        planner = Planner(ctx, self.counterparty_scan_rows)
        ctx.shared.orders_reading = (planner, ctx.prefetch.submit(planner.read))

    def plan(self, ctx: RunContext) -> FlowPlan[Work]:
        found, ctx.shared.orders_reading = ctx.shared.orders_reading, None
        if found is not None:
            planner, reading = found
            return planner.decide(reading.result())
        return Planner(ctx, self.counterparty_scan_rows).run()

    def apply(self, ctx: RunContext, plan: FlowPlan[Work]) -> Counts:
        work = plan.work
        if not isinstance(work, Work):
            return Counts()
        return Applier(ctx, work, self.create_batch).run()


__all__ = ["OrdersFlow"]
