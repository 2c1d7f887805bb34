"""What the OS is told to start, and how each OS wants a command line written.

The program: a frozen build starts its own executables (``Svyazka`` windowed, ``svyazka-cli`` console, side by
side in one folder: build_scripts/svyazka.spec); a checkout or a pip install starts ``<this python> -m app`` from
the folder that holds this very ``app`` package. ``--data-dir`` and ``--profile`` are passed when they are not
the defaults, so a registration keeps working for the data folder and profile it was made for.

Paths may hold spaces and Cyrillic («C:\\Users\\Иван Петров\\…»): each OS gets its own quoting (Windows' C
runtime rules, systemd's, the XDG Exec key's, sh for cron); launchd takes an argument array and needs none.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

GUI_EXE_NAME = "Svyazka"  # build_scripts/spec_helpers.py GUI_EXE_NAME
CLI_EXE_NAME = "svyazka-cli"  # build_scripts/spec_helpers.py CLI_EXE_NAME
DEFAULT_EVERY_MINUTES = 15


class OsIntegrationError(Exception):
    """Registering with the OS failed. ``str()`` is a Russian sentence saying what to do."""


@dataclass(frozen=True)
class Target:
    """Which Svyazka a registration is for: a data folder and a profile (``None``: the default one)."""

    data_dir: Path | None = None
    profile: str | None = None

    @property
    def suffix(self) -> str:
        """"" for the defaults, else a short stable tag, so two data folders or profiles get two registrations."""
        if self.data_dir is None and not self.profile:
            return ""
        seed = f"{self.data_dir or ''}\0{self.profile or ''}"
        return "-" + hashlib.sha1(seed.encode("utf-8")).hexdigest()[:8]

    def options(self, with_profile: bool) -> list[str]:
        out: list[str] = []
        if self.data_dir is not None:
            out += ["--data-dir", str(self.data_dir)]  # as app/paths.py resolved it
        if with_profile and self.profile:
            out += ["--profile", self.profile]
        return out


@dataclass(frozen=True)
class Program:
    """How this installation is started: ``windowless`` is what the login start (and, on Windows, the scheduled
    sync: no console window flashing every few minutes) runs, ``console`` the scheduled CLI elsewhere."""

    windowless: tuple[str, ...]
    console: tuple[str, ...]
    workdir: Path
    frozen: bool = False

    @classmethod
    def current(cls) -> Program:
        windows = sys.platform == "win32"
        exe = Path(sys.executable)
        if getattr(sys, "frozen", False):
            folder = exe.parent

            def sibling(name: str) -> str:
                path = folder / (name + (".exe" if windows else ""))
                return str(path if path.exists() else exe)

            return cls((sibling(GUI_EXE_NAME),), (sibling(CLI_EXE_NAME),), folder, frozen=True)
        import app

        package_parent = Path(app.__file__).resolve().parent.parent  # `-m app` finds this same checkout
        windowless = exe
        if windows and exe.name.lower() == "python.exe" and (exe.parent / "pythonw.exe").exists():
            windowless = exe.parent / "pythonw.exe"
        return cls((str(windowless), "-m", "app"), (str(exe), "-m", "app"), package_parent)


@dataclass(frozen=True)
class Launch:
    """One command: its arguments (the program first) and the folder it starts in."""

    argv: tuple[str, ...]
    workdir: Path

    @property
    def program(self) -> str:
        return self.argv[0]

    @property
    def arguments(self) -> tuple[str, ...]:
        return self.argv[1:]


def app_launch(target: Target, program: Program | None = None) -> Launch:
    """The desktop app, started minimized to the tray (its login start)."""
    program = program or Program.current()
    return Launch((*program.windowless, *target.options(with_profile=False), "--minimized"), program.workdir)


def sync_launch(target: Target, program: Program | None = None, *, windowless: bool = False) -> Launch:
    """The headless sync the OS scheduler runs: ``sync --scheduled`` (the run is recorded as the OS schedule's,
    and a busy profile skips this run with a journal line)."""
    program = program or Program.current()
    base = program.windowless if windowless else program.console
    return Launch((*base, *target.options(with_profile=True), "sync", "--scheduled"), program.workdir)


# --- quoting, one function per OS rule ---------------------------------------------------------------------


def windows_cmdline(argv: Sequence[str]) -> str:
    """The Microsoft C runtime's rules (what Python's and every MSVC program's argv parsing undoes)."""
    return subprocess.list2cmdline(list(argv))


_SYSTEMD_SAFE = re.compile(r"^[\w@%+=:,./-]+$", re.ASCII)


