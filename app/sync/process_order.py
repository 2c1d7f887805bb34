"""Where a RetailCRM order status sits in the order process: group first, then the status inside its group.

Real accounts number a status's ``ordering`` *inside its group* (10, 20, … again in every group) and give a
shop's own statuses 990; the groups carry their own ``ordering`` (``/reference/status-groups``). Source: the
answers recorded from real accounts, ``shared/retailcrm-fixtures/References/testStatuses.json`` (``new`` 10
in group ``new``, ``send-to-delivery`` 10 in ``delivery``, ``3`` 990 in ``complete``, ``no-call`` 10 in
``cancel``) and ``testStatusGroups.json`` (new 10, approval 20, assembling 30, delivery 40, complete 50,
cancel 60). So comparing ``ordering`` across groups is wrong: the process order is
(group ``ordering``, status ``ordering`` within the group, code as a tie break).

Pure: no HTTP, no Qt. Statuses and groups are read by attribute (``code``, ``group``, ``ordering``; groups
also ``statuses``), so the client's models and the wizard's ``RcStatus`` both fit.

When the groups are missing (the call failed, or an old caller has none), the default groups' order from
the same recording stands in (:data:`DEFAULT_GROUP_ORDERING`); groups the account does name override it.
A status whose group is in neither sorts after every known group, and is never counted as shipped on
the strength of its position alone (see :meth:`ProcessOrder.shipped`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from app.clients.errors import NotFound, ProtocolError, RemoteValidationError
from app.messages import msg

# RetailCRM's default status groups and their ``ordering`` in real accounts
# (shared/retailcrm-fixtures/References/testStatusGroups.json; shared/docs/retailcrm-api.md §5.3).
DEFAULT_GROUP_ORDERING: Mapping[str, int] = {
    "new": 10,
    "approval": 20,
    "assembling": 30,
    "delivery": 40,
    "complete": 50,
    "cancel": 60,
}
CANCEL_GROUP = "cancel"  # orders here are never shipped, wherever the group stands
# A status without an ``ordering`` goes to the end of its group, after the shop's own ones (990).
_NO_ORDERING = 1_000_000


class _StatusLike(Protocol):
    @property
    def code(self) -> str: ...
    @property
    def group(self) -> str | None: ...
    @property
    def ordering(self) -> int | None: ...


ProcessKey = tuple[int, int, str, int, str]


@dataclass(frozen=True)
class ProcessOrder:
    """The process position of every status of one account."""

    group_ordering: Mapping[str, int]  # group code → the group's ordering (defaults merged with the account's)
    group_of: Mapping[str, str | None]  # status code → its group code
    ordering: Mapping[str, int | None]  # status code → its ordering inside the group
    from_account: bool = True  # False when the groups' order is the built-in default

    @classmethod
    def build(cls, statuses: Iterable[_StatusLike], groups: Iterable[Any] | None = None) -> ProcessOrder:
        """``groups``: ``/reference/status-groups`` (objects with ``code``, ``ordering``, ``statuses``), or
        None / empty when they could not be read: then the default groups' order is used."""
        group_ordering = dict(DEFAULT_GROUP_ORDERING)
        member_of: dict[str, str] = {}
        from_account = False
        for group in groups or ():
            from_account = True
            code = str(getattr(group, "code", "") or "")
            if not code:
                continue
            value = getattr(group, "ordering", None)
            if isinstance(value, int):
                group_ordering[code] = value
            elif code not in group_ordering:
                continue  # a group we cannot place: its statuses count as of an unknown group
            for status_code in getattr(group, "statuses", ()) or ():
                member_of.setdefault(str(status_code), code)
        group_of: dict[str, str | None] = {}
        ordering: dict[str, int | None] = {}
        for status in statuses:
            # the status's own ``group`` first; the groups' member lists fill in when it is missing
            group_of[status.code] = status.group or member_of.get(status.code)
            ordering[status.code] = status.ordering
        return cls(group_ordering, group_of, ordering, from_account)

    # -- positions ---------------------------------------------------------------------------------------
    def known(self, code: str | None) -> bool:
        """Whether ``code`` is a status of the account in a group whose place in the process is known."""
        group = self.group_of.get(code) if code is not None else None
        return group is not None and group in self.group_ordering

    def group_rank(self, code: str | None) -> int | None:
        """The ordering of the group of ``code`` (None: unknown status or group)."""
        group = self.group_of.get(code or "")
        return self.group_ordering.get(group) if group is not None else None

    def key(self, code: str) -> ProcessKey:
        """Sort key: known groups by their ordering, then unknown groups (by code); inside a group by the
        status's ordering, then by code."""
        group = self.group_of.get(code) or ""
        rank = self.group_ordering.get(group)
        inner = self.ordering.get(code)
        inner_key = inner if isinstance(inner, int) else _NO_ORDERING
        if rank is None:
            return (1, 0, group, inner_key, code)
        return (0, rank, "", inner_key, code)

    def sorted_codes(self, codes: Iterable[str]) -> list[str]:
        return sorted(codes, key=self.key)

    def in_cancel(self, code: str | None) -> bool:
        return self.group_of.get(code or "") == CANCEL_GROUP

    # -- shipments ---------------------------------------------------------------------------------------
    def shipped(self, code: str | None, shipment: str | None, *, reached: bool = False) -> bool:
        """Whether an order now in ``code`` has had its goods leave, the shipment status being ``shipment``.

        - never in the cancel group;
        - never in a group that comes before the shipment status's group (even if the order passed the
          shipment status since the last run: it was moved back, the goods did not leave);
        - yes at the shipment status itself, or when ``reached`` (the history shows it passed the shipment
          status) and the order is not in an earlier group;
        - otherwise by process order: at or after the shipment status, both in known groups. A status in an
          unknown group, or an unknown status, is not shipped on its position alone.
        """
        if not code or not shipment:
            return False
        if self.in_cancel(code):
            return False
        if code == shipment:
            return True
        here, mark = self.group_rank(code), self.group_rank(shipment)
        if here is not None and mark is not None and here < mark:
            return False
        if reached:
            return True
        if not (self.known(code) and self.known(shipment)):
            return False
        return self.key(code) >= self.key(shipment)


def read_groups(fetch: Callable[[], Iterable[Any]]) -> list[Any] | None:
    """``fetch()`` (the client's ``status_groups``), or None when the account's answer cannot be had: the
    endpoint is missing (404), refused the call, or answered in a shape we cannot read. The caller then
    builds a :class:`ProcessOrder` on the default groups' order and says so. A busy or unreachable service
    and a key problem are not hidden here: the ``/reference/statuses`` call next to it would fail the same
    way, and the caller's usual handling applies."""
    try:
        return list(fetch())
    except (NotFound, ProtocolError, RemoteValidationError):
        return None


# Told when the groups' order is the built-in default.
DEFAULT_ORDER_NOTE = msg("orders.default_group_order")
