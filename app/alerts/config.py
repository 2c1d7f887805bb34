"""What the alerts send, where, and about what: one JSON document in the profile's settings table.

Kept under the settings key ``"alerts"`` (app/store/settings.py's key → JSON table), next to the sync settings:
nothing here is secret. The SMTP password and the Telegram bot token live in the OS keyring
(:class:`app.secrets.SecretStore`, service ``"Svyazka Alerts"``), named by :func:`smtp_secret_name` and
:func:`telegram_secret_name`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.store.database import Database

ALERTS_KEY = "alerts"

# The events one can switch on and off, in the order the settings show them.
EVENTS = ("failed", "auth", "conflicts", "stale", "lockout")
TELEGRAM_API = "https://api.telegram.org"  # the Bot API's address (core.telegram.org/bots/api "Making requests")
DEFAULT_STALE_HOURS = 24
# MoySklad closes API access automatically after more than 200 answers 429 within a minute
# (../shared/docs/moysklad-api.md, "Автоматическое отключение доступа"). A run that met this many 429s is
# halfway there: the shop owner hears of it before the lock, not after.
DEFAULT_LOCKOUT_429 = 100


@dataclass
class AlertSettings:
    smtp_host: str = ""
    smtp_port: int = 587  # the submission port with STARTTLS; 465 means TLS from the first byte
    smtp_user: str = ""
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    telegram_chat_id: str = ""
    telegram_api: str = TELEGRAM_API  # another address only for tests and self-hosted Bot API servers
    events: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(EVENTS, True))
    stale_hours: int = DEFAULT_STALE_HOURS
    lockout_429: int = DEFAULT_LOCKOUT_429
    digest: bool = False  # one summary a day, sent after the first run past 24 hours since the last one

    @property
    def email_configured(self) -> bool:
        return bool(self.smtp_host and self.smtp_to)

    @property
    def telegram_configured(self) -> bool:
        return bool(self.telegram_chat_id)

    @property
    def any_channel(self) -> bool:
        return self.email_configured or self.telegram_configured

    def enabled(self, event: str) -> bool:
        return bool(self.events.get(event, True))

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["smtp_to"] = list(self.smtp_to)
        return data

    @classmethod
    def from_json(cls, data: Any) -> AlertSettings:
        """Tolerant: a value of the wrong type falls back to the default (the settings page rewrites it)."""
        if not isinstance(data, dict):
            return cls()
        result = cls()
        for f in dataclasses.fields(cls):
            if f.name not in data:
                continue
            value = data[f.name]
            default = getattr(result, f.name)
            if f.name == "smtp_to":
                if isinstance(value, str):
                    value = split_addresses(value)
                if isinstance(value, list | tuple):
                    setattr(result, f.name, tuple(str(v).strip() for v in value if str(v).strip()))
            elif f.name == "events":
                if isinstance(value, dict):
                    result.events.update({k: bool(v) for k, v in value.items() if k in EVENTS})
            elif isinstance(default, bool):
                setattr(result, f.name, bool(value))
            elif isinstance(default, int):
                if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
                    setattr(result, f.name, value)
            elif isinstance(value, str):
                setattr(result, f.name, value.strip())
        return result


def split_addresses(text: str) -> tuple[str, ...]:
    """``a@x.ru, b@y.ru; c@z.ru`` → three addresses."""
    return tuple(part.strip() for part in text.replace(";", ",").split(",") if part.strip())


def load(db: Database, profile_id: int) -> AlertSettings:
    return AlertSettings.from_json(db.settings(profile_id).get(ALERTS_KEY))


def save(db: Database, profile_id: int, settings: AlertSettings) -> None:
    db.settings(profile_id).set(ALERTS_KEY, settings.to_json())


def smtp_secret_name(settings: AlertSettings) -> str:
    """The keyring entry of the SMTP password: one per mail account, whichever profile uses it."""
    return f"smtp:{settings.smtp_user}@{settings.smtp_host}:{settings.smtp_port}"


def telegram_secret_name(settings: AlertSettings) -> str:
    """The bot token's keyring entry: one bot per computer (a new chat id keeps the token)."""
    return "telegram"


EVENT_TITLES = {
    "failed": "синхронизация не удалась",
    "auth": "ключ или токен перестал работать",
    "conflicts": "новые конфликты ждут решения",
    "stale": "долго нет удачной синхронизации",
    "lockout": "риск блокировки МойСклад",
}


def apply_options(settings: AlertSettings, options: dict[str, Any]) -> AlertSettings:
    """``svyazka alerts setup``'s options over the saved settings (an option not given keeps its value).

    Raises ValueError with a Russian sentence for a bad value."""
    result = dataclasses.replace(settings, events=dict(settings.events))
    for name in ("smtp_host", "smtp_port", "smtp_user", "smtp_from", "telegram_chat_id", "telegram_api",
                 "stale_hours", "digest"):
        value = options.get(name)
        if value is not None:
            setattr(result, name, value.strip() if isinstance(value, str) else value)
    if options.get("smtp_to") is not None:
        result.smtp_to = split_addresses(options["smtp_to"])
        bad = [a for a in result.smtp_to if "@" not in a]
        if bad:
            raise ValueError(f"«{bad[0]}» не похоже на адрес почты. Перечислите получателей через запятую.")
    if options.get("no_email"):
        result.smtp_host, result.smtp_to = "", ()
    if options.get("no_telegram"):
        result.telegram_chat_id = ""
    if options.get("events") is not None:
        chosen = [e.strip() for e in options["events"].split(",") if e.strip()]
        unknown = [e for e in chosen if e not in EVENTS]
        if unknown:
            raise ValueError(f"неизвестные события {', '.join(unknown)}; есть {', '.join(EVENTS)}.")
        result.events = {e: e in chosen for e in EVENTS}
    return result


def describe(settings: AlertSettings) -> str:
    """The settings as ``svyazka alerts setup`` prints them (no secret: they stay in the keyring)."""
    lines = []
    if settings.email_configured:
        login = f", вход как {settings.smtp_user}" if settings.smtp_user else ""
        lines.append(f"Почта: {settings.smtp_host}:{settings.smtp_port}{login} → {', '.join(settings.smtp_to)}")
    else:
        lines.append("Почта: не настроена")
    lines.append(f"Telegram: чат {settings.telegram_chat_id}" if settings.telegram_configured
                 else "Telegram: не настроен")
    on = [EVENT_TITLES[e] for e in EVENTS if settings.enabled(e)]
    lines.append(f"События: {'; '.join(on) or 'все выключены'}")
    lines.append(f"Без удачной синхронизации: оповестить через {settings.stale_hours} ч" if settings.stale_hours
                 else "Без удачной синхронизации: не оповещать")
    lines.append(f"Сводка за сутки: {'да' if settings.digest else 'нет'}")
    return "\n".join(lines)
