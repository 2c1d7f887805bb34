"""The tray icon: status at a glance, Sync now, and a notification when a run fails or finds new conflicts.

Where the desktop has no tray (some Linux sessions, the offscreen test platform) everything still works:
``available`` is False, closing the window quits, and notifications are only recorded.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from app import APP_NAME
from app.resources import app_icon_path
from app.store import Run
from app.ui.labels import RUN_STATUS_LABELS, label, local_time


class TrayIcon(QObject):
    open_requested = Signal()
    sync_requested = Signal()
    quit_requested = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled_notifications = True
        self.notifications: list[tuple[str, str]] = []  # (title, text) of everything shown, newest last
        self.available = QSystemTrayIcon.isSystemTrayAvailable()
        self._icon: QSystemTrayIcon | None = None
        self._menu: QMenu | None = None
        self._running = False
        self._status = ""
        if not self.available:
            return
        icon_path = app_icon_path()
        self._icon = QSystemTrayIcon(QIcon(str(icon_path)) if icon_path.exists() else QIcon(), self)
        menu = QMenu()
        self._menu = menu
        open_action = QAction(self.tr("Open Svyazka"), menu)
        open_action.triggered.connect(self.open_requested)
        self._sync_action = QAction(self.tr("Sync now"), menu)
        self._sync_action.triggered.connect(self.sync_requested)
        quit_action = QAction(self.tr("Quit"), menu)
        quit_action.triggered.connect(self.quit_requested)
        menu.addAction(open_action)
        menu.addAction(self._sync_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        self._icon.setContextMenu(menu)
        self._icon.activated.connect(self._on_activated)
        self._icon.setToolTip(APP_NAME)
        self._icon.show()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.open_requested.emit()

    @Slot(bool)
    def set_running(self, running: bool) -> None:
        self._running = running
        if self._icon is not None:
            self._sync_action.setEnabled(not running)
        self._update_tooltip()

    def set_status(self, last_run: Run | None, open_conflicts: int) -> None:
        if last_run is None:
            self._status = self.tr("No sync has run yet.")
        else:
            self._status = self.tr("Last run {time}: {status}.").format(
                time=local_time(last_run.finished_at or last_run.started_at),
                status=label(RUN_STATUS_LABELS, last_run.status).lower(),
            )
        if open_conflicts:
            self._status += " " + self.tr("%n conflict(s) need a decision.", "", open_conflicts)
        self._update_tooltip()

    @property
    def tooltip(self) -> str:
        head = self.tr("Syncing…") if self._running else APP_NAME
        return f"{head}\n{self._status}".strip()

    def _update_tooltip(self) -> None:
        if self._icon is not None:
            self._icon.setToolTip(self.tooltip)

    def notify_failure(self, message: str) -> None:
        self._notify(self.tr("Sync failed"), message, QSystemTrayIcon.MessageIcon.Warning)

    def notify_held(self, message: str) -> None:
        """A scheduled run stopped by the safety check before writing: nothing more was written."""
        self._notify(
            self.tr("Sync stopped before writing"),
            self.tr("{message} Check, then run the sync by hand to confirm.").format(message=message),
            QSystemTrayIcon.MessageIcon.Warning,
        )

    def notify_conflicts(self, count: int) -> None:
        self._notify(
            self.tr("New conflicts"),
            self.tr("%n new conflict(s) need your decision. Open the Conflicts tab.", "", count),
            QSystemTrayIcon.MessageIcon.Information,
        )

    def notify_hidden(self) -> None:
        self._notify(
            APP_NAME,
            self.tr("Svyazka keeps syncing on schedule. Open it again from this icon."),
            QSystemTrayIcon.MessageIcon.Information,
            always=True,
        )

    def _notify(self, title: str, text: str, icon: QSystemTrayIcon.MessageIcon, *, always: bool = False) -> None:
        if not self.enabled_notifications and not always:
            return
        self.notifications.append((title, text))
        if self._icon is not None and QSystemTrayIcon.supportsMessages():
            self._icon.showMessage(title, text, icon, 10_000)

    def hide(self) -> None:
        if self._icon is not None:
            self._icon.hide()
