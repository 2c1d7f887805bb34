"""The events a run's record shows, deduplicated in the store, read through a fake Telegram endpoint."""

from __future__ import annotations

from datetime import timedelta

from app.alerts import AlertSettings, evaluate_after_run
from app.alerts import config as alert_config
from app.store.types import utcnow
from app.sync.model import RunReport


def report(status: str = "ok", **extra) -> RunReport:
    return RunReport(ok=status == "ok", dry_run=False, status=status, counts={}, conflicts=0, errors=0,
                     requests={}, seconds=1.0, **extra)


def configure(db, profile, secrets, telegram, **changes) -> None:
    settings = AlertSettings(telegram_chat_id="7", telegram_api=telegram.url, **changes)
    alert_config.save(db, profile.id, settings)
    secrets.set_alert_secret(alert_config.telegram_secret_name(settings), telegram.token)


def finished_run(db, profile, status: str) -> None:
    runs = db.runs(profile.id)
    runs.finish(runs.start("cli").id, status)


def test_new_conflicts_are_told_with_kinds_and_count_and_a_new_kind_is_news(db, profile, secrets, telegram):
    configure(db, profile, secrets, telegram)
    conflicts = db.conflicts(profile.id)
    conflicts.record("duplicate_key", "A-1", "Артикул A-1 у двух товаров")
    conflicts.record("duplicate_key", "A-2", "Артикул A-2 у двух товаров")
    evaluate_after_run(db, profile.id, report("partial"), secrets=secrets)
    assert len(telegram.sent) == 1
    assert "Ждут решения конфликты: 2 (дубли ключа — 2)" in telegram.texts()[0]
    assert "«Конфликты»" in telegram.texts()[0]

    conflicts.record("duplicate_key", "A-3", "Артикул A-3 у двух товаров")  # more of the same kind: no news
    evaluate_after_run(db, profile.id, report("partial"), secrets=secrets)
    assert len(telegram.sent) == 1
    conflicts.record("unmapped_status", "st", "Статус без пары")  # a new kind: told
    evaluate_after_run(db, profile.id, report("partial"), secrets=secrets)
    assert len(telegram.sent) == 2 and "несопоставленные статусы — 1" in telegram.texts()[1]

    for c in conflicts.list(status="open"):
        conflicts.ignore(c.id)
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets)
    assert len(telegram.sent) == 3 and "Решено: конфликты разобраны." in telegram.texts()[2]


def test_no_successful_run_for_n_hours(db, profile, secrets, telegram):
    configure(db, profile, secrets, telegram, stale_hours=6, events={"stale": True, "failed": False})
    finished_run(db, profile, "ok")
    finished_run(db, profile, "failed")
    now = utcnow()
    evaluate_after_run(db, profile.id, report("failed", message="x"), secrets=secrets, now=now + timedelta(hours=5))
    assert telegram.sent == []  # five hours: not yet (and "a run failed" is switched off)
    evaluate_after_run(db, profile.id, report("failed", message="x"), secrets=secrets, now=now + timedelta(hours=7))
    assert len(telegram.sent) == 1 and "не синхронизирует данные уже 7 ч" in telegram.texts()[0]
    evaluate_after_run(db, profile.id, report("failed", message="x"), secrets=secrets, now=now + timedelta(hours=8))
    assert len(telegram.sent) == 1
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets, now=now + timedelta(hours=9))
    assert len(telegram.sent) == 2 and "Решено: синхронизация снова проходит." in telegram.texts()[1]


def test_moysklad_lockout_risk_from_the_429s_a_run_met(db, profile, secrets, telegram):
    configure(db, profile, secrets, telegram, lockout_429=50)
    evaluate_after_run(db, profile.id, report("ok", rate_limited={"moysklad": 49}), secrets=secrets)
    assert telegram.sent == []
    evaluate_after_run(db, profile.id, report("ok", rate_limited={"moysklad": 120}), secrets=secrets)
    assert len(telegram.sent) == 1
    assert "120 раз ответил «слишком много запросов»" in telegram.texts()[0] and "200 в минуту" in telegram.texts()[0]
    # a lock that already happened is the same problem, said once
    locked = report("failed", message="МойСклад закрыл доступ", stop_reason="moysklad:locked")
    evaluate_after_run(db, profile.id, locked, secrets=secrets)
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets)
    assert "Решено: МойСклад закрыл доступ к API." in telegram.texts()[-1]


def test_a_failed_run_and_a_key_said_together_once(db, profile, secrets, telegram):
    configure(db, profile, secrets, telegram)
    bad = report("failed", message="RetailCRM не принял ключ API.", stop_reason="retailcrm:bad_credentials")
    evaluate_after_run(db, profile.id, bad, secrets=secrets)
    assert len(telegram.sent) == 1
    text = telegram.texts()[0]
    assert "RetailCRM не принимает ключ API" in text and "вставьте новый ключ API RetailCRM" in text
    assert "Синхронизация не удалась: RetailCRM не принял" not in text  # the generic paragraph is not repeated


def test_dry_and_stopped_runs_and_no_channel_send_nothing(db, profile, secrets, telegram):
    evaluate_after_run(db, profile.id, report("failed", message="x"), secrets=secrets)  # nothing set up
    configure(db, profile, secrets, telegram)
    dry = RunReport(ok=False, dry_run=True, status="failed", counts={}, conflicts=0, errors=0, requests={},
                    seconds=1.0, message="x")
    evaluate_after_run(db, profile.id, dry, secrets=secrets)
    evaluate_after_run(db, profile.id, report("cancelled", cancelled=True), secrets=secrets)
    assert telegram.sent == []


def test_the_daily_digest_goes_once_a_day(db, profile, secrets, telegram):
    configure(db, profile, secrets, telegram, digest=True)
    finished_run(db, profile, "ok")
    finished_run(db, profile, "failed")
    now = utcnow()
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets, now=now)
    assert len(telegram.sent) == 1 and "Запусков за сутки: 2, удачных: 1, неудачных: 1." in telegram.texts()[0]
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets, now=now + timedelta(hours=23))
    assert len(telegram.sent) == 1
    evaluate_after_run(db, profile.id, report("ok"), secrets=secrets, now=now + timedelta(hours=25))
    assert len(telegram.sent) == 2 and telegram.texts()[1].startswith("Связка: сводка за сутки")


def test_an_unreachable_telegram_is_a_log_line_not_an_exception(db, profile, secrets, caplog):
    settings = AlertSettings(telegram_chat_id="7", telegram_api="http://127.0.0.1:9")  # nothing listens there
    alert_config.save(db, profile.id, settings)
    secrets.set_alert_secret("telegram", "1:x")
    deliveries = evaluate_after_run(db, profile.id, report("failed", message="x"), secrets=secrets)
    assert [d.ok for d in deliveries] == [False] and "Не удалось связаться с Telegram" in deliveries[0].error
    assert any("alerts: Telegram not sent" in r.getMessage() for r in caplog.records)
    assert "1:x" not in caplog.text
