"""The OS pieces that only exist on their OS, run for real in the Windows and macOS test jobs
(.github/workflows/test.yml). The registry test writes under a key of its own (never the real Run key); the
Task Scheduler and launchd tests register a throw-away task or agent and remove it, so they run only when
SVYAZKA_REAL_OS_SCHEDULER=1 (set by the workflow), never on a person's own computer by accident."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from app.os_integration import autostart, os_schedule
from app.os_integration.command import OsEnv, Program, Target, windows_cmdline

windows = pytest.mark.skipif(sys.platform != "win32", reason="Windows only")
macos = pytest.mark.skipif(sys.platform != "darwin", reason="macOS only")
real_scheduler = pytest.mark.skipif(
    os.environ.get("SVYAZKA_REAL_OS_SCHEDULER") != "1", reason="registers with the real scheduler: CI only"
)
HARD = ["C:\\Мои программы\\Связка Svyazka\\", 'a "quoted" word', "tab\there", "trail\\"]


@windows
def test_a_windows_program_gets_back_every_argument_of_the_command_line(tmp_path: Path) -> None:
    script = "import json, sys; print(json.dumps(sys.argv[1:]))"
    line = windows_cmdline([sys.executable, "-X", "utf8", "-c", script, *HARD])
    done = subprocess.run(line, capture_output=True, check=True, encoding="utf-8")  # a string: CreateProcess parses
    assert json.loads(done.stdout) == HARD


@windows
def test_the_run_value_is_written_to_and_removed_from_the_real_registry() -> None:
    key = rf"Software\SvyazkaTests\Run-{uuid.uuid4().hex[:8]}"
    env = OsEnv(run_key=key)
    target = Target(Path(r"C:\Users\Иван Петров\Связка данные"))
    try:
        shown = autostart.enable(target, env)
        assert shown.installed and shown.command.endswith("--minimized")
        assert r'--data-dir "C:\Users\Иван Петров\Связка данные"' in shown.command
        assert autostart.state(target, env).command == shown.command
    finally:
        autostart.disable(target, env)
    assert not autostart.state(target, env).installed


@windows
@real_scheduler
def test_the_task_is_registered_read_back_and_deleted_by_schtasks(tmp_path: Path) -> None:
    env = OsEnv(task_folder=f"\\SvyazkaTests{uuid.uuid4().hex[:6]}\\")
    target = Target(tmp_path / "Связка данные", "магазин")
    try:
        shown = os_schedule.install(target, 30, env, Program.current())
        assert shown.installed and shown.method == "schtasks" and shown.every_minutes == 30
        assert "--scheduled" in shown.command
    finally:
        os_schedule.remove(target, env)
    assert not os_schedule.state(target, env).installed


@macos
@real_scheduler
def test_the_agent_is_bootstrapped_into_the_gui_domain_and_booted_out(tmp_path: Path) -> None:
    env = OsEnv(home=tmp_path / "Домашняя папка")
    target = Target(tmp_path / "Связка данные", f"test-{uuid.uuid4().hex[:6]}")
    try:
        shown = os_schedule.install(target, 60, env, Program.current())
        assert shown.installed, shown.note
        assert shown.every_minutes == 60 and shown.method == "launchd"
    finally:
        os_schedule.remove(target, env)
    assert not os_schedule.state(target, env).installed


@macos
def test_the_login_agent_plist_is_one_launchd_accepts(tmp_path: Path) -> None:
    env = OsEnv(home=tmp_path)
    shown = autostart.enable(Target(tmp_path / "Связка данные"), env)
    done = subprocess.run(["plutil", "-lint", shown.where], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
