"""build_scripts/build.py: its checks and smoke-test hook, and (slow) a real PyInstaller build."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import stat
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest

from tests.locales import latin1_environment

from .conftest import ROOT

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="uses #! scripts as stand-in programs")


def _fake_cli(tmp_path: Path, body: str) -> Path:
    """A stand-in for the frozen svyazka-cli: a real executable with the given Python body."""
    path = tmp_path / "svyazka-cli"
    path.write_text(f"#!{sys.executable}\nimport sys\n" + textwrap.dedent(body), encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _programs(build_script, cli: Path):
    return build_script.Programs(folder=cli.parent, gui=cli, cli=cli, app_bundle=None)


def _parser(*commands: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="svyazka", description="keeps RetailCRM and MoySklad in sync")
    if commands:
        sub = parser.add_subparsers(dest="command", metavar="COMMAND")
        for name in commands:
            sub.add_parser(name, help=f"{name} things")
    return parser


def test_sync_command_detection(build_script) -> None:
    assert build_script.cli_has_sync_command(_parser("setup", "sync", "status").format_help())
    assert not build_script.cli_has_sync_command(_parser("setup", "status").format_help())
    assert not build_script.cli_has_sync_command(_parser().format_help())  # "in sync" in the description only
    assert build_script.cli_has_sync_command("usage: svyazka {setup,sync}\n")


FAKE_CLI = """
top_help = "usage: svyazka COMMAND ...\\n  {commands}" + ("\\n  --demo  use the demo shop" if {has_demo} else "")
if sys.argv[1:] == ["--help"]:
    print(top_help)
elif sys.argv[1:] == ["sync", "--help"]:
    print("usage: svyazka sync [--dry-run] [--json]")
elif sys.argv[1:] == {demo_args!r}:
    print("progress on stderr", file=sys.stderr)
    if {crash}:
        raise ImportError("cannot import name 'all_flows'")
    print({stdout!r})
    sys.exit({exit_code})
else:
    sys.exit(9)
