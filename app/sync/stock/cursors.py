"""The stock flow's cursors as one typed object over the store's cursor table (like
:mod:`app.sync.orders.cursors`): flow ``"stock"``, ``last_poll`` and ``last_full`` as the poll moment's
Moscow ISO text (``2026-01-05T10:00:00+03:00``), names and forms unchanged."""

from __future__ import annotations

from app.sync.ports import CursorStore

CURSOR_FLOW = "stock"
LAST_POLL_CURSOR = "last_poll"  # the poll moment of the last run whose every batch went through
LAST_FULL_CURSOR = "last_full"  # the same, of the last full pass


class StockCursors:
    """Reads and writes the stock flow's cursors in their stored forms."""

    def __init__(self, store: CursorStore) -> None:
        self.store = store

    @property
    def last_poll(self) -> str | None:
        return self.store.get(CURSOR_FLOW, LAST_POLL_CURSOR)

    @last_poll.setter
    def last_poll(self, moment: str) -> None:
        self.store.set(CURSOR_FLOW, LAST_POLL_CURSOR, moment)

    @property
    def last_full(self) -> str | None:
        return self.store.get(CURSOR_FLOW, LAST_FULL_CURSOR)

    @last_full.setter
    def last_full(self, moment: str) -> None:
        self.store.set(CURSOR_FLOW, LAST_FULL_CURSOR, moment)
