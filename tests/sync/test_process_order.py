"""The process order of RetailCRM statuses, checked on answers recorded from real accounts.

``shared/retailcrm-fixtures/References/testStatuses.json`` and ``testStatusGroups.json`` (beside the repository:
the checkout's parent holds ``shared/``, in CI as here) number ``ordering`` inside each group, give a shop's
own statuses 990 and keep ``no-call`` in the cancel group.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.clients.errors import NotFound
from app.clients.parsing import as_list, as_map
from app.clients.retailcrm_models import Status, StatusGroup
from app.sync.accounts import _suggest_shipment_status, suggest_reverse_map
from app.sync.process_order import DEFAULT_GROUP_ORDERING, ProcessOrder, read_groups
from app.sync.statusmap import RcStatus, process_ordered, suggest_export_statuses

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "retailcrm-fixtures" / "References"

pytestmark = pytest.mark.skipif(
    not FIXTURES.is_dir(),
    reason=f"the recorded RetailCRM answers are not beside the checkout ({FIXTURES} is missing)",
)


def _response(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))["response"]


@pytest.fixture(scope="module")
def statuses() -> list[Status]:
    return [Status.from_api(as_map(r)) for r in as_list(_response("testStatuses.json")["statuses"])]


@pytest.fixture(scope="module")
def groups() -> list[StatusGroup]:
    return [StatusGroup.from_api(as_map(r)) for r in as_list(_response("testStatusGroups.json")["statusGroups"])]


@pytest.fixture(scope="module")
def order(statuses: list[Status], groups: list[StatusGroup]) -> ProcessOrder:
    return ProcessOrder.build(statuses, groups)


def test_the_recording_numbers_ordering_inside_each_group(statuses: list[Status]) -> None:
    by_code = {s.code: s for s in statuses}
    # why a plain ``ordering`` comparison is wrong: «Новый» and «Передан в доставку» are both 10,
    # and a shop's own «3» (990) would come after everything
    assert by_code["new"].ordering == by_code["send-to-delivery"].ordering == 10
    assert by_code["3"].ordering == 990 and by_code["3"].group == "complete"
    assert by_code["no-call"].group == "cancel"


def test_new_comes_before_send_to_delivery(order: ProcessOrder) -> None:
    assert order.key("new") < order.key("send-to-delivery")
    assert not order.shipped("new", "send-to-delivery")


def test_a_shop_status_of_the_complete_group_comes_after_delivered(order: ProcessOrder) -> None:
    assert order.key("3") > order.key("delivered") > order.key("send-to-delivery")
    assert order.shipped("3", "send-to-delivery") and order.shipped("delivered", "send-to-delivery")
    assert order.shipped("complete", "send-to-delivery")


def test_no_call_is_cancelled_and_never_shipped(order: ProcessOrder) -> None:
    assert order.in_cancel("no-call")
    assert order.key("no-call") > order.key("3")  # the cancel group is the last one
    assert not order.shipped("no-call", "send-to-delivery")
    assert not order.shipped("no-call", "send-to-delivery", reached=True)  # sent, then cancelled
    assert not order.shipped("abandoned-cart", "send-to-delivery")


def test_a_shop_status_of_the_assembling_group_comes_before_send_to_delivery(order: ProcessOrder) -> None:
    assert order.key("assembling-complete") < order.key("test") < order.key("send-to-delivery")
    assert not order.shipped("test", "send-to-delivery")


def test_shipped_never_in_an_earlier_group_nor_earlier_in_the_group(order: ProcessOrder) -> None:
    # moved back to assembling after the shipment status: the goods did not leave
    assert not order.shipped("assembling", "send-to-delivery", reached=True)
    assert order.shipped("send-to-delivery", "send-to-delivery")
    # inside the shipment status's group the status's own place counts
    assert not order.shipped("send-to-delivery", "delivered")
    assert order.shipped("delivering", "send-to-delivery")
    assert not order.shipped("new", None) and not order.shipped(None, "send-to-delivery")
    assert not order.shipped("no-such-status", "send-to-delivery")


def test_the_order_agrees_with_the_groups_own_lists(order: ProcessOrder, statuses: list[Status],
                                                    groups: list[StatusGroup]) -> None:
    """The groups' ``statuses`` lists, taken group by group, are the process order (ties of 990 aside)."""
    listed = [code for g in sorted(groups, key=lambda g: g.ordering or 0) for code in g.statuses]
    assert sorted(listed) == sorted(s.code for s in statuses)
    keys = [order.key(code)[:4] for code in listed]  # without the code tie break
    assert keys == sorted(keys)


def test_without_the_groups_the_default_order_stands_in(statuses: list[Status], groups: list[StatusGroup],
                                                        order: ProcessOrder) -> None:
    assert {g.code: g.ordering for g in groups} == dict(DEFAULT_GROUP_ORDERING)
    fallback = ProcessOrder.build(statuses, None)
    assert not fallback.from_account and order.from_account
    codes = [s.code for s in statuses]
    assert fallback.sorted_codes(codes) == order.sorted_codes(codes)
    assert not fallback.shipped("new", "send-to-delivery") and fallback.shipped("3", "send-to-delivery")


def test_the_accounts_group_ordering_wins_and_unknown_groups_go_last(statuses: list[Status]) -> None:
    # an account whose groups would stand otherwise: its own numbers count, not the defaults
    swapped = [StatusGroup("complete", "Выполнен", ordering=5), StatusGroup("new", "Новый", ordering=10)]
    order = ProcessOrder.build(statuses, swapped)
    assert order.key("complete") < order.key("new")
    odd = [*statuses, Status("mystery", "Загадка", group="no-such-group", ordering=1)]
    order = ProcessOrder.build(odd, None)
    assert order.sorted_codes([s.code for s in odd])[-1] == "mystery"
    assert not order.shipped("mystery", "send-to-delivery")  # an unknown place never ships by position


def test_unreadable_groups_fall_back_instead_of_failing() -> None:
    def missing() -> list[StatusGroup]:
        raise NotFound("retailcrm", "not found", status=404)

    assert read_groups(missing) is None
    assert read_groups(lambda: [StatusGroup("new", "Новый", ordering=10)]) == [StatusGroup("new", "Новый", ordering=10)]


def _rc(statuses: list[Status], order: ProcessOrder) -> list[RcStatus]:
    return [RcStatus(s.code, s.name, s.group, s.active, s.ordering or 0, order.group_rank(s.code)) for s in statuses]


def test_the_suggestions_follow_the_process_order(statuses: list[Status], order: ProcessOrder) -> None:
    rc = _rc(statuses, order)
    ordered = [s.code for s in process_ordered(rc)]
    assert ordered.index("new") < ordered.index("prepayed") < ordered.index("test") < ordered.index("send-to-delivery")
    assert ordered.index("delivered") < ordered.index("complete") < ordered.index("3") < ordered.index("no-call")
    # the shipment status: the first active status of the delivery group, whatever its ``ordering``
    assert _suggest_shipment_status(rc) == "send-to-delivery"
    exported = suggest_export_statuses(rc)
    assert "no-call" not in exported and "new" in exported and exported.index("new") < exported.index("complete")
    # MoySklad «Отменен» goes back as RetailCRM «Отменен», not as «Недозвон» at the head of the cancel group
    cancel = {s.code: "cancelled" for s in statuses if s.group == "cancel"}
    assert suggest_reverse_map(cancel, rc, {"cancelled": "Отменен"}) == {"cancelled": "cancel-other"}
    assert suggest_reverse_map(cancel, rc) == {"cancelled": "no-call"}  # no names: first in the process
