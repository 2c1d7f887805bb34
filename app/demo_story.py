"""A day in the demo shop: after the demo's first sync, its people do what a real shop's do, so the next sync
shows an order's later life (issue 15: "the demo shop shows at least one payment, one return and one order
changed on both sides").

* a customer pays an exported order by card;
* a customer refuses a shipped order at the door, and the shop refunds what was paid;
* a manager changes a line of an exported order in RetailCRM while the storekeeper changed another line of it
  in MoySklad: changed on both sides.

The people act through the services' APIs (:class:`app.sandbox.person.Person`), as in the end-to-end tests. No
Qt here; the window runs :meth:`DemoStory.play_day` off the GUI thread and shows what it returns.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from app.clients.parsing import meta_id
from app.messages import Message, msg
from app.sandbox.person import Person

if TYPE_CHECKING:
    from app.sandbox.sandbox import Sandbox

REFUSAL_STATUS = "cancel-other"  # «Отменен» in the cancel group (recorded References/testStatuses)
REFUND_STATUS = "returned"  # the sandbox's payment status «Возврат» (its payment statuses, app/sandbox/retailcrm)
CARD = "bank-card"


def _goods(ms_order: dict[str, Any]) -> list[dict[str, Any]]:
    rows = ms_order.get("positions", {}).get("rows", [])
    return [r for r in rows if r["assortment"]["meta"]["type"] in ("product", "variant")]


class DemoStory:
    """Plays the shop's day once, after the first sync that exported orders."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self._lock = threading.Lock()
        self.played = False

    def play_day(self) -> list[Message]:
        """What happened in the shop (empty: the day was played already, or there is nothing to act on yet)."""
        with self._lock:
            if self.played:
                return []
            ms = self.sandbox.moysklad.state
            exported = [o for o in ms.customer_orders() if str(o.get("externalCode") or "").isdigit()]
            if not exported:
                return []  # no order crossed yet (the orders flow was not run): wait for a sync that exports
            self.played = True
            shipped = {meta_id(d.get("customerOrder")) for d in ms.demands()}
            with Person(self.sandbox) as person:
                return [line for line in self._day(person, exported, shipped) if line is not None]

    def _day(self, person: Person, exported: list[dict[str, Any]], shipped: set[str | None]
             ) -> Iterable[Message | None]:
        rc = self.sandbox.retailcrm.state
        used: set[int] = set()

        def rc_order(ms_order: dict[str, Any]) -> dict[str, Any] | None:
            found = rc.order(int(ms_order["externalCode"]))
            if found is None or found["id"] in used or found.get("status", "").startswith("cancel"):
                return None
            return found

        def pick(candidates: Iterable[dict[str, Any]], need_lines: int = 1) -> dict[str, Any] | None:
            for ms_order in candidates:
                order = rc_order(ms_order)
                if order is not None and len(_goods(ms_order)) >= need_lines:
                    used.add(order["id"])
                    return order
            return None

        waiting = [o for o in exported if o["id"] not in shipped]
        refused = pick(o for o in exported if o["id"] in shipped)
        if refused is not None:
            person.set_status(refused["id"], REFUSAL_STATUS)
            refunded = False
            for payment in (refused.get("payments") or {}).values():
                if payment.get("status") == "paid":
                    person.set_payment_status(int(payment["id"]), REFUND_STATUS)
                    refunded = True
            yield msg("demo.refused_refunded" if refunded else "demo.refused", order=refused["number"])

        both = pick(waiting, need_lines=2)
        if both is not None:
            ms_order = next(o for o in waiting if o["externalCode"] == str(both["id"]))
            first_offer = both["items"][0]["offer"]["id"]
            person.set_line_quantity(both["id"], first_offer, both["items"][0]["quantity"] + 1)
            last = _goods(ms_order)[-1]
            person.ms_set_position(ms_order["id"], last["id"], quantity=last["quantity"] + 1)
            yield msg("demo.changed_both_sides", order=both["number"])

        paid = pick(waiting)
        if paid is not None:
            total = Decimal(str(paid.get("totalSumm") or 0)) - Decimal(str(paid.get("prepaySum") or 0))
            if total > 0:
                person.pay(paid["id"], CARD, total)
                yield msg("demo.paid", order=paid["number"], amount=total)
