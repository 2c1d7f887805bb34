"""What the app shows and when: the wizard on first run, then the main window; the wizard again for settings.

It also owns the session's resources (the store, the demo shop) and releases them at the end.
"""

from __future__ import annotations

import contextlib
import gc
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.context import AppContext, ready_profile_id
from app.ui.main_window import MainWindow
from app.ui.wizard import SetupWizard
from app.ui.wizard.state import WizardState
from app.ui.wizard.wizard import load_wizard_state
from app.ui.worker import run_in_background, wait_for_jobs


class SvyazkaApp(QObject):
    """``window_shown(MainWindow)`` and ``wizard_shown(SetupWizard)`` tell tests (and the screenshot tool)
    what is on screen."""

    window_shown = Signal(object)
    wizard_shown = Signal(object)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.window: MainWindow | None = None
        self.wizard: SetupWizard | None = None
        self._contexts: list[AppContext] = [context]  # every store and demo opened, to close at the end

    def start(self, minimized: bool = False) -> None:
        """Open the main window when a finished setup exists, else the wizard. Reads the store briefly.
        ``minimized`` (the login start, ``--minimized``): the window stays in the tray, or minimized where the
        desktop has no tray; the wizard of a first run is shown anyway (nothing could run without it)."""
        if self.context.profile_id is None:
            self.context.profile_id = ready_profile_id(self.context.db)
        if self.context.profile_id is None:
            self.show_wizard()
        else:
            self.show_main_window(minimized=minimized)
        freeze_startup_objects()

    # -- wizard --------------------------------------------------------------------------------------------

    def show_wizard(self, state: WizardState | None = None) -> SetupWizard:
        wizard = SetupWizard(self.context, state, parent=self.window)
        wizard.completed.connect(self._on_wizard_completed)
        wizard.context_changed.connect(self._on_context_changed)
        wizard.rejected.connect(self._on_wizard_rejected)
        self.wizard = wizard
        wizard.show()
        self.wizard_shown.emit(wizard)
        return wizard

    @Slot()
    def open_settings(self) -> None:
        """Reopen the wizard for the current profile, prefilled (the keys are read in the background)."""
        context, profile_id = self.context, self.context.profile_id
        if profile_id is None or self.wizard is not None:
            return

        def failed(message: str) -> None:
            QMessageBox.warning(self.window, self.tr("Settings"), message)

        def show(state: WizardState) -> None:
            self.show_wizard(state)

        run_in_background(lambda: load_wizard_state(context, profile_id), show, failed, owner=self)

    @Slot(object)
    def _on_context_changed(self, context: AppContext) -> None:
        self.context = context
        self._contexts.append(context)

    @Slot(object)
    def _on_wizard_completed(self, context: AppContext) -> None:
        self.context = context
        self.wizard = None
        if self.window is None:
            self.show_main_window()
        else:
            self.window.refresh()

    @Slot()
    def _on_wizard_rejected(self) -> None:
        self.wizard = None
        if self.window is None:
            QApplication.quit()  # the first setup was closed: nothing to show

    # -- main window ---------------------------------------------------------------------------------------

    def show_main_window(self, minimized: bool = False) -> MainWindow:
        window = MainWindow(self.context)
        window.settings_requested.connect(self.open_settings)
        window.quit_requested.connect(QApplication.quit)
        self.window = window
        if not minimized:
            window.show()
        elif not window.tray.available:
            window.showMinimized()  # no tray to live in: on the taskbar, out of the way
        self.window_shown.emit(window)
        return window

    @Slot()
    def bring_to_front(self) -> None:
        """Another start of the app asked for the window (``SingleInstance.show_requested``): show what is
        open — the wizard when it is, else the main window, out of the tray or the minimized state."""
        if self.wizard is not None:
            self.wizard.show()
            self.wizard.setWindowState(self.wizard.windowState() & ~Qt.WindowState.WindowMinimized)
            self.wizard.raise_()
            self.wizard.activateWindow()
        elif self.window is not None:
            self.window.show_normal()

    # -- the end -------------------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """Stop a running sync between batches, wait for background work, close stores, stop the demo."""
        window = self.window
        if window is not None:
            window.scheduler.stop()
            if window.controller.running:
                window.controller.stop()
                window.controller.wait(60_000)
        wait_for_jobs(30_000)
        for context in self._contexts:
            with contextlib.suppress(Exception):
                context.db.close()
            demo: Any = context.demo
            if demo is not None:
                with contextlib.suppress(Exception):
                    demo.stop()


def freeze_startup_objects() -> None:
    """Keep Python's full garbage collections short while the app runs.

    A full collection walks every object the process holds, and it stops every thread meanwhile: with the
    modules, Qt wrappers and windows of a started app that is a pause of a tenth of a second, long enough to
    stutter. Objects alive after start-up live as long as the app, so they are moved out of the collector's
    sight (``gc.freeze``); later collections only walk what was made since.
    """
    gc.collect()
    gc.freeze()