def systemd_cmdline(argv: Sequence[str]) -> str:
    """systemd.service(5) "Command lines": double quotes with C escapes; ``%`` starts a specifier and ``$`` a
    variable, so both are doubled."""
    words = []
    for arg in argv:
        word = arg if _SYSTEMD_SAFE.match(arg) else '"' + arg.replace("\\", "\\\\").replace('"', '\\"') + '"'
        words.append(word.replace("%", "%%").replace("$", "$$"))
    return " ".join(words)


_DESKTOP_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def desktop_exec(argv: Sequence[str]) -> str:
    """The Desktop Entry Specification's Exec key: an argument with a reserved character is double-quoted, and
    inside the quotes ``"`` `` ` `` ``$`` ``\\`` take a backslash; ``%`` is doubled (field codes); then the
    whole value gets the string escapes (a backslash doubled again, as the spec says)."""
    words = []
    for arg in argv:
        if arg and not (set(arg) & _DESKTOP_RESERVED):
            word = arg
        else:
            word = '"' + re.sub(r'(["`$\\])', r"\\\1", arg) + '"'
        words.append(word.replace("%", "%%"))
    return desktop_string(" ".join(words))


def desktop_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r")


def cron_command(launch: Launch) -> str:
    """A crontab command field: sh quoting, then ``%`` escaped (cron turns a bare one into a newline)."""
    return f"cd {shlex.quote(str(launch.workdir))} && {shlex.join(launch.argv)}".replace("%", "\\%")


# --- running the OS's tools --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str = ""
    stderr: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def said(self) -> str:
        return (self.stderr or self.stdout).strip()[:500]


Runner = Callable[[Sequence[str], str | None], Completed]


def run_tool(argv: Sequence[str], input_text: str | None = None) -> Completed:
    """Run an OS tool and never raise: a missing tool is exit 127, a hung one 124."""
    try:
        done = subprocess.run(
            list(argv), input=None if input_text is None else input_text.encode("utf-8"), capture_output=True,
            timeout=60,
        )
    except FileNotFoundError:
        return Completed(127, "", f"{argv[0]}: команда не найдена")
    except subprocess.TimeoutExpired:
        return Completed(124, "", f"{argv[0]}: не ответила за минуту")
    except OSError as exc:
        return Completed(126, "", f"{argv[0]}: {exc}")
    return Completed(done.returncode, _decode(done.stdout), _decode(done.stderr))


def _decode(data: bytes | None) -> str:
    """UTF-16 when it looks so, else UTF-8, else (Windows tools answer in the console's OEM code page) that."""
    if not data:
        return ""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:2] == b"\x00":  # UTF-16 (what schtasks /XML may write)
        return data.decode("utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("oem" if sys.platform == "win32" else "utf-8", errors="replace")


@dataclass
class OsEnv:
    """The parts of the OS the backends touch: tests pass temporary folders and a runner of their own."""

    platform: str = field(default_factory=lambda: sys.platform)
    home: Path = field(default_factory=Path.home)
    config_home: Path | None = None  # Linux: $XDG_CONFIG_HOME, else ~/.config
    runner: Runner = run_tool
    uid: int | None = None  # macOS: the gui/<uid> launchd domain
    registry: object | None = None  # Windows: an object with get/set/delete of HKCU values (winreg by default)
    run_key: str = r"Software\Microsoft\Windows\CurrentVersion\Run"
    task_folder: str = "\\Svyazka\\"

    @property
    def xdg_config(self) -> Path:
        if self.config_home is not None:
            return self.config_home
        env = os.environ.get("XDG_CONFIG_HOME")
        return Path(env) if env and os.path.isabs(env) else self.home / ".config"

    @property
    def user_id(self) -> int:
        if self.uid is not None:
            return self.uid
        getuid = getattr(os, "getuid", None)
        return int(getuid()) if getuid else 0


@dataclass(frozen=True)
class Registration:
    """What the OS has now: ``installed``, where it is (a file, a registry value, a task), the command it runs,
    how often (the schedule), and by which means (``systemd``, ``cron``, ``launchd``, ``schtasks``, ``registry``,
    ``xdg``)."""

    installed: bool
    method: str
    where: str
    command: str = ""
    every_minutes: int | None = None
    note: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "installed": self.installed, "method": self.method, "where": self.where, "command": self.command,
            "every_minutes": self.every_minutes, "note": self.note,
        }


def check_minutes(minutes: int) -> int:
    if not 1 <= int(minutes) <= 24 * 60:
        raise OsIntegrationError(f"интервал должен быть от 1 до 1440 минут, а указано {minutes}.")
    return int(minutes)
