"""Stand-ins for the OS tools the backends call (no user systemd, cron or launchd runs in CI), and a program
living in a Cyrillic path with spaces."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from app.os_integration.command import Completed, Program

WINDOWS_PROGRAM = Program(
    windowless=(r"C:\Users\Иван Петров\AppData\Local\Programs\Связка Svyazka\Svyazka.exe",),
    console=(r"C:\Users\Иван Петров\AppData\Local\Programs\Связка Svyazka\svyazka-cli.exe",),
    workdir=Path(r"C:\Users\Иван Петров\AppData\Local\Programs\Связка Svyazka"),
    frozen=True,
)


def posix_program(folder: Path) -> Program:
    return Program((str(folder / "Svyazka"),), (str(folder / "svyazka-cli"),), folder, frozen=True)


class FakeTools:
    """``systemctl --user`` (present or not) and ``crontab`` (present or not, its table kept here)."""

    def __init__(self, *, systemd: bool = True, cron: bool = True) -> None:
        self.systemd = systemd
        self.cron = cron
        self.crontab: str | None = None
        self.enabled: set[str] = set()
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str], input_text: str | None) -> Completed:
        argv = list(argv)
        self.calls.append(argv)
        if argv[0] == "systemctl":
            if not self.systemd:
                return Completed(1, "", "Failed to connect to bus: No medium found")
            verb, unit = argv[2], argv[-1]
            if verb == "enable":
                self.enabled.add(unit)
            elif verb == "disable":
                self.enabled.discard(unit)
            elif verb == "is-enabled":
                return Completed(0 if unit in self.enabled else 1, "enabled" if unit in self.enabled else "disabled")
            return Completed(0)
        if argv[0] == "crontab":
            if not self.cron:
                return Completed(127, "", "crontab: команда не найдена")
            if argv[1] == "-l":
                return Completed(1, "", "no crontab for user") if self.crontab is None else Completed(0, self.crontab)
            self.crontab = input_text
            return Completed(0)
        return Completed(127, "", f"{argv[0]}: not faked")

    def said(self, *words: str) -> bool:
        return any(call[: len(words)] == list(words) for call in self.calls)


def split_quoted(line: str) -> list[str]:
    """Words split on blanks; inside double quotes a backslash takes the next character as it is (the rule both
    systemd's and the Desktop Entry Specification's quoting share, for the escapes our writers use)."""
    words: list[str] = []
    word: list[str] | None = None
    quoted = False
    i = 0
    while i < len(line):
        char = line[i]
        if quoted:
            if char == "\\":
                i += 1
                word.append(line[i])  # type: ignore[union-attr]
            elif char == '"':
                quoted = False
            else:
                word.append(char)  # type: ignore[union-attr]
        elif char in " \t":
            if word is not None:
                words.append("".join(word))
                word = None
        else:
            word = word if word is not None else []
            if char == '"':
                quoted = True
            else:
                word.append(char)
        i += 1
    assert not quoted, f"unbalanced quotes in {line!r}"
    if word is not None:
        words.append("".join(word))
    return words


def systemd_split(line: str) -> list[str]:
    """Undo systemd's specifier (``%%``) and variable (``$$``) escapes, then its quoting."""
    return split_quoted(line.replace("%%", "%").replace("$$", "$"))


def desktop_split(value: str) -> list[str]:
    """The Exec key back into arguments: the string escapes first, then ``%%``, then the quoting."""
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            out.append({"\\": "\\", "n": "\n", "t": "\t", "r": "\r", "s": " "}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return split_quoted("".join(out).replace("%%", "%"))
