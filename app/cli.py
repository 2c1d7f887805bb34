"""The ``svyazka`` command (also ``python -m app``): the desktop app, and the same sync headless.

Without a command it opens the desktop app. The commands are the automation interface for cron and Task
Scheduler; their names, options and exit codes are stable (see docs/CLI.md):

* ``setup``     save a connection profile non-interactively (keys from the environment or a hidden prompt)
* ``sync``      run the sync: exit 0 ok, 1 finished with conflicts or errors, 2 could not run, 3 the profile is
  busy with another run (``--wait`` waits for it), 5 stopped by the safety check before writing (rerun with
  ``--yes`` once the figures are checked)
* ``status``    profile, last run, open conflicts
* ``conflicts`` list or resolve conflicts
* ``log``       read the run log
* ``check``     compare both services without writing (reconciliation): exit 0 all agree, 1 something differs
* ``repair``    put a damaged database aside and start a new one, keeping what can still be read from it
* ``schedule``  register the headless sync with the OS scheduler (install, remove, show), for when the app is closed
* ``autostart`` start the app at login, minimized to the tray (on, off, show)

Every command exits 0 ok, 1 finished with conflicts, 2 could not run, 3 another run holds this profile,
4 crashed (a bug: the details are in the technical log, whose path is printed), 5 held by the safety check.
No traceback reaches the console, and a closed or full stdout (``| head``, ``> /dev/full``) never stops a
run half-way.

``--demo`` runs any of them against the built-in demo shop (both services emulated on this computer).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import math
import os
import re
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import datetime
from typing import Any, TextIO

from app import APP_NAME, __version__
from app.vocab import ConflictKind, Master, MatchKey, ResolutionAction, StockType

EXIT_OK = 0
EXIT_PROBLEMS = 1  # finished, with conflicts or errors to look at
EXIT_FAILED = 2  # could not run (settings, connection, bad arguments)
EXIT_BUSY = 3  # another run of the same profile is going on (app/store/run_lock.py); nothing was done
EXIT_CRASHED = 4  # a bug of ours: one sentence on stderr, the traceback in the technical log (app/techlog.py)
EXIT_HELD = 5  # the safety check before writing stopped the run: nothing more was written; check, then --yes

DEFAULT_PROFILE = "default"
ENV_RETAILCRM_KEY = "SVYAZKA_RETAILCRM_API_KEY"
ENV_MOYSKLAD_TOKEN = "SVYAZKA_MOYSKLAD_TOKEN"
ENV_MOYSKLAD_PASSWORD = "SVYAZKA_MOYSKLAD_PASSWORD"
ENV_SMTP_PASSWORD = "SVYAZKA_SMTP_PASSWORD"  # svyazka alerts setup --smtp-password (app/alerts)
ENV_TELEGRAM_TOKEN = "SVYAZKA_TELEGRAM_TOKEN"  # svyazka alerts setup --telegram-token
FLOW_NAMES = ("catalog", "stock", "prices", "orders")
MATCH_KEYS = tuple(key.value for key in MatchKey)  # plain strings: argparse shows their repr in its errors
SQLITE_MAX_INT = 2**63 - 1  # ids and limits go to SQLite, which refuses anything bigger (OverflowError)
MAX_FIRST_SYNC_DAYS = 3650  # ten years: more is a typo, and a date that far back overflows


class CliError(Exception):
    """A problem the person running the command can fix; printed as one line, exit code 2."""


# --- argument parsing --------------------------------------------------------------------------------------


def _whole(low: int, high: int = SQLITE_MAX_INT, hint: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``, refused in a Russian sentence (exit 2)."""

    def parse(text: str) -> int:
        shown = text if len(text) <= 30 else text[:27] + "…"
        try:
            value = int(text.strip())
        except ValueError:  # also a number of more than 4300 digits
            raise argparse.ArgumentTypeError(f"нужно целое число, а получено «{shown}»{hint}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"нужно целое число от {low} до {high}, а получено {shown}{hint}")
        return value

    return parse


# setup's options for the safety check's thresholds (app/sync/safety.py): option, metavar, help; 0 = off
_SAFETY_OPTIONS = (
    ("--safety-min-linked-percent", "PERCENT", "ask when the match key links less than this share of either "
     "catalog (default 50; 0 = off)"),
    ("--safety-max-unlinked-percent", "PERCENT", "ask when a run would drop more than this share of the links "
     "(default 20; 0 = off)"),
    ("--safety-max-new-products", "N", "ask when a run would create more products than this (default 50; 0 = off)"),
    ("--safety-max-shipments", "N", "ask when a run would post more shipments than this (default 50; 0 = off)"),
    ("--safety-max-zeroed-percent", "PERCENT", "ask when a run would zero more than this share of the stock "
     "values above zero (default 20; 0 = off)"),
    ("--safety-min-items", "N", "judge shares only from this many items on, and call a read suspect only when "
     "the last run saw this many (default 20)"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svyazka",
        description=f"{APP_NAME}: keeps RetailCRM and MoySklad in sync. Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--data-dir", help="where Svyazka keeps its database (default: the user data folder)")
    parser.add_argument("--profile", default=None, help=f"connection profile name (default: {DEFAULT_PROFILE!r})")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use the built-in demo shop (both services emulated on this computer, no accounts needed)",
    )
    parser.add_argument("--lang", choices=("ru", "en"), help="language of the app's window (default: Russian)")
    parser.add_argument(
        "--minimized",
        "--tray",
        action="store_true",
        help="open the app minimized to the tray (how it starts at login: svyazka autostart on)",
    )
    parser.add_argument(
        "--self-check",
        action="store_true",
        help="check that this installation works (Qt, SQLite, keyring, demo services) and exit",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    setup = commands.add_parser("setup", help="save a connection profile (non-interactive)")
    setup.add_argument(
        "--retailcrm-url", required=False, help="RetailCRM account address, e.g. https://shop.retailcrm.ru"
    )
    setup.add_argument("--moysklad-url", default=None, help="MoySklad API address (default: the real service)")
    setup.add_argument(
        "--moysklad-login",
        default=None,
        help="log in with a login (password from a prompt or "
        f"{ENV_MOYSKLAD_PASSWORD}) instead of a token; this revokes the user's other tokens",
    )
    setup.add_argument("--organization", help="MoySklad organization (name or id)")
    setup.add_argument(
        "--store",
        action="append",
        default=[],
        metavar='"MS STORE=RC STORE CODE"',
        help="pair a MoySklad warehouse with a RetailCRM store (repeatable)",
    )
    setup.add_argument(
        "--price",
        action="append",
        default=[],
        metavar='"MS PRICE TYPE=RC PRICE CODE"',
        help="pair a MoySklad price type with a RetailCRM price type (repeatable)",
    )
    setup.add_argument(
        "--status",
        action="append",
        default=[],
        metavar='"RC STATUS CODE=MS STATE NAME"',
        help="map a RetailCRM order status to a MoySklad state (repeatable)",
    )
    setup.add_argument(
        "--payment-document",
        action="append",
        default=[],
        metavar='"RC PAYMENT TYPE CODE=paymentin|cashin|skip"',
        help="the MoySklad document a paid payment of this type becomes (repeatable; default: cash → cashin, "
        "other types → paymentin)",
    )
    setup.add_argument(
        "--order-attribute",
        action="append",
        default=[],
        metavar='"NAME=field:deliveryType|const:VALUE|none"',
        help="fill a MoySklad customer order additional field (NAME as MoySklad shows it) from a RetailCRM order "
        "field (deliveryType, paymentType, orderMethod, site, manager, number, customFields.CODE), a constant, "
        "or leave it empty (repeatable; --auto maps fields by their names)",
    )
    setup.add_argument("--export-statuses", help="RetailCRM status codes whose orders go to MoySklad, comma-separated")
    setup.add_argument("--shipment-status", help="RetailCRM status code at which a shipment is created")
    setup.add_argument(
        "--return-statuses",
        help="RetailCRM status codes that bring a shipped order's goods back (a sales return), comma-separated; "
        "empty: never; default: the statuses of the cancel group",
    )
    setup.add_argument(
        "--statuses-back", choices=("on", "off"),
        help="carry MoySklad order states back to RetailCRM statuses (the reverse status map; default: off)",
    )
    setup.add_argument(
        "--shipped-in-ms-status",
        help="with the statuses back: the RetailCRM status an order gets when the warehouse ships it in MoySklad",
    )
    setup.add_argument("--match-key", choices=MATCH_KEYS, help="how products are matched (default: article)")
    setup.add_argument(
        "--match-field",
        metavar="article|xml-id|external-id|barcode|property:CODE",
        help="the RetailCRM offer field the match key is compared with (default: the key's usual field; "
        "RetailCRM's own MoySklad module keeps the MoySklad code in the offer property «code»: property:code)",
    )
    setup.add_argument("--master", choices=tuple(m.value for m in Master), help="which system owns the catalog")
    setup.add_argument(
        "--stock-type", choices=("stock", "free-stock"), help="send stock or free stock (stock − reserve)"
    )
    setup.add_argument("--site", help="RetailCRM shop (site) code, when the key sees several")
    setup.add_argument(
        "--exclude-folder",
        action="append",
        default=[],
        metavar="FOLDER",
        help="a MoySklad product folder (name, path like Одежда/Худи, or id) whose products, subfolders included, "
        "are not linked, created or counted (repeatable; default: the whole assortment)",
    )
    setup.add_argument(
        "--first-sync-days",
        type=_whole(0, MAX_FIRST_SYNC_DAYS, " (0 — выгрузить все заказы)"),
        metavar="DAYS",
        help="the first sync exports orders created in the last DAYS days only (default 30; 0 = every order)",
    )
    for option, metavar, text in _SAFETY_OPTIONS:
        setup.add_argument(option, type=int, metavar=metavar, help=f"safety check before writing: {text}")
    setup.add_argument(
        "--auto", action="store_true", help="fill everything not given with the suggestions the setup wizard would show"
    )

    sync = commands.add_parser("sync", help="run the sync")
    sync.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    sync.add_argument("--only", help=f"comma-separated flows: {','.join(FLOW_NAMES)} (default: all)")
    sync.add_argument("--full", action="store_true", help="full pass instead of changes since the last run")
    sync.add_argument("--json", action="store_true", help="print one JSON object with the result")
    sync.add_argument(
        "--yes",
        action="store_true",
        help="write even when the safety check before writing finds the plan suspicious (without it: exit 5)",
    )
    sync.add_argument(
        "--wait",
        nargs="?",
        type=_wait_seconds,
        const=math.inf,
        default=0.0,
        metavar="SECONDS",
        help="when another run of this profile is going on, wait for it to end (up to SECONDS; without a number: "
        "as long as it takes) instead of exiting with 3",
    )
    sync.add_argument(
        "--scheduled",
        action="store_true",
        help="this run was started by the OS scheduler (svyazka schedule install): the history shows it as such, "
        "and a busy profile skips it with a line in the journal",
    )

    status = commands.add_parser("status", help="profile, last run, open conflicts")
    status.add_argument("--json", action="store_true")
    status.add_argument(
        "--max-age-minutes",
        type=_whole(1),
        metavar="N",
        help="for monitoring: exit 1 when the last successful run finished more than N minutes ago (or never)",
    )

    schedule = commands.add_parser(
        "schedule", help="sync on the OS scheduler even when the app is closed (Task Scheduler, launchd, systemd, cron)"
    )
    schedule.add_argument("schedule_command", choices=("install", "remove", "show"), metavar="install|remove|show")
    schedule.add_argument(
        "--every-minutes",
        type=_whole(1, 24 * 60),
        metavar="N",
        help="run every N minutes (default: the profile's schedule setting, else 15)",
    )
    schedule.add_argument("--json", action="store_true")

    autostart = commands.add_parser("autostart", help="start the app at login, minimized to the tray")
    autostart.add_argument("autostart_command", choices=("on", "off", "show"), metavar="on|off|show")
    autostart.add_argument("--json", action="store_true")

    conflicts = commands.add_parser("conflicts", help="list or resolve conflicts")
    conflict_cmds = conflicts.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    listing = conflict_cmds.add_parser("list", help="list conflicts (open by default)")
    listing.add_argument("--kind", help="only this kind (e.g. duplicate_key)")
    listing.add_argument("--all", action="store_true", help="also resolved and ignored ones")
    listing.add_argument("--json", action="store_true")
    listing.add_argument("--lang", choices=("ru", "en"), default="ru", help="language of the titles (default ru)")
    resolve = conflict_cmds.add_parser("resolve", help="remember a decision; it applies from the next sync")
    resolve.add_argument("id", type=_whole(1), help="conflict number (see 'conflicts list')")
    actions = (*(a.value for a in ResolutionAction if a is not ResolutionAction.GONE), "reopen")
    resolve.add_argument("--action", required=True, choices=actions)
    resolve.add_argument("--ms-id", help="MoySklad id (for pick and link): one of the conflict's candidates")
    resolve.add_argument("--rc-id", help="RetailCRM offer id (for pick and link): one of the conflict's candidates")
    resolve.add_argument(
        "--force",
        action="store_true",
        help="accept an id that is not among the conflict's candidates, once the service confirms it exists",
    )

    check = commands.add_parser(
        "check", help="compare RetailCRM with MoySklad without writing (exit 1 when anything differs)"
    )
    check.add_argument("--json", action="store_true", help="print one JSON object with the counts and differences")

    icml = commands.add_parser("icml", help="write the MoySklad catalog as an ICML file for RetailCRM to load")
    icml.add_argument("--out", metavar="FILE", help="the file (default: svyazka-catalog.xml in the settings' folder)")

    log = commands.add_parser("log", help="read the run log")
    log.add_argument("--run", type=_whole(1), help="only this run (default: the last one)")
    log.add_argument("--all-runs", action="store_true", help="every run, newest first")
    log.add_argument("--level", choices=("debug", "info", "warning", "error"), help="this level and above")
    log.add_argument("--flow", choices=(*FLOW_NAMES, "statuses", "system"))
    log.add_argument("--limit", type=_whole(0), default=200)
    log.add_argument("--json", action="store_true")
    log.add_argument("--lang", choices=("ru", "en"), default="ru", help="language of the lines (default ru)")

    _alerts_parser(commands)

    repair = commands.add_parser(
        "repair",
        help="a damaged database: put it aside (kept), start a new one with the profiles, settings and conflict "
        "decisions still readable from it; the next sync finds the links again in both services",
    )
    repair.add_argument("--force", action="store_true", help="rebuild even when SQLite finds no damage")

    bundle = commands.add_parser("support-bundle", help="write a zip for Svyazka's developers: versions, settings "
                                 "without keys, redacted logs, the shape of the services' answers (docs/SUPPORT.md)")
    bundle.add_argument("--out", metavar="FILE", help="where to write it (default: <data folder>/support/…zip)")
    return parser


def _alerts_parser(commands: Any) -> None:
    from app.alerts.config import EVENTS

    alerts = commands.add_parser("alerts", help="e-mail and Telegram alerts about failed runs, conflicts, keys")
    actions = alerts.add_subparsers(dest="alerts_command", metavar="ACTION", required=True)
    actions.add_parser("test", help="send a test message to every configured channel")
    setup = actions.add_parser("setup", help="set the channels and events (without options: show them)")
    setup.add_argument("--smtp-host", help="SMTP server (STARTTLS on any port but 465, TLS on 465)")
    setup.add_argument("--smtp-port", type=_whole(1, 65535))
    setup.add_argument("--smtp-user", help="SMTP login (empty: no login)")
    setup.add_argument("--smtp-password", action="store_true",
                       help=f"store the SMTP password in the keyring (from {ENV_SMTP_PASSWORD} or a prompt)")
    setup.add_argument("--smtp-from", help="sender address (default: the login)")
    setup.add_argument("--smtp-to", help="recipients, comma-separated")
    setup.add_argument("--no-email", action="store_true", help="stop sending e-mail")
    setup.add_argument("--telegram-token", action="store_true",
                       help=f"store the bot token in the keyring (from {ENV_TELEGRAM_TOKEN} or a prompt)")
    setup.add_argument("--telegram-chat-id", help="the chat (or group) the bot writes to")
    setup.add_argument("--telegram-api", help=argparse.SUPPRESS)  # a local Bot API server, tests
    setup.add_argument("--no-telegram", action="store_true", help="stop sending to Telegram")
    setup.add_argument("--events", help=f"comma-separated events to alert on: {','.join(EVENTS)}")
    setup.add_argument("--stale-hours", type=_whole(0, 24 * 365), help="alert after N hours without a successful "
                       "run (0: never)")
    setup.add_argument("--digest", action=argparse.BooleanOptionalAction, help="a summary once a day")


def _wait_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"ждёт число секунд, а получено «{text}»") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"ждёт число секунд не меньше 0, а получено «{text}»")
    return value


