"""Each backend installs, shows and removes its registration in temporary folders, talking to stand-ins of the
OS tools (no user systemd, cron, launchd or Task Scheduler runs in CI). The real OS pieces are tested in
test_real_os.py on Windows and macOS."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from app.os_integration import autostart, os_schedule
from app.os_integration.command import Completed, Launch, OsEnv, OsIntegrationError, Target, _decode
from app.os_integration.windows import parse_task, task_xml
from tests.os_integration.fakes import WINDOWS_PROGRAM, FakeTools, posix_program, systemd_split

TARGET = Target(Path("/home/иван/Связка данные"), "магазин")


def linux(tmp_path: Path, tools: FakeTools) -> OsEnv:
    return OsEnv(platform="linux", home=tmp_path / "home", config_home=tmp_path / "xdg", runner=tools)


def test_xdg_autostart_is_written_shown_and_removed(tmp_path: Path) -> None:
    tools = FakeTools()
    env = linux(tmp_path, tools)
    program = posix_program(tmp_path / "Связка Svyazka")
    assert not autostart.state(TARGET, env).installed
    shown = autostart.enable(TARGET, env, program)
    path = tmp_path / "xdg" / "autostart" / f"svyazka{TARGET.suffix}.desktop"
    assert shown.installed and shown.method == "xdg" and shown.where == str(path) and path.exists()
    assert "--minimized" in shown.command and "--profile" not in shown.command  # the window has no profile option
    assert not autostart.disable(TARGET, env).installed and not path.exists()
    assert tools.calls == []  # nothing to run: the session reads the folder at login


def test_the_systemd_timer_is_enabled_and_shows_its_interval(tmp_path: Path) -> None:
    tools = FakeTools(systemd=True)
    env = linux(tmp_path, tools)
    shown = os_schedule.install(TARGET, 20, env, posix_program(tmp_path / "app"))
    units = tmp_path / "xdg" / "systemd" / "user"
    name = f"svyazka-sync{TARGET.suffix}"
    assert shown.installed and shown.method == "systemd" and shown.every_minutes == 20
    assert (units / f"{name}.service").exists() and (units / f"{name}.timer").exists()
    assert tools.said("systemctl", "--user", "daemon-reload")
    assert tools.said("systemctl", "--user", "enable", "--now", f"{name}.timer")
    assert systemd_split(shown.command)[-4:] == ["--profile", "магазин", "sync", "--scheduled"]
    assert tools.crontab is None  # systemd answered: no cron line
    shown = os_schedule.install(TARGET, 45, env, posix_program(tmp_path / "app"))  # a new interval replaces it
    assert shown.every_minutes == 45
    assert not os_schedule.remove(TARGET, env).installed
    assert not (units / f"{name}.timer").exists() and not (units / f"{name}.service").exists()
    assert tools.said("systemctl", "--user", "disable", "--now", f"{name}.timer")


def test_without_systemd_a_crontab_line_is_kept_next_to_the_users_own(tmp_path: Path) -> None:
    tools = FakeTools(systemd=False)
    tools.crontab = "MAILTO=shop@example.ru\n0 3 * * * /usr/local/bin/backup.sh\n"
    env = linux(tmp_path, tools)
    shown = os_schedule.install(TARGET, 10, env, posix_program(tmp_path / "app"))
    assert shown.installed and shown.method == "cron" and shown.every_minutes == 10
    shown = os_schedule.install(TARGET, 30, env, posix_program(tmp_path / "app"))
    lines = tools.crontab.splitlines()
    assert lines[:2] == ["MAILTO=shop@example.ru", "0 3 * * * /usr/local/bin/backup.sh"]
    assert len(lines) == 3 and lines[2].startswith("*/30 * * * * cd ") and shown.every_minutes == 30
    other = Target(Path("/srv/другая папка"))  # a second data folder gets a line of its own
    os_schedule.install(other, 5, env, posix_program(tmp_path / "app"))
    assert len(tools.crontab.splitlines()) == 4
    assert not os_schedule.remove(TARGET, env).installed
    assert tools.crontab.splitlines()[:2] == lines[:2] and os_schedule.state(other, env).every_minutes == 5
    assert not list((tmp_path / "xdg").glob("systemd/user/*"))


def test_without_systemd_and_cron_the_person_is_told_what_to_install(tmp_path: Path) -> None:
    env = linux(tmp_path, FakeTools(systemd=False, cron=False))
    with pytest.raises(OsIntegrationError, match="Установите cron"):
        os_schedule.install(TARGET, 15, env, posix_program(tmp_path / "app"))
    assert not os_schedule.state(TARGET, env).installed


def test_a_refused_systemctl_is_said(tmp_path: Path) -> None:
    class Refusing(FakeTools):
        def __call__(self, argv: Sequence[str], input_text: str | None) -> Completed:
            if list(argv[:3]) == ["systemctl", "--user", "enable"]:
                return Completed(1, "", "Failed to enable unit: Access denied")
            return super().__call__(argv, input_text)

    with pytest.raises(OsIntegrationError, match="Access denied"):
        os_schedule.install(TARGET, 15, linux(tmp_path, Refusing()), posix_program(tmp_path / "app"))


class FakeLaunchctl:
    """launchctl: ``bootstrap`` refused when ``modern`` is False (older macOS), then ``load`` works."""

    def __init__(self, modern: bool = True) -> None:
        self.modern = modern
        self.loaded: set[str] = set()
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], input_text: str | None) -> Completed:
        argv = list(argv)
        self.calls.append(argv)
        verb = argv[1]
        if verb == "bootstrap" and self.modern:
            self.loaded.add(Path(argv[3]).stem)
        elif verb == "load":
            self.loaded.add(Path(argv[-1]).stem)
        elif verb in ("bootout", "unload"):
            label = argv[2].rsplit("/", 1)[-1] if verb == "bootout" else Path(argv[2]).stem
            self.loaded.discard(label)
        elif verb in ("print", "list"):
            label = argv[2].rsplit("/", 1)[-1]
            return Completed(0 if label in self.loaded else 113)
        else:
            return Completed(5, "", "Bootstrap failed: 5: Input/output error")
        return Completed(0)


@pytest.mark.parametrize("modern", [True, False])
def test_the_launch_agent_is_loaded_into_the_gui_domain(tmp_path: Path, modern: bool) -> None:
    tools = FakeLaunchctl(modern)
    env = OsEnv(platform="darwin", home=tmp_path / "Домашняя папка", runner=tools, uid=501)
    program = posix_program(Path("/Applications/Связка.app/Contents/MacOS"))
    shown = os_schedule.install(TARGET, 15, env, program)
    label = f"ru.svyazka.schedule{TARGET.suffix}"
    plist = tmp_path / "Домашняя папка" / "Library" / "LaunchAgents" / f"{label}.plist"
    assert shown.installed and shown.every_minutes == 15 and shown.where == str(plist)
    assert ["launchctl", "bootstrap", "gui/501", str(plist)] in tools.calls
    assert (["launchctl", "load", "-w", str(plist)] in tools.calls) is not modern
    assert not os_schedule.remove(TARGET, env).installed and not plist.exists() and label not in tools.loaded


def test_the_login_agent_is_only_written(tmp_path: Path) -> None:
    tools = FakeLaunchctl()
    env = OsEnv(platform="darwin", home=tmp_path, runner=tools, uid=501)
    shown = autostart.enable(Target(), env, posix_program(Path("/Applications/Связка.app/Contents/MacOS")))
    assert shown.installed and shown.where.endswith("Library/LaunchAgents/ru.svyazka.app.login.plist")
    assert tools.calls == []  # loading it now would start a second copy of the open app
    assert not autostart.disable(Target(), env).installed


class DictRegistry:
    """HKCU as a dict: the Run key logic on any OS (the real registry: test_real_os.py on Windows)."""

    def __init__(self) -> None:
        self.values: dict[tuple[str, str], str] = {}

    def get(self, key: str, name: str) -> str | None:
        return self.values.get((key, name))

    def set(self, key: str, name: str, value: str) -> None:
        self.values[(key, name)] = value

    def delete(self, key: str, name: str) -> None:
        self.values.pop((key, name), None)


def test_the_run_key_value_holds_the_quoted_command(tmp_path: Path) -> None:
    registry = DictRegistry()
    env = OsEnv(platform="win32", registry=registry, runner=FakeTools())
    shown = autostart.enable(Target(), env, WINDOWS_PROGRAM)
    key = (r"Software\Microsoft\Windows\CurrentVersion\Run", "Svyazka")
    assert registry.values[key] == (
        r'"C:\Users\Иван Петров\AppData\Local\Programs\Связка Svyazka\Svyazka.exe" --minimized'
    )
    assert shown.installed and shown.where == r"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\Svyazka"
    assert not autostart.disable(Target(), env).installed and not registry.values


class FakeSchtasks:
    """schtasks: /Create reads the XML file as Task Scheduler does (UTF-16), /Query /XML ONE gives it back."""

    def __init__(self) -> None:
        self.tasks: dict[str, str] = {}

    def __call__(self, argv: Sequence[str], input_text: str | None) -> Completed:
        argv = list(argv)
        name = argv[argv.index("/TN") + 1]
        if argv[1] == "/Create":
            raw = Path(argv[argv.index("/XML") + 1]).read_bytes()
            assert raw[:2] == b"\xff\xfe"  # UTF-16 LE with its BOM
            self.tasks[name] = raw.decode("utf-16")
            return Completed(0, "SUCCESS: The scheduled task has successfully been created.")
        if name not in self.tasks:
            return Completed(1, "", "ERROR: The system cannot find the file specified.")
        if argv[1] == "/Delete":
            del self.tasks[name]
            return Completed(0)
        return Completed(0, self.tasks[name] if "/XML" in argv else name)


def test_the_scheduled_task_is_created_from_our_xml_and_read_back(tmp_path: Path) -> None:
    schtasks = FakeSchtasks()
    env = OsEnv(platform="win32", runner=schtasks)
    shown = os_schedule.install(TARGET, 25, env, WINDOWS_PROGRAM)
    name = f"\\Svyazka\\Sync{TARGET.suffix}"
    assert list(schtasks.tasks) == [name] and shown.installed and shown.every_minutes == 25
    task = parse_task(schtasks.tasks[name])
    assert task["command"].endswith(r"Связка Svyazka\Svyazka.exe")  # windowless: no console every 25 minutes
    assert re.search(r'--data-dir "[^"]*Связка данные" --profile магазин sync --scheduled$', task["arguments"])
    assert shown.command.startswith('"C:\\Users\\Иван Петров\\')
    assert not os_schedule.remove(TARGET, env).installed and not schtasks.tasks
    os_schedule.remove(TARGET, env)  # nothing left: no error


def test_a_tools_answer_in_utf16_or_utf8_is_read() -> None:
    text = task_xml(Launch(("C:\\Связка\\Svyazka.exe", "sync"), Path("C:/")), 15)
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-8")):
        assert parse_task(_decode(data))["minutes"] == 15
