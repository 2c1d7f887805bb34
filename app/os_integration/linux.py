"""Linux: the XDG autostart entry, and the scheduled sync as a systemd user timer or, without systemd, a crontab line.

* Autostart: ``$XDG_CONFIG_HOME/autostart/svyazka.desktop`` (Desktop Application Autostart Specification; the
  Exec key is quoted by :func:`desktop_exec`). Nothing to run: the session starts it at the next login.
* Schedule: ``$XDG_CONFIG_HOME/systemd/user/svyazka-sync.{service,timer}`` enabled with ``systemctl --user``
  (systemd.timer(5): ``OnUnitActiveSec`` repeats the run N minutes after the last one started). Where
  ``systemctl --user`` does not answer (no systemd, a container, WSL without it) a marked crontab line instead.
"""

from __future__ import annotations

import re
from pathlib import Path

from app.os_integration.command import (
    Launch,
    OsEnv,
    OsIntegrationError,
    Registration,
    Target,
    check_minutes,
    cron_command,
    desktop_exec,
    desktop_string,
    systemd_cmdline,
)

# svyazka sync's exit codes that are not a failure of the unit: 1 finished with conflicts, 3 the profile was busy
# (this run skipped); docs/CLI.md
NOT_FAILURES = "1 3"


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OsIntegrationError(
            f"не удалось записать «{path}»: {exc.strerror or exc}. Проверьте права на эту папку."
        ) from exc


