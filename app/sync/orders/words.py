"""Parts of the orders flow's sentences (app/messages/orders.py): lists of parts joined as nested messages,
so a sentence is never glued from Russian fragments and renders whole in either language."""

from __future__ import annotations

from collections.abc import Sequence

from app.messages import Message, msg


def joined(parts: Sequence[Message | str], separator: str = "comma") -> Message | str:
    """``parts`` as one value: "a, b, c" (``separator`` "comma") or "a; b; c" ("semicolon"); "" for none."""
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return msg(f"orders.join_{separator}", head=parts[0], tail=joined(parts[1:], separator))


def tail_notes(notes: Sequence[Message | str]) -> Message | str:
    """"; note; note" after a sentence (what was shortened in an order), "" for none."""
    if not notes:
        return ""
    return msg("orders.note_tail", note=notes[0], more=tail_notes(notes[1:]))


def document_name(document: str) -> Message:
    """A money document's kind in words: paymentin → «входящий платёж» (app.sync.orders.payments)."""
    return msg(f"orders.doc_{document}")


__all__ = ["document_name", "joined", "tail_notes"]
