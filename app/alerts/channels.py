"""The two ways an alert leaves this computer: e-mail over SMTP and a Telegram bot's message.

Each channel's ``send`` either delivers or raises :class:`SendError` with a Russian sentence that says what to
check; it never waits longer than its timeout. Whoever sends after a run turns the error into one log line.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import httpx

from app.redact import redact

TIMEOUT_SECONDS = 10.0  # per channel: a dead server must not hold the end of a run for long
SMTP_TLS_PORT = 465  # TLS from the first byte (RFC 8314); every other port upgrades with STARTTLS


class SendError(Exception):
    """The message did not go. ``str()`` is a Russian sentence for the person (no secret in it)."""


def _client_context() -> ssl.SSLContext:
    # The same trust as the API clients (the OS store, so an antivirus' HTTPS scanning root is trusted too).
    from app.clients.tls import client_context

    return client_context()


@dataclass
class EmailChannel:
    host: str
    port: int
    user: str
    password: str | None
    sender: str
    recipients: tuple[str, ...]
    context: ssl.SSLContext | None = None  # None: app/clients/tls.py's context
    timeout: float = TIMEOUT_SECONDS

    name = "e-mail"

    def send(self, subject: str, text: str) -> None:
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = self.sender or self.user
        message["To"] = ", ".join(self.recipients)
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="svyazka.local")
        message.set_content(text)
        context = self.context or _client_context()
        where = f"{self.host}:{self.port}"
        try:
            if self.port == SMTP_TLS_PORT:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if self.port != SMTP_TLS_PORT:
                    if not smtp.has_extn("starttls"):
                        # never a password or the shop's data over an unencrypted connection
                        raise SendError(
                            f"Почтовый сервер {where} не поддерживает шифрование (STARTTLS), письмо не отправлено. "
                            "Укажите в настройках оповещений другой сервер или порт (обычно 587)."
                        )
                    smtp.starttls(context=context)
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(message)
        except SendError:
            raise
        except smtplib.SMTPAuthenticationError:
            raise SendError(
                f"Почтовый сервер {where} не принял логин или пароль. Проверьте их в настройках оповещений "
                "(для Яндекса, Mail.ru и Gmail нужен пароль приложения, а не пароль от почты)."
            ) from None
        except smtplib.SMTPRecipientsRefused:
            raise SendError(
                f"Почтовый сервер {where} не принял адрес получателя. Проверьте поле «Кому» в настройках оповещений."
            ) from None
        except ssl.SSLError as exc:
            raise SendError(
                f"Не удалось установить защищённое соединение с почтовым сервером {where} ({_short(exc)}). "
                "Проверьте адрес и порт сервера."
            ) from None
        except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, broken answers
            raise SendError(
                f"Не удалось отправить письмо через {where} ({_short(exc)}). Проверьте адрес и порт почтового "
                "сервера и подключение к интернету."
            ) from None


@dataclass
class TelegramChannel:
    token: str
    chat_id: str
    api: str
    timeout: float = TIMEOUT_SECONDS

    name = "Telegram"

    def send(self, subject: str, text: str) -> None:
        # Bot API sendMessage (core.telegram.org/bots/api#sendmessage): POST /bot<token>/sendMessage with
        # chat_id and text (up to 4096 characters); the answer is {"ok": true, ...} or {"ok": false,
        # "description": ...}. The answer is checked rather than assumed.
        url = f"{self.api.rstrip('/')}/bot{self.token}/sendMessage"
        body = {"chat_id": self.chat_id, "text": f"{subject}\n\n{text}"[:4096]}
        try:
            with httpx.Client(timeout=self.timeout, verify=_client_context()) as client:
                response = client.post(url, json=body)
        except httpx.HTTPError as exc:
            raise SendError(
                f"Не удалось связаться с Telegram ({_short(exc)}). Проверьте подключение к интернету."
            ) from None
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code == 200 and isinstance(answer, dict) and answer.get("ok") is True:
            return
        description = answer.get("description", "") if isinstance(answer, dict) else ""
        if response.status_code in (401, 404):
            raise SendError("Telegram не принял токен бота. Вставьте токен от @BotFather заново в настройках "
                            "оповещений.")
        if response.status_code in (400, 403):
            raise SendError(
                f"Telegram не доставил сообщение в чат {self.chat_id} ({redact(str(description))}). Проверьте номер "
                "чата и что вы написали боту /start (или добавили его в группу)."
            )
        raise SendError(f"Telegram ответил ошибкой {response.status_code}. Попробуйте позже.")


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, socket.timeout | TimeoutError | httpx.TimeoutException):
        text = "сервер не ответил вовремя"
    return redact(text)[:200]
