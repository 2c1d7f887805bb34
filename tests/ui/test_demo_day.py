"""The demo's day in the window: after the first sync, a note tells what the shop's people did and what the next
sync will show (app/demo_story.py); it comes once and never blocks the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.demo import DemoSession
from app.demo_story import DemoStory
from app.messages import msg, render
from app.sandbox.sandbox import Sandbox
from app.ui.context import AppContext
from app.ui.i18n import current_language
from app.ui.main_window import MainWindow

from .conftest import wait_for_run

pytestmark = pytest.mark.gui


def test_the_demo_tells_its_day_after_the_first_sync(qtbot, context: AppContext, sandbox: Sandbox, tmp_path: Path):
    story = DemoStory(sandbox)
    # the session's own stop (which deletes its folder) is never called here: the test's fixtures clean up
    context.demo = DemoSession(sandbox=sandbox, data_dir=tmp_path / "demo", secrets=context.secrets, story=story)
    window = MainWindow(context)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.show()
    try:
        wait_for_run(qtbot, window.controller,
                     lambda: qtbot.mouseClick(window.panel.sync_button, Qt.MouseButton.LeftButton))
        qtbot.waitUntil(lambda: getattr(window, "demo_day_box", None) is not None, timeout=20_000)
        box: QMessageBox = window.demo_day_box
        assert box.isVisible() and not box.isModal()
        language = current_language()
        assert render(msg("demo.day_intro"), language) in box.text()
        assert box.text().count("<li>") >= 3  # a refusal, an edit on both sides, a payment
        assert story.played

        box.close()
        window.demo_day_box = None
        wait_for_run(qtbot, window.controller,
                     lambda: qtbot.mouseClick(window.panel.sync_button, Qt.MouseButton.LeftButton))
        qtbot.wait(300)
        assert window.demo_day_box is None  # once
    finally:
        if window.controller.running:
            window.controller.stop()
            window.controller.wait()
        window._quitting = True
