"""End to end: `svyazka sync` against the sandbox, alerts to a local SMTP server (STARTTLS + login) and a fake
Telegram endpoint. One alert per problem, nothing new on a second failing run, «решено» after a good run."""

from __future__ import annotations

import time

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions

from .servers import BrokenSmtp, FakeTelegram, SmtpServer


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=20, orders=5, rate_limit=False)) as sb:
        yield sb


@pytest.fixture
def keys(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def configure(capsys, sandbox, data_dir, monkeypatch, smtp_port: int, telegram: FakeTelegram, user: str,
              password: str, *extra):
    code, _, err = run(capsys, "--data-dir", data_dir, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    monkeypatch.setenv("SVYAZKA_SMTP_PASSWORD", password)
    monkeypatch.setenv("SVYAZKA_TELEGRAM_TOKEN", telegram.token)
    code, out, err = run(
        capsys, "--data-dir", data_dir, "alerts", "setup", "--smtp-host", "127.0.0.1", "--smtp-port", smtp_port,
        "--smtp-user", user, "--smtp-password", "--smtp-from", "svyazka@example.ru", "--smtp-to", "owner@example.ru",
        "--telegram-token", "--telegram-chat-id", "42", "--telegram-api", telegram.url, *extra,
    )
    assert code == 0, err
    assert "Почта: 127.0.0.1" in out and "Telegram: чат 42" in out
    monkeypatch.delenv("SVYAZKA_SMTP_PASSWORD")  # from here on the keyring alone serves them
    monkeypatch.delenv("SVYAZKA_TELEGRAM_TOKEN")
    return out


def test_an_alert_reaches_both_once_per_problem_then_solved(capsys, sandbox, keys, tmp_path, monkeypatch, smtp,
                                                            telegram, trust_smtp):
    configure(capsys, sandbox, tmp_path, monkeypatch, smtp.port, telegram, smtp.mailbox.user, smtp.mailbox.password,
              "--events", "failed,auth")
    token = sandbox.moysklad.token
    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", "0" * 40)  # a revoked token (env wins over the keyring)
    assert run(capsys, "--data-dir", tmp_path, "sync")[0] == 2  # the exit code the run had without alerts

    assert len(smtp.mailbox.messages) == 1 and len(telegram.sent) == 1
    mail = smtp.mailbox.messages[0]
    assert mail["Subject"] == "Связка: нужна ваша помощь" and mail["To"] == "owner@example.ru"
    assert smtp.mailbox.tls_seen == [True]  # STARTTLS happened before the password and the message
    text = smtp.mailbox.texts()[0]
    assert "МойСклад не принимает токен" in text and "Откройте Связку → Настройки" in text
    assert telegram.sent[0]["chat_id"] == "42" and "МойСклад не принимает токен" in telegram.sent[0]["text"]
    assert "0" * 40 not in text + telegram.sent[0]["text"]

    assert run(capsys, "--data-dir", tmp_path, "sync")[0] == 2  # the same problem again: nothing new is sent
    assert len(smtp.mailbox.messages) == 1 and len(telegram.sent) == 1

    monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", token)
    assert run(capsys, "--data-dir", tmp_path, "sync")[0] in (0, 1)
    assert len(smtp.mailbox.messages) == 2 and len(telegram.sent) == 2
    assert smtp.mailbox.messages[1]["Subject"] == "Связка: решено"
    assert "Решено: МойСклад снова принимает токен." in smtp.mailbox.texts()[1]
    assert "Решено" in telegram.sent[1]["text"]

    assert run(capsys, "--data-dir", tmp_path, "sync")[0] in (0, 1)  # still fine: silence
    assert len(smtp.mailbox.messages) == 2 and len(telegram.sent) == 2


def test_a_broken_smtp_server_does_not_fail_the_run(capsys, sandbox, keys, tmp_path, monkeypatch, telegram):
    broken = BrokenSmtp()
    try:
        configure(capsys, sandbox, tmp_path, monkeypatch, broken.port, telegram, "u", "p")
        monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", "0" * 40)
        started = time.monotonic()
        code, out, err = run(capsys, "--data-dir", tmp_path, "sync", "--json")
        assert code == 2 and '"status": "failed"' in out  # the run's own result, untouched
        assert "Traceback" not in out + err
        assert broken.accepted == 1
        assert len(telegram.sent) == 1  # the other channel still got it
        assert time.monotonic() - started < 30
    finally:
        broken.close()


def test_alerts_test_command_reports_each_channel(capsys, sandbox, keys, tmp_path, monkeypatch, smtp, telegram,
                                                  trust_smtp):
    configure(capsys, sandbox, tmp_path, monkeypatch, smtp.port, telegram, smtp.mailbox.user, smtp.mailbox.password)
    code, out, err = run(capsys, "--data-dir", tmp_path, "alerts", "test")
    assert code == 0, out + err
    assert "e-mail: отправлено" in out and "Telegram: отправлено" in out
    assert "проверочное сообщение" in smtp.mailbox.texts()[0] and "проверочное" in telegram.sent[0]["text"]

    monkeypatch.setenv("SVYAZKA_TELEGRAM_TOKEN", "999:wrong")
    assert run(capsys, "--data-dir", tmp_path, "alerts", "setup", "--telegram-token")[0] == 0
    code, out, _ = run(capsys, "--data-dir", tmp_path, "alerts", "test")
    assert code == 2 and "Telegram не принял токен бота" in out and "e-mail: отправлено" in out


def test_a_wrong_smtp_password_is_said_plainly(capsys, sandbox, keys, tmp_path, monkeypatch, smtp, telegram,
                                               trust_smtp):
    configure(capsys, sandbox, tmp_path, monkeypatch, smtp.port, telegram, smtp.mailbox.user, "wrong")
    code, out, _ = run(capsys, "--data-dir", tmp_path, "alerts", "test")
    assert code == 2 and "не принял логин или пароль" in out and not smtp.mailbox.messages


def test_an_untrusted_certificate_is_refused(capsys, sandbox, keys, tmp_path, monkeypatch, smtp: SmtpServer, telegram):
    from app.clients.tls import client_context

    client_context.cache_clear()  # the OS store without the test's certificate
    configure(capsys, sandbox, tmp_path, monkeypatch, smtp.port, telegram, smtp.mailbox.user, smtp.mailbox.password)
    code, out, _ = run(capsys, "--data-dir", tmp_path, "alerts", "test")
    assert code == 2 and "защищённое соединение" in out and not smtp.mailbox.messages


def test_alerts_setup_refuses_bad_values(capsys, tmp_path, sandbox, keys):
    assert run(capsys, "--data-dir", tmp_path, "setup", "--retailcrm-url", sandbox.retailcrm_url,
               "--moysklad-url", sandbox.moysklad_url, "--auto")[0] == 0
    code, _, err = run(capsys, "--data-dir", tmp_path, "alerts", "setup", "--events", "failed,nope")
    assert code == 2 and "неизвестные события nope" in err
    code, _, err = run(capsys, "--data-dir", tmp_path, "alerts", "setup", "--smtp-to", "owner.example.ru")
    assert code == 2 and "не похоже на адрес почты" in err
    code, _, err = run(capsys, "--data-dir", tmp_path, "alerts", "test")
    assert code == 2 and "оповещения не настроены" in err
