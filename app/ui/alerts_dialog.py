"""«Оповещения»: where alerts go (e-mail, Telegram), about what, and a test message. Opened from the schedule tab.

Qt only: reading and writing go through the store and the keyring in the background, and the test message is
sent by app/alerts in a worker thread, so the window never waits for a mail server.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.alerts import config as alert_config
from app.alerts.config import EVENTS, AlertSettings
from app.ui.context import AppContext
from app.ui.worker import run_in_background


@dataclass
class _Loaded:
    settings: AlertSettings
    has_password: bool
    has_token: bool


class AlertsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self.setWindowTitle(self.tr("Alerts"))
        self._settings = AlertSettings()

        intro = QLabel(self.tr(
            "Svyazka writes to you when a sync fails, a key stops working or conflicts wait for your decision, "
            "once per problem, and once more when it is solved. It works for runs from the window, the schedule "
            "and the command line."
        ))
        intro.setWordWrap(True)

        self.smtp_host = QLineEdit()
        self.smtp_host.setPlaceholderText("smtp.yandex.ru")
        self.smtp_port = QSpinBox()
        self.smtp_port.setRange(1, 65535)
        self.smtp_port.setValue(587)
        self.smtp_port.setMinimumWidth(self.fontMetrics().horizontalAdvance("65535") + 48)
        self.smtp_user = QLineEdit()
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_from = QLineEdit()
        self.smtp_to = QLineEdit()
        self.smtp_to.setPlaceholderText(self.tr("owner@shop.ru, manager@shop.ru"))
        for field in (self.smtp_host, self.smtp_user, self.smtp_password, self.smtp_from, self.smtp_to):
            field.setMinimumWidth(self.fontMetrics().horizontalAdvance("manager@shop-name.ru, owner@") + 16)
        mail = QGroupBox(self.tr("E-mail"))
        mail_form = QFormLayout(mail)
        mail_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        mail_form.addRow(self.tr("SMTP server"), self.smtp_host)
        mail_form.addRow(self.tr("Port"), self.smtp_port)
        mail_form.addRow(self.tr("Login"), self.smtp_user)
        mail_form.addRow(self.tr("Password"), self.smtp_password)
        mail_form.addRow(self.tr("From"), self.smtp_from)
        mail_form.addRow(self.tr("To"), self.smtp_to)
        mail_hint = QLabel(self.tr("The connection is encrypted (STARTTLS; port 465: TLS). Yandex, Mail.ru and Gmail "
                                   "need an app password, not the mailbox password."))
        mail_hint.setWordWrap(True)
        mail_form.addRow(mail_hint)

        self.telegram_token = QLineEdit()
        self.telegram_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.telegram_chat = QLineEdit()
        telegram = QGroupBox(self.tr("Telegram"))
        telegram_form = QFormLayout(telegram)
        telegram_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        telegram_form.addRow(self.tr("Bot token"), self.telegram_token)
        telegram_form.addRow(self.tr("Chat id"), self.telegram_chat)
        telegram_hint = QLabel(self.tr("Create a bot with @BotFather, write /start to it, then enter your chat id "
                                       "(@userinfobot tells it)."))
        telegram_hint.setWordWrap(True)
        telegram_form.addRow(telegram_hint)

        self.event_checks = {
            "failed": QCheckBox(self.tr("A sync failed")),
            "auth": QCheckBox(self.tr("A key or token stopped working")),
            "conflicts": QCheckBox(self.tr("New conflicts wait for a decision")),
            "stale": QCheckBox(self.tr("No successful sync for")),
            "lockout": QCheckBox(self.tr("MoySklad may lock the API (too many requests refused)")),
        }
        self.stale_hours = QSpinBox()
        self.stale_hours.setRange(1, 24 * 14)
        self.stale_hours.setSuffix(self.tr(" h"))
        self.digest_check = QCheckBox(self.tr("A summary once a day"))
        events = QGroupBox(self.tr("What to tell"))
        events_layout = QVBoxLayout(events)
        for name in EVENTS:
            if name == "stale":
                row = QHBoxLayout()
                row.addWidget(self.event_checks[name])
                row.addWidget(self.stale_hours)
                row.addStretch(1)
                events_layout.addLayout(row)
            else:
                events_layout.addWidget(self.event_checks[name])
        events_layout.addWidget(self.digest_check)

        self.test_button = QPushButton(self.tr("Send a test message"))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.test_button)
        bottom.addWidget(self.status_label, 1)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(mail)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(telegram)
        right.addWidget(events)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(columns)
        layout.addLayout(bottom)
        layout.addWidget(self.buttons)

        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(self.send_test)
        self.event_checks["stale"].toggled.connect(self.stale_hours.setEnabled)
        self._load()

    # -- loading -----------------------------------------------------------------------------------------

    def _load(self) -> None:
        db, pid, secrets = self._context.db, self._context.profile_id, self._context.secrets
        if pid is None:
            return

        def read() -> _Loaded:
            settings = alert_config.load(db, pid)
            has_password = has_token = False
            try:
                has_password = bool(settings.smtp_user and
                                    secrets.get_alert_secret(alert_config.smtp_secret_name(settings)))
                has_token = bool(secrets.get_alert_secret(alert_config.telegram_secret_name(settings)))
            except Exception:  # a locked keyring: the fields stay empty, saving will say what is wrong
                pass
            return _Loaded(settings, has_password, has_token)

        self._busy(True)  # saving before the saved values are shown would overwrite them with blanks
        run_in_background(read, self._fill, self._load_failed, owner=self)

    def _load_failed(self, message: str) -> None:
        self._busy(False)
        self.status_label.setText(message)

    def _fill(self, loaded: _Loaded) -> None:
        self._busy(False)
        s = self._settings = loaded.settings
        self.smtp_host.setText(s.smtp_host)
        self.smtp_port.setValue(s.smtp_port)
        self.smtp_user.setText(s.smtp_user)
        self.smtp_from.setText(s.smtp_from)
        self.smtp_to.setText(", ".join(s.smtp_to))
        self.telegram_chat.setText(s.telegram_chat_id)
        saved = self.tr("saved; type to replace")
        self.smtp_password.setPlaceholderText(saved if loaded.has_password else "")
        self.telegram_token.setPlaceholderText(saved if loaded.has_token else "")
        for name, box in self.event_checks.items():
            box.setChecked(s.enabled(name) and (name != "stale" or s.stale_hours > 0))
        self.stale_hours.setValue(s.stale_hours or alert_config.DEFAULT_STALE_HOURS)
        self.stale_hours.setEnabled(self.event_checks["stale"].isChecked())
        self.digest_check.setChecked(s.digest)

    # -- saving and testing ------------------------------------------------------------------------------

    def chosen(self) -> AlertSettings:
        events = {name: box.isChecked() for name, box in self.event_checks.items()}
        return AlertSettings(
            smtp_host=self.smtp_host.text().strip(),
            smtp_port=self.smtp_port.value(),
            smtp_user=self.smtp_user.text().strip(),
            smtp_from=self.smtp_from.text().strip(),
            smtp_to=alert_config.split_addresses(self.smtp_to.text()),
            telegram_chat_id=self.telegram_chat.text().strip(),
            telegram_api=self._settings.telegram_api,
            events=events,
            stale_hours=self.stale_hours.value() if events["stale"] else 0,
            lockout_429=self._settings.lockout_429,
            digest=self.digest_check.isChecked(),
        )

    def _problem(self, settings: AlertSettings) -> str:
        if settings.smtp_to and not settings.smtp_host:
            return self.tr("Enter the SMTP server, or clear the recipients.")
        if settings.smtp_host and not settings.smtp_to:
            return self.tr("Enter at least one recipient address.")
        bad = [a for a in settings.smtp_to if "@" not in a]
        if bad:
            return self.tr("«{address}» does not look like an e-mail address.").format(address=bad[0])
        return ""

    def _write(self, then_test: bool) -> None:
        settings = self.chosen()
        problem = self._problem(settings)
        if problem:
            self.status_label.setText(problem)
            return
        db, pid, secrets = self._context.db, self._context.profile_id, self._context.secrets
        if pid is None:
            return
        password, token = self.smtp_password.text(), self.telegram_token.text()
        sent = self.tr("sent")
        self._busy(True)
        self.status_label.setText(self.tr("Sending…") if then_test else self.tr("Saving…"))

        def write() -> list[str]:
            if password.strip():
                secrets.set_alert_secret(alert_config.smtp_secret_name(settings), password)
            if token.strip():
                secrets.set_alert_secret(alert_config.telegram_secret_name(settings), token)
            alert_config.save(db, pid, settings)
            if not then_test:
                return []
            from app.alerts import send_test

            return [f"{d.channel}: {sent if d.ok else d.error}" for d in send_test(db, pid, secrets)]

        def done(lines: list[str]) -> None:
            self._busy(False)
            self._settings = settings
            self.smtp_password.clear()
            self.telegram_token.clear()
            if then_test:
                self.status_label.setText("\n".join(lines) or self.tr("Nothing to test: enter an e-mail server or "
                                                                      "a Telegram chat first."))
            else:
                self.status_label.setText(self.tr("Saved."))
                self.accept()

        def failed(message: str) -> None:
            self._busy(False)
            self.status_label.setText(message)

        run_in_background(write, done, failed, owner=self)

    def _busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.buttons.setEnabled(not busy)

    @Slot()
    def save(self) -> None:
        self._write(then_test=False)

    @Slot()
    def send_test(self) -> None:
        """Save what is typed, then send the test message to every channel filled in."""
        self._write(then_test=True)
