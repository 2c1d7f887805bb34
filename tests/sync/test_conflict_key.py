"""ConflictKey formats exactly the key strings the flows always stored, and parses them back."""

from __future__ import annotations

import pytest

from app.sync.conflict_key import ConflictKey
from app.sync.orders.counterparties import ambiguous_conflict, ambiguous_key


@pytest.mark.parametrize(("key", "text"), [
    (ConflictKey.of("unlinked_order_line", "offer", 502), "unlinked_order_line:offer:502"),
    (ConflictKey.of("unlinked_order_line", "order", 10, "line", 2), "unlinked_order_line:order:10:line:2"),
    (ConflictKey.of("bad_data", "order", 7), "bad_data:order:7"),
    (ConflictKey.of("bad_data", "order-id", "12abc"), "bad_data:order-id:12abc"),
    (ConflictKey.of("unmapped_status", "new"), "unmapped_status:new"),
    (ConflictKey.of("unmapped_status", None), "unmapped_status:None"),  # as the f-string always wrote it
    (ambiguous_conflict("order-5"), "ambiguous_counterparty:customer:order-5"),
])
def test_keys_are_the_stored_strings(key: ConflictKey, text: str) -> None:
    assert str(key) == text
    assert ConflictKey.parse(text) == key


def test_a_part_holding_the_separator_stays_whole_when_the_arity_is_given() -> None:
    key = ConflictKey.of("unmapped_status", "odd:code")
    assert ConflictKey.parse(str(key), parts=1) == key
    assert ConflictKey.parse(str(key)).parts == ("odd", "code")


def test_parts_are_read_by_position() -> None:
    key = ConflictKey.parse("unlinked_order_line:offer:502")
    assert (key.kind, key.part(0), key.part(-1), key.part(5)) == ("unlinked_order_line", "offer", "502", None)
    assert ConflictKey.parse("bare") == ConflictKey("bare")
    assert ambiguous_key("77") == "ambiguous_counterparty:customer:77"
