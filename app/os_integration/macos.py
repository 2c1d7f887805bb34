"""macOS: two LaunchAgents in ``~/Library/LaunchAgents`` (launchd.plist(5)).

* Login: ``RunAtLoad`` starts the app minimized at every login. The plist is only written: launchd reads the
  folder at the next login (loading it now would start a second copy, which only shows the window).
* Schedule: ``StartInterval`` seconds between runs of the headless sync, loaded at once into the user's GUI
  domain (``launchctl bootstrap gui/<uid>``; launchctl(1) marks ``load``/``unload`` legacy, so they are the
  fallback where ``bootstrap`` is refused). The GUI domain is the user's login session: the keychain the keys
  live in is open there.
"""

from __future__ import annotations

import plistlib
import shlex
from typing import Any

from app.os_integration.command import (
    Launch,
    OsEnv,
    OsIntegrationError,
    Registration,
    Target,
    check_minutes,
)

LOGIN_LABEL = "ru.svyazka.app.login"  # under the bundle id build_scripts/spec_helpers.py BUNDLE_ID
SYNC_LABEL = "ru.svyazka.schedule"  # not "ru.svyazka.sync": docs/CLI.md has people write that one by hand


def login_plist(label: str, launch: Launch) -> dict[str, Any]:
    return {
        "Label": label,
        "ProgramArguments": list(launch.argv),
        "WorkingDirectory": str(launch.workdir),
        "RunAtLoad": True,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }


def sync_plist(label: str, launch: Launch, minutes: int) -> dict[str, Any]:
    return {
        "Label": label,
        "ProgramArguments": list(launch.argv),
        "WorkingDirectory": str(launch.workdir),
        "StartInterval": check_minutes(minutes) * 60,
        "RunAtLoad": False,
        "ProcessType": "Background",
        "LimitLoadToSessionType": "Aqua",
    }


class _Agent:
    def __init__(self, env: OsEnv, label: str) -> None:
        self.env = env
        self.label = label
        self.path = env.home / "Library" / "LaunchAgents" / f"{label}.plist"

    def _write(self, data: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_bytes(plistlib.dumps(data))
            tmp.replace(self.path)
        except OSError as exc:
            raise OsIntegrationError(
                f"не удалось записать «{self.path}»: {exc.strerror or exc}. Проверьте права на папку LaunchAgents."
            ) from exc

    def _read(self) -> dict[str, Any]:
        try:
            data = plistlib.loads(self.path.read_bytes())
        except (OSError, plistlib.InvalidFileException, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _delete(self) -> None:
        try:
            self.path.unlink(missing_ok=True)
        except OSError as exc:
            raise OsIntegrationError(f"не удалось удалить «{self.path}»: {exc.strerror or exc}.") from exc

    @property
    def domain(self) -> str:
        return f"gui/{self.env.user_id}"

    def load(self) -> None:
        run = self.env.runner
        run(["launchctl", "bootout", f"{self.domain}/{self.label}"], None)  # an older copy: replaced
        done = run(["launchctl", "bootstrap", self.domain, str(self.path)], None)
        if done.ok:
            return
        run(["launchctl", "unload", str(self.path)], None)
        legacy = run(["launchctl", "load", "-w", str(self.path)], None)
        if not legacy.ok:
            raise OsIntegrationError(
                f"launchctl не загрузил «{self.path}»: {done.said() or legacy.said() or legacy.returncode}. "
                "Попробуйте ещё раз после входа в систему заново."
            )

    def unload(self) -> None:
        run = self.env.runner
        if not run(["launchctl", "bootout", f"{self.domain}/{self.label}"], None).ok:
            run(["launchctl", "unload", str(self.path)], None)

    def loaded(self) -> bool:
        run = self.env.runner
        return run(["launchctl", "print", f"{self.domain}/{self.label}"], None).ok or run(
            ["launchctl", "list", self.label], None
        ).ok


class LoginAgent(_Agent):
    method = "launchd"

    def __init__(self, env: OsEnv, target: Target) -> None:
        super().__init__(env, LOGIN_LABEL + target.suffix)

    def install(self, launch: Launch) -> Registration:
        self._write(login_plist(self.label, launch))
        return self.state()

    def remove(self) -> None:
        self._delete()  # not unloaded: that would quit the app the person is using

    def state(self) -> Registration:
        data = self._read()
        return Registration(bool(data) and bool(data.get("RunAtLoad")), self.method, str(self.path),
                            shlex.join(data.get("ProgramArguments") or []) if data else "")


class SyncAgent(_Agent):
    method = "launchd"

    def __init__(self, env: OsEnv, target: Target) -> None:
        super().__init__(env, SYNC_LABEL + target.suffix)

    def install(self, launch: Launch, minutes: int) -> Registration:
        self._write(sync_plist(self.label, launch, minutes))
        try:
            self.load()
        except OsIntegrationError:
            self._delete()
            raise
        return self.state()

    def remove(self) -> None:
        if self.path.exists():
            self.unload()
        self._delete()

    def state(self) -> Registration:
        data = self._read()
        if not data:
            return Registration(False, self.method, str(self.path))
        interval = data.get("StartInterval")
        loaded = self.loaded()
        return Registration(
            loaded, self.method, str(self.path), shlex.join(data.get("ProgramArguments") or []),
            int(interval) // 60 if isinstance(interval, int) else None,
            "" if loaded else "файл записан, но launchd его не загрузил (войдите в систему заново)",
        )