# --- entry point -------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command and return its exit code; never lets a traceback reach the console."""
    from app.techlog import close_file_logging

    _no_console_output()
    _utf8_output()
    streams = _GuardedStreams.install()
    command = "?"
    try:
        try:
            args = build_parser().parse_args(argv)
            command = args.command or "app"
            code = _main(args)
        except SystemExit as exc:  # argparse: --help, --version (0) and bad arguments (2, usage already said)
            code = exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_FAILED)
        except Exception as exc:
            code = _failure(exc, command)
    finally:
        lost = streams.uninstall()
        close_file_logging()
    if lost is not None:
        code = _output_lost(lost, command, code)
    return code


def _failure(exc: Exception, command: str) -> int:
    """An exception no command caught: a sentence and exit 2 when it says what to fix, else a crash (4)."""
    from app.clients.errors import SvyazkaApiError
    from app.paths import DataDirError
    from app.secrets import KeyringUnavailable
    from app.store.errors import StoreError
    from app.techlog import crash_sentence, record_crash

    if isinstance(exc, SvyazkaApiError):
        message = exc.message
    elif isinstance(exc, StoreError | DataDirError | KeyringUnavailable):
        message = str(exc)
    else:
        print(f"svyazka: {crash_sentence(record_crash(f'svyazka {command} crashed', exc))}", file=sys.stderr)
        return EXIT_CRASHED
    print(f"svyazka: {message}", file=sys.stderr)
    return EXIT_FAILED


def _output_lost(error: OSError, command: str, code: int) -> int:
    """stdout or stderr refused a write. A reader that went away (``| head``) is normal and says nothing; a full
    or broken output is said on the other stream when it still works. Printing was the whole job of the
    reading commands, so for them it is "could not run"; a sync's result stands (it is in the journal)."""
    import errno

    if error.errno == errno.EPIPE:
        return code
    with _quiet_output():
        done = "синхронизация при этом выполнена, её итог — в журнале (svyazka log). " if command == "sync" else ""
        sys.stderr.write(
            f"svyazka: не удалось вывести результат ({error.strerror or error}); {done}Проверьте место на диске "
            "или куда перенаправлен вывод команды.\n"
        )
        sys.stderr.flush()
    return code if command in ("sync", "setup", "repair") or code != EXIT_OK else EXIT_FAILED


