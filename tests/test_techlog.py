"""Technical log files (app/techlog.py): one per kind of process, so no two processes rotate the same file.

On Windows a rotation (a rename) fails while another process holds the file, and a windowed exe shows that
nowhere: the window and its sync child used to share ``svyazka-app.log``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli, techlog
from app.runner import child as sync_child


@pytest.fixture(autouse=True)
def no_file_log_left() -> Iterator[None]:
    techlog.close_file_logging()
    yield
    techlog.close_file_logging()


def test_the_window_its_sync_child_and_the_cli_write_different_files(tmp_path: Path) -> None:
    window = techlog.setup_file_logging(tmp_path, "window")  # what app/ui/main.py sets up
    sync_child._log_to_file(tmp_path)  # what the window's sync child sets up
    child = techlog.current_log_file()
    assert window is not None and child is not None
    assert window.name == "svyazka-app.log"
    assert child.parent == window.parent and child != window
    cli_log = techlog.log_file(tmp_path, "cli")
    assert len({window, child, cli_log}) == 3


def test_the_cli_logs_its_crash_to_its_own_file_and_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object, env: object) -> int:
        raise RuntimeError("a bug of ours")  # an unexpected error inside a command

    monkeypatch.setitem(cli._COMMANDS, "log", broken)
    code = cli.main(["--data-dir", str(tmp_path), "log"])
    err = capsys.readouterr().err
    expected = techlog.log_file(tmp_path, "cli")
    assert code == cli.EXIT_CRASHED
    assert str(expected) in err and "Внутренняя ошибка Связки" in err
    assert "Traceback" not in err
    written = expected.read_text(encoding="utf-8")
    assert "Traceback" in written and "a bug of ours" in written
    assert not techlog.log_file(tmp_path, "window").exists() or "a bug of ours" not in (
        techlog.log_file(tmp_path, "window").read_text(encoding="utf-8")
    )
    assert techlog.current_log_file() is None  # closed when the command ended


def test_a_refused_rotation_keeps_every_record(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Rotation refused, as Windows refuses to rename a file another process has open (WinError 32, a
    PermissionError), must not lose records: they go on into the same file."""
    path = techlog.setup_file_logging(tmp_path, "cli")
    assert path is not None
    handler = logging.getLogger("app").handlers[-1]
    assert isinstance(handler, logging.handlers.RotatingFileHandler)

    def refused(source: str, dest: str) -> None:  # the stdlib's documented rotation hook
        raise PermissionError(32, "The process cannot access the file because it is being used by another process")

    handler.rotator = refused
    handler.maxBytes = 200
    log = logging.getLogger("app.test")
    for number in range(20):
        log.warning("record %02d %s", number, "x" * 40)
    handler.flush()
    text = path.read_text(encoding="utf-8")
    assert all(f"record {n:02d}" in text for n in range(20))
    assert "Logging error" not in capsys.readouterr().err
