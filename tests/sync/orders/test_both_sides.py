"""Edits on both sides (app/sync/orders/edits.py): a person's change to a MoySklad order is never undone
silently. RetailCRM's changes are made as a manager would (the sandbox's state API journals them as a user's;
one over HTTP with the account's second key), MoySklad's with the MoySklad state API, as a person in the web
interface would."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.clients.retailcrm import RetailCrmClient
from app.store import Database
from app.sync.conflict_key import ConflictKey
from app.sync.orders.edits import PUSHED_WRITTEN, Verdict, Written, judge
from app.vocab import ConflictKind, ResolutionAction
from tests.sync.orders.support import (
    FAST_RC,
    OrdEnv,
    fast_retry,
    goods_rows,
    linked_offer_ids,
    new_order,
    ord_environment,
    ref_id,
)

KIND = ConflictKind.ORDER_CHANGED_BOTH_SIDES


@pytest.fixture
def ord_env() -> Iterator[OrdEnv]:
    with ord_environment(linking="seed") as env:
        yield env


def _order(env: OrdEnv, *, lines: int = 2, status: str = "new", **fields: Any) -> dict[str, Any]:
    """A new order of ``lines`` linked offers, exported by a run."""
    order = new_order(env, None, linked_offer_ids(env)[:lines], status=status, quantity=2,
                      firstName="Вера", lastName="Правкина", **fields)
    assert env.run().errors == 0
    assert env.ms_order(order["id"])
    return order


def _ms_edit_quantity(env: OrdEnv, rc_id: int, quantity: float) -> dict[str, Any]:
    """A picker changes the first goods line's quantity in MoySklad (the rest as it is)."""
    ms = env.ms_order(rc_id)
    rows = []
    for index, row in enumerate(ms["positions"]["rows"]):
        item = {k: row[k] for k in ("assortment", "quantity", "price", "discount", "reserve") if k in row}
        if index == 0:
            item["quantity"] = quantity
        rows.append(item)
    return env.ms_state.update_entity("customerorder", ms["id"], {"positions": rows})


def _rc_edit_quantity(env: OrdEnv, rc_id: int, quantity: int) -> None:
    items = env.rc_state.order(rc_id)["items"]
    changed = [{"id": i["id"], "quantity": i["quantity"]} for i in items]
    changed[-1]["quantity"] = quantity
    env.rc_state.user_edit_order(rc_id, items=changed)


def _writes_to(env: OrdEnv, mark: int, ms_id: str) -> list[Any]:
    """Writes to customer orders since ``mark`` (a PUT of ``ms_id``, or a batch): in these tests only the
    order at hand changes after the first run."""
    return [e for e in env.writes(mark) if e.service == "moysklad" and "entity/customerorder" in e.path
            and (e.method != "PUT" or e.path.endswith(ms_id))]


def _codes(env: OrdEnv) -> list[str | None]:
    return [e.code for e in env.events]


def _key(rc_id: int) -> str:
    return str(ConflictKey.of(KIND, "order", rc_id))


def _conflict(env: OrdEnv, rc_id: int, status: str | None = "open") -> Any:
    found = [c for c in env.conflicts(KIND, status=status) if c.key == _key(rc_id)]
    return found[0] if found else None


def _quantities(env: OrdEnv, rc_id: int) -> list[float]:
    return [r["quantity"] for r in goods_rows(env.ms_order(rc_id))]


# -- the decision, by hand -------------------------------------------------------------------------------------


