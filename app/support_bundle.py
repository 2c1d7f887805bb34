"""The support bundle: one zip a shop can send to Svyazka's developers (``svyazka support-bundle``, Help menu).

It holds the answer-shape journal (:mod:`app.clients.shape_journal`), the app and OS versions, the settings
without keys, the last runs' summaries and journal lines and the technical logs (:mod:`app.techlog`), every
text redacted by :class:`app.redact.PersonalMasker`: registered secrets, e-mails, phones, and the names of
customers and counterparties. Keys never reach it: they live in the keyring only (:mod:`app.secrets`), and any
that slipped into a text are masked. No Qt and no HTTP here: the window and the CLI both call
:func:`build_bundle`. See docs/SUPPORT.md.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import app
from app.clients.shape_journal import FOLDER as SHAPES_FOLDER
from app.clients.shape_journal import load as load_journal
from app.paths import LOG_DIRNAME
from app.redact import PERSON_MASK, PersonalMasker
from app.store import Database

RUNS = 20  # the last runs' summaries
LOG_LINES = 3000  # the last journal lines (of every profile)
TECHLOG_TAIL = 2_000_000  # bytes from the end of each technical log file
PERSON_ENTITIES = ("counterparty", "customer")  # log lines whose subject (entity_ref) is a person's name
# settings that may name a person (an entrepreneur's company is their name) or carry a credential
_MASKED_SETTINGS = ("organization_name",)
_SECRET_WORDS = ("key", "token", "password", "secret")

README = f"""Отчёт Связки для разработчиков

Что внутри:
- about.json — версии Связки, Python и операционной системы;
- settings.json — настройки профилей без ключей и токенов;
- runs.json — итоги последних запусков;
- log.txt — последние строки журнала синхронизации;
- techlog/ — технические журналы;
- shapes/ — форма ответов RetailCRM и МойСклад: названия полей и их типы, без значений.

Ключи, токены, e-mail, телефоны и имена клиентов и контрагентов скрыты (заменены на «{PERSON_MASK}» или ***).
Файл никуда не отправлен: пришлите его разработчикам сами, если согласны.
"""


@dataclass(frozen=True)
class Bundle:
    path: Path
    entries: list[tuple[str, int]]  # name in the zip, size in bytes


def default_path(data_dir: Path, now: datetime | None = None) -> Path:
    """``<data folder>/support/svyazka-report-YYYYMMDD-HHMMSS.zip``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    return Path(data_dir) / "support" / f"svyazka-report-{stamp}.zip"


def build_bundle(db: Database, data_dir: Path, out: Path | None = None) -> Bundle:
    """Write the bundle (atomically: a temp file then a rename) and list what it holds."""
    data_dir = Path(data_dir)
    target = Path(out) if out is not None else default_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    profiles = db.profiles.list()
    records = db.log(None).query(limit=LOG_LINES)
    names = {r.entity_ref for r in records if r.entity_type in PERSON_ENTITIES and r.entity_ref}
    mask = PersonalMasker(names)
    files: dict[str, bytes] = {
        "README.txt": README.encode("utf-8"),
        "about.json": _json(_about()),
        "settings.json": _json([_profile_settings(db, p, mask) for p in profiles]),
        "runs.json": _json([_run(run, p.name, mask) for p in profiles for run in db.runs(p.id).recent(limit=RUNS)]),
        "log.txt": "\n".join(_log_line(r, mask) for r in reversed(records)).encode("utf-8"),
    }
    shapes = data_dir / SHAPES_FOLDER
    for journal in sorted(shapes.glob("*.json")) if shapes.is_dir() else []:
        # shapes hold no values but the capped enum codes; masked all the same, string by string (a JSON text
        # masked whole would lose its syntax to a pattern such as redact's `"apiKey": …`)
        files[f"shapes/{journal.name}"] = _json(_mask_json(load_journal(journal), mask))
    for logfile in _techlogs(data_dir):
        files[f"techlog/{logfile.name}"] = mask(_tail(logfile)).encode("utf-8")
    handle, temp = tempfile.mkstemp(prefix=".svyazka-report-", suffix=".tmp", dir=target.parent)
    os.close(handle)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return Bundle(target, [(name, len(content)) for name, content in files.items()])


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _about() -> dict[str, Any]:
    return {
        "app": app.APP_NAME,
        "version": app.__version__,
        "python": sys.version.split()[0],
        "os": platform.platform(),
        "machine": platform.machine(),
        "frozen": bool(getattr(sys, "frozen", False)),
    }


def _profile_settings(db: Database, profile: Any, mask: PersonalMasker) -> dict[str, Any]:
    settings = db.settings(profile.id).load_sync().to_json()
    for name in _MASKED_SETTINGS:
        if settings.get(name):
            settings[name] = PERSON_MASK
    clean = _drop_secrets(settings)
    return {
        "profile": mask(profile.name),
        "retailcrm_url": mask(profile.retailcrm_url),
        "moysklad_url": mask(profile.moysklad_url),
        # the MoySklad account is a login (user@account): an e-mail-like name, masked
        "settings": _mask_json(clean, mask),
    }


def _mask_json(value: Any, mask: PersonalMasker) -> Any:
    """Every string of a JSON value masked, keys included."""
    if isinstance(value, dict):
        return {mask(str(k)): _mask_json(v, mask) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_json(v, mask) for v in value]
    return mask(value) if isinstance(value, str) else value


def _drop_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("***" if any(w in str(k).lower() for w in _SECRET_WORDS) else _drop_secrets(v))
                for k, v in value.items()}
    if isinstance(value, list):
        return [_drop_secrets(v) for v in value]
    return value


def _run(run: Any, profile: str, mask: PersonalMasker) -> dict[str, Any]:
    return {
        "profile": mask(profile),
        "id": run.id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status,
        "trigger": run.trigger,
        "dry_run": run.dry_run,
        "counts": run.counts,
        "errors": run.errors,
        "conflicts": run.conflicts,
        "requests": run.requests,
        "message": mask(run.message),
        # run.host names the computer (often after its owner): left out
    }


def _log_line(record: Any, mask: PersonalMasker) -> str:
    ref = ""
    if record.entity_ref:
        ref = f" [{PERSON_MASK if record.entity_type in PERSON_ENTITIES else mask(record.entity_ref)}]"
    return mask(f"{record.ts.isoformat()} run={record.run_id} {record.level} {record.flow}{ref} {record.message}")


def _techlogs(data_dir: Path) -> list[Path]:
    folder = data_dir / LOG_DIRNAME  # not app.paths.log_dir: that one creates the folder
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and ".log" in p.name)


def _tail(path: Path) -> str:
    with path.open("rb") as file:
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(max(0, size - TECHLOG_TAIL))
        data = file.read()
    text = data.decode("utf-8", errors="replace")
    return text if size <= TECHLOG_TAIL else text.split("\n", 1)[-1]  # from a whole line on
