"""Windows: start at login through the HKCU Run key, the scheduled sync through Task Scheduler.

* Autostart: a value under ``HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run`` whose data is the command
  line (quoted by the C runtime's rules: :func:`windows_cmdline`). Per user, no administrator rights.
* Schedule: ``schtasks /Create /TN \\Svyazka\\Sync /XML <file> /F`` with a task definition we write (Task
  Scheduler schema, namespace ``http://schemas.microsoft.com/windows/2004/02/mit/task``): a time trigger that
  repeats every N minutes for ever, run only while the user is logged on (``InteractiveToken``: no password is
  stored; the keys are in the user's Credential Manager, which only the logged-on user opens), a second start
  while one runs is ignored, and a run missed while asleep starts when the computer wakes
  (``StartWhenAvailable``). ``schtasks /Query /XML ONE`` reads it back, ``/Delete /F`` removes it.
"""

from __future__ import annotations

import contextlib
import re
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from app.os_integration.command import (
    Launch,
    OsEnv,
    OsIntegrationError,
    Registration,
    Target,
    check_minutes,
    windows_cmdline,
)

TASK_NS = "http://schemas.microsoft.com/windows/2004/02/mit/task"
RUN_VALUE = "Svyazka"
TASK_NAME = "Sync"
# a fixed start in the past: the repetition counts from it, so nothing here depends on today's date
START_BOUNDARY = "2020-01-01T00:00:00"


class WinRegistry:
    """HKEY_CURRENT_USER string values through :mod:`winreg` (Windows only)."""

    def get(self, key: str, name: str) -> str | None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                value, _kind = winreg.QueryValueEx(handle, name)
        except FileNotFoundError:
            return None
        return str(value)

    def set(self, key: str, name: str, value: str) -> None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

        with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
            winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, value)

    def delete(self, key: str, name: str) -> None:
        if sys.platform != "win32":
            raise OSError("the registry exists only on Windows")
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_SET_VALUE) as handle:
                winreg.DeleteValue(handle, name)
        except FileNotFoundError:
            pass


class RunKeyAutostart:
    method = "registry"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.registry: Any = env.registry if env.registry is not None else WinRegistry()
        self.key = env.run_key
        self.name = RUN_VALUE + target.suffix

    @property
    def where(self) -> str:
        return f"HKCU\\{self.key}\\{self.name}"

    def install(self, launch: Launch) -> Registration:
        try:
            self.registry.set(self.key, self.name, windows_cmdline(launch.argv))
        except OSError as exc:
            raise OsIntegrationError(f"не удалось записать «{self.where}» в реестр: {exc}.") from exc
        return self.state()

    def remove(self) -> None:
        try:
            self.registry.delete(self.key, self.name)
        except OSError as exc:
            raise OsIntegrationError(f"не удалось удалить «{self.where}» из реестра: {exc}.") from exc

    def state(self) -> Registration:
        try:
            value = self.registry.get(self.key, self.name)
        except OSError:
            value = None
        return Registration(value is not None, self.method, self.where, value or "")


def _q(tag: str) -> str:
    return f"{{{TASK_NS}}}{tag}"


