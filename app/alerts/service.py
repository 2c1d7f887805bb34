"""After every run: what is wrong now, what was already said, what got solved, and the daily digest.

:func:`evaluate_after_run` is the one call both the CLI (``svyazka sync``) and the window's sync worker make
once a run's report is final. It never raises and never waits longer than the channels' timeouts: a run's
outcome is not the alerts' to change. Failures go to the technical log as one line each.

Deduplication state lives next to the alert settings in the profile's settings table (key
``"alerts_state"``): ``{"open": {key: {"since": iso, "marks": [...]}}, "digest_at": iso}``. A problem is
announced when it first appears (or when it gains a new mark, e.g. a new kind of conflict) and once more,
as «решено», when a later run no longer shows it.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from app.alerts import config
from app.alerts.channels import EmailChannel, SendError, TelegramChannel
from app.alerts.config import AlertSettings
from app.alerts.events import Problem, detect
from app.redact import redact
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.secrets import SecretStore
    from app.store.database import Database
    from app.sync.model import RunReport

log = logging.getLogger("app.alerts")

STATE_KEY = "alerts_state"
DIGEST_EVERY = timedelta(hours=24)
SUBJECT_PROBLEM = "Связка: нужна ваша помощь"
SUBJECT_SOLVED = "Связка: решено"
SUBJECT_TEST = "Связка: проверочное сообщение"
SUBJECT_DIGEST = "Связка: сводка за сутки"


class Channel(Protocol):
    name: str

    def send(self, subject: str, text: str) -> None: ...


@dataclass(frozen=True)
class Delivery:
    channel: str
    error: str = ""  # empty: delivered

    @property
    def ok(self) -> bool:
        return not self.error


def channels_for(settings: AlertSettings, secrets: SecretStore | None,
                 tls_context: ssl.SSLContext | None = None) -> list[Channel]:
    """The configured channels, their secrets read from the keyring (a missing secret: the channel is tried
    without it, and its error says what to fill in)."""
    result: list[Channel] = []
    if settings.email_configured:
        password = _secret(secrets, config.smtp_secret_name(settings)) if settings.smtp_user else None
        result.append(EmailChannel(settings.smtp_host, settings.smtp_port, settings.smtp_user, password,
                                   settings.smtp_from, settings.smtp_to, context=tls_context))
    if settings.telegram_configured:
        token = _secret(secrets, config.telegram_secret_name(settings))
        if token:
            result.append(TelegramChannel(token, settings.telegram_chat_id, settings.telegram_api))
        else:
            result.append(_Missing("Telegram", "Не задан токен бота Telegram. Вставьте его в настройках оповещений."))
    return result


@dataclass
class _Missing:
    name: str
    message: str

    def send(self, subject: str, text: str) -> None:
        raise SendError(self.message)


def _secret(secrets: SecretStore | None, name: str) -> str | None:
    if secrets is None:
        from app.secrets import SecretStore

        secrets = SecretStore()
    try:
        return secrets.get_alert_secret(name)
    except Exception as exc:  # a locked keyring: the channel goes without, the log says why
        log.warning("alerts: the keyring gave no %s (%s)", name.split(":")[0], redact(str(exc)))
        return None


def send_all(channels: list[Channel], subject: str, text: str) -> list[Delivery]:
    """Send to every channel; one channel's failure never stops the others."""
    result = []
    for channel in channels:
        try:
            channel.send(subject, text)
            result.append(Delivery(channel.name))
        except SendError as exc:
            result.append(Delivery(channel.name, str(exc)))
        except Exception as exc:  # a bug of ours must not reach the run either
            log.exception("alerts: %s failed unexpectedly", channel.name)
            result.append(Delivery(channel.name, f"Внутренняя ошибка при отправке ({type(exc).__name__})."))
    for d in result:
        if not d.ok:
            log.warning("alerts: %s not sent: %s", d.channel, redact(d.error))
    return result


def send_test(db: Database, profile_id: int, secrets: SecretStore | None = None, *,
              settings: AlertSettings | None = None, tls_context: ssl.SSLContext | None = None) -> list[Delivery]:
    """«Отправить проверочное сообщение» / ``svyazka alerts test``: one message to every configured channel."""
    settings = settings or config.load(db, profile_id)
    profile = db.profiles.get(profile_id)
    name = f" (профиль «{profile.name}»)" if profile is not None else ""
    text = (f"Это проверочное сообщение Связки{name}. Если вы его читаете, оповещения настроены верно: сюда "
            "придёт сообщение, если синхронизация не удастся или понадобится ваше решение.")
    return send_all(channels_for(settings, secrets, tls_context), SUBJECT_TEST, text)


