"""Translations of the desktop app: extract, compile, check.

    python -m app.ui.tools.i18n update    # pyside6-lupdate: app/ui/**/*.py → resources/i18n/svyazka_{ru,en}.ts
    python -m app.ui.tools.i18n compile   # pyside6-lrelease: the .ts files → app/resources/i18n/svyazka_{ru,en}.qm
    python -m app.ui.tools.i18n check     # every Russian string translated, and the .qm files up to date

Russian (``svyazka_ru.ts``) holds every string. English is the source language, so ``svyazka_en.ts`` holds
only the plural forms ("%n pair(s)" → "1 pair" / "5 pairs"). Translators edit the .ts files (Qt Linguist or
any XML editor); the compiled .qm files are committed so a fresh checkout shows Russian.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SOURCES = ROOT / "app" / "ui"
TS_DIR = ROOT / "resources" / "i18n"
QM_DIR = ROOT / "app" / "resources" / "i18n"
CATALOGS = {"ru": "ru_RU", "en": "en_US"}


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    # next to the running interpreter (a venv whose bin/ is not on PATH)
    candidate = Path(sys.executable).with_name(name)
    if candidate.exists():
        return str(candidate)
    raise SystemExit(f"{name} was not found: install PySide6 (it ships the Qt Linguist tools)")


def source_files() -> list[Path]:
    return sorted(p for p in SOURCES.rglob("*.py") if "tools" not in p.relative_to(SOURCES).parts)


def ts_path(language: str) -> Path:
    return TS_DIR / f"svyazka_{language}.ts"


def qm_path(language: str) -> Path:
    return QM_DIR / f"svyazka_{language}.qm"


def update(target_dir: Path | None = None) -> None:
    """Extract the strings; existing translations are kept, vanished strings dropped."""
    folder = target_dir or TS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in source_files()]
    for language, locale in CATALOGS.items():
        target = folder / ts_path(language).name
        command = [_tool("pyside6-lupdate"), *files, "-no-obsolete", "-locations", "none", "-silent"]
        command += ["-source-language", "en_US", "-target-language", locale]
        if language == "en":
            command.append("-pluralonly")
        subprocess.run([*command, "-ts", str(target)], check=True, cwd=ROOT)


def compile_to(language: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [_tool("pyside6-lrelease"), str(ts_path(language)), "-qm", str(target), "-silent"], check=True, cwd=ROOT
    )


def compile_all() -> None:
    for language in CATALOGS:
        compile_to(language, qm_path(language))


def unfinished(language: str, folder: Path | None = None) -> list[str]:
    """Source texts without a finished translation."""
    tree = ET.parse((folder or TS_DIR) / ts_path(language).name)
    missing = []
    for message in tree.iter("message"):
        translation = message.find("translation")
        source = message.findtext("source") or ""
        if translation is None or translation.get("type") in ("unfinished", "vanished", "obsolete"):
            missing.append(source)
            continue
        if message.get("numerus") == "yes":
            texts = [(form.text or "").strip() for form in translation.findall("numerusform")]
        else:
            texts = [(translation.text or "").strip()]
        if not texts or not all(texts):
            missing.append(source)
    return missing


def check() -> list[str]:
    problems = [f"svyazka_ru.ts: not translated: {text!r}" for text in unfinished("ru")]
    problems += [f"svyazka_en.ts: plural forms missing: {text!r}" for text in unfinished("en")]
    with tempfile.TemporaryDirectory() as scratch:
        # the sources may hold strings the .ts files do not have yet: extract into copies and look
        copies = Path(scratch) / "ts"
        copies.mkdir()
        for language in CATALOGS:
            shutil.copy(ts_path(language), copies / ts_path(language).name)
        update(copies)
        problems += [f"new in the sources, not in svyazka_ru.ts: {text!r}" for text in unfinished("ru", copies)]
        problems += [f"new plural in the sources, not in svyazka_en.ts: {text!r}" for text in unfinished("en", copies)]
    with tempfile.TemporaryDirectory() as folder:
        for language in CATALOGS:
            fresh = Path(folder) / f"{language}.qm"
            compile_to(language, fresh)
            if not qm_path(language).exists() or fresh.read_bytes() != qm_path(language).read_bytes():
                problems.append(f"{qm_path(language).name} is out of date: run 'python -m app.ui.tools.i18n compile'")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    else:
        problems = check()
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
