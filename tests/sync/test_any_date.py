"""A first sync behaves the same on any date: the sandbox dates its shop back from its own clock, and the app
counts its 30-day window back from its clock. Both are moved here together, to a year ahead, to the end of a
month and to New Year's Eve, with the default settings a new user gets.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.runner.build import default_flows
from app.sandbox.clock import MSK, moscow_now, shifted_clock
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import SyncSettings
from app.sync.engine import SyncEngine
from app.sync.model import ALL_FLOWS
from app.sync.orders.history import first_sync_start
from tests.sync.orders.support import ambiguous_customer_ids, open_env

SHOP = SandboxOptions(products=60, orders=100, stores=2, seed=5, rate_limit=False)


@pytest.mark.parametrize(
    "start",
    [
        pytest.param(lambda: moscow_now() + timedelta(days=365), id="a-year-ahead"),
        pytest.param(lambda: datetime(2027, 1, 31, 23, 50), id="end-of-month"),
        pytest.param(lambda: datetime(2027, 12, 31, 23, 55), id="new-years-eve"),
    ],
)
def test_a_first_sync_takes_the_recent_orders_and_leaves_the_old_ones_on_any_date(start, tmp_path: Path) -> None:
    clock = shifted_clock(start())
    with Sandbox(replace(SHOP, clock=clock)) as sandbox:
        defaults = SyncSettings().first_sync_days
        env = open_env(sandbox, tmp_path, linking="none", first_sync_days=defaults)
        assert defaults == 30

        engine = SyncEngine(env.db, env.profile_id, env.settings, env.retailcrm, env.moysklad, default_flows(),
                            clock=lambda: clock().replace(tzinfo=MSK))
        report = engine.run(list(ALL_FLOWS))
        assert report.errors == 0, report.message

        window_start = first_sync_start(defaults, clock().date())
        assert window_start is not None
        # the orders a first sync would take if it took every date: in an export status, every item linked,
        # and not held back by the seed's planted flaws (a customer whose phone is on two counterparties)
        linked = env.db.links(env.profile_id).all("offer", by="rc")
        ambiguous = ambiguous_customer_ids(env)
        ready = [o for o in env.rc_state.orders()
                 if env.settings.status_map.get(o["status"]) and o["status"] in env.settings.export_statuses
                 and all(str((i.get("offer") or {}).get("id")) in linked for i in o.get("items") or [])
                 and (o.get("customer") or {}).get("id") not in ambiguous]
        recent = {str(o["id"]) for o in ready if _created(o).date() >= window_start}
        old = {str(o["id"]) for o in ready if _created(o).date() < window_start}
        assert recent and old, "the shop must have orders on both sides of the first sync's window"
        exported = {o["externalCode"] for o in env.ms_orders()}
        assert recent <= exported
        assert not old & exported, "an order from before the window was exported"
        env.retailcrm.close()
        env.moysklad.close()
        env.db.close()


def test_the_seeded_shop_is_dated_back_from_the_sandboxs_clock() -> None:
    moment = datetime(2031, 3, 1, 0, 10)
    with Sandbox(replace(SHOP, clock=shifted_clock(moment))) as sandbox:
        created = sorted(_created(o) for o in sandbox.retailcrm.state.orders())
        assert created[-1] <= moment and created[-1] > moment - timedelta(days=2)
        assert created[0] < moment - timedelta(days=45)  # and some from long before
        assert sandbox.moysklad.state.now() - moment < timedelta(minutes=5)


def _created(order: dict) -> datetime:
    return datetime.strptime(order["createdAt"], "%Y-%m-%d %H:%M:%S")
