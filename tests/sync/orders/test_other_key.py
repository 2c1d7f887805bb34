"""A change made with another key of the same RetailCRM account (sandbox ``other_api_key``: a person's or
another integration's) is carried over by the next sync; the sync's own changes are not echoed back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.clients.retailcrm import RetailCrmClient
from app.sync.model import Flow
from tests.sync.orders.support import FAST_RC, OrdEnv, fast_retry, ord_environment, ref_id


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment() as env:
        yield env


@pytest.fixture
def other_key(ord_env: OrdEnv) -> Iterator[RetailCrmClient]:
    sandbox = ord_env.sandbox
    credentials = sandbox.credentials()["retailcrm"]
    assert credentials["other_api_key"] not in (None, "", credentials["api_key"])
    with RetailCrmClient(credentials["url"], credentials["other_api_key"], limits=FAST_RC, retry=fast_retry()) as c:
        yield c


def _exported_new(env: OrdEnv) -> list[dict]:
    codes = {o["externalCode"] for o in env.ms_orders()}
    return [o for o in env.rc_state.orders() if str(o["id"]) in codes and o["status"] == "new"]


def test_a_status_changed_with_the_other_key_reaches_moysklad(ord_env: OrdEnv, other_key: RetailCrmClient) -> None:
    env = ord_env
    assert env.run().errors == 0
    order = _exported_new(env)[0]
    before = ref_id(env.ms_order(order["id"])["state"])
    assert before == env.settings.status_map["new"]

    other_key.edit_order(order["id"], {"status": "assembling"}, by="id")  # over HTTP, as the other party would
    record = env.rc_state.history(api_key=env.sandbox.retailcrm.api_key)[-1]
    assert record["source"] == "api" and record["apiKey"] == {"current": False}

    report = env.run()

    assert report.errors == 0, report.message
    assert report.counts[Flow.ORDERS].updated == 1
    assert ref_id(env.ms_order(order["id"])["state"]) == env.settings.status_map["assembling"]


def test_the_syncs_own_key_is_skipped_but_not_the_others(ord_env: OrdEnv, other_key: RetailCrmClient) -> None:
    env = ord_env
    assert env.run().errors == 0
    mine, theirs = _exported_new(env)[:2]
    env.retailcrm.edit_order(mine["id"], {"managerComment": "своя правка"}, by="id")  # apiKey.current: true
    other_key.edit_order(theirs["id"], {"managerComment": "чужая правка"}, by="id")

    report = env.run()

    assert report.errors == 0, report.message
    assert report.counts[Flow.ORDERS].updated == 1  # only the other key's change
    assert "чужая правка" in env.ms_order(theirs["id"])["description"]
    assert "своя правка" not in (env.ms_order(mine["id"]).get("description") or "")
