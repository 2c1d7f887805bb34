"""Stock as the real service derives it from documents, kept incrementally per (item, store).

* ``base``: opening balances, as if an "enter" (оприходование) had been posted (seeded from the shop and
  moved by ``state.set_stock``).
* Each document contributes deltas: a posted demand takes stock out of its store; an applicable customer
  order reserves at its store (store-less reserves go to the ``None`` store).
* ``changed_at`` records when each (item, store) last changed value, for ``changedSince``.
* Items that never took part in any operation have no key and never appear in the reports.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

Key = tuple[str, str | None]  # (assortment id, store id or None)


@dataclass(frozen=True)
class Contribution:
    out: dict[Key, float]  # stock taken out (demands)
    reserve: dict[Key, float]  # reserved (orders)


EMPTY = Contribution({}, {})


class StockLedger:
    """Not thread-safe by itself: the state calls it under its lock. ``on_change`` is called before every
    change (the state bumps its generation there, so cached lists never outlive a stock move)."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._on_change = on_change
        self.base: dict[Key, float] = {}
        self.stock: dict[Key, float] = {}
        self.reserve: dict[Key, float] = {}
        self.changed_at: dict[Key, datetime] = {}
        self.keys_by_item: dict[str, set[str | None]] = defaultdict(set)
        self.removed_items: set[str] = set()
        self._docs: dict[str, Contribution] = {}

    def _changing(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def _touch(self, key: Key) -> None:
        self.keys_by_item[key[0]].add(key[1])
        self.stock.setdefault(key, 0.0)
        self.reserve.setdefault(key, 0.0)

    def seed(self, key: Key, quantity: float, at: datetime) -> None:
        self._changing()
        self.keys_by_item[key[0]].add(key[1])
        self.base[key] = self.stock[key] = quantity
        self.reserve[key] = 0.0
        self.changed_at[key] = at

    def set_stock(self, key: Key, quantity: float, at: datetime) -> None:
        """Make the stock at ``key`` equal ``quantity`` (moves the opening balance)."""
        self._changing()
        self._touch(key)
        current = self.stock[key]
        self.base[key] = self.base.get(key, 0.0) + (quantity - current)
        self.stock[key] = quantity
        if current != quantity:
            self.changed_at[key] = at

    def apply(self, doc_id: str, contribution: Contribution | None, at: datetime) -> None:
        """Replace a document's contribution (None: the document is gone)."""
        self._changing()
        old = self._docs.pop(doc_id, EMPTY)
        new = contribution or EMPTY
        if new.out or new.reserve:
            self._docs[doc_id] = new
        for key in set(old.out) | set(new.out) | set(old.reserve) | set(new.reserve):
            self._touch(key)
            before = (self.stock[key], self.reserve[key])
            self.stock[key] += old.out.get(key, 0.0) - new.out.get(key, 0.0)
            self.reserve[key] += new.reserve.get(key, 0.0) - old.reserve.get(key, 0.0)
            if abs(self.reserve[key]) < 1e-9:
                self.reserve[key] = 0.0
            if (self.stock[key], self.reserve[key]) != before:
                self.changed_at[key] = at

    def remove_item(self, item_id: str, at: datetime) -> None:
        """A deleted product/variant: its rows read as zero from now on and count as changed."""
        self._changing()
        self.removed_items.add(item_id)
        for store in self.keys_by_item.get(item_id, ()):
            self.changed_at[(item_id, store)] = at

    def values(self, key: Key) -> tuple[float, float]:
        """(stock, reserve) at one key; zero for removed items."""
        if key[0] in self.removed_items:
            return 0.0, 0.0
        return self.stock.get(key, 0.0), self.reserve.get(key, 0.0)

    def items(self) -> list[str]:
        return list(self.keys_by_item)
