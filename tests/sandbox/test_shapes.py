"""The shape walker the recorded-answer tests rely on: what it reports, and what it lets pass."""

from __future__ import annotations

from app.sandbox.shapes import differences, shape_of


def test_missing_keys_and_wrong_types_are_reported_with_their_path() -> None:
    recorded = {"sites": {"a": {"code": "a", "catalogId": "catalog", "ordering": 989}}}
    ours = {"sites": {"b": {"code": "b", "catalogId": 1}}}
    assert differences(recorded, ours, maps=["sites"]) == [
        "sites{}.catalogId: recorded string, ours number",
        "sites{}.ordering: missing",
    ]
    assert differences(recorded, ours, maps=["sites"], allow={"sites{}.*": "test"}) == []


def test_array_elements_are_merged_before_comparing() -> None:
    recorded = {"orders": [{"id": 1, "externalId": "x"}, {"id": 2, "statusComment": ""}]}
    assert differences(recorded, {"orders": [{"id": 5, "externalId": "y"}, {"id": 6, "statusComment": "z"}]}) == []
    assert differences(recorded, {"orders": [{"id": 5, "externalId": "y"}]}) == ["orders[].statusComment: missing"]
    assert differences(recorded, {"orders": []}) == ["orders[]: recorded has elements, ours never does"]


def test_numbers_nulls_and_php_empty_maps() -> None:
    recorded = {"summ": 1395.16, "customFields": [], "phone": {}, "comment": None, "tags": []}
    ours = {"summ": 10, "customFields": {"galka": True}, "phone": [], "comment": "text", "tags": [{"name": "vip"}]}
    assert differences(recorded, ours) == []  # int/float one type, [] is PHP's empty map, null says nothing
    assert differences({"code": "a"}, {"code": []}) == ["code: recorded string, ours empty array"]


def test_extra_keys_of_ours_are_fine_and_allow_patterns_match_segments() -> None:
    recorded = {"order": {"delivery": {"address": {"regionId": 1, "city": "Тверь"}}}}
    ours = {"order": {"delivery": {"address": {"city": "Тверь", "text": "ул. Ленина"}}}, "extra": 1}
    assert differences(recorded, ours) == ["order.delivery.address.regionId: missing"]
    assert differences(recorded, ours, allow={"**.address.regionId": "geocoder"}) == []
    assert differences(recorded, ours, allow={"*.address.regionId": "one segment only"}) != []


def test_several_answers_merge_into_one_shape() -> None:
    merged = shape_of({"order": {"id": 1}}, {"order": {"id": 2, "externalId": "e"}})
    assert differences({"order": {"id": 3, "externalId": "f"}}, merged) == []
