"""Start the desktop app at login, minimized to the tray: one backend per OS (Windows: the HKCU Run key,
``windows.py``; macOS: a LaunchAgent, ``macos.py``; Linux: XDG autostart, ``linux.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from app.os_integration.command import Launch, OsEnv, Program, Registration, Target, app_launch


class AutostartBackend(Protocol):
    method: str

    def install(self, launch: Launch) -> Registration: ...
    def remove(self) -> None: ...
    def state(self) -> Registration: ...


def target_for(data_dir: Path | None) -> Target:
    """The window opens a data folder (it has no profile option): the login start is per data folder."""
    return Target(data_dir=_not_default(data_dir))


def _not_default(data_dir: Path | None) -> Path | None:
    from app.paths import default_data_dir

    if data_dir is None:
        return None
    return None if Path(data_dir).resolve() == default_data_dir().resolve() else Path(data_dir)


def backend(target: Target, env: OsEnv | None = None) -> AutostartBackend:
    env = env or OsEnv()
    if env.platform == "win32":
        from app.os_integration.windows import RunKeyAutostart

        return RunKeyAutostart(env, target)
    if env.platform == "darwin":
        from app.os_integration.macos import LoginAgent

        return LoginAgent(env, target)
    from app.os_integration.linux import XdgAutostart

    return XdgAutostart(env, target)


def enable(target: Target, env: OsEnv | None = None, program: Program | None = None) -> Registration:
    return backend(target, env).install(app_launch(target, program))


def disable(target: Target, env: OsEnv | None = None) -> Registration:
    chosen = backend(target, env)
    chosen.remove()
    return chosen.state()


def state(target: Target, env: OsEnv | None = None) -> Registration:
    return backend(target, env).state()
