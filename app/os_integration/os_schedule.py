"""The headless sync on the OS scheduler, for when the app is closed: one backend per OS (Windows: Task
Scheduler, ``windows.py``; macOS: a launchd agent with ``StartInterval``, ``macos.py``; Linux: a systemd user
timer, else crontab, ``linux.py``). Each run is ``svyazka sync --scheduled``: the profile's run lock
(app/store/run_lock.py) makes it skip while the window or anyone else syncs the same profile."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from app.os_integration.command import (
    Launch,
    OsEnv,
    Program,
    Registration,
    Target,
    check_minutes,
    sync_launch,
)


class ScheduleBackend(Protocol):
    method: str

    def install(self, launch: Launch, minutes: int) -> Registration: ...
    def remove(self) -> None: ...
    def state(self) -> Registration: ...


def target_for(data_dir: Path | None, profile: str | None, default_profile: str = "default") -> Target:
    """``--data-dir`` only when not the default folder, ``--profile`` only when not the default profile."""
    from app.os_integration.autostart import target_for as folder_target

    return Target(folder_target(data_dir).data_dir, profile if profile and profile != default_profile else None)


def backend(target: Target, env: OsEnv | None = None) -> ScheduleBackend:
    env = env or OsEnv()
    if env.platform == "win32":
        from app.os_integration.windows import TaskSchedulerSchedule

        return TaskSchedulerSchedule(env, target)
    if env.platform == "darwin":
        from app.os_integration.macos import SyncAgent

        return SyncAgent(env, target)
    from app.os_integration.linux import LinuxSchedule

    return LinuxSchedule(env, target)


def launch_for(target: Target, env: OsEnv | None = None, program: Program | None = None) -> Launch:
    """Windows runs the windowless program (no console window every few minutes); the others the console one."""
    platform = (env or OsEnv()).platform
    return sync_launch(target, program, windowless=platform == "win32")


def install(target: Target, minutes: int, env: OsEnv | None = None, program: Program | None = None) -> Registration:
    env = env or OsEnv()
    return backend(target, env).install(launch_for(target, env, program), check_minutes(minutes))


def remove(target: Target, env: OsEnv | None = None) -> Registration:
    chosen = backend(target, env)
    chosen.remove()
    return chosen.state()


def state(target: Target, env: OsEnv | None = None) -> Registration:
    return backend(target, env).state()
