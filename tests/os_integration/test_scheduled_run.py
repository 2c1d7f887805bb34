"""The scripted run of the "Done when": with the window closed, the OS-scheduled CLI keeps both sides in step.

No scheduler runs in CI, so the test installs the schedule into a temporary XDG_CONFIG_HOME (systemd's
``systemctl --user`` stood in for), reads the ExecStart line and the working folder back from the generated unit,
and runs that command line itself, as systemd would: in a data folder with Cyrillic and spaces in its path.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.os_integration import os_schedule
from app.paths import database_path
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database
from tests.os_integration.fakes import FakeTools, systemd_split
from tests.reliability.support import CHILD_TIMEOUT, child_env, setup_profile

pytestmark = [pytest.mark.skipif(sys.platform == "win32", reason="runs a systemd unit's command line"),
              pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, seed=5, rate_limit=False)) as sb:
        yield sb


def _unit_keys(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)


def test_the_generated_unit_keeps_both_sides_in_step_with_the_window_closed(sandbox: Sandbox, tmp_path: Path) -> None:
    from app.os_integration.command import OsEnv

    data_dir = tmp_path / "Мои документы" / "Связка 100% данные"
    data_dir.mkdir(parents=True)
    setup_profile(sandbox, data_dir)
    with Database.open(database_path(data_dir)) as db:
        (profile,) = db.profiles.list()
    tools = FakeTools(systemd=True)
    env = OsEnv(platform="linux", home=tmp_path / "home", config_home=tmp_path / "xdg", runner=tools)
    target = os_schedule.target_for(data_dir, profile.name)
    shown = os_schedule.install(target, 15, env)
    assert shown.installed and shown.every_minutes == 15
    service = _unit_keys(next((tmp_path / "xdg" / "systemd" / "user").glob("*.service")))
    argv = systemd_split(service["ExecStart"])
    workdir = service["WorkingDirectory"].replace("%%", "%")
    assert argv[argv.index("--data-dir") + 1] == str(data_dir)

    def scheduled_run() -> subprocess.CompletedProcess[str]:
        done = subprocess.run(argv, cwd=workdir, env=child_env(sandbox), capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT)
        assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: finished, with conflicts to look at
        return done

    scheduled_run()
    with Database.open(database_path(data_dir)) as db:
        settings = db.settings(profile.id).load_sync()
        links = db.links(profile.id).all("offer", by="rc")
    assert links, "the first scheduled run linked the catalogs"
    pair = settings.store_pairs[0]
    key = "freeStock" if settings.stock_type == "freeStock" else "stock"
    rc_id, link = sorted(links.items())[0]
    assert link.ms_id is not None
    # someone changes the stock in MoySklad at night, the window closed; the next scheduled run carries it over
    sandbox.moysklad.state.set_stock(link.ms_id, pair.ms_store_id, 37)
    expected = sandbox.moysklad.state.stock(link.ms_id)[pair.ms_store_id][key]
    assert sandbox.retailcrm.state.stock(int(rc_id)).get(pair.rc_store_code) != expected
    scheduled_run()
    assert sandbox.retailcrm.state.stock(int(rc_id))[pair.rc_store_code] == expected
    with Database.open(database_path(data_dir)) as db:
        runs = db.runs(profile.id).recent(10)
    assert [r.trigger for r in runs] == ["os_schedule", "os_schedule"]  # the window's history says who ran them
    assert all(r.status in ("ok", "partial") for r in runs)
