"""Hold a real account's answer-shape journal (:mod:`app.clients.shape_journal`, from a support bundle) against
the sandbox: ``python -m app.sandbox.shapes compare BUNDLE.zip|JOURNAL.json``.

The sandbox side is made the same way a shop's journal is: a sync of a sandbox shop through the real clients,
with the journal kept (:func:`sandbox_journal`). Then, per endpoint both called, every key, JSON type (null and
empty told apart from present) and enum value one side gave and the other did not is one line
(:func:`differences`): ``real-only`` is what the sandbox should learn, ``sandbox-only`` what the sandbox says
that the real service did not (in the answers the journal saw). Endpoints only one side called are listed
apart: they cannot be compared.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clients.shape_journal import FOLDER, VERSION, journal_path, load, merge

REAL, SANDBOX = "real-only", "sandbox-only"


@dataclass(frozen=True)
class Comparison:
    differences: list[str]  # "real-only retailcrm GET reference/stores stores[].inventoryType = \"available\""
    only_real: list[str]  # "retailcrm GET orders/{id}": endpoints the sandbox run never called
    only_sandbox: list[str]
    compared: list[str]


def load_any(path: Path) -> dict[str, Any]:
    """A journal from a support bundle (its ``shapes/*.json`` merged) or from a journal file."""
    path = Path(path)
    if zipfile.is_zipfile(path):
        journal: dict[str, Any] = {"version": VERSION, "services": {}}
        with zipfile.ZipFile(path) as archive:
            for name in sorted(archive.namelist()):
                if name.startswith(f"{FOLDER}/") and name.endswith(".json"):
                    data = json.loads(archive.read(name).decode("utf-8"))
                    if isinstance(data, dict) and data.get("version") == VERSION:
                        merge(journal, data)
        return journal
    if not path.is_file():
        raise FileNotFoundError(path)
    return load(path)


def sandbox_journal(options: Any = None) -> dict[str, Any]:
    """The journal of one sync of a sandbox shop (``options``: :class:`SandboxOptions`), every flow, writes
    allowed, in a temporary data folder with the settings ``svyazka setup --auto`` would save."""
    from app.clients.moysklad import MoySkladClient
    from app.clients.retailcrm import RetailCrmClient
    from app.paths import database_path
    from app.runner.build import close_engine, engine_for_profile
    from app.sandbox.sandbox import Sandbox, SandboxOptions
    from app.secrets import SecretStore
    from app.store import Database
    from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings
    from app.sync.model import SafetyPolicy

    class _Keys(SecretStore):  # the sandbox's own keys: nothing goes to (or comes from) a keyring
        def __init__(self, sandbox: Sandbox) -> None:
            super().__init__(memory_only=True)
            self._sandbox = sandbox

        def get_retailcrm_key(self, account_url: str) -> str | None:
            return str(self._sandbox.retailcrm.api_key)

        def get_moysklad_token(self, account: str) -> str | None:
            return str(self._sandbox.moysklad.token)

    with Sandbox(options or SandboxOptions(rate_limit=False)) as sandbox, tempfile.TemporaryDirectory() as folder:
        db = Database.open(database_path(Path(folder)))
        try:
            with (
                RetailCrmClient(sandbox.retailcrm_url, sandbox.retailcrm.api_key) as rc_client,
                MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url) as ms_client,
            ):
                rc, ms = check_retailcrm(rc_client), check_moysklad(ms_client)
            profile = db.profiles.create("sandbox", rc.url, sandbox.moysklad_url, sandbox.moysklad.login)
            db.settings(profile.id).save_sync(suggest_settings(rc, ms).settings)
            engine = engine_for_profile(db, profile.id, _Keys(sandbox))
            try:
                engine.run(trigger="cli", safety_policy=SafetyPolicy.ALLOW)
            finally:
                close_engine(engine)  # saves the journal
            return load(journal_path(Path(folder), profile.id))
        finally:
            db.close()


def compare(real: Mapping[str, Any], sandbox: Mapping[str, Any]) -> Comparison:
    found: list[str] = []
    only_real: list[str] = []
    only_sandbox: list[str] = []
    compared: list[str] = []
    real_services, ours = real.get("services", {}), sandbox.get("services", {})
    for service in sorted(set(real_services) | set(ours)):
        mine, theirs = ours.get(service, {}), real_services.get(service, {})
        for endpoint in sorted(set(mine) | set(theirs)):
            label = f"{service} {endpoint}"
            if endpoint not in mine:
                only_real.append(label)
            elif endpoint not in theirs:
                only_sandbox.append(label)
            else:
                compared.append(label)
                _compare_node(theirs[endpoint].get("body", {}), mine[endpoint].get("body", {}), "", label, found)
                _compare_endpoint(theirs[endpoint], mine[endpoint], label, found)
    return Comparison(found, only_real, only_sandbox, compared)


def _sides(real: Any, ours: Any) -> list[tuple[str, Any, Any]]:
    return [(REAL, real, ours), (SANDBOX, ours, real)]


def _compare_endpoint(real: Mapping[str, Any], ours: Mapping[str, Any], label: str, found: list[str]) -> None:
    for side, have, other in _sides(real, ours):
        for status in sorted(set(have.get("statuses", {})) - set(other.get("statuses", {}))):
            found.append(f"{side} {label} HTTP {status}")
        for code in sorted(set(have.get("errors", {})) - set(other.get("errors", {}))):
            found.append(f"{side} {label} error code {code}")
        for name, header in sorted(have.get("headers", {}).items()):
            there = other.get("headers", {}).get(name)
            if there is None:
                found.append(f"{side} {label} header {name}")
                continue
            for value in sorted(set(header.get("values", {})) - set(there.get("values", {}))):
                found.append(f"{side} {label} header {name} = {json.dumps(value, ensure_ascii=False)}")


def _compare_node(real: Mapping[str, Any], ours: Mapping[str, Any], path: str, label: str, found: list[str]) -> None:
    shown = path or "(the answer)"
    for side, have, other in _sides(real, ours):
        for kind in sorted(set(have.get("types", {})) - set(other.get("types", {}))):
            found.append(f"{side} {label} {shown}: {kind}")
        if not other.get("values_capped"):
            for value in sorted(set(have.get("values", {})) - set(other.get("values", {}))):
                found.append(f"{side} {label} {shown} = {json.dumps(value, ensure_ascii=False)}")
        for key in sorted(set(have.get("keys", {})) - set(other.get("keys", {}))):
            found.append(f"{side} {label} {_join(path, key)}: key")
    real_keys, our_keys = real.get("keys", {}), ours.get("keys", {})
    for key in sorted(set(real_keys) & set(our_keys)):
        _compare_node(real_keys[key], our_keys[key], _join(path, key), label, found)
    if "items" in real and "items" in ours:
        mark = "{}" if real.get("map") or ours.get("map") else "[]"
        _compare_node(real["items"], ours["items"], f"{path}{mark}", label, found)
    else:
        for side, have, _other in _sides(real, ours):
            if "items" in have and "items" not in _other:
                found.append(f"{side} {label} {shown}[]: elements")


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def matches(line: str, pattern: str) -> bool:
    """``*`` in ``pattern`` is any text; everything else is itself (``[]`` of a path included)."""
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), line) is not None


def unexplained(found: Sequence[str], known: Mapping[str, str]) -> list[str]:
    """The lines no pattern of ``known`` (patterns for :func:`matches` → the reason each is accepted) covers."""
    return [line for line in found if not any(matches(line, pattern) for pattern in known)]


def report(result: Comparison) -> str:
    lines: list[str] = []
    current = ""
    for line in result.differences:
        side, rest = line.split(" ", 1)
        service, method, endpoint, what = rest.split(" ", 3)
        label = f"{service} {method} {endpoint}"
        if label != current:
            lines.append(label)
            current = label
        lines.append(f"  {'есть только в настоящем' if side == REAL else 'есть только в песочнице'}: {what}")
    if not result.differences:
        lines.append(f"Отличий нет: сравнено конечных точек — {len(result.compared)}.")
    if result.only_real:
        lines.append("Песочница не вызывала (сравнить нельзя): " + ", ".join(result.only_real))
    if result.only_sandbox:
        lines.append("В журнале нет ответов (сравнить нельзя): " + ", ".join(result.only_sandbox))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from app.sandbox.sandbox import SandboxOptions

    parser = argparse.ArgumentParser(prog="python -m app.sandbox.shapes")
    commands = parser.add_subparsers(dest="command", required=True)
    cmd = commands.add_parser("compare", help="compare a support bundle's (or a journal's) answer shapes with "
                              "the sandbox's")
    cmd.add_argument("source", type=Path, help="a support bundle (.zip) or a journal (.json)")
    cmd.add_argument("--products", type=int, default=None, help="the sandbox shop's size (default: its own)")
    cmd.add_argument("--orders", type=int, default=None)
    cmd.add_argument("--account", choices=("tidy", "lived-in"), default="tidy")
    cmd.add_argument("--json", action="store_true", help="the lines as JSON")
    args = parser.parse_args(argv)
    try:
        real = load_any(args.source)
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        print(f"Не удалось прочитать {args.source}: {exc}", file=sys.stderr)
        return 2
    sizes = {k: v for k, v in (("products", args.products), ("orders", args.orders)) if v is not None}
    options = SandboxOptions(rate_limit=False, account=args.account, **sizes)
    result = compare(real, sandbox_journal(options))
    if args.json:
        print(json.dumps({"differences": result.differences, "only_real": result.only_real,
                          "only_sandbox": result.only_sandbox}, ensure_ascii=False, indent=1))
    else:
        print(report(result))
    return 1 if result.differences else 0
