"""User dictionaries (customentity) over HTTP: the elements list paged with meta/name/id, one element, the
dictionary's metadata, a customentity attribute's ``customEntityMeta``, and an order's value of that type
accepted on create/update and rendered back as ``{meta, name}`` — each answer held to the official schema."""

from __future__ import annotations

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, error_codes
from .test_ms_schema import SPEC_PATH, Checker


@pytest.fixture
def cat(api: httpx.Client) -> Catalog:
    return Catalog(api)


def _dictionary(emulator: MoySkladEmulator, names: list[str]) -> dict:
    return emulator.state.add_dictionary("Способы доставки", names)


def test_the_elements_are_listed_paged_with_meta_name_and_id(api: httpx.Client, emulator: MoySkladEmulator,
                                                             base: str) -> None:
    made = _dictionary(emulator, ["Курьер", "Самовывоз", "Почта"])

    page = api.get(f"/entity/customentity/{made['id']}", params={"limit": 2}).json()

    assert page["meta"]["size"] == 3 and page["meta"]["limit"] == 2 and "nextHref" in page["meta"]
    first = page["rows"][0]
    assert first["name"] == "Курьер" and first["code"] == "1"
    assert first["meta"]["href"] == f"{base}/entity/customentity/{made['id']}/{first['id']}"
    assert first["meta"]["metadataHref"] == f"{base}/entity/customentity/{made['id']}/metadata"
    assert first["meta"]["type"] == "customentity"
    rest = api.get(f"/entity/customentity/{made['id']}", params={"limit": 2, "offset": 2}).json()
    assert [r["name"] for r in rest["rows"]] == ["Почта"]
    one = api.get(f"/entity/customentity/{made['id']}/{first['id']}").json()
    assert one["name"] == "Курьер"
    metadata = api.get(f"/entity/customentity/{made['id']}/metadata").json()
    assert metadata["id"] == made["id"] and metadata["name"] == "Способы доставки"
    listed = api.get("/context/companysettings/metadata").json()["customEntities"]
    assert [d["name"] for d in listed] == ["Способы доставки"]


def test_unknown_dictionaries_and_elements_are_404(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    made = _dictionary(emulator, ["Курьер"])
    missing = "0b7a1c64-0000-4000-8000-000000000001"

    assert api.get(f"/entity/customentity/{missing}").status_code == 404
    assert api.get(f"/entity/customentity/{made['id']}/{missing}").status_code == 404
    assert api.put(f"/entity/customentity/{made['id']}/{made['elements'][0]['id']}", json={}).status_code == 405


def test_a_customentity_attribute_points_at_its_dictionary(api: httpx.Client, emulator: MoySkladEmulator,
                                                          base: str) -> None:
    made = _dictionary(emulator, ["Курьер"])
    emulator.state.add_attribute("customerorder", "Доставка", type_name="customentity", dictionary=made["id"])
    emulator.state.add_attribute("customerorder", "Комментарий")

    rows = {r["name"]: r for r in api.get("/entity/customerorder/metadata/attributes").json()["rows"]}

    assert rows["Доставка"]["type"] == "customentity"
    assert rows["Доставка"]["customEntityMeta"] == {
        "href": f"{base}/entity/customentity/{made['id']}/metadata", "type": "customentitymetadata",
        "mediaType": "application/json"}
    assert "customEntityMeta" not in rows["Комментарий"]
    with pytest.raises(ValueError):
        emulator.state.add_attribute("customerorder", "Без справочника", type_name="customentity")


def test_an_order_takes_an_element_and_shows_it_with_its_name(api: httpx.Client, emulator: MoySkladEmulator,
                                                              cat: Catalog) -> None:
    made = _dictionary(emulator, ["Курьер", "Самовывоз"])
    other = emulator.state.add_dictionary("Другой", ["Чужой"])
    attribute = emulator.state.add_attribute("customerorder", "Доставка", type_name="customentity",
                                             dictionary=made["id"], required=True)
    courier, pickup = made["elements"]

    def value(element: dict) -> list[dict]:
        return [{"meta": attribute["meta"], "value": {"meta": element["meta"]}}]

    missing = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 100.0, 0)]))
    assert missing.status_code == 412 and "'Доставка'" in missing.json()["errors"][0]["error"]

    created = api.post("/entity/customerorder", json=cat.order([(cat.products[0], 1, 100.0, 0)],
                                                                 attributes=value(courier)))
    assert created.status_code == 200, created.text
    (shown,) = created.json()["attributes"]
    assert shown["type"] == "customentity"
    assert shown["value"] == {"meta": courier["meta"], "name": "Курьер"}

    changed = api.put(f"/entity/customerorder/{created.json()['id']}", json={"attributes": value(pickup)}).json()
    assert changed["attributes"][0]["value"]["name"] == "Самовывоз"
    again = api.get(f"/entity/customerorder/{created.json()['id']}").json()
    assert again["attributes"][0]["value"]["meta"]["href"] == pickup["meta"]["href"]

    # an element of another dictionary, or a value that is not an element: refused, the order unchanged
    wrong = api.put(f"/entity/customerorder/{created.json()['id']}", json={"attributes": value(other["elements"][0])})
    assert wrong.status_code == 404 and error_codes(wrong) == [1021]
    text = api.put(f"/entity/customerorder/{created.json()['id']}",
                   json={"attributes": [{"meta": attribute["meta"], "value": "Курьер"}]})
    assert text.status_code == 400
    assert api.get(f"/entity/customerorder/{created.json()['id']}").json()["attributes"][0]["value"]["name"] == \
        "Самовывоз"


@pytest.mark.skipif(not SPEC_PATH.is_file(), reason="shared/moysklad-openapi is not available")
def test_the_answers_match_the_official_schema(api: httpx.Client, emulator: MoySkladEmulator, cat: Catalog) -> None:
    made = _dictionary(emulator, ["Курьер"])
    attribute = emulator.state.add_attribute("customerorder", "Доставка", type_name="customentity",
                                             dictionary=made["id"])
    element = made["elements"][0]
    check = Checker(api)

    check.call("GET", f"/entity/customentity/{made['id']}")
    check.call("GET", f"/entity/customentity/{made['id']}/{element['id']}")
    check.call("GET", f"/entity/customentity/{made['id']}/metadata")
    check.call("GET", "/entity/customerorder/metadata/attributes")
    check.call("POST", "/entity/customerorder", json=cat.order(
        [(cat.products[0], 1, 100.0, 0)], attributes=[{"meta": attribute["meta"], "value": {"meta": element["meta"]}}]))

    assert len(check.checked) == 5 and not check.failures, check.failures
