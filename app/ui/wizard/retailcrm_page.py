"""Page 2: the RetailCRM account address and API key, checked against the account before going on."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from app.clients.errors import SettingsError
from app.clients.retailcrm import API_KEYS_PAGE, RetailCrmClient
from app.secrets import normalize_account_url
from app.sync.accounts import RetailCrmAccount, check_retailcrm
from app.ui.widgets import SecretEdit
from app.ui.wizard.base import WizardPage
from app.ui.worker import run_in_background


class RetailCrmPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("RetailCRM"))
        self.setSubTitle(self.tr("Where your orders live. Svyazka needs the account address and an API key."))
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText("https://myshop.retailcrm.ru")
        self.key_edit = SecretEdit()
        self.key_edit.setPlaceholderText(self.tr("Paste the API key here"))
        hint = QLabel(
            self.tr(
                "Where to find the key: in RetailCRM open {path}, add a key, tick every permission and allow "
                "access to all shops, then copy it here."
            ).format(path=API_KEYS_PAGE)
        )
        hint.setWordWrap(True)
        self.check_button = QPushButton(self.tr("Check connection"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.addRow(self.tr("Account address"), self.url_edit)
        form.addRow(self.tr("API key"), self.key_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.url_edit.textEdited.connect(self._edited)
        self.key_edit.textEdited.connect(self._edited)
        self.check_button.clicked.connect(self.check)
        self._filled = False

    def initializePage(self) -> None:
        if not self._filled:  # only once: Back and Next must not overwrite what was typed
            self._filled = True
            self.url_edit.setText(self.state.retailcrm_url)
            self.key_edit.setText(self.state.retailcrm_key)
        if self.state.rc_ok and self.state.rc_account is not None:
            self._show_account(self.state.rc_account)

    @Slot()
    def _edited(self) -> None:
        self.state.retailcrm_url = self.url_edit.text()
        self.state.retailcrm_key = self.key_edit.text()
        if not self.state.rc_ok:
            self.message.clear_message()

    def _problem(self) -> str | None:
        url, key = self.state.rc_key_tuple()
        if not url:
            return self.tr("Enter the address of your RetailCRM account, for example https://myshop.retailcrm.ru")
        try:
            normalize_account_url(url)
        except ValueError as exc:
            return str(exc)
        if not key:
            return self.tr("Paste the API key. Where to find it: {path}.").format(path=API_KEYS_PAGE)
        return None

    @Slot()
    def check(self) -> None:
        self._edited()
        problem = self._problem()
        if problem:
            self._advance_when_done = False
            self.fail(problem)
            return
        if self.busy:
            return
        url, key = self.state.rc_key_tuple()
        self.set_busy(True)
        self.check_button.setEnabled(False)
        self.message.show_message("info", self.tr("Checking the key…"))

        def work() -> RetailCrmAccount | MissingScopes:
            try:
                with RetailCrmClient(url, key) as client:
                    return check_retailcrm(client)
            except SettingsError as exc:
                if exc.missing_scopes:
                    return MissingScopes(exc.message, exc.missing_scopes)
                raise

        def done(account: RetailCrmAccount | MissingScopes) -> None:
            self._finish_check()
            if self.state.rc_key_tuple() != (url, key):
                return  # edited while checking: this answer is about other text
            if isinstance(account, MissingScopes):
                self._advance_when_done = False
                self.state.rc_account = None
                self._show_missing(account)
                return
            self.state.rc_account = account
            self.state.rc_checked_for = (url, key)
            self._show_account(account)
            self.advance_after_check()

        def failed(text: str) -> None:
            self._finish_check()
            self._advance_when_done = False
            self.state.rc_account = None
            self.fail(text)

        run_in_background(work, done, failed, owner=self)

    def _finish_check(self) -> None:
        self.set_busy(False)
        self.check_button.setEnabled(True)

    def scope_text(self, scope: str) -> str:
        what = {
            "order_read": self.tr("read orders"),
            "order_write": self.tr("create and change orders"),
            "customer_read": self.tr("read customers"),
            "customer_write": self.tr("create customers"),
            "reference_read": self.tr("read references: shops, statuses, warehouses"),
            "store_read": self.tr("read the catalog and stock"),
            "store_write": self.tr("send stock, prices and products"),
        }.get(scope)
        return f"{scope} — {what}" if what else scope

    def _show_missing(self, missing: MissingScopes) -> None:
        self.message.show_lines(
            "error",
            missing.message,
            [self.tr("Missing: {scope}").format(scope=self.scope_text(s)) for s in missing.scopes],
        )

    def _show_account(self, account: RetailCrmAccount) -> None:
        sites = ", ".join(f"{s.name} ({s.code})" for s in account.sites) or self.tr("none")
        lines = [
            self.tr("Shops: {sites}").format(sites=sites),
            self.tr("Warehouses: {stores}; price types: {prices}; order statuses: {statuses}").format(
                stores=len(account.stores), prices=len(account.price_types), statuses=len(account.statuses)
            ),
            self.tr("Every permission Svyazka needs is granted."),
        ]
        self.message.show_lines("ok", self.tr("Connected to {url}.").format(url=account.url), lines)

    def validatePage(self) -> bool:
        self._edited()
        problem = self._problem()
        if problem:
            return self.fail(problem)
        if self.state.rc_ok:
            return True
        self._advance_when_done = True
        self.check()
        return False


@dataclass(frozen=True)
class MissingScopes:
    """The key works but lacks permissions: shown on the page, by name."""

    message: str
    scopes: tuple[str, ...]
