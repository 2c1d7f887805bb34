"""Page 3: MoySklad, by token or by login and password (which issues a token), checked before going on."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.clients.moysklad import DEFAULT_BASE_URL, TOKEN_REVOKES_OTHERS_WARNING, MoySkladClient
from app.sync.accounts import MoySkladAccount, check_moysklad
from app.ui.widgets import MessageLabel, SecretEdit
from app.ui.wizard.base import WizardPage
from app.ui.wizard.state import MODE_LOGIN, MODE_TOKEN
from app.ui.worker import run_in_background


class MoySkladPage(WizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("MoySklad"))
        self.setSubTitle(self.tr("Where your products, stock and prices live."))
        self.token_radio = QRadioButton(self.tr("I have an API token"))
        self.login_radio = QRadioButton(self.tr("Sign in with login and password"))
        group = QButtonGroup(self)
        group.addButton(self.token_radio)
        group.addButton(self.login_radio)
        self.token_radio.setChecked(True)

        self.token_edit = SecretEdit()
        self.token_edit.setPlaceholderText(self.tr("Paste the token here"))
        token_hint = QLabel(
            self.tr(
                "Where to find the token: in MoySklad open Settings → Users → your user → Access tokens, "
                "create a token and copy it here."
            )
        )
        token_hint.setWordWrap(True)
        self.token_box = QWidget()
        token_form = QFormLayout(self.token_box)
        token_form.setContentsMargins(0, 0, 0, 0)
        token_form.addRow(self.tr("Token"), self.token_edit)
        token_form.addRow(token_hint)

        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("admin@myshop")
        self.password_edit = SecretEdit()
        self.warning = MessageLabel()
        self.warning.show_message("warning", TOKEN_REVOKES_OTHERS_WARNING)
        self.login_box = QWidget()
        login_form = QFormLayout(self.login_box)
        login_form.setContentsMargins(0, 0, 0, 0)
        login_form.addRow(self.tr("Login"), self.login_edit)
        login_form.addRow(self.tr("Password"), self.password_edit)
        login_form.addRow(self.warning)

        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(DEFAULT_BASE_URL)
        self.url_edit.setToolTip(self.tr("Change it only for a test server."))
        url_form = QFormLayout()
        url_form.addRow(self.tr("Server"), self.url_edit)

        self.check_button = QPushButton(self.tr("Check connection"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_button)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.token_radio)
        layout.addWidget(self.login_radio)
        layout.addWidget(self.token_box)
        layout.addWidget(self.login_box)
        layout.addLayout(url_form)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)

        for edit in (self.token_edit, self.login_edit, self.password_edit, self.url_edit):
            edit.textEdited.connect(self._edited)
        self.token_radio.toggled.connect(self._mode_changed)
        self.check_button.clicked.connect(self.check)
        self._filled = False
        self._mode_changed()

    def initializePage(self) -> None:
        state = self.state
        if not self._filled:
            self._filled = True
            (self.login_radio if state.moysklad_mode == MODE_LOGIN else self.token_radio).setChecked(True)
            self.token_edit.setText(state.moysklad_token)
            self.login_edit.setText(state.moysklad_login)
            self.password_edit.setText(state.moysklad_password)
            self.url_edit.setText(state.moysklad_url)
        if state.ms_ok and state.ms_account is not None:
            self._show_account(state.ms_account)

    @Slot()
    def _mode_changed(self) -> None:
        login = self.login_radio.isChecked()
        self.token_box.setVisible(not login)
        self.login_box.setVisible(login)
        if self._filled:
            self._edited()

    @Slot()
    def _edited(self) -> None:
        state = self.state
        state.moysklad_mode = MODE_LOGIN if self.login_radio.isChecked() else MODE_TOKEN
        state.moysklad_token = self.token_edit.text()
        state.moysklad_login = self.login_edit.text()
        state.moysklad_password = self.password_edit.text()
        state.moysklad_url = self.url_edit.text().strip() or DEFAULT_BASE_URL
        if not state.ms_ok:
            self.message.clear_message()

    def _problem(self) -> str | None:
        state = self.state
        if state.moysklad_mode == MODE_TOKEN and not state.moysklad_token.strip():
            return self.tr("Paste the MoySklad token, or choose to sign in with login and password.")
        if state.moysklad_mode == MODE_LOGIN and (not state.moysklad_login.strip() or not state.moysklad_password):
            return self.tr("Enter the MoySklad login (it looks like name@account) and the password.")
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
        state = self.state
        checked_for = state.ms_key_tuple()
        mode, url = state.moysklad_mode, state.moysklad_url
        login, password, token = state.moysklad_login.strip(), state.moysklad_password, state.moysklad_token.strip()
        # a token issued for this very login is reused: issuing another would revoke it for nothing
        reuse = state.obtained_token if state.obtained_for == (url, login) else None
        self.set_busy(True)
        self.check_button.setEnabled(False)
        self.message.show_message(
            "info",
            self.tr("Getting a token and checking…") if mode == MODE_LOGIN and not reuse else self.tr("Checking…"),
        )

        def work() -> tuple[str, MoySkladAccount]:
            used = token
            if mode == MODE_LOGIN:
                used = reuse or MoySkladClient.obtain_token(login, password, base_url=url)
            with MoySkladClient(used, base_url=url) as client:
                return used, check_moysklad(client)

        def done(result: tuple[str, MoySkladAccount]) -> None:
            self._finish_check()
            used, account = result
            if mode == MODE_LOGIN:
                self.state.obtained_token, self.state.obtained_for = used, (url, login)
            if self.state.ms_key_tuple() != checked_for:
                return
            self.state.ms_account = account
            self.state.ms_checked_for = checked_for
            self._show_account(account)
            self.advance_after_check()

        def failed(text: str) -> None:
            self._finish_check()
            self._advance_when_done = False
            self.state.ms_account = None
            self.fail(text)

        run_in_background(work, done, failed, owner=self)

    def _finish_check(self) -> None:
        self.set_busy(False)
        self.check_button.setEnabled(True)

    def _show_account(self, account: MoySkladAccount) -> None:
        who = account.info.employee_name or account.info.login or self.tr("the token's user")
        organizations = ", ".join(o.name for o in account.organizations) or self.tr("none")
        lines = [
            self.tr("Organizations: {names}").format(names=organizations),
            self.tr("Warehouses: {stores}; price types: {prices}; order statuses: {states}").format(
                stores=len(account.stores), prices=len(account.price_types), states=len(account.states)
            ),
        ]
        if account.info.login:
            lines.insert(0, self.tr("Login: {login}").format(login=account.info.login))
        self.message.show_lines("ok", self.tr("Connected as {who}.").format(who=who), lines)

    def validatePage(self) -> bool:
        self._edited()
        problem = self._problem()
        if problem:
            return self.fail(problem)
        if self.state.ms_ok:
            return True
        self._advance_when_done = True
        self.check()
        return False
