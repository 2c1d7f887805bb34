"""``python -m app.sandbox``: serve both emulators until SIGINT/SIGTERM.

Prints exactly one JSON line on stdout when ready, with the URLs and credentials a client needs.
"""

from __future__ import annotations

import argparse
import gc
import json
import signal
import sys
import threading
import time
from datetime import datetime

from app.sandbox.clock import shifted_clock
from app.sandbox.lived_in import ACCOUNTS
from app.sandbox.sandbox import Sandbox, SandboxOptions


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m app.sandbox",
        description="Local RetailCRM and MoySklad emulators seeded with a demo shop.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--retailcrm-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--moysklad-port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--products", type=_non_negative, default=300, help="products in the catalog")
    parser.add_argument("--orders", type=_non_negative, default=120, help="orders in RetailCRM")
    parser.add_argument("--stores", type=_positive, default=3, help="warehouses (1-10)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same shop")
    parser.add_argument("--account", choices=ACCOUNTS, default="tidy",
                        help="tidy: the demo shop as generated (default); lived-in: the same shop after years of use "
                             "(more statuses, two sites, archived records, a bundle, a required order field, …)")
    parser.add_argument("--no-rate-limit", action="store_true", help="serve without the services' rate limits")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every response")
    parser.add_argument("--now", type=_moment, default=None, metavar="YYYY-MM-DDTHH:MM",
                        help="start the sandbox's clock at this Moscow time (default: now); seeded dates count back "
                             "from it")
    parser.add_argument(
        "--retailcrm-refuse-limit-250",
        action="store_true",
        help="RetailCRM answers limit=250 on /store/products and /store/offers with a 400 (undocumented there)",
    )
    return parser


def _moment(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a date and time such as 2027-12-31T23:50") from None


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("The sandbox only listens on this computer (127.0.0.1).", file=sys.stderr)
        return 2
    options = SandboxOptions(
        products=args.products,
        orders=args.orders,
        stores=args.stores,
        seed=args.seed,
        account=args.account,
        rate_limit=not args.no_rate_limit,
        latency_ms=args.latency_ms,
        host=args.host,
        retailcrm_port=args.retailcrm_port,
        moysklad_port=args.moysklad_port,
        clock=shifted_clock(args.now) if args.now else None,
        retailcrm_limit_250_on_catalog=not args.retailcrm_refuse_limit_250,
    )
    try:
        sandbox = Sandbox(options).start()
    except OSError as exc:
        print(f"Could not start the sandbox: {exc.strerror or exc}. Is the port already in use?", file=sys.stderr)
        return 2

    # The seeded shop is hundreds of thousands of long-lived objects: without this, the first requests pay
    # full garbage collections over all of them (~0.3 s each at 20,000 products).
    gc.collect()
    gc.freeze()
    stop = threading.Event()

    def _on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    print(json.dumps(sandbox.credentials(), ensure_ascii=False), flush=True)
    try:
        while not stop.is_set():
            time.sleep(0.2)
    finally:
        sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
