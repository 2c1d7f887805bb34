"""The «Schedule and settings» tab: automatic runs, tray behaviour, and the way back into the setup wizard.

Two boxes reach outside the app (app/os_integration/): start at login, and the headless sync on the OS scheduler
for when the app is closed. They act at once when ticked (there is nothing to save: the OS keeps them), show
what the OS has now, and say in a dialog when the OS refused.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.os_integration import autostart, os_schedule
from app.os_integration.command import OsEnv, Program, Registration
from app.store import Profile, SyncSettings
from app.ui.context import DEFAULT_UI_PREFS, UI_PREFS_KEY, AppContext
from app.ui.labels import MATCH_KEY_LABELS, label
from app.ui.worker import run_in_background

DEFAULT_FULL_MINUTES = 15
DEFAULT_STOCK_MINUTES = 5


class ScheduleTab(QWidget):
    """``saved`` after the choices were written; ``settings_requested`` to reopen the wizard."""

    saved = Signal(object)
    settings_requested = Signal()
    os_state_shown = Signal()  # the OS's answer about the login start and the schedule is on screen

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._settings: SyncSettings | None = None
        self._dirty = False

        self.auto_check = QCheckBox(self.tr("Sync automatically"))
        self.full_spin = QSpinBox()
        self.full_spin.setRange(5, 24 * 60)
        self.full_spin.setSuffix(self.tr(" min"))
        self.full_spin.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000 мин") + 48)
        self.stock_check = QCheckBox(self.tr("Update stock more often"))
        self.stock_spin = QSpinBox()
        self.stock_spin.setRange(1, 24 * 60)
        self.stock_spin.setSuffix(self.tr(" min"))
        self.stock_spin.setMinimumWidth(self.fontMetrics().horizontalAdvance("0000 мин") + 48)
        schedule_hint = QLabel(
            self.tr(
                "A full sync moves the catalog, stock, prices and orders. The stock update only sends stock to "
                "RetailCRM, so it is quick and can run more often. A run that would start while another one is "
                "still going is skipped, not queued."
            )
        )
        schedule_hint.setWordWrap(True)
        schedule = QGroupBox(self.tr("Automatic sync"))
        form = QFormLayout(schedule)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.auto_check)
        form.addRow(self.tr("Full sync every"), self.full_spin)
        form.addRow(self.stock_check)
        form.addRow(self.tr("Stock update every"), self.stock_spin)
        form.addRow(schedule_hint)

        self.tray_check = QCheckBox(self.tr("Keep running in the tray when the window is closed"))
        self.notify_check = QCheckBox(self.tr("Notify me about failed runs and new conflicts"))
        behaviour = QGroupBox(self.tr("Window and notifications"))
        behaviour_layout = QVBoxLayout(behaviour)
        behaviour_layout.addWidget(self.tray_check)
        behaviour_layout.addWidget(self.notify_check)
        self.alerts_button = QPushButton(self.tr("Alerts by e-mail and Telegram…"))  # app/ui/alerts_dialog.py
        self.alerts_button.clicked.connect(self.open_alerts)
        alerts_row = QHBoxLayout()
        alerts_row.addWidget(self.alerts_button)
        alerts_row.addStretch(1)
        behaviour_layout.addLayout(alerts_row)

        # what the OS is told (app/os_integration/); tests point these at temporary folders and stand-in tools
        self.os_env: OsEnv = context.os_env or OsEnv()
        self.os_program: Program | None = None
        self.error_box: QMessageBox | None = None  # the last refusal shown (not blocking: tests read it)
        self._profile_name: str | None = None
        self.login_check = QCheckBox(self.tr("Start when I log in (minimized to the tray)"))
        self.os_schedule_check = QCheckBox(self.tr("Sync even when the app is closed"))
        self.login_state = QLabel()
        self.login_state.setWordWrap(True)
        self.os_schedule_state = QLabel()
        self.os_schedule_state.setWordWrap(True)
        outside_hint = QLabel(
            self.tr(
                "The system's scheduler runs the sync at the full sync's interval even when Svyazka is closed; "
                "runs never overlap."
            )
        )
        outside_hint.setWordWrap(True)
        outside = QGroupBox(self.tr("Without the window"))
        outside_layout = QFormLayout(outside)  # each box with what the OS has now beside it
        outside_layout.addRow(self.login_check, self.login_state)
        outside_layout.addRow(self.os_schedule_check, self.os_schedule_state)
        outside_layout.addRow(outside_hint)

        self.connection_label = QLabel()
        self.connection_label.setWordWrap(True)
        self.keyring_label = QLabel()
        self.keyring_label.setWordWrap(True)
        self.settings_button = QPushButton(self.tr("Change connection settings…"))
        connection = QGroupBox(self.tr("Connection"))
        connection_layout = QVBoxLayout(connection)
        connection_layout.addWidget(self.connection_label)
        connection_layout.addWidget(self.keyring_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.settings_button)
        connection_layout.addLayout(row)

        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setEnabled(False)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)

        # the groups scroll when the window is small (wrapped hints must never be cut); Save stays in sight
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(schedule)
        layout.addWidget(behaviour)
        layout.addWidget(outside)
        layout.addWidget(connection)
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.addWidget(scroll, 1)
        outer.addLayout(bottom)

        for box in (self.auto_check, self.stock_check, self.tray_check, self.notify_check):
            box.toggled.connect(self._changed)
        for spin in (self.full_spin, self.stock_spin):
            spin.valueChanged.connect(self._changed)
        self.save_button.clicked.connect(self.save)
        self.settings_button.clicked.connect(self.settings_requested)
        self.login_check.toggled.connect(self._login_toggled)
        self.os_schedule_check.toggled.connect(self._os_schedule_toggled)
        self._load_keyring_name()
        if context.is_demo:  # the demo lives as long as its window: nothing to start at login or schedule
            for box in (self.login_check, self.os_schedule_check):
                box.setEnabled(False)
            self.login_state.setText(self.tr("Not available in the demo."))

    # -- showing -----------------------------------------------------------------------------------------

    def load(self, settings: SyncSettings, prefs: dict[str, Any], profile: Profile | None) -> None:
        """Show saved values (unless the person is in the middle of editing)."""
        self._settings = settings
        if profile is not None and profile.name != self._profile_name:
            self._profile_name = profile.name
            self.read_os_state()
        if profile is not None:
            pairs = len(settings.store_pairs)
            self.connection_label.setText(
                self.tr(
                    "RetailCRM: {rc}\nMoySklad: {ms} ({account})\nOrganization: {org}\nWarehouses paired: {pairs}. "
                    "Match key: {key}."
                ).format(
                    rc=profile.retailcrm_url,
                    ms=profile.moysklad_url,
                    account=profile.moysklad_account,
                    org=settings.organization_name or "—",
                    pairs=pairs,
                    key=label(MATCH_KEY_LABELS, settings.match_key),
                )
            )
        if self._dirty:
            return
        self._fill(settings, prefs)

    def _fill(self, settings: SyncSettings, prefs: dict[str, Any]) -> None:
        widgets = (
            self.auto_check,
            self.stock_check,
            self.tray_check,
            self.notify_check,
            self.full_spin,
            self.stock_spin,
        )
        for widget in widgets:
            widget.blockSignals(True)
        self.auto_check.setChecked(settings.schedule_minutes > 0)
        self.full_spin.setValue(settings.schedule_minutes or DEFAULT_FULL_MINUTES)
        self.stock_check.setChecked(settings.stock_schedule_minutes > 0)
        self.stock_spin.setValue(settings.stock_schedule_minutes or DEFAULT_STOCK_MINUTES)
        self.tray_check.setChecked(bool(prefs.get("keep_in_tray", DEFAULT_UI_PREFS["keep_in_tray"])))
        self.notify_check.setChecked(bool(prefs.get("notify", DEFAULT_UI_PREFS["notify"])))
        for widget in widgets:
            widget.blockSignals(False)
        self._update_enabled()
        self.save_button.setEnabled(False)

    def _load_keyring_name(self) -> None:
        secrets = self._context.secrets
        run_in_background(
            secrets.backend_name,
            lambda name: self.keyring_label.setText(self.tr("Keys are kept in: {where}.").format(where=name)),
            lambda message: self.keyring_label.setText(message),
            owner=self,
        )

    @Slot()
    def open_alerts(self) -> None:
        from app.ui.alerts_dialog import AlertsDialog

        AlertsDialog(self._context, self).open()
    # -- outside the window: start at login, the OS schedule ---------------------------------------------

    def _login_target(self) -> Any:
        return autostart.target_for(self._context.data_dir)

    def _schedule_target(self) -> Any:
        return os_schedule.target_for(self._context.data_dir, self._profile_name)

    def os_minutes(self) -> int:
        """The OS schedule runs at the full sync's interval (the existing setting), 15 minutes when that is off."""
        return self.full_spin.value() if self.auto_check.isChecked() else DEFAULT_FULL_MINUTES

    @Slot()
    def read_os_state(self) -> None:
        """Ask the OS what it has now (in the background: it may run systemctl, launchctl or schtasks)."""
        if self._context.is_demo:
            return
        env, login, schedule = self.os_env, self._login_target(), self._schedule_target()
        run_in_background(
            lambda: (autostart.state(login, env), os_schedule.state(schedule, env)),
            lambda states: self._show_os_state(*states),
            lambda message: self.os_schedule_state.setText(message),
            owner=self,
        )

    def _show_os_state(self, login: Registration, schedule: Registration) -> None:
        for box, on in ((self.login_check, login.installed), (self.os_schedule_check, schedule.installed)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.login_state.setText(self._describe(login))
        self.os_schedule_state.setText(self._describe(schedule))
        self.os_state_shown.emit()

    def _describe(self, registration: Registration) -> str:
        if not registration.installed:
            return registration.note or self.tr("Off.")
        if registration.every_minutes:
            return self.tr("On: every {minutes} min ({where}).").format(
                minutes=registration.every_minutes, where=registration.where
            )
        return self.tr("On ({where}).").format(where=registration.where)

    @Slot(bool)
    def _login_toggled(self, on: bool) -> None:
        env, target, program = self.os_env, self._login_target(), self.os_program
        self._change_os(
            lambda: autostart.enable(target, env, program) if on else autostart.disable(target, env),
            self.tr("Could not change the start at login"),
        )

    @Slot(bool)
    def _os_schedule_toggled(self, on: bool) -> None:
        env, target, program, minutes = self.os_env, self._schedule_target(), self.os_program, self.os_minutes()
        self._change_os(
            lambda: os_schedule.install(target, minutes, env, program) if on else os_schedule.remove(target, env),
            self.tr("Could not change the sync without the window"),
        )

    def _change_os(self, change: Any, title: str) -> None:
        for box in (self.login_check, self.os_schedule_check):
            box.setEnabled(False)

        def failed(message: str) -> None:
            box = QMessageBox(QMessageBox.Icon.Warning, title, self.tr(
                "The system did not accept the change: {reason}\n\nNothing else was changed; the boxes show what "
                "is set now."
            ).format(reason=message), QMessageBox.StandardButton.Ok, self)
            self.error_box = box
            box.open()
            self._os_changed()

        run_in_background(change, lambda _registration: self._os_changed(), failed, owner=self)

    def _os_changed(self) -> None:
        for box in (self.login_check, self.os_schedule_check):
            box.setEnabled(True)
        self.read_os_state()

    # -- editing -----------------------------------------------------------------------------------------

    @Slot()
    def _changed(self) -> None:
        self._dirty = True
        self._update_enabled()
        self.save_button.setEnabled(True)
        self.status_label.setText(self.tr("Not saved yet."))

    def _update_enabled(self) -> None:
        self.full_spin.setEnabled(self.auto_check.isChecked())
        self.stock_check.setEnabled(self.auto_check.isChecked())
        self.stock_spin.setEnabled(self.auto_check.isChecked() and self.stock_check.isChecked())

    def chosen_minutes(self) -> tuple[int, int]:
        if not self.auto_check.isChecked():
            return 0, 0
        stock = self.stock_spin.value() if self.stock_check.isChecked() else 0
        return self.full_spin.value(), stock

    def chosen_prefs(self) -> dict[str, Any]:
        return {"keep_in_tray": self.tray_check.isChecked(), "notify": self.notify_check.isChecked()}

    @Slot()
    def save(self) -> None:
        full, stock = self.chosen_minutes()
        prefs = self.chosen_prefs()
        db, pid = self._context.db, self._context.profile_id
        if pid is None:
            return
        self.save_button.setEnabled(False)
        self.status_label.setText(self.tr("Saving…"))

        def write() -> SyncSettings:
            repo = db.settings(pid)
            settings = dataclasses.replace(repo.load_sync(), schedule_minutes=full, stock_schedule_minutes=stock)
            repo.save_sync(settings)
            repo.set(UI_PREFS_KEY, prefs)
            return settings

        def done(settings: SyncSettings) -> None:
            self._dirty = False
            self._settings = settings
            self.status_label.setText(self.tr("Saved."))
            self.saved.emit(settings)
            if self.os_schedule_check.isChecked():  # the OS schedule follows the full sync's interval
                self._os_schedule_toggled(True)

        def failed(message: str) -> None:
            self.save_button.setEnabled(True)
            self.status_label.setText(message)

        run_in_background(write, done, failed, owner=self)
