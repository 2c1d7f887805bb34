"""Page sizes an account refused, remembered per profile so the next run does not ask again.

The RetailCRM client tries ``limit=250`` on ``/store/products`` and ``/store/offers`` (undocumented there:
the documented sizes are 20/50/100, retailcrm-api.md §3) and drops to 100 when the service answers 400 about
the limit. The client stays HTTP-only and just exposes the size it ended up with; this module keeps it in the
store (cursor ``retailcrm`` / ``catalog_page_limit``) and hands it to the next run's client.
"""

from __future__ import annotations

from typing import Any

from app.store import Database
from app.sync.ports import CursorStore

CURSOR_FLOW = "retailcrm"  # not a flow: a fact about the account, never reset by a full run
_REMEMBERED = ("catalog_page_limit", "inventory_page_limit")


class PageLimitCursors:
    """The page sizes remembered per account, as digits under flow ``"retailcrm"`` (names and forms unchanged);
    a name is the client's attribute it sets (``catalog_page_limit``, ``inventory_page_limit``)."""

    def __init__(self, store: CursorStore) -> None:
        self.store = store

    def get(self, name: str) -> int | None:
        stored = self.store.get(CURSOR_FLOW, name)
        return int(stored) if stored is not None and stored.isdigit() else None

    def set(self, name: str, size: int) -> None:
        self.store.set(CURSOR_FLOW, name, size)


def restore(db: Database, profile_id: int, client: Any) -> dict[str, int]:
    """Give the client the smaller page sizes this account needed before; returns the sizes it starts with."""
    cursors = PageLimitCursors(db.cursors(profile_id))
    started: dict[str, int] = {}
    for name in _REMEMBERED:
        current = getattr(client, name, None)
        if not isinstance(current, int):
            continue  # a stand-in client without page sizes
        stored = cursors.get(name)
        if stored is not None:
            current = min(current, stored)
            setattr(client, name, current)
        started[name] = current
    return started


def remember(db: Database, profile_id: int, client: Any, started: dict[str, int]) -> list[str]:
    """Store the page sizes the client fell back to since :func:`restore`. Returns a sentence per new fact."""
    learned: list[str] = []
    for name, before in started.items():
        current = getattr(client, name, None)
        if not isinstance(current, int) or current >= before:
            continue
        PageLimitCursors(db.cursors(profile_id)).set(name, current)
        learned.append(
            f"RetailCRM не принимает страницы списка товаров по {before} строк: Связка читает их по {current} "
            "и запомнила это для аккаунта. Делать ничего не нужно."
        )
    return learned
