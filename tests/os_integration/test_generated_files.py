"""What each OS is given, checked as that OS reads it: the LaunchAgent plists (plistlib round trip), the Task
Scheduler XML (ElementTree: trigger interval, command with a Cyrillic path), the XDG .desktop entry, the systemd
units, the crontab line, and the command line itself for a frozen build and for ``python -m app``."""

from __future__ import annotations

import plistlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app.os_integration.command import (
    Launch,
    OsIntegrationError,
    Program,
    Target,
    app_launch,
    cron_command,
    desktop_exec,
    sync_launch,
    systemd_cmdline,
    windows_cmdline,
)
from app.os_integration.linux import cron_minutes, cron_schedule, desktop_entry, service_unit, timer_unit
from app.os_integration.macos import login_plist, sync_plist
from app.os_integration.windows import TASK_NS, parse_task, task_xml
from tests.os_integration.fakes import WINDOWS_PROGRAM, desktop_split, posix_program, systemd_split

DATA = Path("/home/иван/Мои документы/Связка данные")
HARD = ['a "quoted" word', "100% $HOME `cmd` back\\slash", "tab\there", "ёлка;&|<>"]


def test_the_target_passes_data_dir_and_profile_only_when_not_default(tmp_path: Path) -> None:
    assert Target().options(with_profile=True) == [] and Target().suffix == ""
    target = Target(tmp_path / "Связка данные", "магазин 2")
    assert target.options(with_profile=True) == [
        "--data-dir", str(tmp_path / "Связка данные"), "--profile", "магазин 2",
    ]
    assert target.options(with_profile=False) == ["--data-dir", str(tmp_path / "Связка данные")]
    assert target.suffix.startswith("-") and target.suffix != Target(tmp_path, "магазин 3").suffix


def test_a_frozen_build_starts_its_own_programs_and_a_checkout_python_m_app(tmp_path: Path) -> None:
    folder = tmp_path / "Связка Svyazka"
    target = Target(DATA, "shop")
    assert app_launch(target, posix_program(folder)).argv == (
        str(folder / "Svyazka"), "--data-dir", str(DATA), "--minimized",
    )
    assert sync_launch(target, posix_program(folder)).argv == (
        str(folder / "svyazka-cli"), "--data-dir", str(DATA), "--profile", "shop", "sync", "--scheduled",
    )
    here = Program.current()  # the tests run from a checkout: this python, -m app, from the checkout's folder
    assert here.console[1:] == ("-m", "app") and (here.workdir / "app" / "__main__.py").exists()


def test_the_login_plist_round_trips_and_starts_minimized() -> None:
    launch = app_launch(Target(DATA), posix_program(Path("/Applications/Связка.app/Contents/MacOS")))
    data = plistlib.loads(plistlib.dumps(login_plist("ru.svyazka.app.login", launch)))
    assert data["ProgramArguments"] == list(launch.argv) and data["ProgramArguments"][-1] == "--minimized"
    assert data["RunAtLoad"] is True and "StartInterval" not in data
    assert data["WorkingDirectory"] == "/Applications/Связка.app/Contents/MacOS"


def test_the_sync_plist_runs_the_cli_every_n_minutes() -> None:
    launch = sync_launch(Target(DATA, "shop"), posix_program(Path("/Applications/Связка.app/Contents/MacOS")))
    data = plistlib.loads(plistlib.dumps(sync_plist("ru.svyazka.sync", launch, 20)))
    assert data["StartInterval"] == 20 * 60 and data["RunAtLoad"] is False
    assert data["ProgramArguments"][-2:] == ["sync", "--scheduled"]
    assert str(DATA) in data["ProgramArguments"]  # a Cyrillic path with spaces, one argument, unquoted


def test_the_task_xml_repeats_every_n_minutes_and_runs_the_cyrillic_path() -> None:
    launch = sync_launch(Target(Path(r"C:\Users\Иван Петров\Связка данные"), "магазин"), WINDOWS_PROGRAM,
                         windowless=True)
    text = task_xml(launch, 30)
    root = ET.fromstring(text.split("?>", 1)[1])
    ns = {"t": TASK_NS}
    assert root.find("t:Triggers/t:TimeTrigger/t:Repetition/t:Interval", ns).text == "PT30M"
    assert root.find("t:Triggers/t:TimeTrigger/t:Repetition/t:Duration", ns) is None  # for ever
    assert root.find("t:Principals/t:Principal/t:LogonType", ns).text == "InteractiveToken"
    assert root.find("t:Settings/t:MultipleInstancesPolicy", ns).text == "IgnoreNew"
    command = root.find("t:Actions/t:Exec/t:Command", ns).text
    assert command == r"C:\Users\Иван Петров\AppData\Local\Programs\Связка Svyazka\Svyazka.exe"
    arguments = root.find("t:Actions/t:Exec/t:Arguments", ns).text
    assert arguments == r'--data-dir "C:\Users\Иван Петров\Связка данные" --profile магазин sync --scheduled'
    assert parse_task(text) == {"minutes": 30, "command": command, "arguments": arguments,
                                "workdir": str(WINDOWS_PROGRAM.workdir)}
    # what schtasks /Query /XML ONE answers: UTF-16 with a BOM and the same definition
    assert parse_task("\ufeff" + text)["minutes"] == 30