def test_judge_is_pure() -> None:
    base = Written(ms="A", rc="A")
    assert judge(written=base, ms_now="A", rc_now="B", old_matches=False, action=None) is Verdict.UPDATE
    assert judge(written=base, ms_now="A", rc_now="A", old_matches=False, action=None) is Verdict.UPDATE
    assert judge(written=base, ms_now="M", rc_now="A", old_matches=False, action=None) is Verdict.KEEP
    assert judge(written=base, ms_now="M", rc_now="B", old_matches=False, action=None) is Verdict.CONFLICT
    assert judge(written=base, ms_now="M", rc_now="B", old_matches=False, action="ignore") is Verdict.LEAVE
    assert judge(written=base, ms_now="M", rc_now="B", old_matches=False,
                 action=ResolutionAction.USE_RETAILCRM) is Verdict.UPDATE
    assert judge(written=base, ms_now="M", rc_now="B", old_matches=False,
                 action=ResolutionAction.USE_MOYSKLAD) is Verdict.KEEP
    # MoySklad's content was kept as decided: a status-only change still keeps it, a content change goes
    kept = Written(ms="M", rc="A")
    assert judge(written=kept, ms_now="M", rc_now="A", old_matches=False, action=None) is Verdict.KEEP
    assert judge(written=kept, ms_now="M", rc_now="B", old_matches=False, action=None) is Verdict.UPDATE
    # written by an older version: only the old fingerprint tells
    assert judge(written=None, ms_now="M", rc_now="B", old_matches=True, action=None) is Verdict.UPDATE
    assert judge(written=None, ms_now="M", rc_now="B", old_matches=False, action=None) is Verdict.CONFLICT
    # MoySklad has RetailCRM's content already (a write whose record a crash lost): nothing to ask
    assert judge(written=base, ms_now="B", rc_now="B", old_matches=False, action=None) is Verdict.UPDATE
    assert Written.load(base.dump()) == base
    assert Written.load("not json") is None and Written.load(None) is None


# -- over HTTP -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reverse", [False, True], ids=["own-read", "statuses-back-read"])
def test_a_moysklad_only_edit_is_left_and_said_once(ord_env: OrdEnv, reverse: bool) -> None:
    env = ord_env
    env.configure(reverse_status_flow=reverse)
    env.run()  # the cursors start here
    order = _order(env)
    ms_id = env.ms_order(order["id"])["id"]
    _ms_edit_quantity(env, order["id"], 7)
    mark = env.log_size()

    report = env.run()

    assert report.errors == 0, report.message
    assert _writes_to(env, mark, ms_id) == []
    assert _quantities(env, order["id"])[0] == 7
    assert _codes(env).count("order_edits.changed_in_moysklad") == 1
    assert env.conflicts(KIND) == []
    env.run()
    assert "order_edits.changed_in_moysklad" not in _codes(env)  # once per change
    assert _quantities(env, order["id"])[0] == 7