"""


def _fake_sync_cli(
    build_script, tmp_path: Path, *, commands="setup,sync", has_demo=True, stdout="", exit_code=0, crash=False
):
    body = FAKE_CLI.format(
        crash=crash,
        commands="{" + commands + "}",
        has_demo=has_demo,
        demo_args=list(build_script.DEMO_SYNC_ARGS),
        stdout=stdout,
        exit_code=exit_code,
    )
    return _programs(build_script, _fake_cli(tmp_path, body))


@posix_only
def test_demo_sync_is_skipped_while_the_cli_has_no_sync(build_script, tmp_path: Path) -> None:
    programs = _fake_sync_cli(build_script, tmp_path, commands="setup,status")
    assert build_script.run_demo_sync_smoke(programs, dict(os.environ)).startswith("skipped")


@posix_only
def test_demo_sync_fails_the_build_if_the_cli_lacks_an_option_it_uses(build_script, tmp_path: Path) -> None:
    programs = _fake_sync_cli(build_script, tmp_path, has_demo=False)
    with pytest.raises(build_script.BuildError, match="DEMO_SYNC_ARGS"):
        build_script.run_demo_sync_smoke(programs, dict(os.environ))


@posix_only
@pytest.mark.parametrize(
    ("stdout", "exit_code", "expected"),
    [
        ('{"status": "ok", "changes": 12}', 0, "passed"),
        ('{"status": "problems", "conflicts": 3}', 1, "passed (finished with conflicts"),
        ('{"ok": false, "error": "no connection"}', 2, r"demo sync failed \(exit code 2\)"),
        ('{"ok": false, "error": "no connection"}', 1, "reported an error: no connection"),
        ("synced, but no JSON", 0, "did not print its JSON result"),
    ],
)
def test_demo_sync_runs_the_real_command_and_reads_its_result(
    build_script, tmp_path: Path, stdout: str, exit_code: int, expected: str
) -> None:
    programs = _fake_sync_cli(build_script, tmp_path, stdout=stdout, exit_code=exit_code)
    if expected.startswith("passed"):
        assert build_script.run_demo_sync_smoke(programs, dict(os.environ)).startswith(expected)
    else:
        with pytest.raises(build_script.BuildError, match=expected):
            build_script.run_demo_sync_smoke(programs, dict(os.environ))


def test_smoke_env_is_headless_and_isolated(build_script, tmp_path: Path) -> None:
    env = build_script.smoke_env(tmp_path)
    assert env["QT_QPA_PLATFORM"] == "offscreen"
    assert env["SVYAZKA_DATA_DIR"] == str(tmp_path)
    assert env["SVYAZKA_SELF_CHECK_GUI"] == "1"


def test_size_limit(build_script, tmp_path: Path) -> None:
    (tmp_path / "lib.bin").write_bytes(b"\0" * (2 * 1024 * 1024))
    assert build_script.check_size(tmp_path, max_size_mb=5) == pytest.approx(2.0, abs=0.01)
    with pytest.raises(build_script.BuildError, match=r"2\.0 MB, over the 1 MB limit"):
        build_script.check_size(tmp_path, max_size_mb=1)


def test_missing_pyinstaller_gives_the_install_command(build_script, monkeypatch: pytest.MonkeyPatch) -> None:
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "PyInstaller" else real_find_spec(name, *a)
    )
    with pytest.raises(build_script.BuildError, match=r'pip install -e "\.\[build\]"'):
        build_script.require_pyinstaller()
    assert build_script.main(["--skip-smoke"]) == 1  # and the build stops with that one line


def test_archive_name_keeps_the_whole_version(build_script, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "Svyazka"
    folder.mkdir()
    (folder / "Svyazka.exe").write_bytes(b"MZ")
    monkeypatch.setattr(build_script.sys, "platform", "win32")
    archive = build_script.make_archive(folder, "1.2.3")
    assert archive.name == f"Svyazka-1.2.3-{build_script.platform_tag()}.zip"
    assert zipfile.ZipFile(archive).namelist() == ["Svyazka/Svyazka.exe"]


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux/macOS archive is a tar.gz")
def test_archive_keeps_the_folder_and_executable_bits(build_script, tmp_path: Path) -> None:
    folder = tmp_path / "Svyazka"
    (folder / "_internal").mkdir(parents=True)
    program = folder / "Svyazka"
    program.write_bytes(b"#!/bin/sh\n")
    program.chmod(0o755)
    (folder / "_internal" / "lib.so").write_bytes(b"lib")
    archive = build_script.make_archive(folder, "9.8.7")
    assert archive.name == f"Svyazka-9.8.7-{build_script.platform_tag()}.tar.gz"
    with tarfile.open(archive) as tar:
        members = {member.name: member for member in tar.getmembers()}
    assert {"Svyazka", "Svyazka/Svyazka", "Svyazka/_internal/lib.so"} <= set(members)
    assert members["Svyazka/Svyazka"].mode & 0o111


def test_translations_are_compiled_when_sources_exist(build_script, monkeypatch, tmp_path: Path) -> None:
    if build_script.find_lrelease() is None:
        pytest.skip("pyside6-lrelease is not available")
    sources, output = tmp_path / "i18n", tmp_path / "qm"
    sources.mkdir()
    (sources / "svyazka_ru.ts").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" language="ru_RU">\n'
        "<context><name>Main</name><message><source>Sync now</source>"
        "<translation>Синхронизировать</translation></message></context>\n</TS>\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(build_script, "TS_SOURCES", sources)
    monkeypatch.setattr(build_script, "QM_OUTPUT", output)
    monkeypatch.setattr(build_script, "ROOT", tmp_path)
    compiled = build_script.compile_translations()
    assert compiled == [output / "svyazka_ru.qm"]
    assert compiled[0].stat().st_size > 0


def test_no_translation_sources_is_fine(build_script, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(build_script, "TS_SOURCES", tmp_path / "absent")
    assert build_script.compile_translations() == []


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_full_build_and_smoke_test(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("PyInstaller is not installed (pip install -e '.[build]')")
    dist, work = tmp_path / "dist", tmp_path / "work"
    result = subprocess.run(
        [sys.executable, str(ROOT / "build_scripts" / "build.py"), "--dist-dir", str(dist), "--work-dir", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=1700,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "smoke: CLI self-check" in output and "Self-check passed" in output
    assert "BUILD OK" in output and "size: " in output
    exe = ".exe" if sys.platform == "win32" else ""
    assert (dist / "Svyazka" / f"svyazka-cli{exe}").is_file()
    assert (dist / "Svyazka" / f"Svyazka{exe}").is_file()

    # Installed where a per-user install lives on Windows (C:\\Users\\Имя\\...): Cyrillic and spaces in the
    # path. The self-check with the GUI part starts Qt widgets from there and loads the Russian translations.
    installed = tmp_path / "Мои программы" / "Связка Svyazka"
    installed.parent.mkdir()
    shutil.move(str(dist / "Svyazka"), str(installed))
    cli = installed / f"svyazka-cli{exe}"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SVYAZKA_SELF_CHECK_GUI="1",
               SVYAZKA_DATA_DIR=str(tmp_path / "данные"))
    checked = subprocess.run([str(cli), "--self-check"], env=env, capture_output=True, timeout=300)
    said = checked.stdout.decode("utf-8", "replace") + checked.stderr.decode("utf-8", "replace")
    assert checked.returncode == 0, said[-3000:]
    assert "Russian translations loaded" in said and "Self-check passed" in said

    # The frozen CLI ignores PYTHONIOENCODING; its --json must still be UTF-8 in a file under a locale that is
    # not (the spec's X utf8 option, and the CLI's own stream set-up)
    if sys.platform == "win32":
        legacy = dict(os.environ)  # a file or pipe is in the ANSI code page there (cp1252, cp1251) by itself
    else:
        legacy, why = latin1_environment(tmp_path)
        if legacy is None:
            pytest.skip(f"the non-UTF-8 part: {why}")
    out = tmp_path / "out.json"
    with out.open("wb") as file:
        done = subprocess.run([str(cli), "--demo", "status", "--json"], env=dict(legacy, SVYAZKA_DATA_DIR=str(
            tmp_path / "данные")), stdout=file, stderr=subprocess.PIPE, timeout=300)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    assert json.loads(out.read_bytes().decode("utf-8"))["profile"] == "Демо-магазин"


@posix_only
def test_a_crashing_demo_sync_fails_with_the_error_line(build_script, tmp_path: Path) -> None:
    # Python exits 1 on an unhandled exception, which the CLI also uses for "finished with conflicts".
    programs = _fake_sync_cli(build_script, tmp_path, stdout="{}", crash=True)
    with pytest.raises(build_script.BuildError, match="the demo sync crashed: ImportError: cannot import name"):
        build_script.run_demo_sync_smoke(programs, dict(os.environ))