def evaluate_after_run(db: Database, profile_id: int, report: RunReport, *, secrets: SecretStore | None = None,
                       now: datetime | None = None, tls_context: ssl.SSLContext | None = None) -> list[Delivery]:
    """Alert on what this run shows, once per problem; say «решено» for what it no longer shows. Never raises."""
    try:
        return _evaluate(db, profile_id, report, secrets, now or utcnow(), tls_context)
    except Exception:  # the run is over and recorded: nothing here may turn it into a failure
        log.exception("alerts: evaluating the run's alerts failed")
        return []


def _evaluate(db: Database, profile_id: int, report: RunReport, secrets: SecretStore | None, now: datetime,
              tls_context: ssl.SSLContext | None) -> list[Delivery]:
    if report.dry_run or report.cancelled:
        return []  # a dry run writes nothing, a Stop was the person's: neither tells about the shop's sync
    settings = config.load(db, profile_id)
    if not settings.any_channel:
        return []
    state = _load_state(db, profile_id)
    opened: dict[str, Any] = state.setdefault("open", {})
    current = detect(db, profile_id, report, settings, now)
    news: list[Problem] = []
    for key, problem in current.items():
        before = opened.get(key)
        if before is None or not set(problem.marks) <= set(before.get("marks", [])):
            news.append(problem)
        opened[key] = {"since": (before or {}).get("since", now.isoformat()),
                       "title": problem.title,
                       "marks": sorted(set(problem.marks) | set((before or {}).get("marks", [])))}
    solved = [(key, opened.pop(key)) for key in list(opened) if key not in current]
    messages: list[tuple[str, str]] = []
    if news:
        # "failed" only repeats what a key or lock-out paragraph already says with what to do
        shown = [p for p in news if not (p.key == "failed" and any(q.key.startswith(("auth:", "lockout"))
                                                                   for q in current.values()))]
        messages.append((SUBJECT_PROBLEM, "\n\n".join(p.text for p in shown or news)))
    if solved:
        lines = [f"Решено: {entry.get('title') or key}." for key, entry in solved]
        messages.append((SUBJECT_SOLVED, "\n".join(lines) + "\n\nПоследний запуск прошёл без этих проблем."))
    digest = _digest(db, profile_id, settings, state, now)
    if digest is not None:
        messages.append((SUBJECT_DIGEST, digest))
    _save_state(db, profile_id, state)  # before sending: a slow channel must not make the next run repeat it
    if not messages:
        return []
    channels = channels_for(settings, secrets, tls_context)
    deliveries: list[Delivery] = []
    for subject, text in messages:
        deliveries += send_all(channels, subject, text)
    return deliveries


def _digest(db: Database, profile_id: int, settings: AlertSettings, state: dict[str, Any],
            now: datetime) -> str | None:
    if not settings.digest:
        return None
    last = _parse(state.get("digest_at"))
    if last is not None and now - last < DIGEST_EVERY:
        return None
    state["digest_at"] = now.isoformat()
    since = now - DIGEST_EVERY
    runs = [r for r in db.runs(profile_id).recent(limit=500) if r.started_at >= since and not r.dry_run]
    good = sum(1 for r in runs if r.status in ("ok", "partial"))
    failed = sum(1 for r in runs if r.status == "failed")
    totals: dict[str, int] = {}
    for r in runs:
        for counts in r.counts.values():
            for name in ("created", "updated"):
                totals[name] = totals.get(name, 0) + int(counts.get(name, 0))
    conflicts = sum(db.conflicts(profile_id).counts_by_kind("open").values())
    open_now = [entry.get("title", key) for key, entry in state.get("open", {}).items()]
    lines = [
        f"Запусков за сутки: {len(runs)}, удачных: {good}, неудачных: {failed}.",
        f"Создано записей: {totals.get('created', 0)}, обновлено: {totals.get('updated', 0)}.",
        f"Конфликтов ждут решения: {conflicts}." if conflicts else "Конфликтов нет.",
    ]
    if open_now:
        lines.append(f"Нерешённых проблем: {len(open_now)} — подробности были в отдельных сообщениях.")
    return "\n".join(lines)


def _parse(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _load_state(db: Database, profile_id: int) -> dict[str, Any]:
    state = db.settings(profile_id).get(STATE_KEY)
    if not isinstance(state, dict) or not isinstance(state.get("open", {}), dict):
        return {"open": {}}
    return state


def _save_state(db: Database, profile_id: int, state: dict[str, Any]) -> None:
    db.settings(profile_id).set(STATE_KEY, state)


def reset_state(db: Database, profile_id: int) -> None:
    """Forget what was announced (a new channel setup starts afresh)."""
    db.settings(profile_id).delete(STATE_KEY)
