"""What a reconciliation found: differences by kind, and the flows that put each kind right."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from app.messages import Message, msg, text_of
from app.sync.model import Flow


class Kind(StrEnum):
    STOCK = "stock"
    PRICE = "price"
    ORDER_MISSING = "order_missing"
    RESERVE_LEFT = "reserve_left"
    LINK_GONE = "link_gone"


# (``str()`` of each is the Russian title the CLI prints)
KIND_TITLES: dict[Kind, Message] = {kind: msg(f"reconcile.kind.{kind.value}") for kind in Kind}

# The engine cannot restrict a flow to a set of ids: "fix" runs the matching flows in full for the profile.
# Reserves of a cancelled order are released by the orders flow (it sends the order with reserve 0); a link
# whose item is gone is dropped or re-made by the catalog flow, and stock/prices follow from the new links.
FIX_FLOWS: dict[Kind, tuple[Flow, ...]] = {
    Kind.STOCK: (Flow.STOCK,),
    Kind.PRICE: (Flow.PRICES,),
    Kind.ORDER_MISSING: (Flow.ORDERS,),
    Kind.RESERVE_LEFT: (Flow.ORDERS,),
    Kind.LINK_GONE: (Flow.CATALOG, Flow.STOCK, Flow.PRICES),
}


@dataclass(frozen=True)
class Difference:
    """One thing the two services disagree on. Values are text as a person reads them ("" = none): the
    services' names and figures as they are, our own words as messages (:meth:`text` renders a field)."""

    kind: Kind
    name: str | Message  # the item or order as a person knows it
    ref: str  # article / order number
    where: str = ""  # the store, the price type
    retailcrm: str | Message = ""
    moysklad: str | Message = ""
    expected: str = ""  # what RetailCRM should have by the sync's own rules (stock, prices)
    note: str | Message = ""
    rc_id: str = ""
    ms_id: str = ""

    def text(self, name: str, lang: str = "ru") -> str:
        """A field as text in ``lang``."""
        return text_of(getattr(self, name), lang)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("name", "retailcrm", "moysklad", "note"):
            data[name] = self.text(name)  # the Russian text, as before messages
        data["kind"] = str(self.kind)
        return data


@dataclass
class CheckReport:
    differences: list[Difference] = field(default_factory=list)
    compared: dict[Kind, int] = field(default_factory=dict)  # how many things of each kind were compared
    notes: list[str | Message] = field(default_factory=list)  # what could not be compared, and why
    waiting_orders: list[str] = field(default_factory=list)  # export-status orders a conflict holds back

    def counts(self) -> dict[Kind, int]:
        result = {kind: 0 for kind in Kind}
        for diff in self.differences:
            result[diff.kind] += 1
        return result

    @property
    def agrees(self) -> bool:
        return not self.differences

    def as_json(self) -> dict[str, Any]:
        return {
            "agrees": self.agrees,
            "counts": {str(k): n for k, n in self.counts().items()},
            "compared": {str(k): n for k, n in self.compared.items()},
            "differences": [d.as_json() for d in self.differences],
            "waiting_orders": list(self.waiting_orders),
            "notes": [text_of(note) for note in self.notes],
        }
