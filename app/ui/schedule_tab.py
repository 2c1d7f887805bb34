"""The «Schedule and settings» tab: automatic runs, tray behaviour, and the way back into the setup wizard."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

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

        layout = QVBoxLayout(self)
        layout.addWidget(schedule)
        layout.addWidget(behaviour)
        layout.addWidget(connection)
        layout.addStretch(1)
        layout.addLayout(bottom)

        for box in (self.auto_check, self.stock_check, self.tray_check, self.notify_check):
            box.toggled.connect(self._changed)
        for spin in (self.full_spin, self.stock_spin):
            spin.valueChanged.connect(self._changed)
        self.save_button.clicked.connect(self.save)
        self.settings_button.clicked.connect(self.settings_requested)
        self._load_keyring_name()

    # -- showing -----------------------------------------------------------------------------------------

    def load(self, settings: SyncSettings, prefs: dict[str, Any], profile: Profile | None) -> None:
        """Show saved values (unless the person is in the middle of editing)."""
        self._settings = settings
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

        def failed(message: str) -> None:
            self.save_button.setEnabled(True)
            self.status_label.setText(message)

        run_in_background(write, done, failed, owner=self)