def test_the_task_xml_refuses_an_interval_outside_a_day() -> None:
    launch = Launch(("x.exe",), Path("C:/"))
    with pytest.raises(OsIntegrationError, match="от 1 до 1440"):
        task_xml(launch, 0)
    assert parse_task(task_xml(launch, 1440))["minutes"] == 1440


def test_windows_command_lines_quote_spaces_and_quotes_by_the_c_runtime_rules() -> None:
    assert windows_cmdline([r"C:\Program Files\Связка\Svyazka.exe", "--minimized"]) == (
        r'"C:\Program Files\Связка\Svyazka.exe" --minimized'
    )
    assert windows_cmdline(['say "hi"', "trail\\"]) == r'"say \"hi\"" trail\\'.replace("\\\\", "\\")


def test_the_desktop_entry_exec_key_gives_back_every_argument() -> None:
    argv = ["/opt/Связка Svyazka/Svyazka", "--data-dir", str(DATA), *HARD]
    exec_value = desktop_exec(argv)
    assert desktop_split(exec_value) == argv
    # a shell-like reader must see no variable or command to expand, and no field code: all escaped
    unstrung = exec_value.replace("\\\\", "\\")
    assert not re.search(r"(?<!\\)[$`]", unstrung) and "100%% " in unstrung
    entry = desktop_entry(Launch(tuple(argv), Path("/opt/Связка Svyazka")))
    keys = dict(line.split("=", 1) for line in entry.splitlines()[1:] if "=" in line)
    assert entry.startswith("[Desktop Entry]\n") and keys["Type"] == "Application"
    assert desktop_split(keys["Exec"]) == argv and keys["Path"] == "/opt/Связка Svyazka"


def test_the_systemd_units_run_the_command_every_n_minutes() -> None:
    argv = ("/opt/Связка Svyazka/svyazka-cli", "--data-dir", str(DATA), "sync", "--scheduled", *HARD)
    service = service_unit(Launch(argv, Path("/opt/Связка 100%")))
    keys = dict(line.split("=", 1) for line in service.splitlines() if "=" in line)
    assert systemd_split(keys["ExecStart"]) == list(argv)
    assert "$$HOME" in keys["ExecStart"] and "100%% " in keys["ExecStart"]  # no variable, no specifier
    assert keys["WorkingDirectory"] == "/opt/Связка 100%%" and keys["Type"] == "oneshot"
    assert keys["SuccessExitStatus"] == "1 3"  # conflicts, and a skipped run of a busy profile, are no failure
    timer = dict(line.split("=", 1) for line in timer_unit(45).splitlines() if "=" in line)
    assert timer["OnUnitActiveSec"] == "45min" and timer["WantedBy"] == "timers.target"
    assert systemd_split(systemd_cmdline(["plain", "a b"])) == ["plain", "a b"]


def test_the_crontab_line_runs_the_command_in_sh(tmp_path: Path) -> None:
    import subprocess
    import sys

    folder = tmp_path / "Связка 100% данные"
    folder.mkdir()
    argv = (sys.executable, "-c", "import json, os, sys; print(json.dumps([os.getcwd(), *sys.argv[1:]]))", *HARD)
    line = cron_command(Launch(argv, folder))
    assert "%" not in line.replace("\\%", "")  # cron would cut the line at a bare %
    done = subprocess.run(["sh", "-c", line.replace("\\%", "%")], capture_output=True, text=True, check=True)
    import json

    assert json.loads(done.stdout) == [str(folder), *HARD]


@pytest.mark.parametrize(("minutes", "expression"), [
    (5, "*/5 * * * *"), (59, "*/59 * * * *"), (60, "0 * * * *"), (120, "0 */2 * * *"), (1440, "0 0 * * *"),
])
def test_cron_schedules_below_and_above_an_hour(minutes: int, expression: str) -> None:
    assert cron_schedule(minutes) == expression
    assert cron_minutes(expression.split()) == minutes
