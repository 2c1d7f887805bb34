"""The setup wizard (``QWizard``): welcome/demo → RetailCRM → MoySklad → warehouses → prices → orders → after the
order (returns, payments, order fields, statuses back) → dry run.

Keys go to the keyring only when the wizard finishes; Back keeps everything typed, and Cancel asks first.
Reopened later (``state`` from :func:`load_wizard_state`) it starts at the RetailCRM page, prefilled.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QPixmap
from PySide6.QtWidgets import QMessageBox, QWidget, QWizard

from app import APP_NAME
from app.clients.errors import SettingsError
from app.clients.moysklad import normalize_base_url
from app.clients.urls import shown_address
from app.demo import DEMO_PROFILE_NAME
from app.paths import database_path
from app.resources import app_icon_path
from app.runner import RunRequest
from app.secrets import KeyringUnavailable, SecretStore, normalize_account_url
from app.store import Database, SyncSettings
from app.ui.context import SETUP_DONE_KEY, AppContext
from app.ui.wizard.finish_page import FinishPage
from app.ui.wizard.moysklad_page import MoySkladPage
from app.ui.wizard.order_life_page import OrderLifePage
from app.ui.wizard.orders_page import OrdersPage
from app.ui.wizard.prices_page import PricesPage
from app.ui.wizard.retailcrm_page import RetailCrmPage
from app.ui.wizard.state import MODE_TOKEN, WizardState
from app.ui.wizard.warehouses_page import WarehousesPage
from app.ui.wizard.welcome_page import WelcomePage
from app.ui.worker import RunTarget, run_in_background, runner_target


@dataclass(frozen=True)
class KeyringProblem:
    """Saving stopped because the keyring cannot be used; the person may keep keys for this session."""

    message: str


class SetupWizard(QWizard):
    """``completed(context)`` once everything is saved (the context's ``profile_id`` is the profile);
    ``context_changed(context)`` when the person switched to the demo shop."""

    completed = Signal(object)
    context_changed = Signal(object)
    saving_failed = Signal(str)

    (PAGE_WELCOME, PAGE_RETAILCRM, PAGE_MOYSKLAD, PAGE_WAREHOUSES, PAGE_PRICES, PAGE_ORDERS, PAGE_ORDER_LIFE,
     PAGE_FINISH) = range(8)

    def __init__(
        self,
        context: AppContext,
        state: WizardState | None = None,
        parent: QWidget | None = None,
        demo_starter: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.state = state or WizardState()
        self.editing = state is not None and state.profile_id is not None and not state.provisional_profile
        self._demo_starter = demo_starter
        self._saving = False
        self._closing = False
        # the app answers the keyring question itself in tests (no modal dialog there)
        self.ask_memory_only: Callable[[str], bool] = self._ask_memory_only
        self.confirm_cancel: Callable[[], bool] = self._confirm_cancel

        self.setWindowTitle(self.tr("Svyazka setup") if not self.editing else self.tr("Svyazka connection settings"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        icon = app_icon_path()
        if icon.exists():
            self.setPixmap(
                QWizard.WizardPixmap.LogoPixmap,
                QPixmap(str(icon)).scaled(
                    48, 48, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                ),
            )

        self.welcome_page = WelcomePage()
        self.retailcrm_page = RetailCrmPage()
        self.moysklad_page = MoySkladPage()
        self.warehouses_page = WarehousesPage()
        self.prices_page = PricesPage()
        self.orders_page = OrdersPage()
        self.order_life_page = OrderLifePage()
        self.finish_page = FinishPage()
        for page_id, page in (
            (self.PAGE_WELCOME, self.welcome_page),
            (self.PAGE_RETAILCRM, self.retailcrm_page),
            (self.PAGE_MOYSKLAD, self.moysklad_page),
            (self.PAGE_WAREHOUSES, self.warehouses_page),
            (self.PAGE_PRICES, self.prices_page),
            (self.PAGE_ORDERS, self.orders_page),
            (self.PAGE_ORDER_LIFE, self.order_life_page),
            (self.PAGE_FINISH, self.finish_page),
        ):
            self.setPage(page_id, page)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Finish and save"))
        if self.editing:
            self.setStartId(self.PAGE_RETAILCRM)
        if context.is_demo and not self.state.retailcrm_url:
            self.prefill_demo(context.demo)
        self.resize(880, 680)

    # -- demo --------------------------------------------------------------------------------------------

    def prefill_demo(self, demo: Any) -> None:
        state = self.state
        state.retailcrm_url = demo.retailcrm_url
        state.retailcrm_key = demo.retailcrm_key
        state.moysklad_mode = MODE_TOKEN
        state.moysklad_url = demo.moysklad_url
        state.moysklad_token = demo.moysklad_token
        if state.base_settings is None:
            from app.demo import demo_base_settings

            state.base_settings = demo_base_settings()

    def start_demo(self, on_started: Callable[[], None], on_failed: Callable[[str], None]) -> None:
        """Start the demo shop and its throw-away store in the background, then switch this wizard to it."""
        starter = self._demo_starter

        def work() -> AppContext:
            if starter is None:
                from app.demo import start_demo

                session = start_demo()
            else:
                session = starter()
            try:
                db = Database.open(database_path(session.data_dir))
            except BaseException:
                session.stop()
                raise
            return AppContext(db=db, data_dir=session.data_dir, secrets=session.secrets, demo=session)

        def done(context: AppContext) -> None:
            self.context = context
            self.prefill_demo(context.demo)
            self.context_changed.emit(context)
            on_started()

        run_in_background(work, done, on_failed, owner=self)

    # -- the dry run's profile and engine -----------------------------------------------------------------

    def prepare_profile(self, on_ready: Callable[[int], None], on_failed: Callable[[str], None]) -> None:
        """The profile the dry run records into: the one being edited, or a provisional one (deleted on Cancel)."""
        state = self.state
        if state.profile_id is not None:
            on_ready(state.profile_id)
            return
        db, name = self.context.db, self._profile_name()
        rc_url, ms_url, account = (
            normalize_account_url(state.retailcrm_url),
            _stored_moysklad_url(state.moysklad_url),
            state.moysklad_account_name(),
        )

        def work() -> int:
            profile = db.profiles.create(_unique_name(db, name), rc_url, ms_url, account)
            db.settings(profile.id).set(SETUP_DONE_KEY, False)
            return profile.id

        def done(profile_id: int) -> None:
            state.profile_id = profile_id
            state.provisional_profile = True
            on_ready(profile_id)

        run_in_background(work, done, on_failed, owner=self)

    def dry_run_target(self, settings: SyncSettings) -> RunTarget:
        """Runs the dry run through :mod:`app.runner` (a child process) with the typed keys and the chosen,
        unsaved settings, recording into the wizard's profile."""
        state, context = self.state, self.context
        profile_id = state.profile_id
        assert profile_id is not None
        rc_url, rc_key = state.rc_key_tuple()
        request = RunRequest(
            db_path=str(context.db.path),
            profile_id=profile_id,
            flows=(),
            dry_run=True,
            trigger="wizard",
            retailcrm_url=rc_url,
            retailcrm_key=rc_key,
            moysklad_url=state.moysklad_url.strip(),
            moysklad_account=state.moysklad_account_name(),
            moysklad_token=state.token(),
            settings=settings.to_json(),
            data_dir=str(context.data_dir),
        )
        return runner_target(lambda: request)

    def _profile_name(self) -> str:
        if self.context.is_demo:
            return DEMO_PROFILE_NAME
        try:
            return normalize_account_url(self.state.retailcrm_url).split("://", 1)[1]
        except ValueError:
            return APP_NAME

    # -- finishing and cancelling ------------------------------------------------------------------------

    def done(self, result: int) -> None:
        if self._closing:
            super().done(result)
            return
        if result == QWizard.DialogCode.Accepted:
            if self._saving:
                return
            if not self.validateCurrentPage():
                return
            self.save()
            return
        if self._saving:
            return
        if not self.confirm_cancel():
            return
        self.finish_page.stop_dry_run()
        self._discard_provisional()
        self._closing = True
        super().done(result)

    def save(self, secrets: SecretStore | None = None) -> None:
        """Write keys to the keyring, and the profile and settings to the store, in the background."""
        state, context = self.state, self.context
        secrets = secrets or context.secrets
        db = context.db
        rc_url, rc_key = normalize_account_url(state.retailcrm_url), state.retailcrm_key.strip()
        ms_url, token, account = _stored_moysklad_url(state.moysklad_url), state.token(), state.moysklad_account_name()
        settings, profile_id, name = state.settings, state.profile_id, self._profile_name()
        self._saving = True
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.finish_page.message.show_message("info", self.tr("Saving…"))

        def work() -> int | KeyringProblem:
            try:
                secrets.set_retailcrm_key(rc_url, rc_key)
                secrets.set_moysklad_token(account, token)
            except KeyringUnavailable as exc:
                return KeyringProblem(str(exc))
            pid = profile_id
            if pid is None:
                pid = db.profiles.create(_unique_name(db, name), rc_url, ms_url, account).id
            else:
                db.profiles.update(pid, retailcrm_url=rc_url, moysklad_url=ms_url, moysklad_account=account)
            db.settings(pid).save_sync(settings)
            db.settings(pid).set(SETUP_DONE_KEY, True)
            return pid

        def done(result: int | KeyringProblem) -> None:
            self._saving = False
            self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            if isinstance(result, KeyringProblem):
                self.finish_page.message.show_message("warning", result.message)
                if self.ask_memory_only(result.message):
                    self.context.secrets = SecretStore(memory_only=True)
                    self.save(self.context.secrets)
                return
            self.finish_page.message.clear_message()
            state.profile_id, state.provisional_profile = result, False
            self.context.secrets = secrets
            self.context.profile_id = result
            self.completed.emit(self.context)
            self._closing = True
            QWizard.done(self, QWizard.DialogCode.Accepted)

        def failed(text: str) -> None:
            self._saving = False
            self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            self.finish_page.message.show_message("error", text)
            self.saving_failed.emit(text)

        run_in_background(work, done, failed, owner=self)

    def _discard_provisional(self) -> None:
        state = self.state
        if state.provisional_profile and state.profile_id is not None:
            db, pid = self.context.db, state.profile_id
            state.profile_id, state.provisional_profile = None, False
            run_in_background(lambda: db.profiles.delete(pid), on_error=lambda _text: None)

    def anything_typed(self) -> bool:
        state = self.state
        return bool(state.retailcrm_key.strip() or state.moysklad_token.strip() or state.moysklad_password)

    def _confirm_cancel(self) -> bool:
        if self.editing or self.context.is_demo or not self.anything_typed():
            return True
        answer = QMessageBox.question(
            self,
            self.tr("Close the setup?"),
            self.tr("What you typed is not saved yet. Close the setup anyway?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _ask_memory_only(self, message: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Password storage unavailable"))
        box.setText(message)
        box.setInformativeText(self.tr("Keep the keys in memory for this session only?"))
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Yes

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            event.accept()
            return
        event.ignore()
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in a field must not press "Finish" or skip a check; it presses Next like the button.
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentId() != self.PAGE_FINISH:
            self.next()
            return
        super().keyPressEvent(event)


def _unique_name(db: Database, name: str) -> str:
    candidate, n = name, 2
    while db.profiles.get_by_name(candidate) is not None:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def load_wizard_state(context: AppContext, profile_id: int) -> WizardState:
    """What the wizard shows when reopened: the saved profile, settings and keys. Blocking (keyring): run it
    in the background."""
    db = context.db
    profile = db.profiles.get(profile_id)
    if profile is None:
        raise LookupError(f"profile {profile_id} is gone")
    settings = db.settings(profile_id).load_sync()
    key = token = ""
    with contextlib.suppress(KeyringUnavailable, ValueError):
        key = context.secrets.get_retailcrm_key(profile.retailcrm_url) or ""
    with contextlib.suppress(KeyringUnavailable, ValueError):
        token = context.secrets.get_moysklad_token(profile.moysklad_account) or ""
    state = WizardState(
        retailcrm_url=profile.retailcrm_url,
        retailcrm_key=key,
        moysklad_mode=MODE_TOKEN,
        moysklad_url=profile.moysklad_url,
        moysklad_token=token,
        settings=settings,
        base_settings=settings,
        profile_id=profile_id,
        keep_account=profile.moysklad_account,
    )
    return state


def _stored_moysklad_url(text: str) -> str:
    """The MoySklad address as the profile keeps it: no user info, query or fragment (the client, which
    connected with it on the MoySklad page, drops them too; issue 12)."""
    try:
        return str(normalize_base_url(text))
    except SettingsError:  # the MoySklad page would not have let it through; the client will say what is wrong
        return shown_address(text)
