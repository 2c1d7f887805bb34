"""Batch POST: arrays of up to 1000, create or update by meta, partial commit, errors in place, syncId."""

from __future__ import annotations

import uuid

import httpx
import pytest

from app.sandbox.moysklad import MoySkladEmulator

from .support import Catalog, error_codes


@pytest.fixture
def cat(api: httpx.Client) -> Catalog:
    return Catalog(api)


def test_bad_item_in_the_middle_commits_the_others(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    before = emulator.state.counts()["counterparty"]
    body = [{"name": "Первый"}, {"inn": "7701000000"}, {"name": "Третий", "email": "bad-email"}, {"name": "Четвёртый"}]
    response = api.post("/entity/counterparty", json=body)
    assert response.status_code == 200  # the OAS model; configurable
    result = response.json()
    assert len(result) == 4
    assert result[0]["name"] == "Первый" and result[3]["name"] == "Четвёртый"
    assert set(result[1]) == {"errors"}
    assert result[1]["errors"][0]["code"] == 3000 and result[1]["errors"][0]["parameter"] == "name"
    assert result[2]["errors"][0]["code"] == 3015
    assert emulator.state.counts()["counterparty"] == before + 2
    names = {c["name"] for c in emulator.state.counterparties()}
    assert {"Первый", "Четвёртый"} <= names and "Третий" not in names


def test_failure_status_is_configurable(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    emulator.state.batch_failure_status = 400
    response = api.post("/entity/counterparty", json=[{"name": "Хороший"}, {"name": 42}])
    assert response.status_code == 400
    assert response.json()[0]["name"] == "Хороший"
    assert response.json()[1]["errors"][0]["code"] == 2016
    assert api.post("/entity/counterparty", json=[{"name": "Все хорошие"}]).status_code == 200


def test_mixed_create_and_update_by_meta(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    existing = api.get("/entity/counterparty", params={"limit": 1}).json()["rows"][0]
    response = api.post("/entity/counterparty", json=[
        {"meta": existing["meta"], "phone": "+70000000000"}, {"name": "Новый контрагент"}])
    first, second = response.json()
    assert first["id"] == existing["id"] and first["phone"] == "+70000000000"
    assert first["name"] == existing["name"]
    assert second["id"] != existing["id"]


def test_unknown_href_inside_a_batch_item(api: httpx.Client, base: str) -> None:
    ghost = f"{base}/entity/counterparty/{uuid.uuid4()}"
    response = api.post("/entity/counterparty", json=[{"meta": {"href": ghost, "type": "counterparty"}, "name": "x"},
                                                       {"name": "Живой"}])
    first, second = response.json()
    assert first["errors"][0]["code"] == 1021
    assert second["name"] == "Живой"
    no_href = api.post("/entity/counterparty", json=[{"meta": {"type": "counterparty"}, "name": "y"}]).json()
    assert no_href[0]["errors"][0]["code"] == 2010


def test_1000_items_pass_and_1001_are_413(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    before = emulator.state.counts()["counterparty"]
    too_many = api.post("/entity/counterparty", json=[{"name": f"К{i}"} for i in range(1001)])
    assert (too_many.status_code, error_codes(too_many)) == (413, [2007])
    assert emulator.state.counts()["counterparty"] == before  # nothing committed
    ok = api.post("/entity/counterparty", json=[{"name": f"К{i}"} for i in range(1000)])
    assert ok.status_code == 200 and len(ok.json()) == 1000
    assert emulator.state.counts()["counterparty"] == before + 1000


def test_sync_id_idempotency_in_batches(api: httpx.Client, cat: Catalog, emulator: MoySkladEmulator) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    orders = [cat.order([(cat.products[i], 1, 100.0 * (i + 1), 0)], syncId=sync_id, externalCode=f"rc-{i}")
              for i, sync_id in enumerate(ids)]
    first = api.post("/entity/customerorder", json=orders).json()
    retry = api.post("/entity/customerorder", json=orders).json()  # e.g. after a timeout
    assert [o["id"] for o in retry] == [o["id"] for o in first]
    assert len(emulator.state.customer_orders()) == 3
    twice_in_one = api.post("/entity/counterparty", json=[{"name": "A", "syncId": ids[0]},
                                                          {"name": "B", "syncId": ids[0]}]).json()
    assert twice_in_one[0]["id"] == twice_in_one[1]["id"]


def test_batch_alias_and_array_where_object_expected(api: httpx.Client) -> None:
    alias = api.post("/entity/counterparty/batch", json=[{"name": "Через batch"}])
    assert alias.status_code == 200 and alias.json()[0]["name"] == "Через batch"
    existing = api.get("/entity/counterparty", params={"limit": 1}).json()["rows"][0]
    response = api.put(f"/entity/counterparty/{existing['id']}", json=[{"name": "x"}])
    assert (response.status_code, error_codes(response)) == (400, [2009])
    empty = api.post("/entity/counterparty", json=[])
    assert error_codes(empty) == [1027]


def test_wrong_json_type_in_a_single_post(api: httpx.Client) -> None:
    response = api.post("/entity/counterparty", json={"name": "x", "tags": "not-a-list"})
    assert (response.status_code, error_codes(response)) == (400, [2016])
    assert response.json()["errors"][0]["parameter"] == "tags"
