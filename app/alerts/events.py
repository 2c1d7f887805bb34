"""Which problems a finished run shows: each a stable key (for deduplication) and the sentences to send.

Read only from what the run recorded: its report (status, message, why it stopped, 429s met), the runs table
(the last successful run) and the open conflicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.alerts.config import AlertSettings
from app.store.types import utcnow
from app.vocab import ConflictKind

if TYPE_CHECKING:
    from app.store.database import Database
    from app.sync.model import RunReport

SERVICE_TITLES = {"moysklad": "МойСклад", "retailcrm": "RetailCRM"}
# conflict kinds in words for the alerts and `svyazka conflicts` (app/cli.py reads this table; the window's
# translated titles are app/ui/labels.py CONFLICT_KIND_LABELS, keyed by the same enum)
CONFLICT_TITLES: dict[ConflictKind, str] = {
    ConflictKind.DUPLICATE_KEY: "дубли ключа",
    ConflictKind.ONLY_IN_MOYSKLAD: "только в МойСклад",
    ConflictKind.ONLY_IN_RETAILCRM: "только в RetailCRM",
    ConflictKind.ARCHIVED_IN_MOYSKLAD: "пара в архиве МойСклад",
    ConflictKind.UNLINKED_ORDER_LINE: "строки заказов без товара",
    ConflictKind.UNMAPPED_STATUS: "несопоставленные статусы",
    ConflictKind.UNMAPPED_STORE: "несопоставленные склады",
    ConflictKind.AMBIGUOUS_COUNTERPARTY: "неоднозначные контрагенты",
    ConflictKind.BAD_DATA: "ошибки в данных",
    ConflictKind.REQUIRED_ATTRIBUTE: "незаполненные обязательные поля МойСклад",
    ConflictKind.ORDER_CHANGED_BOTH_SIDES: "заказы, изменённые с обеих сторон",
}
# app/clients/errors.py SettingsError.reason words that mean "the key or token no longer works here"
AUTH_REASONS = ("bad_credentials", "missing_scopes", "no_access")
SUCCESS_STATUSES = ("ok", "partial")  # the run went through (conflicts or item errors are alerted on their own)


@dataclass(frozen=True)
class Problem:
    key: str  # one alert per key until it is gone
    event: str  # which setting switches it (config.EVENTS)
    title: str  # short, for the «решено» message
    text: str  # what happened and what to do
    marks: tuple[str, ...] = field(default=())  # details whose growth is news (conflict kinds)


def detect(db: Database, profile_id: int, report: RunReport, settings: AlertSettings,
           now: datetime | None = None) -> dict[str, Problem]:
    now = now or utcnow()
    found: list[Problem] = []
    service, _, reason = (getattr(report, "stop_reason", "") or "").partition(":")
    shown = SERVICE_TITLES.get(service, service)
    if reason in AUTH_REASONS:
        found.append(_auth_problem(service, shown, reason, report.message))
    rate_limited = int((getattr(report, "rate_limited", None) or {}).get("moysklad", 0))
    if reason == "locked" and service == "moysklad":
        found.append(Problem(
            "lockout", "lockout", "МойСклад закрыл доступ к API",
            "МойСклад закрыл пользователю Связки доступ к API (так бывает после слишком частых запросов). "
            "Попросите администратора аккаунта МойСклад проверить доступ; если он закрыт автоматически, напишите "
            "в поддержку МойСклад. Пока доступ закрыт, синхронизация не работает.",
        ))
    elif settings.lockout_429 and rate_limited >= settings.lockout_429:
        found.append(Problem(
            "lockout", "lockout", "риск блокировки МойСклад",
            f"За один запуск МойСклад {rate_limited} раз ответил «слишком много запросов». МойСклад сам закрывает "
            "доступ к API, если таких ответов больше 200 в минуту. Не запускайте одновременно со Связкой другие "
            "программы или обмены с тем же пользователем МойСклад, или заведите для Связки отдельного пользователя.",
        ))
    if report.status == "failed":
        found.append(Problem(
            "failed", "failed", "синхронизация не удавалась",
            f"Синхронизация не удалась: {report.message.strip() or 'причина записана в журнале.'} "
            "Подробности — в Связке на вкладке «Журнал». Следующий запуск попробует снова.",
        ))
    counts = db.conflicts(profile_id).counts_by_kind("open")
    if any(counts.values()):
        total = sum(counts.values())
        kinds = ", ".join(f"{CONFLICT_TITLES.get(k, k)} — {n}" for k, n in sorted(counts.items()) if n)
        found.append(Problem(
            "conflicts", "conflicts", "конфликты разобраны",
            f"Ждут решения конфликты: {total} ({kinds}). Пока они не решены, эти товары или заказы не "
            "синхронизируются. Откройте Связку → «Конфликты» и выберите, что сделать с каждым.",
            marks=tuple(sorted(k for k, n in counts.items() if n)),
        ))
    stale = _stale_problem(db, profile_id, report, settings, now)
    if stale is not None:
        found.append(stale)
    return {p.key: p for p in found if settings.enabled(p.event)}


def _auth_problem(service: str, shown: str, reason: str, message: str) -> Problem:
    what = "токен" if service == "moysklad" else "ключ API"
    if reason == "bad_credentials":
        head = f"Синхронизация не удалась: {shown} не принимает {what}."
        todo = f"Откройте Связку → Настройки и вставьте новый {what} {shown}."
    else:
        whose = "токена" if service == "moysklad" else "ключа API"
        head = f"Синхронизация не удалась: у {whose} {shown} нет нужных прав."
        todo = message.strip() or f"Выдайте нужные права в {shown} или вставьте в Связке → Настройки другой {what}."
    return Problem(f"auth:{service}", "auth", f"{shown} снова принимает {what}", f"{head} {todo}")


def _stale_problem(db: Database, profile_id: int, report: RunReport, settings: AlertSettings,
                   now: datetime) -> Problem | None:
    if not settings.stale_hours:
        return None
    if report.status in SUCCESS_STATUSES:
        return None
    runs = db.runs(profile_id)
    last = max((r for r in (runs.last_finished(s) for s in SUCCESS_STATUSES) if r is not None and not r.dry_run),
               key=lambda r: r.finished_at or r.started_at, default=None)
    if last is not None:
        since = last.finished_at or last.started_at
    else:  # never a successful run: count from the first recorded one
        oldest = runs.recent(limit=500)  # pruned to weeks anyway; the oldest kept is old enough
        if not oldest:
            return None
        since = oldest[-1].started_at
    age = now - since
    if age < timedelta(hours=settings.stale_hours):
        return None
    hours = int(age.total_seconds() // 3600)
    when = "ни одного удачного запуска ещё не было" if last is None else \
        f"последний удачный запуск закончился {since.astimezone().strftime('%d.%m.%Y %H:%M')}"
    return Problem(
        "stale", "stale", "синхронизация снова проходит",
        f"Связка не синхронизирует данные уже {hours} ч ({when}). Остатки и заказы между RetailCRM и МойСклад "
        "расходятся. Откройте Связку → «Журнал», чтобы увидеть, что мешает, и исправьте это.",
    )