def test_both_sides_edited_is_a_conflict_and_nothing_is_overwritten(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    ms_id = env.ms_order(order["id"])["id"]
    _ms_edit_quantity(env, order["id"], 7)
    _rc_edit_quantity(env, order["id"], 5)
    mark = env.log_size()

    report = env.run()

    assert report.errors == 0, report.message
    assert _writes_to(env, mark, ms_id) == []
    assert _quantities(env, order["id"]) == [7, 2]
    conflict = _conflict(env, order["id"])
    assert conflict is not None and conflict.title_code == "order_edits.title"
    assert [line["quantity"] for line in conflict.rc_data["lines"]][:2] == [2, 5]
    assert [line["quantity"] for line in conflict.ms_data["lines"]][:2] == [7, 2]
    assert all(line["name"] for line in conflict.ms_data["lines"] + conflict.rc_data["lines"])
    assert "order_edits.conflict" in _codes(env)
    mark = env.log_size()
    env.run()
    assert _writes_to(env, mark, ms_id) == []
    assert _conflict(env, order["id"]) is not None  # still open, still waiting


def test_use_retailcrm_writes_retailcrm_s_order_then_a_new_edit_asks_again(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    _ms_edit_quantity(env, order["id"], 7)
    _rc_edit_quantity(env, order["id"], 5)
    env.run()
    conflict = _conflict(env, order["id"])
    env.db.conflicts(env.profile_id).resolve(conflict.id, {"action": ResolutionAction.USE_RETAILCRM.value})

    assert env.run().errors == 0

    assert _quantities(env, order["id"]) == [2, 5]
    assert "order_edits.used_retailcrm" in _codes(env)
    assert _conflict(env, order["id"]) is None
    stored = env.db.conflicts(env.profile_id).get(conflict.id)
    assert stored.status == "resolved" and stored.resolution["done"] is True
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []
    # a later change on both sides raises the conflict again
    _ms_edit_quantity(env, order["id"], 9)
    _rc_edit_quantity(env, order["id"], 4)
    env.run()
    assert _conflict(env, order["id"]) is not None
    assert _quantities(env, order["id"]) == [9, 5]


def test_use_moysklad_keeps_its_lines_and_sends_the_state(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    _ms_edit_quantity(env, order["id"], 7)
    _rc_edit_quantity(env, order["id"], 5)
    env.rc_state.user_edit_order(order["id"], status="assembling")
    env.run()
    conflict = _conflict(env, order["id"])
    env.db.conflicts(env.profile_id).resolve(conflict.id, {"action": ResolutionAction.USE_MOYSKLAD.value})

    assert env.run().errors == 0

    ms = env.ms_order(order["id"])
    assert _quantities(env, order["id"]) == [7, 2]
    assert ref_id(ms["state"]) == env.settings.status_map["assembling"]
    assert "order_edits.kept_moysklad" in _codes(env)
    assert _conflict(env, order["id"]) is None
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []
    # a status change later still leaves MoySklad's lines; a content change in RetailCRM is compared with them
    env.rc_state.user_edit_order(order["id"], status="client-confirmed")
    env.run()
    assert _quantities(env, order["id"]) == [7, 2]
    assert ref_id(env.ms_order(order["id"])["state"]) == env.settings.status_map["client-confirmed"]
    _rc_edit_quantity(env, order["id"], 3)
    env.run()
    assert _quantities(env, order["id"]) == [2, 3]  # MoySklad unchanged since: RetailCRM's edit goes
    assert _conflict(env, order["id"]) is None


def test_a_status_only_change_over_a_moysklad_edit_sends_only_the_state(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    ms_id = env.ms_order(order["id"])["id"]
    _ms_edit_quantity(env, order["id"], 7)
    env.rc_state.user_edit_order(order["id"], status="assembling")
    mark = env.log_size()

    assert env.run().errors == 0

    (put,) = _writes_to(env, mark, ms_id)
    assert put.method == "PUT"
    ms = env.ms_order(order["id"])
    assert ref_id(ms["state"]) == env.settings.status_map["assembling"]
    assert _quantities(env, order["id"]) == [7, 2]
    assert "order_edits.status_only" in _codes(env)
    assert env.conflicts(KIND) == []
    # cancelled: the reserve rule changes, so MoySklad's own lines go back with no reserve
    env.rc_state.user_edit_order(order["id"], status="cancel-other")
    assert env.run().errors == 0
    ms = env.ms_order(order["id"])
    assert _quantities(env, order["id"]) == [7, 2]
    assert all(r.get("reserve", 0) == 0 for r in ms["positions"]["rows"])
    assert ref_id(ms["state"]) == env.settings.status_map["cancel-other"]


@pytest.mark.parametrize("reverse", [False, True], ids=["own-read", "statuses-back-read"])
def test_the_sync_s_own_writes_never_look_like_a_person_s(ord_env: OrdEnv, reverse: bool) -> None:
    env = ord_env
    env.configure(reverse_status_flow=reverse)
    env.run()
    order = _order(env)

    def twice() -> None:
        for _ in range(2):
            assert env.run().errors == 0
            assert "order_edits.changed_in_moysklad" not in _codes(env)
            assert "order_edits.status_only" not in _codes(env)
        assert env.conflicts(KIND, status=None) == []

    twice()  # after the create
    _rc_edit_quantity(env, order["id"], 4)  # an update
    env.rc_state.user_edit_order(order["id"], managerComment="Позвонить заранее")
    twice()
    assert _quantities(env, order["id"]) == [2, 4]
    env.rc_state.user_edit_order(order["id"], payments=[{"type": "cash", "amount": 100, "status": "paid"}])
    twice()  # a payment
    env.rc_state.user_edit_order(order["id"], status=env.settings.shipment_status)
    twice()  # a shipment
    assert len([d for d in env.ms_state.demands()
                if ref_id(d.get("customerOrder")) == env.ms_order(order["id"])["id"]]) == 1
    _rc_edit_quantity(env, order["id"], 1)  # a line reduced after shipment: a return, and an update
    twice()
    env.rc_state.user_edit_order(order["id"], status="cancel-other")  # refused: a return
    twice()
    assert env.ms_state.sales_returns()


def _forget_baseline(db: Database, profile_id: int, rc_id: int) -> None:
    db.pushed(profile_id).forget(PUSHED_WRITTEN, [str(rc_id)])


def test_orders_an_older_version_wrote(ord_env: OrdEnv) -> None:
    env = ord_env
    env.run()
    first = _order(env)
    second = _order(env)
    for order in (first, second):
        _forget_baseline(env.db, env.profile_id, order["id"])
    # the first is as the old version left it: RetailCRM's change goes as before
    _rc_edit_quantity(env, first["id"], 5)
    # the second was changed in MoySklad since: never overwritten, a person decides
    _ms_edit_quantity(env, second["id"], 7)
    env.rc_state.user_edit_order(second["id"], status="assembling")

    assert env.run().errors == 0

    assert _quantities(env, first["id"]) == [2, 5]
    assert _conflict(env, first["id"]) is None
    assert _quantities(env, second["id"]) == [7, 2]
    assert _conflict(env, second["id"]) is not None
    # the first now has a baseline of its own
    assert env.db.pushed(env.profile_id).get_many(PUSHED_WRITTEN).get(str(first["id"]))


def test_a_person_s_state_in_moysklad_is_not_an_edit_for_an_old_order(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    _forget_baseline(env.db, env.profile_id, order["id"])
    ms = env.ms_order(order["id"])
    other_state = next(st for st in env.ms_state.states_of("customerorder") if st["id"] != ref_id(ms["state"]))
    env.ms_state.update_entity("customerorder", ms["id"], {"state": env.moysklad.state_meta(other_state["id"])})
    _rc_edit_quantity(env, order["id"], 5)

    assert env.run().errors == 0

    assert _quantities(env, order["id"]) == [2, 5]
    assert _conflict(env, order["id"]) is None


def test_a_write_whose_record_a_crash_lost_is_no_conflict(ord_env: OrdEnv) -> None:
    env = ord_env
    order = _order(env)
    pushed = env.db.pushed(env.profile_id)
    key = str(order["id"])
    before = {target: pushed.get_many(target).get(key) for target in ("order", "order_state", PUSHED_WRITTEN)}
    _rc_edit_quantity(env, order["id"], 5)
    assert env.run().errors == 0
    assert _quantities(env, order["id"]) == [2, 5]
    # the run wrote the order and died before remembering it: the store is as before the write
    for target, value in before.items():
        assert value is not None
        pushed.put_many(target, {key: value})

    assert env.run(full=True).errors == 0  # the history cursor was not saved either: the order is read again

    assert env.conflicts(KIND) == []
    assert _quantities(env, order["id"]) == [2, 5]
    mark = env.log_size()
    env.run()
    assert env.writes(mark) == []


@pytest.fixture
def other_key(ord_env: OrdEnv) -> Iterator[RetailCrmClient]:
    """The account's second key (a person or another integration), over HTTP."""
    credentials = ord_env.sandbox.credentials()["retailcrm"]
    with RetailCrmClient(credentials["url"], credentials["other_api_key"], limits=FAST_RC, retry=fast_retry()) as c:
        yield c


def test_an_edit_made_with_the_other_key_over_a_picker_s_substitution(ord_env: OrdEnv,
                                                                      other_key: RetailCrmClient) -> None:
    env = ord_env
    order = _order(env)
    ms = env.ms_order(order["id"])
    # the picker replaces the first line's product in MoySklad with another one
    offers = linked_offer_ids(env)
    substitute = env.db.links(env.profile_id).get_by_rc("offer", offers[5])
    rows = [{k: r[k] for k in ("assortment", "quantity", "price", "discount", "reserve") if k in r}
            for r in ms["positions"]["rows"]]
    rows[0]["assortment"] = env.moysklad.meta(substitute.ms_type or "product", substitute.ms_id)
    env.ms_state.update_entity("customerorder", ms["id"], {"positions": rows})
    items = [{"id": i["id"], "quantity": i["quantity"]} for i in env.rc_state.order(order["id"])["items"]]
    items[1]["quantity"] = 6
    other_key.edit_order(order["id"], {"items": items}, by="id")  # over HTTP, as the other party would

    assert env.run().errors == 0

    after = env.ms_order(order["id"])
    assert ref_id(after["positions"]["rows"][0]["assortment"]) == substitute.ms_id  # the substitution stands
    conflict = _conflict(env, order["id"])
    assert conflict is not None
    assert conflict.ms_data["lines"][0]["name"] != conflict.rc_data["lines"][0]["name"]
