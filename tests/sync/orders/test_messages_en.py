"""The orders flow's sentences in English: a sync in the sandbox whose journal lines, plan notes and conflict
titles all carry a code (app/messages/orders.py) and render in English with no Cyrillic outside the names they
quote (customers, products, statuses: the shop's own words)."""

from __future__ import annotations

from app.messages import Message, render
from app.sync.model import Flow
from app.vocab import ConflictKind
from tests.sync.orders.support import linked_offer_ids, new_order, ord_environment

ORDER_KINDS = {ConflictKind.UNLINKED_ORDER_LINE, ConflictKind.AMBIGUOUS_COUNTERPARTY, ConflictKind.UNMAPPED_STATUS,
               ConflictKind.BAD_DATA}


def _without_quoted(text: str) -> str:
    """``text`` without its «…» parts (nested ones too): the names a sentence quotes stay as the shop wrote them."""
    out, depth = [], 0
    for ch in text:
        if ch == "«":
            depth += 1
        elif ch == "»" and depth:
            depth -= 1
        elif not depth:
            out.append(ch)
    return "".join(out)


def _cyrillic(text: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in _without_quoted(text).lower())


def test_an_orders_sync_reads_in_english() -> None:
    with ord_environment(first_sync_days=30) as env:
        offers = linked_offer_ids(env)
        # a line whose product is not linked, an unmapped status, data MoySklad would refuse: each a conflict
        unlinked = new_order(env, None, offers[:2], firstName="Олег", lastName="Тестов")
        env.db.links(env.profile_id).remove("offer", rc_id=offers[1])
        unmapped = "waiting-supply"
        env.configure(status_map={**env.settings.status_map, unmapped: None},
                      export_statuses=(*env.settings.export_statuses, unmapped))
        new_order(env, None, offers[:1], status=unmapped, firstName="Ия", lastName="Ли")
        negative = new_order(env, None, offers[:1], firstName="Минус")
        with env.rc_state.lock:
            env.rc_state.db.orders[negative["id"]].items[0].quantity = -3

        report = env.run()

        events = [e for e in env.events if e.flow == Flow.ORDERS]
        codes = {e.code for e in events}
        assert {"orders.created", "orders.cp_created", "orders.unlinked_lines_new", "orders.unmapped_status_new",
                "orders.bad_data"} <= codes, codes
        for event in events:
            assert event.code is not None, event.message  # no sentence left as a plain str
            english = event.text("en")
            assert english != event.message and not _cyrillic(english), (event.code, english)
        line = next(e for e in events if e.code == "orders.unlinked_lines_new"
                    and e.entity_ref == (unlinked["number"] or str(unlinked["id"])))
        assert line.text("en").startswith(f"Order {line.entity_ref} was not sent to MoySklad: a product is not linked")

        notes = report.plans[Flow.ORDERS].notes
        # customers.*: the counterparties kept current (app/sync/orders/customers.py)
        assert notes and all(isinstance(n, Message) and n.code.startswith(("orders.", "customers.")) for n in notes)
        assert "First sync: orders of the last 30 days; earlier ones are not sent." in [render(n, "en") for n in notes]
        assert not any(_cyrillic(render(n, "en")) for n in notes)

        # the orders flow's conflicts (the catalog flow run before it records its own)
        conflicts = [c for c in env.conflicts() if c.kind in ORDER_KINDS]
        kinds = {c.kind for c in conflicts}
        assert {"unlinked_order_line", "unmapped_status", "bad_data"} <= kinds, kinds
        for conflict in conflicts:
            assert conflict.title_code is not None and conflict.title_code.startswith("orders."), conflict.title
            english = conflict.title_text("en")
            assert not _cyrillic(english), english
        waiting = next(c for c in conflicts if c.kind == "unlinked_order_line")
        assert waiting.title_code == "orders.conflict_waiting" and "Orders waiting: " in waiting.title_text("en")
        assert "Ждут заказы: " in waiting.title  # the stored Russian title is as before
