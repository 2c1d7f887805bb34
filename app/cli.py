"""The ``svyazka`` command (also ``python -m app``).

Today it offers ``--version`` and ``--demo``; the sync commands (setup, sync, status, conflicts, log)
are added with the sync engine and keep these names stable.
"""

from __future__ import annotations

import argparse
import sys

from app import APP_NAME, __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="svyazka",
        description=f"{APP_NAME}: keeps RetailCRM and MoySklad in sync.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a local demo shop (both services emulated on this computer, no accounts needed)",
    )
    parser.add_argument("--data-dir", help="where Svyazka keeps its database (default: the user data folder)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.demo:
        from app.sandbox.__main__ import main as sandbox_main

        print("Демо-режим: RetailCRM и МойСклад эмулируются на этом компьютере. Остановить: Ctrl+C.", file=sys.stderr)
        return sandbox_main([])
    build_parser().print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
