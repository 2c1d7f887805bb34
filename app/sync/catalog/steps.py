"""What every step of the catalog flow's apply shares: the run, the work, the counts, the links, the run's
catalog snapshot, and the progress and journal lines (:class:`_ApplyStep`)."""

from __future__ import annotations

from typing import Any

from app.messages import Message
from app.sync.catalog.source import (
    CatalogSnapshot,
    ms_item_url,
)
from app.sync.catalog.work import (
    CatalogWork,
)
from app.sync.engine import RunContext
from app.sync.model import Counts, Flow, Level


class _ApplyStep:
    def __init__(self, ctx: RunContext, work: CatalogWork) -> None:
        self.ctx = ctx
        self.work = work
        self.counts = Counts()
        self.links = ctx.db.links(ctx.profile_id)
        snapshot = ctx.shared.catalog
        self.snapshot = snapshot if isinstance(snapshot, CatalogSnapshot) else None
        self.account_url = getattr(ctx.retailcrm, "account_url", "")
        self.total = (
            len(work.new_links)
            + len(work.group_creates)
            + len(work.rc_creates)
            + len(work.rc_edits)
            + len(work.ms_creates)
        )
        self.done = 0

    def _progress(self, step: int) -> None:
        self.done += step
        self.ctx.progress(Flow.CATALOG, self.done, self.total, "apply")

    def _log(self, level: Level, message: Message | str, **kwargs: Any) -> None:
        self.ctx.log(level, Flow.CATALOG, message, **kwargs)


    def _ms_name(self, ms_id: str) -> str:
        item = self.snapshot.ms.items.get(ms_id) if self.snapshot else None
        return item.name if item is not None else ms_id

    def _ms_url(self, ms_id: str) -> str:
        item = self.snapshot.ms.items.get(ms_id) if self.snapshot else None
        return ms_item_url(item, ms_id)
