"""The Schedule tab's two boxes that reach outside the app: start at login and the sync without the window.

They talk to the Linux backends in temporary folders with stand-ins of systemctl and crontab
(tests/os_integration/fakes.py); the backends of every OS are tested in tests/os_integration."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from app.os_integration.command import OsEnv
from app.ui.context import DEFAULT_UI_PREFS, AppContext
from app.ui.schedule_tab import ScheduleTab
from tests.os_integration.fakes import FakeTools, posix_program

pytestmark = pytest.mark.gui


def make_tab(qtbot, context: AppContext, tmp_path: Path, tools: FakeTools) -> ScheduleTab:
    context.os_env = OsEnv(platform="linux", home=tmp_path / "home", config_home=tmp_path / "xdg", runner=tools)
    tab = ScheduleTab(context)
    tab.os_program = posix_program(tmp_path / "Связка Svyazka")
    qtbot.addWidget(tab)
    db, pid = context.db, context.profile_id
    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.load(db.settings(pid).load_sync(), dict(DEFAULT_UI_PREFS), db.profiles.get(pid))
    return tab


def test_the_boxes_install_and_remove_and_show_what_the_os_has(qtbot, context: AppContext, tmp_path: Path):
    tools = FakeTools(systemd=False)
    tab = make_tab(qtbot, context, tmp_path, tools)
    assert not tab.login_check.isChecked() and not tab.os_schedule_check.isChecked()
    assert tab.login_state.text() == "Off."

    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.login_check.setChecked(True)
    (entry,) = (tmp_path / "xdg" / "autostart").glob("svyazka*.desktop")
    assert "--minimized" in entry.read_text(encoding="utf-8")
    assert tab.login_state.text().startswith("On (") and tab.login_check.isChecked()

    tab.auto_check.setChecked(True)
    tab.full_spin.setValue(20)
    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.os_schedule_check.setChecked(True)
    assert tools.crontab is not None and tools.crontab.startswith("*/20 * * * * ")
    assert "sync --scheduled" in tools.crontab
    assert tab.os_schedule_state.text() == "On: every 20 min (crontab)."

    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.os_schedule_check.setChecked(False)
    assert tools.crontab == "" and tab.os_schedule_state.text() == "Off."
    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.login_check.setChecked(False)
    assert not entry.exists()


def test_a_refusal_is_said_in_a_dialog_and_the_box_shows_the_truth(qtbot, context: AppContext, tmp_path: Path):
    tab = make_tab(qtbot, context, tmp_path, FakeTools(systemd=False, cron=False))
    with qtbot.waitSignal(tab.os_state_shown, timeout=10_000):
        tab.os_schedule_check.setChecked(True)
    assert tab.error_box is not None and tab.error_box.isVisible()
    assert "Установите cron" in tab.error_box.text() and "Traceback" not in tab.error_box.text()
    assert not tab.os_schedule_check.isChecked() and tab.os_schedule_check.isEnabled()
    tab.error_box.close()


@pytest.mark.skipif(sys.platform != "linux", reason="reads the window's real OS state: the Linux one here")
def test_the_main_windows_tab_reads_the_isolated_state(qtbot, context: AppContext):
    from app.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.schedule_tab.os_state_shown, timeout=10_000):
        window.show()
    assert window.schedule_tab.os_env is context.os_env
    assert not window.schedule_tab.login_check.isChecked()
    window._quitting = True