def _remove(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise OsIntegrationError(f"не удалось удалить «{path}»: {exc.strerror or exc}.") from exc


def _desktop_keys(path: Path) -> dict[str, str]:
    keys: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return keys
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, value = line.split("=", 1)
            keys.setdefault(key.strip(), value.strip())
    return keys


class XdgAutostart:
    method = "xdg"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.path = env.xdg_config / "autostart" / f"svyazka{target.suffix}.desktop"

    def install(self, launch: Launch) -> Registration:
        _write(self.path, desktop_entry(launch))
        return self.state()

    def remove(self) -> None:
        _remove(self.path)

    def state(self) -> Registration:
        keys = _desktop_keys(self.path)
        on = bool(keys) and keys.get("Hidden", "false") != "true" and keys.get("X-GNOME-Autostart-enabled") != "false"
        return Registration(on, self.method, str(self.path), keys.get("Exec", ""))


def desktop_entry(launch: Launch) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        "Name=Связка",
        "Name[en]=Svyazka",
        "Comment=RetailCRM и МойСклад: запуск при входе в систему, в области уведомлений",
        f"Exec={desktop_exec(launch.argv)}",
        f"Path={desktop_string(str(launch.workdir))}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ])


# --- the schedule ------------------------------------------------------------------------------------------


class SystemdTimer:
    method = "systemd"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.env = env
        self.name = f"svyazka-sync{target.suffix}"
        folder = env.xdg_config / "systemd" / "user"
        self.service = folder / f"{self.name}.service"
        self.timer = folder / f"{self.name}.timer"

    def available(self) -> bool:
        return self.env.runner(["systemctl", "--user", "show-environment"], None).ok

    def install(self, launch: Launch, minutes: int) -> Registration:
        _write(self.service, service_unit(launch))
        _write(self.timer, timer_unit(minutes))
        for step in (["daemon-reload"], ["enable", "--now", self.timer.name], ["restart", self.timer.name]):
            done = self.env.runner(["systemctl", "--user", *step], None)
            if not done.ok:
                raise OsIntegrationError(
                    f"systemctl --user {' '.join(step)} не удалось: {done.said() or done.returncode}. "
                    "Проверьте, что у пользователя работает systemd (systemctl --user status)."
                )
        return self.state()

    def remove(self) -> None:
        if self.timer.exists():
            self.env.runner(["systemctl", "--user", "disable", "--now", self.timer.name], None)
        _remove(self.timer)
        _remove(self.service)
        self.env.runner(["systemctl", "--user", "daemon-reload"], None)

    def state(self) -> Registration:
        keys = _desktop_keys(self.timer)  # the same key=value lines
        if not keys:
            return Registration(False, self.method, str(self.timer))
        every = re.fullmatch(r"(\d+)min", keys.get("OnUnitActiveSec", ""))
        enabled = self.env.runner(["systemctl", "--user", "is-enabled", self.timer.name], None)
        note = "" if enabled.ok else f"таймер записан, но не включён (systemctl --user enable --now {self.timer.name})"
        return Registration(
            enabled.ok, self.method, str(self.timer), _desktop_keys(self.service).get("ExecStart", ""),
            int(every.group(1)) if every else None, note,
        )


def service_unit(launch: Launch) -> str:
    return "\n".join([
        "[Unit]",
        "Description=Связка: синхронизация RetailCRM и МойСклад по расписанию",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        f"WorkingDirectory={str(launch.workdir).replace('%', '%%')}",
        f"ExecStart={systemd_cmdline(launch.argv)}",
        f"SuccessExitStatus={NOT_FAILURES}",
        "",
    ])


def timer_unit(minutes: int) -> str:
    minutes = check_minutes(minutes)
    return "\n".join([
        "[Unit]",
        "Description=Связка: синхронизация каждые " + f"{minutes} мин",
        "",
        "[Timer]",
        "OnActiveSec=1min",
        f"OnUnitActiveSec={minutes}min",
        "AccuracySec=30s",
        "",
        "[Install]",
        "WantedBy=timers.target",
        "",
    ])


class CronSchedule:
    method = "cron"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.env = env
        self.marker = f"# svyazka-sync{target.suffix or '-default'}"

    def _read(self) -> list[str]:
        done = self.env.runner(["crontab", "-l"], None)
        if done.returncode == 127:
            raise OsIntegrationError(
                "на этом компьютере нет ни systemd для пользователя, ни cron: расписание без окна некуда записать. "
                "Установите cron (пакет cron или cronie) или оставьте Связку открытой."
            )
        if not done.ok:  # "no crontab for user": an empty table
            return []
        return done.stdout.splitlines()

    def _save(self, lines: list[str]) -> None:
        done = self.env.runner(["crontab", "-"], "".join(line + "\n" for line in lines))
        if not done.ok:
            raise OsIntegrationError(f"crontab не принял расписание: {done.said() or done.returncode}.")

    def install(self, launch: Launch, minutes: int) -> Registration:
        lines = [line for line in self._read() if not line.endswith(self.marker)]
        lines.append(f"{cron_schedule(minutes)} {cron_command(launch)} {self.marker}")
        self._save(lines)
        return self.state()

    def remove(self) -> None:
        lines = self._read()
        kept = [line for line in lines if not line.endswith(self.marker)]
        if kept != lines:
            self._save(kept)

    def state(self) -> Registration:
        try:
            mine = [line for line in self._read() if line.endswith(self.marker)]
        except OsIntegrationError:
            mine = []
        if not mine:
            return Registration(False, self.method, "crontab")
        fields = mine[0].split(None, 5)
        return Registration(True, self.method, "crontab", fields[5][: -len(self.marker)].strip(),
                            cron_minutes(fields[:5]))


def cron_schedule(minutes: int) -> str:
    """``*/N`` below an hour; whole hours above (cron cannot say "every 90 minutes": rounded to hours)."""
    minutes = check_minutes(minutes)
    if minutes < 60:
        return f"*/{minutes} * * * *"
    hours = max(1, round(minutes / 60))
    return "0 * * * *" if hours == 1 else f"0 */{min(hours, 23)} * * *" if hours < 24 else "0 0 * * *"


def cron_minutes(fields: list[str]) -> int | None:
    minute, hour = fields[0], fields[1]
    if minute.startswith("*/") and hour == "*":
        return int(minute[2:])
    if minute == "0" and hour == "*":
        return 60
    if minute == "0" and hour.startswith("*/"):
        return int(hour[2:]) * 60
    if minute == "0" and hour == "0":
        return 24 * 60
    return None


class LinuxSchedule:
    """systemd user timer where ``systemctl --user`` answers, else crontab."""

    method = "systemd-or-cron"

    def __init__(self, env: OsEnv, target: Target) -> None:
        self.systemd = SystemdTimer(env, target)
        self.cron = CronSchedule(env, target)

    def install(self, launch: Launch, minutes: int) -> Registration:
        if self.systemd.available():
            if self._cron_usable():
                self.cron.remove()  # moved from cron to systemd: never both
            return self.systemd.install(launch, minutes)
        self.systemd.remove()
        return self.cron.install(launch, minutes)

    def remove(self) -> None:
        self.systemd.remove()
        if self._cron_usable():
            self.cron.remove()

    def state(self) -> Registration:
        if self.systemd.timer.exists():
            return self.systemd.state()
        return self.cron.state()

    def _cron_usable(self) -> bool:
        return self.cron.env.runner(["crontab", "-l"], None).returncode != 127
