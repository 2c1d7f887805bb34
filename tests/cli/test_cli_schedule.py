"""``svyazka schedule``, ``svyazka autostart``, ``sync --scheduled`` and ``status`` for monitoring.

The OS tools are stood in for by scripts first on PATH (``systemctl`` that finds no user manager, ``crontab``
keeping its table in a file), and XDG_CONFIG_HOME points into the test's folder: the real user's autostart and
crontab are never touched. The backends themselves: tests/os_integration.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from app.cli import EXIT_BUSY, main
from app.paths import database_path
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database
from app.store.models import RunRow
from app.store.run_lock import RunLock
from app.store.types import utcnow

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the Linux backends (systemd or cron, XDG)")


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, rate_limit=False)) as sb:
        yield sb


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def data_dir(capsys, sandbox: Sandbox, keys, tmp_path: Path) -> Path:
    folder = tmp_path / "Связка данные"
    code, _, err = run(capsys, "--data-dir", folder, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    return folder


@pytest.fixture
def os_tools(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Fake ``systemctl`` (no user manager: exit 1) and ``crontab`` (its table in ``<bin>/crontab.txt``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "systemctl").write_text("#!/bin/sh\necho 'Failed to connect to bus' >&2\nexit 1\n")
    table = bin_dir / "crontab.txt"
    (bin_dir / "crontab").write_text(
        "#!/bin/sh\n"
        f'TABLE="{table}"\n'
        'if [ "$1" = "-l" ]; then [ -f "$TABLE" ] || { echo "no crontab for user" >&2; exit 1; }; '
        'cat "$TABLE"; exit 0; fi\n'
        'cat > "$TABLE"\n'
    )
    for tool in ("systemctl", "crontab"):
        (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return table


def test_schedule_install_show_remove(capsys, data_dir: Path, os_tools: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "schedule", "show")
    assert code == 0 and "Синхронизация по расписанию системы: выключено." in out
    code, out, err = run(capsys, "--data-dir", data_dir, "schedule", "install", "--every-minutes", "10")
    assert code == 0, err
    assert "включено, каждые 10 мин (cron: crontab)" in out
    line = os_tools.read_text().strip()
    assert line.startswith("*/10 * * * * cd ") and "sync --scheduled" in line
    assert f"--data-dir '{data_dir}'" in line  # not the default folder: passed, quoted for sh
    code, out, _ = run(capsys, "--data-dir", data_dir, "schedule", "show", "--json")
    shown = json.loads(out)
    assert shown["installed"] and shown["every_minutes"] == 10 and shown["method"] == "cron"
    code, out, _ = run(capsys, "--data-dir", data_dir, "schedule", "remove")
    assert code == 0 and "выключено" in out and os_tools.read_text() == ""


def test_schedule_install_takes_the_profiles_interval(capsys, data_dir: Path, os_tools: Path) -> None:
    with Database.open(database_path(data_dir)) as db:
        (profile,) = db.profiles.list()
        repo = db.settings(profile.id)
        from dataclasses import replace

        repo.save_sync(replace(repo.load_sync(), schedule_minutes=30))
    code, _, err = run(capsys, "--data-dir", data_dir, "schedule", "install")
    assert code == 0, err
    assert os_tools.read_text().startswith("*/30 * * * *")


def test_schedule_says_what_to_do_without_systemd_and_cron(
    capsys, data_dir: Path, os_tools: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (os_tools.parent / "crontab").unlink()
    monkeypatch.setenv("PATH", str(os_tools.parent))  # only the fake systemctl: no crontab anywhere
    code, _, err = run(capsys, "--data-dir", data_dir, "schedule", "install")
    assert code == 2 and "Traceback" not in err
    assert "нет ни systemd для пользователя, ни cron" in err and "Установите cron" in err


def test_autostart_on_show_off(capsys, data_dir: Path, os_tools: Path, tmp_path: Path) -> None:
    code, out, err = run(capsys, "--data-dir", data_dir, "autostart", "on")
    assert code == 0, err
    assert "Запуск при входе в систему: включено (xdg:" in out and "--minimized" in out
    (entry,) = (tmp_path / "xdg" / "autostart").glob("svyazka-*.desktop")
    assert f'"{data_dir}"' in entry.read_text(encoding="utf-8")
    assert json.loads(run(capsys, "--data-dir", data_dir, "autostart", "show", "--json")[1])["installed"]
    code, out, _ = run(capsys, "--data-dir", data_dir, "autostart", "off")
    assert code == 0 and "выключено" in out and not entry.exists()


def test_schedule_and_autostart_refuse_the_demo(capsys) -> None:
    code, _, err = run(capsys, "--demo", "schedule", "install")
    assert code == 2 and "демо-режиме" in err


def test_a_scheduled_sync_of_a_busy_profile_skips_with_a_journal_line(capsys, data_dir: Path) -> None:
    with Database.open(database_path(data_dir)) as db:
        (profile,) = db.profiles.list()
        with RunLock(db, profile.id, "manual"):
            code, _, err = run(capsys, "--data-dir", data_dir, "sync", "--scheduled")
        lines = [r.message for r in db.log(profile.id).query(limit=5)]
        runs = db.runs(profile.id).recent(5)
    assert code == EXIT_BUSY
    assert "окно Связки, запуск вручную" in err and "Следующий запуск — по расписанию." in err
    assert any(line.startswith("Запуск по расписанию системы пропущен: окно Связки") for line in lines), lines
    assert runs == []


def test_status_reports_the_age_of_the_last_success_and_checks_it(capsys, data_dir: Path) -> None:
    code, out, _ = run(capsys, "--data-dir", data_dir, "status", "--json")
    data = json.loads(out)
    assert code == 0 and data["last_success"] is None and data["last_success_age_minutes"] is None
    assert data["open_conflicts_total"] == sum(data["open_conflicts"].values())
    code, out, err = run(capsys, "--data-dir", data_dir, "status", "--max-age-minutes", "60")
    assert code == 1 and "Успешных синхронизаций ещё не было." in out and "дольше 60 мин" in err

    code, _, err = run(capsys, "--data-dir", data_dir, "sync", "--scheduled")
    assert code in (0, 1), err
    code, out, _ = run(capsys, "--data-dir", data_dir, "status", "--json", "--max-age-minutes", "60")
    data = json.loads(out)
    assert code == 0 and data["healthy"] is True and data["last_success_age_minutes"] == 0
    assert data["last_success"]["trigger"] == "os_schedule"

    # that run, as if it had finished two hours ago
    with Database.open(database_path(data_dir)) as db, db.session() as session:
        session.execute(update(RunRow).values(finished_at=utcnow() - timedelta(hours=2)))
    code, out, _ = run(capsys, "--data-dir", data_dir, "status", "--json", "--max-age-minutes", "60")
    data = json.loads(out)
    assert code == 1 and data["healthy"] is False and data["last_success_age_minutes"] >= 120
    assert run(capsys, "--data-dir", data_dir, "status", "--max-age-minutes", "180")[0] == 0


def test_a_dry_run_or_a_failed_run_is_no_success(capsys, data_dir: Path) -> None:
    code, _, err = run(capsys, "--data-dir", data_dir, "sync", "--dry-run")
    assert code in (0, 1), err
    code, out, _ = run(capsys, "--data-dir", data_dir, "status", "--json", "--max-age-minutes", "60")
    assert code == 1 and json.loads(out)["last_success"] is None


def test_a_windowless_start_without_stdout_and_stderr_still_runs(data_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """The Windows task runs the windowed program (no console every few minutes): it has no stdout or stderr."""
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert main(["--data-dir", str(data_dir), "status", "--json"]) == 0
    assert main(["--data-dir", str(data_dir), "conflicts", "resolve", "999999", "--action", "ignore"]) == 2
