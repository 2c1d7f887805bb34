"""One desktop app per data folder: a second start asks the first to show its window and exits 0; a lock left
by a killed process does not block; another folder (the demo's) is a separate instance."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication

from app.ui.app import SvyazkaApp
from app.ui.context import AppContext
from app.ui.i18n import install_translators
from app.ui.single_instance import LOCK_FILENAME, Outcome, SingleInstance

pytestmark = pytest.mark.gui


@pytest.fixture
def guards():
    made: list[SingleInstance] = []

    def make(folder: Path) -> SingleInstance:
        guard = SingleInstance(folder)
        made.append(guard)
        return guard

    yield make
    for guard in made:
        guard.release()


def test_a_second_start_asks_the_first_to_show_its_window(qtbot, tmp_path: Path, guards):
    first = guards(tmp_path)
    assert first.acquire() is Outcome.FIRST and first.owner
    second = guards(tmp_path)
    with qtbot.waitSignal(first.show_requested, timeout=5_000):
        assert second.acquire() is Outcome.SHOWN
    assert not second.owner
    # it keeps answering: every later start raises the window again
    with qtbot.waitSignal(first.show_requested, timeout=5_000):
        assert guards(tmp_path).acquire() is Outcome.SHOWN


def test_another_data_folder_is_another_instance(tmp_path: Path, guards):
    (tmp_path / "real").mkdir()
    (tmp_path / "demo").mkdir()
    assert guards(tmp_path / "real").acquire() is Outcome.FIRST
    assert guards(tmp_path / "demo").acquire() is Outcome.FIRST


def test_the_folder_is_free_again_after_release(tmp_path: Path, guards):
    first = guards(tmp_path)
    assert first.acquire() is Outcome.FIRST
    first.release()
    assert not (tmp_path / LOCK_FILENAME).exists()
    assert guards(tmp_path).acquire() is Outcome.FIRST


def test_a_lock_without_a_listening_app_is_reported_not_answering(tmp_path: Path, guards):
    held = QLockFile(str(tmp_path / LOCK_FILENAME))  # an owner that never listens (hung at start)
    assert held.tryLock(0)
    try:
        assert guards(tmp_path).acquire() is Outcome.NOT_ANSWERING
    finally:
        held.unlock()


HOLD_LOCK = """
import sys, time
from PySide6.QtCore import QLockFile
lock = QLockFile(sys.argv[1])
assert lock.tryLock(0)
print("locked", flush=True)
time.sleep(120)
"""


def test_a_lock_left_by_a_killed_app_is_taken_over(tmp_path: Path, guards):
    lock_path = tmp_path / LOCK_FILENAME
    holder = subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(lock_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        assert not QLockFile(str(lock_path)).tryLock(0), "a live owner keeps its lock"
    finally:
        holder.kill()  # like a crash or "End task": the lock file stays behind
        holder.wait(30)
    assert lock_path.exists()
    guard = guards(tmp_path)
    assert guard.acquire() is Outcome.FIRST and guard.owner
    with_server = guards(tmp_path)  # and it listens: the next start reaches it
    assert with_server.acquire() is Outcome.SHOWN


def test_main_hands_over_to_the_running_app_and_exits_0(qtbot, tmp_path: Path, guards):
    from app.ui.main import main

    first = guards(tmp_path)
    assert first.acquire() is Outcome.FIRST
    app = QApplication.instance()
    try:
        with qtbot.waitSignal(first.show_requested, timeout=5_000):
            assert main(["--data-dir", str(tmp_path)]) == 0
    finally:
        install_translators(app, "en")  # main installs Russian
    assert not any(widget.isVisible() for widget in QApplication.topLevelWidgets()), "no second window"
    assert not (tmp_path / "svyazka.sqlite3").exists(), "the second start did not open the store"


def test_the_request_brings_the_hidden_window_back(qtbot, context: AppContext, guards):
    svyazka = SvyazkaApp(context)
    with qtbot.waitSignal(svyazka.window_shown, timeout=5_000):
        svyazka.start()
    window = svyazka.window
    assert window is not None
    first = guards(context.data_dir)
    assert first.acquire() is Outcome.FIRST
    first.show_requested.connect(svyazka.bring_to_front)
    try:
        window.hide()  # closed to the tray
        assert guards(context.data_dir).acquire() is Outcome.SHOWN
        qtbot.waitUntil(window.isVisible, timeout=5_000)
    finally:
        window._quitting = True
        window.close()
