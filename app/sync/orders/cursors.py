"""The orders flow's cursors as one typed object over the store's cursor table.

Every value keeps the name and the text form it always had (flow ``"orders"``), so databases written
before this type keep working: the history ``sinceId`` as digits, the waiting orders as a JSON list of ids,
MoySklad's ``updated`` text for statuses back, the first sync's day as ``YYYY-MM-DD``, "1"/"0" for a big
account, and the delivery service's id and syncId per service name (``<name>:<service name>``).
"""

from __future__ import annotations

import json
from datetime import date

from app.sync.ports import CursorStore as CursorStore  # its home was here: keep it importable

CURSOR_FLOW = "orders"
HISTORY_CURSOR = "history_since_id"
WAITING_CURSOR = "waiting_order_ids"
REVERSE_CURSOR = "reverse_updated_since"
DELIVERY_SERVICE_CURSOR = "delivery_service_id"  # + ":<name>": the service is per name
DELIVERY_SYNC_CURSOR = "delivery_service_sync_id"  # + ":<name>": a renamed setting never reuses the old syncId
FIRST_SYNC_CURSOR = "first_sync_from"  # "YYYY-MM-DD": orders created before it are not exported
BIG_ACCOUNT_CURSOR = "counterparties_beyond_one_page"  # "1": skip reading a first page of counterparties
CUSTOMERS_CURSOR = "customers_history_since_id"  # customers/history (app/sync/orders/customers.py)


def delivery_cursor(cursor: str, service_name: str) -> str:
    """The cursor name that keeps the delivery service's id (or syncId) for one service name."""
    return f"{cursor}:{service_name}"


def read_ids(value: str | None) -> set[int]:
    """The waiting orders' ids from their JSON text; anything unreadable counts as none."""
    if not value:
        return set()
    try:
        data = json.loads(value)
    except ValueError:
        return set()
    return {int(x) for x in data if isinstance(x, int) or (isinstance(x, str) and x.isdigit())}


class OrdersCursors:
    """Reads and writes the orders flow's cursors in their stored forms."""

    def __init__(self, store: CursorStore) -> None:
        self.store = store

    def _get(self, name: str) -> str | None:
        return self.store.get(CURSOR_FLOW, name)

    # -- RetailCRM's history ---------------------------------------------------------------------------
    @property
    def history_since_id(self) -> int | None:
        """The newest history record seen (None: never synced, a first run)."""
        value = self._get(HISTORY_CURSOR)
        return int(value) if value and value.isdigit() else None

    @history_since_id.setter
    def history_since_id(self, value: int) -> None:
        self.store.set(CURSOR_FLOW, HISTORY_CURSOR, value)

    @property
    def waiting(self) -> set[int]:
        """RetailCRM ids of the orders that could not go last time."""
        return read_ids(self._get(WAITING_CURSOR))

    @waiting.setter
    def waiting(self, ids: set[int]) -> None:
        self.store.set(CURSOR_FLOW, WAITING_CURSOR, json.dumps(sorted(ids)))

    @property
    def first_sync_from(self) -> date | None:
        """The day before which orders are never exported (None: no limit, or unreadable)."""
        stored = self._get(FIRST_SYNC_CURSOR)
        try:
            return date.fromisoformat(stored) if stored else None
        except ValueError:
            return None

    @first_sync_from.setter
    def first_sync_from(self, day: date) -> None:
        self.store.set(CURSOR_FLOW, FIRST_SYNC_CURSOR, day.isoformat())

    @property
    def customers_since_id(self) -> int | None:
        """The newest ``customers/history`` record seen (None: never looked, the first run sets it)."""
        value = self._get(CUSTOMERS_CURSOR)
        return int(value) if value and value.isdigit() else None

    @customers_since_id.setter
    def customers_since_id(self, value: int) -> None:
        self.store.set(CURSOR_FLOW, CUSTOMERS_CURSOR, value)

    # -- MoySklad ------------------------------------------------------------------------------------------
    @property
    def reverse_since(self) -> str | None:
        """MoySklad's ``updated`` text of the newest customer order looked at for statuses back."""
        return self._get(REVERSE_CURSOR)

    @reverse_since.setter
    def reverse_since(self, value: str) -> None:
        self.store.set(CURSOR_FLOW, REVERSE_CURSOR, value)

    @property
    def big_account(self) -> bool:
        """Whether the account has more counterparties than one page (stored "1"/"0")."""
        return self._get(BIG_ACCOUNT_CURSOR) == "1"

    @big_account.setter
    def big_account(self, value: bool) -> None:
        self.store.set(CURSOR_FLOW, BIG_ACCOUNT_CURSOR, "1" if value else "0")

    def delivery_service_id(self, name: str) -> str | None:
        return self._get(delivery_cursor(DELIVERY_SERVICE_CURSOR, name))

    def set_delivery_service_id(self, name: str, service_id: str) -> None:
        self.store.set(CURSOR_FLOW, delivery_cursor(DELIVERY_SERVICE_CURSOR, name), service_id)

    def delivery_sync_id(self, name: str) -> str | None:
        return self._get(delivery_cursor(DELIVERY_SYNC_CURSOR, name))

    def set_delivery_sync_id(self, name: str, sync_id: str) -> None:
        self.store.set(CURSOR_FLOW, delivery_cursor(DELIVERY_SYNC_CURSOR, name), sync_id)

    def forget_delivery_service(self, name: str) -> None:
        """The service is gone: the next run finds it by name or creates it with a new syncId."""
        self.store.reset(CURSOR_FLOW, delivery_cursor(DELIVERY_SERVICE_CURSOR, name))
        self.store.reset(CURSOR_FLOW, delivery_cursor(DELIVERY_SYNC_CURSOR, name))