def task_xml(launch: Launch, minutes: int, description: str = "") -> str:
    """The task definition (Task Scheduler schema 1.2, what Windows 7 and later read)."""
    minutes = check_minutes(minutes)
    ET.register_namespace("", TASK_NS)
    task = ET.Element(_q("Task"), {"version": "1.2"})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        node = ET.SubElement(parent, _q(tag), attrs)
        if text is not None:
            node.text = text
        return node

    info = add(task, "RegistrationInfo")
    add(info, "Description", description or "Связка: синхронизация RetailCRM и МойСклад, когда окно закрыто")
    trigger = add(add(task, "Triggers"), "TimeTrigger")
    repetition = add(trigger, "Repetition")
    add(repetition, "Interval", f"PT{minutes}M")  # no Duration: repeats indefinitely
    add(repetition, "StopAtDurationEnd", "false")
    add(trigger, "StartBoundary", START_BOUNDARY)
    add(trigger, "Enabled", "true")
    principal = add(add(task, "Principals"), "Principal", id="Author")
    add(principal, "LogonType", "InteractiveToken")
    add(principal, "RunLevel", "LeastPrivilege")
    settings = add(task, "Settings")
    for tag, text in (
        ("MultipleInstancesPolicy", "IgnoreNew"),
        ("DisallowStartIfOnBatteries", "false"),
        ("StopIfGoingOnBatteries", "false"),
        ("StartWhenAvailable", "true"),
        ("RunOnlyIfNetworkAvailable", "true"),
        ("ExecutionTimeLimit", "PT4H"),
        ("Enabled", "true"),
        ("Hidden", "false"),
    ):
        add(settings, tag, text)
    exec_ = add(add(task, "Actions", Context="Author"), "Exec")
    add(exec_, "Command", launch.program)
    if launch.arguments:
        add(exec_, "Arguments", windows_cmdline(launch.arguments))
    add(exec_, "WorkingDirectory", str(launch.workdir))
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(task, encoding="unicode")


def parse_task(text: str) -> dict[str, Any]:
    """What a task definition says: ``minutes``, ``command``, ``arguments``, ``workdir`` (None when absent)."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text.lstrip("\ufeff"))  # ET refuses a unicode string with encoding
    root = ET.fromstring(text)

    def find(path: str) -> str | None:
        node = root.find("/".join(_q(p) for p in path.split("/")))
        return node.text if node is not None else None

    interval = find("Triggers/TimeTrigger/Repetition/Interval") or ""
    match = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?", interval)
    minutes = int(match.group(1) or 0) * 60 + int(match.group(2) or 0) if match else None
    return {
        "minutes": minutes or None,
        "command": find("Actions/Exec/Command"),
        "arguments": find("Actions/Exec/Arguments") or "",
        "workdir": find("Actions/Exec/WorkingDirectory"),
    }


class TaskSchedulerSchedule:
    method = "schtasks"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.env = env
        self.name = env.task_folder + TASK_NAME + target.suffix

    def install(self, launch: Launch, minutes: int) -> Registration:
        xml = task_xml(launch, minutes)
        folder = Path(tempfile.mkdtemp(prefix="svyazka-task-"))
        path = folder / "task.xml"
        try:
            path.write_text(xml, encoding="utf-16")  # schtasks reads the UTF-16 its own /Query /XML writes
            done = self.env.runner(["schtasks", "/Create", "/TN", self.name, "/XML", str(path), "/F"], None)
        finally:
            with contextlib.suppress(OSError):
                path.unlink()
                folder.rmdir()
        if not done.ok:
            raise OsIntegrationError(
                f"Планировщик заданий Windows не принял задание «{self.name}»: {done.said() or done.returncode}. "
                "Проверьте, что служба «Планировщик заданий» работает, и попробуйте ещё раз."
            )
        return self.state()

    def remove(self) -> None:
        if not self.env.runner(["schtasks", "/Query", "/TN", self.name], None).ok:
            return  # nothing to remove
        done = self.env.runner(["schtasks", "/Delete", "/TN", self.name, "/F"], None)
        if not done.ok:
            raise OsIntegrationError(f"не удалось удалить задание «{self.name}»: {done.said() or done.returncode}.")

    def state(self) -> Registration:
        done = self.env.runner(["schtasks", "/Query", "/TN", self.name, "/XML", "ONE"], None)
        if not done.ok:
            return Registration(False, self.method, self.name)
        try:
            task = parse_task(done.stdout)
        except ET.ParseError:
            return Registration(True, self.method, self.name, note="задание есть, но его описание не прочитано")
        command = windows_cmdline([task["command"] or ""]) + (f" {task['arguments']}" if task["arguments"] else "")
        return Registration(True, self.method, self.name, command, task["minutes"])
