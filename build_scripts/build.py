#!/usr/bin/env python3
"""Build the one-folder Svyazka app with PyInstaller and prove it runs.

    python build_scripts/build.py [--clean] [--skip-smoke] [--max-size-mb 150] [--archive]

Steps, each failing the build with a one-line reason:

1. PyInstaller is installed (``python -m pip install -e ".[build]"``).
2. Qt Linguist sources (``resources/i18n/*.ts``) are compiled to ``app/resources/i18n/*.qm`` if any exist.
3. PyInstaller runs ``build_scripts/svyazka.spec`` → ``dist/Svyazka/`` (and ``dist/Svyazka.app`` on macOS).
4. The folder's size is printed and must stay under ``--max-size-mb``.
5. Smoke test of the frozen programs: ``svyazka-cli --version``, ``svyazka-cli --self-check``, the GUI program's
   ``--self-check`` (offscreen; not on Windows, where a windowed program has no console to print to), and a
   headless demo-mode sync once the CLI has a ``sync`` command (:func:`run_demo_sync_smoke`).
6. With ``--archive``: ``dist/Svyazka-<version>-<os>-<arch>.tar.gz`` (``.zip`` on Windows) of the folder.

Runs on Windows, macOS and Linux with the same command; the release workflow calls exactly this.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_scripts" / "svyazka.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
TS_SOURCES = ROOT / "resources" / "i18n"
QM_OUTPUT = ROOT / "app" / "resources" / "i18n"
DEFAULT_MAX_SIZE_MB = 150.0
SMOKE_TIMEOUT_S = 120  # generous: the first start of a frozen app on a cold CI disk is slow
DEMO_SYNC_TIMEOUT_S = 300

# How the frozen CLI runs one full sync against the built-in demo shop, headless (see run_demo_sync_smoke).
# Exit codes from app.cli: 0 = ok, 1 = finished with conflicts or errors to look at, 2 = could not run.
DEMO_SYNC_ARGS: tuple[str, ...] = ("--demo", "sync", "--json")
DEMO_SYNC_OK_CODES = (0, 1)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import spec_helpers as helpers  # noqa: E402


class BuildError(Exception):
    """A step failed; ``str()`` is the one-line reason printed at the end."""


@dataclass(frozen=True)
class Programs:
    folder: Path  # the one-folder build (what the size limit applies to)
    gui: Path
    cli: Path
    app_bundle: Path | None  # macOS only


# --- steps --------------------------------------------------------------------------------------------------


def require_pyinstaller() -> str:
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(
            "PyInstaller is not installed. Install the build tools with: "
            f'{Path(sys.executable).name} -m pip install -e ".[build]"  (or: pip install "pyinstaller>=6.10")'
        )
    from PyInstaller import __version__ as pyinstaller_version

    return str(pyinstaller_version)


def find_lrelease() -> list[str] | None:
    """The command that runs Qt's lrelease: PySide6's wrapper next to this Python, or on PATH."""
    scripts = sysconfig.get_path("scripts")
    search = os.pathsep.join(p for p in (scripts, os.environ.get("PATH", "")) if p)
    for name in ("pyside6-lrelease", "lrelease"):
        found = shutil.which(name, path=search)
        if found:
            return [found]
    return None


def compile_translations() -> list[Path]:
    sources = sorted(TS_SOURCES.glob("*.ts")) if TS_SOURCES.is_dir() else []
    if not sources:
        print("translations: no .ts files in resources/i18n, nothing to compile")
        return []
    command = find_lrelease()
    if command is None:
        raise BuildError("pyside6-lrelease was not found; it comes with PySide6 (pip install PySide6-Essentials)")
    QM_OUTPUT.mkdir(parents=True, exist_ok=True)
    compiled = []
    for source in sources:
        target = QM_OUTPUT / f"{source.stem}.qm"
        result = subprocess.run([*command, str(source), "-qm", str(target)], capture_output=True, text=True)
        if result.returncode != 0 or not target.is_file():
            detail = (result.stderr or result.stdout).strip().splitlines()
            raise BuildError(f"lrelease failed on {source.name}: {detail[-1] if detail else 'no output'}")
        compiled.append(target)
        print(f"translations: {source.relative_to(ROOT)} -> {target.relative_to(ROOT)}")
    return compiled


def run_pyinstaller(clean: bool, dist: Path, work: Path) -> list[str]:
    """Run PyInstaller, echo its output, and return its WARNING lines for the summary."""
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
    ]
    if clean:
        command.append("--clean")
    command.append(str(SPEC))
    print("pyinstaller: " + " ".join(command[1:]), flush=True)
    warnings = []
    with subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if " WARNING: " in line or line.startswith("WARNING:"):
                warnings.append(line.rstrip())
        returncode = process.wait()
    if returncode != 0:
        raise BuildError(f"PyInstaller failed (exit code {returncode}); see its output above")
    return warnings


def locate_programs(dist: Path) -> Programs:
    exe = ".exe" if sys.platform == "win32" else ""
    folder = dist / helpers.APP_NAME
    bundle = dist / f"{helpers.APP_NAME}.app" if sys.platform == "darwin" else None
    # On macOS the .app holds its own copy of the programs; test that copy, it is what users get.
    program_dir = bundle / "Contents" / "MacOS" if bundle is not None else folder
    programs = Programs(
        folder=folder,
        gui=program_dir / f"{helpers.GUI_EXE_NAME}{exe}",
        cli=program_dir / f"{helpers.CLI_EXE_NAME}{exe}",
        app_bundle=bundle,
    )
    for path in (programs.folder, programs.gui, programs.cli):
        if not path.exists():
            raise BuildError(f"PyInstaller finished but {_shown(path)} is missing")
    return programs


def smoke_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"  # no display on build machines
    # no PYTHONIOENCODING: a frozen app ignores it; UTF-8 output comes from the spec's `X utf8` option
    env["SVYAZKA_DATA_DIR"] = str(data_dir)  # never touch the build user's real data folder
    env["SVYAZKA_SELF_CHECK_GUI"] = "1"  # also start Qt widgets offscreen: proves the bundled plugins load
    return env


@dataclass(frozen=True)
class ProgramRun:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).rstrip()


def run_program(
    args: Sequence[str], env: dict[str, str], timeout: int, what: str, ok_codes: Sequence[int] = (0,)
) -> ProgramRun:
    """Run a frozen program, echo its output indented, and fail the build on an unexpected exit code."""
    print(f"smoke: {what}: {' '.join(Path(args[0]).name if i == 0 else a for i, a in enumerate(args))}", flush=True)
    started = time.perf_counter()
    try:
        result = subprocess.run(
            list(args), env=env, capture_output=True, timeout=timeout, text=True, encoding="utf-8", errors="replace"
        )
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"{what} did not finish within {timeout} s") from exc
    run = ProgramRun(result.returncode, result.stdout, result.stderr)
    for line in run.output.splitlines():
        print(f"    {line}")
    if run.returncode not in ok_codes:
        last = run.output.splitlines()[-1] if run.output else "no output"
        raise BuildError(f"{what} failed (exit code {run.returncode}): {last}")
    print(f"    ({time.perf_counter() - started:.1f} s)")
    return run


def cli_has_sync_command(help_text: str) -> bool:
    """True when ``svyazka-cli --help`` lists a ``sync`` subcommand (argparse prints ``{a,sync,b}`` or a list)."""
    for choices in re.findall(r"\{([^{}]*)\}", help_text):
        if "sync" in (choice.strip() for choice in choices.split(",")):
            return True
    return re.search(r"^\s{2,}sync\b", help_text, re.MULTILINE) is not None


def run_demo_sync_smoke(programs: Programs, env: dict[str, str]) -> str:
    """One full demo-mode sync from the frozen CLI, headless: the end-to-end proof the bundle can do its job.

    Until the CLI has a ``sync`` command this reports "skipped" (nothing to run yet). Once it has one, the
    frozen CLI runs ``DEMO_SYNC_ARGS`` against the built-in demo shop and must finish (exit 0, or 1 for
    "finished with conflicts to look at": the demo shop has deliberate duplicates) and print its JSON
    result. If the CLI lacks an option this hook uses, the build fails and says so, so the hook can never
    pass silently against a CLI it does not understand.
    """
    top_help = run_program([str(programs.cli), "--help"], env, SMOKE_TIMEOUT_S, "CLI help").stdout
    if not cli_has_sync_command(top_help):
        return "skipped: the CLI has no 'sync' command yet"
    sync_help = run_program([str(programs.cli), "sync", "--help"], env, SMOKE_TIMEOUT_S, "sync command help").stdout
    missing = [arg for arg in DEMO_SYNC_ARGS if arg.startswith("--") and arg not in top_help + sync_help]
    if missing:
        raise BuildError(
            f"the CLI has no {', '.join(missing)} option; update DEMO_SYNC_ARGS in build_scripts/build.py "
            "to the command that runs one headless demo sync"
        )
    run = run_program(
        [str(programs.cli), *DEMO_SYNC_ARGS], env, DEMO_SYNC_TIMEOUT_S, "demo sync", ok_codes=DEMO_SYNC_OK_CODES
    )
    if "Traceback (most recent call last)" in run.stderr:
        # A frozen program that dies of an exception exits 1, which looks like "finished with conflicts".
        last = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("[PYI-")]
        raise BuildError(f"the demo sync crashed: {last[-1].strip() if last else 'see the traceback above'}")
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    try:
        result = json.loads(lines[-1]) if lines else None
    except ValueError:
        result = None
    if not isinstance(result, dict):
        raise BuildError("the demo sync finished but did not print its JSON result")
    if result.get("ok") is False:
        raise BuildError(f"the demo sync reported an error: {result.get('error', 'no details')}")
    return "passed" if run.returncode == 0 else "passed (finished with conflicts to look at, as the demo shop has)"


def smoke_test(programs: Programs, version: str) -> None:
    with tempfile.TemporaryDirectory(prefix="svyazka-smoke-") as data_dir:
        env = smoke_env(Path(data_dir))
        output = run_program([str(programs.cli), "--version"], env, SMOKE_TIMEOUT_S, "CLI version").output
        if version not in output:
            raise BuildError(f"svyazka-cli --version printed {output!r}, expected version {version}")
        run_program([str(programs.cli), "--self-check"], env, SMOKE_TIMEOUT_S, "CLI self-check")
        if sys.platform == "win32":
            # A windowed exe has no stdout, and an unexpected error there opens a dialog that would hang CI.
            print("smoke: GUI self-check: skipped on Windows (windowed program; the CLI shares all its libraries)")
        else:
            run_program([str(programs.gui), "--self-check"], env, SMOKE_TIMEOUT_S, "GUI self-check")
        print(f"smoke: demo sync: {run_demo_sync_smoke(programs, env)}")


def check_size(folder: Path, max_size_mb: float) -> float:
    size_mb = helpers.folder_size_bytes(folder) / (1024 * 1024)
    print(f"size: {_shown(folder)} is {size_mb:.1f} MB (limit {max_size_mb:.0f} MB)")
    if size_mb > max_size_mb:
        raise BuildError(f"the one-folder build is {size_mb:.1f} MB, over the {max_size_mb:.0f} MB limit")
    return size_mb


def platform_tag() -> str:
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    machine = platform.machine().lower().replace("amd64", "x86_64").replace("aarch64", "arm64")
    return f"{system}-{machine}"


def make_archive(folder: Path, version: str) -> Path:
    """A portable archive of the one-folder build (the Linux release artifact), next to the folder."""
    base = folder.parent / f"{helpers.APP_NAME}-{version}-{platform_tag()}"
    if sys.platform == "win32":
        target = Path(f"{base}.zip")  # not with_suffix: the version's dots would be taken for a suffix
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(folder.rglob("*")):
                archive.write(path, Path(folder.name) / path.relative_to(folder))
    else:
        target = Path(f"{base}.tar.gz")
        with tarfile.open(target, "w:gz") as archive:
            archive.add(folder, arcname=folder.name)  # keeps symlinks and the executable bits
    print(f"archive: {_shown(target)} ({target.stat().st_size / (1024 * 1024):.1f} MB)")
    return target


# --- entry point --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Build the one-folder Svyazka app and smoke-test it.")
    parser.add_argument("--clean", action="store_true", help="remove previous build output and PyInstaller's cache")
    parser.add_argument("--skip-smoke", action="store_true", help="do not run the frozen programs afterwards")
    parser.add_argument(
        "--max-size-mb",
        type=float,
        default=DEFAULT_MAX_SIZE_MB,
        help=f"fail if the one-folder build is bigger (default {DEFAULT_MAX_SIZE_MB:.0f})",
    )
    parser.add_argument("--archive", action="store_true", help="also pack the folder into dist/ (.tar.gz or .zip)")
    parser.add_argument("--dist-dir", type=Path, default=DIST, help="where the app folder goes (default: dist/)")
    parser.add_argument(
        "--work-dir", type=Path, default=WORK, help="PyInstaller's scratch folder (default: build/pyinstaller/)"
    )
    return parser


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it (shorter output), absolute otherwise."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        pyinstaller_version = require_pyinstaller()
        version = helpers.read_version(ROOT)
        print(f"building {helpers.APP_NAME} {version} with PyInstaller {pyinstaller_version} on {platform_tag()}")
        dist, work = args.dist_dir.resolve(), args.work_dir.resolve()
        if args.clean:
            for path in (work, dist / helpers.APP_NAME, dist / f"{helpers.APP_NAME}.app"):
                shutil.rmtree(path, ignore_errors=True)
        compile_translations()
        warnings = run_pyinstaller(args.clean, dist, work)
        programs = locate_programs(dist)
        check_size(programs.folder, args.max_size_mb)
        if args.skip_smoke:
            print("smoke: skipped (--skip-smoke)")
        else:
            smoke_test(programs, version)
        if args.archive:
            make_archive(programs.folder, version)
    except BuildError as exc:
        print(f"BUILD FAILED: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, subprocess.SubprocessError) as exc:  # a disk, permission or file-format problem
        print(f"BUILD FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"pyinstaller warnings: {len(warnings)}" + (" (see above)" if warnings else ""))
    for line in warnings:
        print(f"    {line}")
    print(f"BUILD OK in {time.perf_counter() - started:.0f} s: {_shown(programs.folder)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