def _no_console_output() -> None:
    """A windowless start (the OS schedule on Windows runs the windowed program: no console flashing every few
    minutes) has no stdout or stderr at all: they write to nothing instead."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115


def _utf8_output() -> None:
    """Write stdout and stderr as UTF-8 whatever the locale says. Redirected to a file or a pipe on Windows,
    they are cp1252 or cp1251, where Russian text (or "✗", "→" even on cp1251) raises UnicodeEncodeError and
    ``--json > out.json`` fails; a frozen build ignores PYTHONIOENCODING and PYTHONUTF8, so the spec's UTF-8
    mode and this are what make ``--json`` UTF-8 always. A stream already UTF-8 (a Windows console, UTF-8
    mode, a test's capture) is left alone; one that cannot be reconfigured is too."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        try:
            if codecs.lookup(stream.encoding or "ascii").name == "utf-8":
                continue
        except (AttributeError, LookupError):
            pass
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with _quiet_output():
                reconfigure(encoding="utf-8", errors="replace")


def _quiet_output() -> suppress:
    return suppress(OSError, ValueError, AttributeError)  # a stream that is closed, full or not a file


class _GuardedStream:
    """stdout or stderr as the commands see it: a write the system refuses (EPIPE from ``| head``, ENOSPC from
    ``> /dev/full``, a closed stream) is remembered, and the later writes are dropped, instead of raising out
    of a print in the middle of a sync."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.error: OSError | None = None

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                self.stream.write(text)
                if "\n" in text:
                    self.stream.flush()  # an error shows now, not at exit, where Python would print it itself
            except OSError as exc:
                self._lost(exc)
            except ValueError:  # "I/O operation on closed file"
                self._lost(OSError(0, "поток вывода закрыт"))
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self.stream.flush()
            except OSError as exc:
                self._lost(exc)
            except ValueError:
                self._lost(OSError(0, "поток вывода закрыт"))

    def _lost(self, exc: OSError) -> None:
        self.error = exc
        # what is still in the stream's buffer must not fail again at exit ("Exception ignored … BrokenPipe")
        with _quiet_output():
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.stream.fileno())
            finally:
                os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


class _GuardedStreams:
    def __init__(self, out: _GuardedStream, err: _GuardedStream) -> None:
        self.out, self.err = out, err

    @classmethod
    def install(cls) -> _GuardedStreams:
        guarded = cls(_GuardedStream(sys.stdout), _GuardedStream(sys.stderr))
        sys.stdout, sys.stderr = guarded.out, guarded.err  # type: ignore[assignment]
        return guarded

    def uninstall(self) -> OSError | None:
        """Put the streams back; the first refused write, if any (stdout's first)."""
        self.out.flush()
        self.err.flush()
        if sys.stdout is self.out:
            sys.stdout = self.out.stream
        if sys.stderr is self.err:
            sys.stderr = self.err.stream
        return self.out.error or self.err.error


def _main(args: argparse.Namespace) -> int:
    if args.self_check:
        from app.selfcheck import run_self_check

        return run_self_check()
    if args.command is None:
        return _open_app(args)
    if args.command == "repair":
        return _repair(args)
    try:
        with _environment(args) as env:
            return int(_COMMANDS[args.command](args, env))
    except CliError as exc:
        print(f"svyazka: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("svyazka: прервано.", file=sys.stderr)
        return EXIT_FAILED


def _repair(args: argparse.Namespace) -> int:
    """``svyazka repair``: see app/store/repair.py. Not through :func:`_environment`: opening the damaged file
    is what fails."""
    from app.paths import DataDirError, data_dir, database_path
    from app.store.repair import is_damaged, repair

    if args.demo:
        print("В демо-режиме файл данных создаётся заново при каждом запуске: чинить нечего.")
        return EXIT_OK
    try:
        folder = data_dir(args.data_dir)
    except DataDirError as exc:
        raise CliError(str(exc)) from exc
    _technical_log(folder)
    path = database_path(folder)
    if path.exists() and not args.force and not is_damaged(path):
        print(f"Файл данных «{path}» не повреждён, ничего не изменено. (Пересоздать его всё равно: "
              "svyazka repair --force.)")
        return EXIT_OK
    report = repair(path)
    print(f"Повреждённый файл сохранён как «{report.damaged}». Начат новый файл данных «{path}».")
    titles = {"profiles": "профили", "settings": "настройки", "cursors": "отметки синхронизации",
              "conflicts": "конфликты и решения по ним"}
    kept = "; ".join(f"{titles[t]}: {n}" for t, n in report.kept.items())
    print(f"Перенесено — {kept or 'ничего'}." + (f" Профили: {', '.join(report.profiles)}." if report.profiles else ""))
    if report.lost:
        lost = "; ".join(f"{titles[t]}: {'таблица не читается' if n < 0 else 'часть строк'}"
                         for t, n in report.lost.items())
        print(f"Не удалось прочитать — {lost}.")
    if not report.profiles:
        print("Профиль не сохранился: настройте его заново (svyazka setup … или окно Связки); ключи остались в "
              "хранилище системы.")
        return EXIT_PROBLEMS
    print("Связи товаров, заказов и контрагентов следующая синхронизация найдёт заново в обоих сервисах (без "
          "дублей); остатки и цены она отправит ещё раз. Запустите: svyazka sync")
    return EXIT_OK


def _open_app(args: argparse.Namespace) -> int:
    try:
        from app.ui.main import main as gui_main
    except ImportError:
        gui_main = None  # type: ignore[assignment]  # a build without the desktop app
    if gui_main is not None:
        forwarded = [
            *(["--demo"] if args.demo else []),
            *(["--data-dir", args.data_dir] if args.data_dir else []),
            *(["--lang", args.lang] if args.lang else []),
            *(["--minimized"] if args.minimized else []),
        ]
        return int(gui_main(forwarded))
    if args.demo:  # no desktop app in this build: serve the demo services for other tools
        from app.sandbox.__main__ import main as sandbox_main

        print("Демо-режим: RetailCRM и МойСклад эмулируются на этом компьютере. Остановить: Ctrl+C.", file=sys.stderr)
        return sandbox_main([])
    build_parser().print_help()
    return EXIT_OK


class _Env:
    """What every command needs: the database, the secrets and the profile name."""

    def __init__(self, db: Any, secrets: Any, profile_name: str, demo: Any = None, folder: Any = None) -> None:
        self.db = db
        self.secrets = secrets
        self.profile_name = profile_name
        self.demo = demo
        self.folder = folder  # the data folder

    def profile(self) -> Any:
        profile = self.db.profiles.get_by_name(self.profile_name)
        if profile is None:
            names = [p.name for p in self.db.profiles.list()]
            hint = f" Есть профили: {', '.join(names)}." if names else ""
            raise CliError(
                f"профиль «{self.profile_name}» не настроен. Выполните 'svyazka setup …' или откройте приложение.{hint}"
            )
        return profile


@contextmanager
def _environment(args: argparse.Namespace) -> Iterator[_Env]:
    from app.paths import DataDirError, data_dir, database_path
    from app.secrets import SecretStore
    from app.store import Database, StoreError

    demo = None
    if args.demo:
        from app.demo import start_demo

        demo = start_demo()
        folder = demo.data_dir
    else:
        try:
            folder = data_dir(args.data_dir)
        except DataDirError as exc:
            raise CliError(str(exc)) from exc
        # the command line's own technical log: never the window's or its sync child's file (app/techlog.py); not
        # in the demo, whose folder is deleted when it ends (a crash message would name a file that is gone)
        _technical_log(folder)
    try:
        try:
            db = Database.open(database_path(folder))
        except StoreError as exc:
            raise CliError(str(exc)) from exc
        try:
            env = _Env(db, demo.secrets if demo else SecretStore(), _profile_name(args, db), demo, folder)
            if demo is not None and args.command != "setup":
                _setup_demo_profile(env)
            yield env
        finally:
            db.close()
    finally:
        if demo is not None:
            demo.stop()


def _technical_log(folder: Any) -> None:
    """Warnings and our own tracebacks go to ``<data>/logs/svyazka-cli.log``, never to the console."""
    from app.techlog import setup_file_logging

    setup_file_logging(folder, "cli")


def _profile_name(args: argparse.Namespace, db: Any) -> str:
    if args.profile:
        return str(args.profile)
    if args.demo:
        from app.demo import DEMO_PROFILE_NAME

        return DEMO_PROFILE_NAME
    profiles = db.profiles.list()
    if len(profiles) == 1:  # the usual case: one shop, whatever its profile is called
        return str(profiles[0].name)
    return DEFAULT_PROFILE


# --- setup -------------------------------------------------------------------------------------------------


def cmd_setup(args: argparse.Namespace, env: _Env) -> int:
    from app.clients.credentials import check_header_secret
    from app.clients.errors import SvyazkaApiError

    if env.demo is not None:
        _setup_demo_profile(env)
        print(f"Демо-профиль «{env.profile_name}» настроен.")
        return EXIT_OK
    if not args.retailcrm_url:
        raise CliError("укажите адрес RetailCRM: --retailcrm-url https://ваш-магазин.retailcrm.ru")
    moysklad_url = _checked_addresses(args)
    if not env.secrets.is_available() and not _keys_in_environment():
        # before any prompt or token request: a key typed now would be lost (and a login would revoke tokens)
        raise CliError(_no_keyring_message("Системное хранилище паролей недоступно."))
    try:
        rc_key = check_header_secret("retailcrm", _secret(ENV_RETAILCRM_KEY, "API-ключ RetailCRM: "))
        if args.moysklad_login:
            from app.clients.moysklad import MoySkladClient

            password = _secret(ENV_MOYSKLAD_PASSWORD, f"Пароль МойСклад для {args.moysklad_login}: ")
            print(
                "Внимание: вход по паролю выпускает новый токен МойСклад, а прежние токены этого "
                "пользователя перестают работать.",
                file=sys.stderr,
            )
            ms_token = MoySkladClient.obtain_token(args.moysklad_login, password, base_url=moysklad_url)
            account = args.moysklad_login
        else:
            ms_token = check_header_secret("moysklad", _secret(ENV_MOYSKLAD_TOKEN, "Токен МойСклад: "))
            account = "token"
        saved = _save_profile(env, args, rc_key, ms_token, moysklad_url, account)
    except SvyazkaApiError as exc:
        raise CliError(exc.message) from exc
    _print_settings(saved, sys.stdout)
    return EXIT_OK


def _keys_in_environment() -> bool:
    return bool(os.environ.get(ENV_RETAILCRM_KEY, "").strip() and os.environ.get(ENV_MOYSKLAD_TOKEN, "").strip())


def _no_keyring_message(reason: str) -> str:
    return (
        f"{reason} Ключам негде храниться, поэтому ничего не сохранено. На компьютере без хранилища паролей "
        f"задайте ключи переменными окружения {ENV_RETAILCRM_KEY} и {ENV_MOYSKLAD_TOKEN} (Связка читает их при "
        "каждом запуске вместо хранилища) и выполните setup ещё раз; или установите и разблокируйте хранилище "
        "паролей (в Linux — GNOME Keyring или KWallet)."
    )


def _checked_addresses(args: argparse.Namespace) -> str:
    """Refuse an address the app can't use before asking for any secret; say what normalising drops (a
    password in the address would go as Basic auth, a query string into every message: neither is kept).
    Returns the MoySklad API address to use and store."""
    from app.clients.errors import SettingsError
    from app.clients.moysklad import normalize_base_url
    from app.clients.urls import address_changes, normalize_account_url

    try:
        normalize_account_url(args.retailcrm_url)
        moysklad_url = normalize_base_url(args.moysklad_url or "")
    except SettingsError as exc:
        raise CliError(exc.message) from exc
    for title, given, service in (
        ("RetailCRM", args.retailcrm_url, "retailcrm"),
        ("МойСклад", args.moysklad_url, "moysklad"),
    ):
        changes = address_changes(given or "", service)
        if changes:
            print(
                f"Адрес {title}: {', '.join(changes)}. Связка входит только по ключу или токену и не хранит "
                "в адресе ничего, кроме сервера и пути.",
                file=sys.stderr,
            )
    return str(moysklad_url)


def _secret(variable: str, prompt: str) -> str:
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError(f"нет секрета: задайте переменную окружения {variable} или запустите команду в терминале.")
    value = getpass.getpass(prompt).strip()
    if not value:
        raise CliError("пустое значение; команда отменена.")
    return value


def _save_profile(
    env: _Env, args: argparse.Namespace, rc_key: str, ms_token: str, moysklad_url: str, account: str
) -> Any:
    from app.clients.moysklad import MoySkladClient
    from app.clients.retailcrm import RetailCrmClient
    from app.secrets import KeyringUnavailable
    from app.sync.accounts import check_moysklad, check_retailcrm, ms_states, rc_statuses, suggest_settings
    from app.sync.statusmap import validate_status_map

    with (
        RetailCrmClient(args.retailcrm_url, rc_key, site=args.site) as rc_client,
        MoySkladClient(ms_token, base_url=moysklad_url) as ms_client,
    ):
        rc = check_retailcrm(rc_client)
        ms = check_moysklad(ms_client)
    excluded = _excluded_folders(ms.folders, args.exclude_folder) if args.exclude_folder else None
    print(f"RetailCRM: {rc.url} — магазины: {', '.join(s.name for s in rc.sites) or 'нет'}")
    who = ms.info.employee_name or ms.info.login or "пользователь"
    print(f"МойСклад: {who} — юрлица: {', '.join(o.name for o in ms.organizations)}")

    base = _settings_from_args(args, rc, ms)
    if excluded is not None:
        base = replace(base, excluded_folders=excluded)
    if args.auto:
        suggestion = suggest_settings(rc, ms, base=base)
        settings = suggestion.settings
        for note in suggestion.notes:
            print(f"Примечание: {note}")
    else:
        settings = replace(base, state_names={s.id: s.name for s in ms.states})

    settings = _order_attributes(settings, ms.order_attributes, args.order_attribute)
    problems = validate_status_map(
        settings.status_map, rc_statuses(rc), ms_states(ms), list(settings.export_statuses), settings.shipment_status
    )
    unmapped = {p.subject for p in problems if p.code == "unmapped_export_status" and p.subject}
    if args.auto and unmapped:
        # --auto must finish on any account: an exported status nothing suggests a MoySklad state for (a shop's
        # own one, say) is left out of the export until the owner maps it, and the owner is told how
        settings = replace(settings, export_statuses=tuple(c for c in settings.export_statuses if c not in unmapped))
        names = {s.code: s.name for s in rc.statuses}
        for code in sorted(unmapped):
            print(f"Внимание: заказы в статусе «{names.get(code, code)}» ({code}) не будут выгружаться: для него не "
                  "нашёлся статус МойСклад. Сопоставьте его (--status \"" + code + "=СТАТУС МОЙСКЛАД\") и добавьте "
                  "в --export-statuses.")
        problems = [p for p in problems if not (p.code == "unmapped_export_status" and p.subject in unmapped)]
    errors = [problem.message for problem in problems if problem.severity == "error"]
    if errors:  # settings the sync could not follow are not saved (it used to print «Ошибка» and exit 0)
        raise CliError(
            "настройки не сохранены: "
            + " ".join(errors)
            + " Сопоставьте статусы (--status \"КОД RETAILCRM=СТАТУС МОЙСКЛАД\") или уберите лишние из "
            "--export-statuses и --shipment-status; коды статусов RetailCRM: "
            + ", ".join(sorted(s.code for s in rc.statuses))
            + "."
        )
    for problem in problems:
        print(f"Внимание: {problem.message}")
    if settings.payment_documents:
        from app.sync.orders.payments import DOCUMENT_NAMES

        names = {t.code: t.name for t in rc.payment_types}
        shown = "; ".join(f"«{names.get(code, code)}» → {DOCUMENT_NAMES[doc]}"
                          for code, doc in sorted(settings.payment_documents.items()))
        print(f"Оплаты в МойСклад: {shown}.")

    # The keys first: a profile whose keys went nowhere must not be saved as if setup had worked.
    try:
        env.secrets.set_retailcrm_key(rc.url, rc_key)
        env.secrets.set_moysklad_token(account, ms_token)
    except KeyringUnavailable as exc:
        if not _keys_in_environment():
            raise CliError(_no_keyring_message(exc.reason)) from exc
        print(
            f"Хранилище паролей недоступно: ключи будут браться из переменных окружения {ENV_RETAILCRM_KEY} и "
            f"{ENV_MOYSKLAD_TOKEN} — задавайте их при каждом запуске svyazka.",
            file=sys.stderr,
        )
    profiles = env.db.profiles
    existing = profiles.get_by_name(env.profile_name)
    # ms.url: the address the client used (no user info, query or fragment; https off this computer)
    if existing is None:
        profile = profiles.create(env.profile_name, rc.url, ms.url, account)
    else:
        profile = profiles.update(existing.id, retailcrm_url=rc.url, moysklad_url=ms.url, moysklad_account=account)
    env.db.settings(profile.id).save_sync(settings)
    return settings


def _order_attributes(settings: Any, attributes: Sequence[Any], wanted: Sequence[str]) -> Any:
    """``--order-attribute`` on top of the settings (by the attribute's name), then the mapping in words and
    every required field left unfilled, with what to type (app/sync/orders/attributes.py)."""
    from app.messages import msg
    from app.sync.orders.attributes import (
        CONST_TYPES,
        NONE,
        by_name,
        parse_cli_mapping,
        source_offered,
        unmapped_required,
    )

    mapping = dict(settings.order_attributes)
    known = by_name(attributes)
    for text in wanted:
        try:
            name, source = parse_cli_mapping(text)
        except ValueError as exc:
            raise CliError(str(exc)) from exc
        attribute = known.get(name.casefold())
        if attribute is None:
            listed = ", ".join(f"«{a.name}»" for a in attributes) or "нет ни одного"
            raise CliError(str(msg("order_fields.cli_unknown", name=name, names=listed)))
        if not source_offered(attribute, source):
            const = msg("order_fields.cli_const_only") if attribute.type in CONST_TYPES else ""
            raise CliError(str(msg("order_fields.cli_not_offered", name=attribute.name, type=attribute.type,
                                   const=const)))
        mapping[attribute.id] = source
    settings = replace(settings, order_attributes=mapping)
    shown = {a.id: a.name for a in attributes}
    for attribute_id, source in sorted(mapping.items(), key=lambda item: shown.get(item[0], "")):
        if source != NONE and attribute_id in shown:
            print(msg("order_fields.cli_mapped", name=shown[attribute_id], source=source))
    for attribute in unmapped_required(mapping, attributes):
        print(f"Внимание: {msg('order_fields.cli_required_left', name=attribute.name)}")
    return settings


def _excluded_folders(folders: Sequence[Any], wanted: Sequence[str]) -> tuple[str, ...]:
    """``--exclude-folder`` values as MoySklad folder ids (the account check read the folders)."""
    from app.sync.catalog.folders import find_folders, folder_path

    ids: list[str] = []
    for text in wanted:
        found = find_folders(folders, text)
        if len(found) != 1:
            known = ", ".join(f"«{folder_path(f)}»" for f in (found or folders)[:20]) or "нет ни одной"
            what = "несколько групп с таким названием, укажите путь" if found else "такой группы товаров нет"
            raise CliError(f"--exclude-folder «{text}»: в МойСклад {what}. Группы: {known}.")
        if found[0].id not in ids:
            ids.append(found[0].id)
    return tuple(ids)


def _split_pair(text: str, option: str) -> tuple[str, str]:
    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise CliError(f'{option} ждёт пару вида "слева=справа", а получено «{text}»')
    return left.strip(), right.strip()


def _by_name_or_id(items: Sequence[Any], wanted: str, what: str) -> Any:
    folded = wanted.casefold()
    for item in items:
        if item.id == wanted or item.name.casefold() == folded:
            return item
    names = ", ".join(f"«{i.name}»" for i in items) or "нет ни одного"
    raise CliError(f"{what} «{wanted}» не найден(а) в МойСклад. Есть: {names}.")


def _settings_from_args(args: argparse.Namespace, rc: Any, ms: Any) -> Any:
    from app.store.errors import SettingsError
    from app.store.settings import PricePair, StorePair, SyncSettings

    rc_store_codes = {s.code for s in rc.stores}
    rc_price_codes = {p.code for p in rc.price_types}
    rc_status_codes = {s.code for s in rc.statuses}
    values: dict[str, Any] = {}
    if args.organization:
        org = _by_name_or_id(ms.organizations, args.organization, "Юрлицо")
        values.update(organization_id=org.id, organization_name=org.name)
    stores = []
    for text in args.store:
        ms_name, rc_code = _split_pair(text, "--store")
        store = _by_name_or_id(ms.stores, ms_name, "Склад")
        if rc_code not in rc_store_codes:
            raise CliError(f"склада с кодом «{rc_code}» нет в RetailCRM. Есть: {', '.join(sorted(rc_store_codes))}.")
        stores.append(StorePair(store.id, store.name, rc_code))
    if stores:
        values["store_pairs"] = tuple(stores)
    prices = []
    for text in args.price:
        ms_name, rc_code = _split_pair(text, "--price")
        price_type = _by_name_or_id(ms.price_types, ms_name, "Тип цены")
        if rc_code not in rc_price_codes:
            raise CliError(f"типа цены «{rc_code}» нет в RetailCRM. Есть: {', '.join(sorted(rc_price_codes))}.")
        prices.append(PricePair(price_type.id, price_type.name, rc_code))
    if prices:
        values["price_pairs"] = tuple(prices)
    status_map = {}
    for text in args.status:
        rc_code, ms_name = _split_pair(text, "--status")
        if rc_code not in rc_status_codes:
            raise CliError(f"статуса «{rc_code}» нет в RetailCRM. Коды статусов: {', '.join(sorted(rc_status_codes))}.")
        status_map[rc_code] = _by_name_or_id(ms.states, ms_name, "Статус").id
    if status_map:
        values["status_map"] = status_map
    documents = {}
    for text in args.payment_document:
        from app.store.settings import PAYMENT_DOCUMENTS

        type_code, document = _split_pair(text, "--payment-document")
        type_codes = {t.code for t in rc.payment_types}
        if type_code not in type_codes:
            raise CliError(f"типа оплаты «{type_code}» нет в RetailCRM. Коды типов оплаты: "
                           f"{', '.join(sorted(type_codes)) or 'нет ни одного'}.")
        if document not in PAYMENT_DOCUMENTS:
            raise CliError(f"--payment-document: для «{type_code}» укажите paymentin (входящий платёж), cashin "
                           f"(приходный ордер) или skip (не передавать), а не «{document}».")
        documents[type_code] = document
    if documents:
        values["payment_documents"] = documents
    if args.export_statuses is not None:
        codes = tuple(c.strip() for c in args.export_statuses.split(",") if c.strip())
        unknown = [c for c in codes if c not in rc_status_codes]
        if unknown:
            raise CliError(f"неизвестные статусы RetailCRM: {', '.join(unknown)}.")
        values["export_statuses"] = codes
    if args.shipment_status:
        if args.shipment_status not in rc_status_codes:
            raise CliError(f"статуса «{args.shipment_status}» нет в RetailCRM.")
        values["shipment_status"] = args.shipment_status
    if args.return_statuses is not None:
        returns = tuple(c.strip() for c in args.return_statuses.split(",") if c.strip())
        unknown = [c for c in returns if c not in rc_status_codes]
        if unknown:
            raise CliError(f"неизвестные статусы RetailCRM: {', '.join(unknown)}.")
        values["return_statuses"] = returns
    if args.statuses_back is not None:
        values["reverse_status_flow"] = args.statuses_back == "on"
    if args.shipped_in_ms_status:
        if args.shipped_in_ms_status not in rc_status_codes:
            raise CliError(f"статуса «{args.shipped_in_ms_status}» нет в RetailCRM.")
        values["shipped_in_ms_status"] = args.shipped_in_ms_status
    if args.match_key:
        values["match_key"] = args.match_key
    if args.match_field:
        from app.sync.catalog.keys import valid_rc_field

        if not valid_rc_field(args.match_field):
            raise CliError(
                f"--match-field «{args.match_field}» не понятен: укажите article, xml-id, external-id, barcode "
                "или property:<код свойства предложения> (например, property:code)."
            )
        values["match_field"] = args.match_field
    if args.master:
        values["master"] = args.master
    if args.stock_type:
        values["stock_type"] = StockType.FREE_STOCK if args.stock_type == "free-stock" else StockType.STOCK
    if args.site:
        site_codes = {s.code for s in rc.sites}
        if args.site not in site_codes:
            raise CliError(
                f"магазина с кодом «{args.site}» в RetailCRM нет или ключ его не видит. "
                f"Коды магазинов: {', '.join(sorted(site_codes)) or 'нет ни одного'}."
            )
        values["retailcrm_site"] = args.site
    if args.first_sync_days is not None:  # 0..MAX_FIRST_SYNC_DAYS: checked by the parser
        values["first_sync_days"] = args.first_sync_days
    for option, _metavar, _text in _SAFETY_OPTIONS:
        value = getattr(args, option.removeprefix("--").replace("-", "_"))
        if value is not None:
            values[option.removeprefix("--").replace("-", "_")] = value
    try:
        return SyncSettings(**values)
    except SettingsError as exc:
        raise CliError(str(exc)) from exc


def _setup_demo_profile(env: _Env) -> None:
    """The demo shop's profile: keys in the in-memory keyring, every choice as the wizard suggests."""
    from app.clients.moysklad import MoySkladClient
    from app.clients.retailcrm import RetailCrmClient
    from app.demo import demo_base_settings
    from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings

    demo = env.demo
    if env.db.profiles.get_by_name(env.profile_name) is not None:
        return
    with (
        RetailCrmClient(demo.retailcrm_url, demo.retailcrm_key) as rc_client,
        MoySkladClient(demo.moysklad_token, base_url=demo.moysklad_url) as ms_client,
    ):
        rc, ms = check_retailcrm(rc_client), check_moysklad(ms_client)
    profile = env.db.profiles.create(env.profile_name, rc.url, demo.moysklad_url, demo.moysklad_login)
    env.secrets.set_retailcrm_key(rc.url, demo.retailcrm_key)
    env.secrets.set_moysklad_token(demo.moysklad_login, demo.moysklad_token)
    env.db.settings(profile.id).save_sync(suggest_settings(rc, ms, base=demo_base_settings()).settings)


def _print_settings(settings: Any, out: TextIO) -> None:
    out.write("Сохранено:\n")
    out.write(f"  юрлицо: {settings.organization_name or '—'}\n")
    pairs = "; ".join(f"{p.ms_store_name} → {p.rc_store_code}" for p in settings.store_pairs) or "—"
    out.write(f"  склады: {pairs}\n")
    prices = "; ".join(f"{p.ms_price_type_name} → {p.rc_price_code}" for p in settings.price_pairs) or "—"
    out.write(f"  цены: {prices}\n")
    names = settings.state_names
    statuses = (
        "; ".join(
            f"{code} → {names.get(state, state) if state else 'не сопоставлен'}"
            for code, state in settings.status_map.items()
        )
        or "—"
    )
    out.write(f"  статусы: {statuses}\n")
    out.write(f"  выгружать заказы в статусах: {', '.join(settings.export_statuses) or 'никаких (не выбрано)'}\n")
    out.write(f"  отгрузка при статусе: {settings.shipment_status or '—'}\n")
    if settings.return_statuses is None:
        returns_text = "статусы группы «Отменен»"
    else:
        returns_text = ", ".join(settings.return_statuses) or "не создаётся"
    out.write(f"  возврат покупателя при статусах: {returns_text}\n")
    back = "передаются" if settings.reverse_status_flow else "не передаются"
    out.write(f"  статусы из МойСклад в RetailCRM: {back}\n")
    if settings.shipped_in_ms_status:
        out.write(f"  заказ, отгруженный в МойСклад, получает статус: {settings.shipped_in_ms_status}\n")
    days = settings.first_sync_days
    out.write(f"  первая синхронизация: {f'заказы за последние {days} дн.' if days else 'все заказы'}\n")
    from app.sync.catalog.keys import MatchRule, rc_field_label

    rule = MatchRule.of(settings.match_key, settings.match_field)
    out.write(
        f"  ключ сопоставления: {settings.match_key} ↔ {rc_field_label(rule.rc_field)} в RetailCRM; "
        f"главная система: {settings.master}; остатки: {settings.stock_type}\n"
    )
    if settings.excluded_folders:
        out.write(f"  исключённые группы товаров МойСклад: {len(settings.excluded_folders)}\n")

    def limit(value: int, text: str) -> str:
        return f"{text}{value}" if value else f"{text}— (выкл.)"

    out.write(
        "  проверка перед записью: "
        + "; ".join((
            limit(settings.safety_min_linked_percent, "связано не меньше % каталога: "),
            limit(settings.safety_max_unlinked_percent, "удаляется не больше % связей: "),
            limit(settings.safety_max_new_products, "новых товаров не больше: "),
            limit(settings.safety_max_shipments, "отгрузок не больше: "),
            limit(settings.safety_max_zeroed_percent, "обнуляется не больше % остатков: "),
            f"доли — от {settings.safety_min_items} позиций",
        ))
        + "\n"
    )


# --- sync --------------------------------------------------------------------------------------------------


def cmd_sync(args: argparse.Namespace, env: _Env) -> int:
    from app.runner import Mode, RunOutcome, RunRequest, describe, run_sync
    from app.runner.tuning import tune_sync_process
    from app.sync.model import ALL_FLOWS, Callbacks, CancelToken, Flow, SafetyPolicy

    flows: tuple[Flow, ...] = ALL_FLOWS
    if args.only is not None:  # --only "" names no flow: refused, not read as "all"
        names = [n.strip() for n in args.only.split(",") if n.strip()]
        unknown = [n for n in names if n not in FLOW_NAMES]
        if unknown or not names:
            raise CliError(
                f"--only: неизвестные потоки {', '.join(unknown) or '(пусто)'}; есть {', '.join(FLOW_NAMES)}."
            )
        flows = tuple(Flow(n) for n in names)
    profile = env.profile()
    tune_sync_process()  # this process exists to sync from here on (app/runner/tuning.py)
    cancel = CancelToken()
    out = sys.stderr if args.json else sys.stdout
    # without --yes a tripped safety check stops the run before it writes (nobody to ask in a script)
    policy = SafetyPolicy.ALLOW if args.yes else SafetyPolicy.REFUSE
    try:
        request = RunRequest.for_profile(
            env.db, profile.id, env.secrets, flows=tuple(f.value for f in flows), dry_run=args.dry_run,
            full=args.full, trigger="os_schedule" if args.scheduled else "cli", safety_policy=policy.value,
            lock_wait=args.wait,
        )
    except Exception as exc:  # a key missing, the keyring locked
        outcome = RunOutcome(failure=describe(exc, "svyazka sync"))
    else:
        previous = _on_interrupt(cancel)
        try:
            outcome = run_sync(request, Callbacks(on_log=_log_printer(out)), cancel, mode=Mode.THREAD, db=env.db,
                               on_stuck=lambda message: _exit_stuck(message, args.json))
        finally:
            signal.signal(signal.SIGINT, previous)
    if outcome.failure is not None:
        return _sync_failed(outcome.failure, args, env, profile.id)
    report = outcome.unwrap()
    from app.alerts import evaluate_after_run  # once per problem; never fails the run (app/alerts/service.py)

    evaluate_after_run(env.db, profile.id, report, secrets=env.secrets)
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    if report.crashed:  # the journal line said which flow and where the details are
        print("svyazka: синхронизация завершилась с внутренней ошибкой Связки; подробности — в сообщении выше и в "
              "техническом журнале.", file=sys.stderr)
        return EXIT_CRASHED
    if report.held:
        print(
            "svyazka: синхронизация остановлена проверкой перед записью, дальше ничего не записано. Проверьте "
            "замечания выше (svyazka log --level warning); если всё верно, запустите снова: svyazka sync --yes",
            file=sys.stderr,
        )
        return EXIT_HELD
    return {"ok": EXIT_OK, "failed": EXIT_FAILED}.get(report.status, EXIT_PROBLEMS)


def _sync_failed(failure: Any, args: argparse.Namespace, env: _Env, profile_id: int) -> int:
    """A sync that did not run: the runner's message (app/runner/failure.py) and its exit code (docs/CLI.md)."""
    from app.runner import FailureKind

    if failure.kind is FailureKind.CRASHED:  # the traceback is in the technical log; the message says where
        print(f"svyazka: {failure.message}", file=sys.stderr)
        return EXIT_CRASHED
    if failure.kind is FailureKind.BUSY:
        hint = "" if args.wait else " Чтобы подождать его окончания, добавьте --wait (или --wait СЕКУНДЫ)."
        if args.scheduled:  # the window's journal says why this run of the OS schedule did not happen
            _journal_skipped(env, profile_id, failure)
            hint = " Следующий запуск — по расписанию."
        if args.json:
            print(json.dumps({"ok": False, "status": "busy", "error": failure.message}, ensure_ascii=False))
        print(f"svyazka: {failure.message}{hint}", file=sys.stderr)
        return EXIT_BUSY
    message = failure.message
    if failure.kind is FailureKind.KEYRING:  # no "keep the keys in memory" here: a command's memory is gone at its end
        message = (
            f"{failure.detail} Задайте ключи переменными окружения {ENV_RETAILCRM_KEY} и {ENV_MOYSKLAD_TOKEN} "
            "(они действуют вместо хранилища) или установите и разблокируйте хранилище паролей (в Linux — "
            "GNOME Keyring или KWallet) и выполните svyazka setup ещё раз."
        )
    if args.json:
        print(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    print(f"svyazka: {message}", file=sys.stderr)
    return EXIT_FAILED


def _journal_skipped(env: _Env, profile_id: int, busy: Any) -> None:
    from app.store import StoreError
    from app.store.log import LogEntry

    with contextlib.suppress(StoreError):
        env.db.log(profile_id).add(LogEntry(
            level="warning", flow="system",
            message=f"Запуск по расписанию системы пропущен: {busy.holder.describe()}. Он начнётся в следующий раз "
                    "по расписанию.",
        ))


def _exit_stuck(message: str, as_json: bool) -> None:
    """The run's watchdog gave up on a run stuck inside a request (app/sync/watchdog.py): the run is already
    recorded as failed; end the process, which also releases the profile's run lock, so cron's next run can go."""
    with contextlib.suppress(Exception):
        if as_json:
            print(json.dumps({"ok": False, "status": "failed", "error": message}, ensure_ascii=False), flush=True)
        print(f"svyazka: {message}", file=sys.stderr, flush=True)
    os._exit(EXIT_FAILED)


def _on_interrupt(cancel: Any) -> Any:
    """First Ctrl+C stops the sync cleanly between batches; a second one interrupts at once."""

    def handler(signum: int, frame: object) -> None:
        if cancel.cancelled:
            raise KeyboardInterrupt
        print("\nОстанавливаю после текущего пакета… (Ctrl+C ещё раз — прервать сразу)", file=sys.stderr)
        cancel.cancel()

    return signal.signal(signal.SIGINT, handler)


def _log_printer(out: TextIO) -> Callable[[Any], None]:
    from app.sync.model import Level

    marks = {Level.DEBUG: " ", Level.INFO: " ", Level.WARNING: "!", Level.ERROR: "✗"}

    def emit(event: Any) -> None:
        if event.level is Level.DEBUG:
            return
        flow = f"{event.flow.title}: " if event.flow else ""
        out.write(f"{datetime.now():%H:%M:%S} {marks[event.level]} {flow}{event.message}\n")
        out.flush()

    return emit


# --- status, conflicts, log --------------------------------------------------------------------------------


def cmd_status(args: argparse.Namespace, env: _Env) -> int:
    profile = env.profile()
    settings = env.db.settings(profile.id).load_sync()
    last = env.db.runs(profile.id).last_finished()
    success = env.db.runs(profile.id).last_successful()
    conflicts = env.db.conflicts(profile.id).counts_by_kind()
    age = _age_minutes(success)
    data = {
        "profile": profile.name,
        "retailcrm_url": _shown_url(profile.retailcrm_url, "retailcrm"),
        "moysklad_url": _shown_url(profile.moysklad_url, "moysklad"),
        "last_run": None
        if last is None
        else {
            "id": last.id,
            "started_at": last.started_at.isoformat(),
            "finished_at": last.finished_at.isoformat() if last.finished_at else None,
            "status": last.status,
            "dry_run": last.dry_run,
            "message": last.message,
            "counts": last.counts,
            "requests": last.requests,
        },
        "open_conflicts": conflicts,
        "open_conflicts_total": sum(conflicts.values()),
        "last_success": None
        if success is None
        else {
            "id": success.id,
            "finished_at": success.finished_at.isoformat() if success.finished_at else None,
            "status": success.status,
            "trigger": success.trigger,
        },
        "last_success_age_minutes": age,
        "schedule_minutes": settings.schedule_minutes,
    }
    stale = args.max_age_minutes is not None and (age is None or age > args.max_age_minutes)
    if args.max_age_minutes is not None:
        data["max_age_minutes"] = args.max_age_minutes
        data["healthy"] = not stale
    code = EXIT_PROBLEMS if stale else EXIT_OK
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return code
    print(f"Профиль: {profile.name}")
    print(f"  RetailCRM: {data['retailcrm_url']}")
    print(f"  МойСклад:  {data['moysklad_url']}")
    if last is None:
        print("Синхронизаций ещё не было.")
    else:
        when = last.finished_at or last.started_at
        print(
            f"Последний запуск №{last.id} ({_local(when)}): {_RUN_STATUS.get(last.status, last.status)}. {last.message}"
        )
    if success is None:
        print("Успешных синхронизаций ещё не было.")
    elif success.id != (last.id if last else None):
        print(f"Последняя успешная: №{success.id}, {_age_words(age)} назад.")
    total = sum(conflicts.values())
    print(f"Открытых конфликтов: {total}" + (f" ({_kinds(conflicts)})" if total else ""))
    if stale:
        print(
            f"ВНИМАНИЕ: успешной синхронизации не было дольше {args.max_age_minutes} мин. Посмотрите журнал "
            "(svyazka log --level warning) и запустите svyazka sync.",
            file=sys.stderr,
        )
    return code


def _age_minutes(run: Any) -> int | None:
    """Whole minutes since the run finished (the wall clock: this is about the real computer's schedule)."""
    from app.store.types import utcnow

    if run is None or run.finished_at is None:
        return None
    return max(0, int((utcnow() - run.finished_at).total_seconds() // 60))


def _age_words(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{minutes} мин"
    hours, rest = divmod(minutes, 60)
    return f"{hours} ч {rest} мин" if hours < 48 else f"{hours // 24} дн."


_RUN_STATUS = {
    "ok": "успешно",
    "partial": "с замечаниями",
    "failed": "ошибка",
    "cancelled": "остановлен",
    "held": "остановлен проверкой перед записью",
    "running": "идёт",
}
def _kind_title(kind: str) -> str:
    """A conflict kind in the words the alerts use too: one table (app/alerts/events.py), keyed by ConflictKind."""
    from app.alerts.events import CONFLICT_TITLES

    return CONFLICT_TITLES.get(kind, kind)  # type: ignore[call-overload]  # a newer version's kind: its code


def _kinds(counts: dict[str, int]) -> str:
    return ", ".join(f"{_kind_title(k)}: {n}" for k, n in sorted(counts.items()))


def _shown_url(url: str, service: str) -> str:
    """A stored address as it may be shown: a profile saved before addresses were normalised may still hold
    a password or a query string in it (the clients drop them before any request)."""
    from app.clients.errors import SettingsError
    from app.clients.moysklad import normalize_base_url
    from app.clients.urls import normalize_account_url, shown_address

    try:
        return str(normalize_base_url(url) if service == "moysklad" else normalize_account_url(url))
    except SettingsError:
        return shown_address(url)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%d.%m.%Y %H:%M")


def cmd_conflicts(args: argparse.Namespace, env: _Env) -> int:
    profile = env.profile()
    repo = env.db.conflicts(profile.id)
    if args.conflicts_command == "list":
        items = repo.list(status=None if args.all else "open", kind=args.kind)
        if args.json:
            print(json.dumps([_conflict_json(c) for c in items], ensure_ascii=False))
            return EXIT_OK
        if not items:
            print("Конфликтов нет.")
        for c in items:
            state = "" if c.status == "open" else f" [{c.status}]"
            print(f"#{c.id} {_kind_title(c.kind)}{state}: {c.title_text(args.lang)}")
        return EXIT_OK
    conflict = repo.get(args.id)
    if conflict is None:
        raise CliError(f"конфликта №{args.id} нет. Список: 'svyazka conflicts list'.")
    _check_side_action(args.action, conflict.kind)
    if args.action == "reopen":
        repo.reopen(conflict.id)
    elif args.action == "ignore":
        repo.ignore(conflict.id)
    else:
        resolution: dict[str, Any] = {"action": args.action}
        if args.action in (ResolutionAction.PICK, ResolutionAction.LINK):
            resolution.update(_chosen_ids(args, env, profile, conflict))
        repo.resolve(conflict.id, resolution)
    print(f"Конфликт №{conflict.id}: решение сохранено, применится при следующей синхронизации.")
    return EXIT_OK


# which side wins: only for an order changed on both sides (app/sync/orders/edits.py), and only that for it
_SIDE_ACTIONS = (ResolutionAction.USE_RETAILCRM, ResolutionAction.USE_MOYSKLAD)


def _check_side_action(action: str, kind: str) -> None:
    from app.messages import msg

    both_sides = kind == ConflictKind.ORDER_CHANGED_BOTH_SIDES
    if action in _SIDE_ACTIONS and not both_sides:
        raise CliError(str(msg("order_edits.cli_side_action_elsewhere", action=action)))
    if both_sides and action not in (*_SIDE_ACTIONS, ResolutionAction.IGNORE, "reopen"):
        raise CliError(str(msg("order_edits.cli_choose_side", action=action)))


# the kinds whose decision names ids, and who reads them: the catalog matcher (app/sync/catalog/matching.py) and the
# orders flow's counterparty choice (app/sync/orders/counterparties.py, MoySklad side only)
_ID_KINDS = (
    ConflictKind.DUPLICATE_KEY,
    ConflictKind.ONLY_IN_MOYSKLAD,
    ConflictKind.ONLY_IN_RETAILCRM,
    ConflictKind.ARCHIVED_IN_MOYSKLAD,
    ConflictKind.AMBIGUOUS_COUNTERPARTY,
)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _chosen_ids(args: argparse.Namespace, env: _Env, profile: Any, conflict: Any) -> dict[str, Any]:
    """``ms_id`` / ``rc_id`` for a pick or link: only among the conflict's candidates (what the GUI offers),
    or with ``--force`` an id the service confirms exists. A typo must not link a MoySklad item to an
    unrelated RetailCRM product, which the next sync would rename and overwrite (issue 12, major 5)."""
    from app.store.conflicts import side_items

    if conflict.kind not in _ID_KINDS:
        raise CliError(
            f"у конфликта №{conflict.id} ({_kind_title(conflict.kind)}) нечего выбирать "
            "по id: решите его в RetailCRM или МойСклад, или используйте --action ignore."
        )
    if not (args.ms_id or args.rc_id):
        raise CliError(f"для --action {args.action} укажите --ms-id и/или --rc-id (варианты: {_candidates(conflict)}).")
    counterparty = conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY
    if counterparty and args.rc_id:
        raise CliError("для клиента выбирают контрагента МойСклад: укажите только --ms-id.")
    chosen: dict[str, Any] = {}
    unknown: list[tuple[str, Any]] = []
    if args.ms_id:
        # MoySklad ids are lowercase UUIDs: "0A1B…" typed from a note is the same id
        offered = {i.lower(): i for i in _ids(side_items(conflict.ms_data, conflict.kind))}
        ms_id = offered.get(args.ms_id.strip().lower(), args.ms_id.strip().lower())
        if ms_id not in offered.values():
            unknown.append(("moysklad", ms_id))
        chosen["ms_id"] = ms_id
    if args.rc_id:
        text = args.rc_id.strip()
        if not (text.isascii() and text.isdigit() and 0 < int(text) <= SQLITE_MAX_INT):
            raise CliError(f"--rc-id: id предложения RetailCRM — целое положительное число, а получено «{text[:30]}».")
        rc_id = int(text)
        if str(rc_id) not in _ids(side_items(conflict.rc_data, conflict.kind)):
            unknown.append(("retailcrm", rc_id))
        chosen["rc_id"] = rc_id
    if unknown and not args.force:
        named = " и ".join(f"«{value}»" for _, value in unknown)
        raise CliError(
            f"{named} нет среди вариантов конфликта №{conflict.id}; решение не сохранено. Варианты: "
            f"{_candidates(conflict)}. Если нужен именно этот id, добавьте --force: Связка сначала проверит, "
            "что он есть в сервисе."
        )
    if unknown:
        _check_exist(env, profile, unknown, counterparty)
    return chosen


def _ids(items: list[dict[str, Any]]) -> set[str]:
    return {str(item["id"]) for item in items if item.get("id") is not None}


def _candidates(conflict: Any) -> str:
    from app.store.conflicts import side_items

    def listed(items: list[dict[str, Any]]) -> str:
        shown = [f"{item['id']} («{item.get('name') or '—'}»)" for item in items if item.get("id") is not None]
        return ", ".join(shown[:10]) + (", …" if len(shown) > 10 else "") or "нет"

    ms = listed(side_items(conflict.ms_data, conflict.kind))
    if conflict.kind == ConflictKind.AMBIGUOUS_COUNTERPARTY:
        return f"--ms-id {ms}"
    return f"--ms-id {ms}; --rc-id {listed(side_items(conflict.rc_data, conflict.kind))}"


def _check_exist(env: _Env, profile: Any, unknown: list[tuple[str, Any]], counterparty: bool) -> None:
    """--force: each id must name a real item (a read against the service), else nothing is saved."""
    from app.clients.errors import SvyazkaApiError
    from app.runner.build import clients_for
    from app.secrets import KeyringUnavailable

    for service, value in unknown:  # MoySklad ids are UUIDs (openapi.json: product/variant/counterparty "id")
        if service == "moysklad" and not _UUID.match(str(value)):
            raise CliError(
                f"«{value}» не похоже на id МойСклад (вида 0a1b2c3d-…-…); решение не сохранено. "
                "Id есть в адресе товара или контрагента в МойСклад."
            )
    try:
        rc_client, ms_client = clients_for(profile, env.secrets)
    except (SvyazkaApiError, KeyringUnavailable) as exc:
        raise CliError(exc.message if isinstance(exc, SvyazkaApiError) else str(exc)) from exc
    try:
        with rc_client, ms_client:
            for service, value in unknown:
                if service == "moysklad":
                    entities = ("counterparty",) if counterparty else ("product", "variant")
                    if all(ms_client.get(entity, str(value)) is None for entity in entities):
                        what = "контрагента" if counterparty else "товара или модификации"
                        raise CliError(f"в МойСклад нет {what} с id «{value}»; решение не сохранено.")
                elif rc_client.get_offer(int(value)) is None:
                    raise CliError(f"в RetailCRM нет предложения с id {value}; решение не сохранено.")
    except SvyazkaApiError as exc:
        raise CliError(f"не удалось проверить id: {exc.message} Решение не сохранено.") from exc


def _conflict_json(c: Any) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "key": c.key,
        "title": c.title,
        "title_code": c.title_code,
        "title_params": c.title_params,
        "status": c.status,
        "resolution": c.resolution,
        "moysklad": c.ms_data,
        "retailcrm": c.rc_data,
    }


def cmd_log(args: argparse.Namespace, env: _Env) -> int:
    profile = env.profile()
    run_id = args.run
    if run_id is None and not args.all_runs:
        last = env.db.runs(profile.id).recent(limit=1)
        run_id = last[0].id if last else None
    records = env.db.log(profile.id).query(level=args.level, flow=args.flow, run_id=run_id, limit=max(1, args.limit))
    if args.json:
        print(json.dumps([_log_json(r) for r in records], ensure_ascii=False))
        return EXIT_OK
    for r in reversed(records):  # oldest first reads like a story
        ref = f" [{r.entity_ref}]" if r.entity_ref else ""
        print(f"{_local(r.ts)} {r.level:<7} {r.flow:<8}{ref} {r.text(args.lang)}")
    return EXIT_OK


def _log_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.id,
        "ts": r.ts.isoformat(),
        "level": r.level,
        "flow": r.flow,
        "message": r.message,
        "code": r.code,  # app/messages code and parameters (null for lines written before codes)
        "params": r.params,
        "entity_type": r.entity_type,
        "entity_ref": r.entity_ref,
        "entity_url": r.entity_url,
        "run_id": r.run_id,
    }


def cmd_support_bundle(args: argparse.Namespace, env: _Env) -> int:
    from pathlib import Path

    from app.support_bundle import build_bundle

    try:
        bundle = build_bundle(env.db, env.db.path.parent, Path(args.out) if args.out else None)
    except OSError as exc:
        raise CliError(f"не удалось записать отчёт ({exc.strerror or exc}). Укажите другой файл в --out.") from exc
    print(f"Отчёт для разработчиков сохранён: {bundle.path}")
    for name, size in bundle.entries:
        print(f"  {name} ({size} байт)")
    print("Ключи, e-mail, телефоны и имена клиентов скрыты. Файл никуда не отправлен: пришлите его сами.")
    return EXIT_OK


def cmd_check(args: argparse.Namespace, env: _Env) -> int:
    """``svyazka check``: app/sync/reconcile. Reads only; exit 1 when anything differs (for monitoring)."""
    from app.messages import text_of
    from app.runner.check import check_profile
    from app.sync.reconcile import KIND_TITLES

    profile = env.profile()
    report = check_profile(env.db, profile.id, env.secrets)
    if args.json:
        print(json.dumps({"profile": profile.name, **report.as_json()}, ensure_ascii=False))
        return EXIT_OK if report.agrees else EXIT_PROBLEMS
    for kind, count in report.counts().items():
        print(f"{KIND_TITLES[kind]}: {'расхождений нет' if not count else f'расхождений {count}'}")
    for diff in report.differences:
        values = f"RetailCRM: {diff.retailcrm or '—'}; МойСклад: {diff.moysklad or '—'}"
        if diff.expected and diff.expected != diff.moysklad:
            values += f" (в RetailCRM должно быть {diff.expected})"
        where = f" [{diff.where}]" if diff.where else ""
        note = f" — {diff.note}" if diff.note else ""
        print(f"  {KIND_TITLES[diff.kind]}: {diff.name}{where}: {values}{note}")
    for line in report.notes:
        print(text_of(line))
    if report.agrees:
        print("Всё сходится.")
        return EXIT_OK
    print("Есть расхождения: исправьте их синхронизацией (svyazka sync --full) или на вкладке «Сверка».")
    return EXIT_PROBLEMS


def cmd_icml(args: argparse.Namespace, env: _Env) -> int:
    """``svyazka icml [--out FILE]``: app/runner/icml.py; reads MoySklad only."""
    from pathlib import Path

    from app.runner.icml import export_profile_icml
    from app.sync.catalog.icml import summary

    try:
        result = export_profile_icml(env.db, env.profile().id, env.secrets, Path(args.out) if args.out else None)
    except OSError as exc:
        raise CliError(f"не удалось записать файл ICML ({exc.strerror or exc}). Укажите другой файл в --out.") from exc
    print(summary(result))
    return EXIT_PROBLEMS if result.duplicates else EXIT_OK


def cmd_alerts(args: argparse.Namespace, env: _Env) -> int:
    from app.alerts import config, send_test

    profile = env.profile()
    if args.alerts_command == "test":
        settings = config.load(env.db, profile.id)
        if not settings.any_channel:
            raise CliError("оповещения не настроены: выполните svyazka alerts setup --smtp-… или --telegram-….")
        deliveries = send_test(env.db, profile.id, env.secrets, settings=settings)
        for d in deliveries:
            print(f"{d.channel}: {'отправлено' if d.ok else d.error}")
        return EXIT_OK if all(d.ok for d in deliveries) else EXIT_FAILED
    try:
        settings = config.apply_options(config.load(env.db, profile.id), vars(args))
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.smtp_password:
        env.secrets.set_alert_secret(config.smtp_secret_name(settings),
                                     _secret(ENV_SMTP_PASSWORD, "Пароль SMTP: "))
    if args.telegram_token:
        env.secrets.set_alert_secret(config.telegram_secret_name(settings),
                                     _secret(ENV_TELEGRAM_TOKEN, "Токен бота Telegram: "))
    config.save(env.db, profile.id, settings)
    print(config.describe(settings))
    return EXIT_OK


# --- schedule, autostart (the logic is in app/os_integration/) --------------------------------------------


def cmd_schedule(args: argparse.Namespace, env: _Env) -> int:
    from app.os_integration import os_schedule
    from app.os_integration.command import DEFAULT_EVERY_MINUTES, OsIntegrationError

    _no_demo(env)
    profile = env.profile()
    target = os_schedule.target_for(env.folder, profile.name, DEFAULT_PROFILE)
    try:
        if args.schedule_command == "install":
            minutes = args.every_minutes or env.db.settings(profile.id).load_sync().schedule_minutes
            registration = os_schedule.install(target, minutes or DEFAULT_EVERY_MINUTES)
        elif args.schedule_command == "remove":
            registration = os_schedule.remove(target)
        else:
            registration = os_schedule.state(target)
    except OsIntegrationError as exc:
        raise CliError(str(exc)) from exc
    _print_registration(args, registration, "Синхронизация по расписанию системы", profile.name)
    return EXIT_OK


def cmd_autostart(args: argparse.Namespace, env: _Env) -> int:
    from app.os_integration import autostart
    from app.os_integration.command import OsIntegrationError

    _no_demo(env)
    target = autostart.target_for(env.folder)
    try:
        if args.autostart_command == "on":
            registration = autostart.enable(target)
        elif args.autostart_command == "off":
            registration = autostart.disable(target)
        else:
            registration = autostart.state(target)
    except OsIntegrationError as exc:
        raise CliError(str(exc)) from exc
    _print_registration(args, registration, "Запуск при входе в систему", None)
    return EXIT_OK


def _no_demo(env: _Env) -> None:
    if env.demo is not None:
        raise CliError("в демо-режиме нечего ставить в автозапуск или расписание: он живёт, пока открыт.")


def _print_registration(args: argparse.Namespace, registration: Any, title: str, profile: str | None) -> None:
    if args.json:
        print(json.dumps({**registration.as_json(), "profile": profile}, ensure_ascii=False))
        return
    if not registration.installed:
        print(f"{title}: выключено." + (f" {registration.note}." if registration.note else ""))
        return
    every = f", каждые {registration.every_minutes} мин" if registration.every_minutes else ""
    print(f"{title}: включено{every} ({registration.method}: {registration.where}).")
    if registration.command:
        print(f"  команда: {registration.command}")


_COMMANDS: dict[str, Callable[[argparse.Namespace, _Env], int]] = {
    "support-bundle": cmd_support_bundle,
    "check": cmd_check,
    "icml": cmd_icml,
    "setup": cmd_setup,
    "alerts": cmd_alerts,
    "sync": cmd_sync,
    "status": cmd_status,
    "conflicts": cmd_conflicts,
    "log": cmd_log,
    "schedule": cmd_schedule,
    "autostart": cmd_autostart,
}


if __name__ == "__main__":
    sys.exit(main())
