"""Both emulators together, seeded with one shop: what tests, benchmarks and the demo mode start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.sandbox.clock import TimeSource, moscow_now
from app.sandbox.core import EmulatorServer, FaultConfig, RequestLog
from app.sandbox.kits import Kits, add_kits
from app.sandbox.lived_in import ACCOUNTS, LIVED_IN, LivedIn, furnish, shop_stores
from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.retailcrm.config import RetailCrmConfig
from app.sandbox.seed import Shop, generate_shop

MOYSKLAD_API_PATH = "/api/remap/1.2"


@dataclass(frozen=True)
class SandboxOptions:
    products: int = 300
    orders: int = 120
    stores: int = 3
    seed: int = 1
    rate_limit: bool = True
    latency_ms: float = 0.0
    host: str = "127.0.0.1"
    retailcrm_port: int = 0
    moysklad_port: int = 0
    # the sandbox's "now" (naive Moscow time): None follows the wall clock; a test moves it with
    # app.sandbox.clock.shifted_clock. Seeded dates count back from its reading at start.
    clock: TimeSource | None = None
    # "tidy": the demo shop as generated; "lived-in": the same shop after years of use (app.sandbox.lived_in:
    # more statuses, two sites, archived records, a bundle, a required order field, …), at least 4 stores
    account: str = "tidy"
    # the tidy account's bundle and service (app/sandbox/kits.py); off until the older tests' expectations
    # (every linked offer has report stock, fixed link counts) are brought up to date
    kits: bool = False
    # False: RetailCRM refuses limit=250 on /store/products and /store/offers (undocumented there), as a
    # real account may; see RetailCrmConfig.limit_250_on_catalog_lists
    retailcrm_limit_250_on_catalog: bool = True


class Sandbox:
    """Starts a RetailCRM and a MoySklad emulator on 127.0.0.1 that share one seeded shop.

    Use as a context manager, or call :meth:`start` / :meth:`stop`. ``log`` holds every request both
    servers answered; ``retailcrm.state`` and ``moysklad.state`` read and change the emulated data.
    """

    def __init__(self, options: SandboxOptions | None = None, shop: Shop | None = None) -> None:
        self.options = options or SandboxOptions()
        o = self.options
        if o.account not in ACCOUNTS:
            raise ValueError(f"unknown sandbox account {o.account!r}; one of {', '.join(ACCOUNTS)}")
        lived_in = o.account == LIVED_IN
        stores = shop_stores(o.stores) if lived_in else o.stores
        self.shop = shop or generate_shop(products=o.products, orders=o.orders, stores=stores, seed=o.seed,
                                          now=(o.clock or moscow_now)())
        self.log = RequestLog()
        self.retailcrm = RetailCrmEmulator(
            self.shop,
            rate_limit=o.rate_limit,
            config=RetailCrmConfig(limit_250_on_catalog_lists=o.retailcrm_limit_250_on_catalog),
            clock=o.clock,
        )
        self.moysklad = MoySkladEmulator(self.shop, rate_limit=o.rate_limit, clock=o.clock)
        # what the lived-in account added on top of the tidy shop, and where (None for the tidy account)
        self.lived_in: LivedIn | None = furnish(self.retailcrm, self.moysklad, self.shop) if lived_in else None
        # the tidy account's bundle and service (the lived-in one has its own)
        self.kits: Kits | None = (
            add_kits(self.retailcrm, self.moysklad, self.shop) if o.kits and not lived_in else None
        )
        self.retailcrm_server = EmulatorServer(
            self.retailcrm, host=o.host, port=o.retailcrm_port, log=self.log, latency_ms=o.latency_ms
        )
        self.moysklad_server = EmulatorServer(
            self.moysklad, host=o.host, port=o.moysklad_port, log=self.log, latency_ms=o.latency_ms
        )

    @property
    def retailcrm_url(self) -> str:
        """The account URL as a user would paste it (the client appends /api/v5)."""
        return self.retailcrm_server.base_url

    @property
    def moysklad_url(self) -> str:
        return self.moysklad_server.base_url + MOYSKLAD_API_PATH

    def set_faults(self, faults: FaultConfig | None, service: str | None = None) -> None:
        """Turn fault injection on (or off with None) for one service or both."""
        if service in (None, "retailcrm"):
            self.retailcrm_server.set_faults(faults)
        if service in (None, "moysklad"):
            self.moysklad_server.set_faults(faults)

    def set_latency(self, latency_ms: float) -> None:
        self.retailcrm_server.latency_ms = latency_ms
        self.moysklad_server.latency_ms = latency_ms

    def credentials(self) -> dict[str, Any]:
        """What ``python -m app.sandbox`` prints: everything a client needs to connect."""
        return {
            "retailcrm": {
                "url": self.retailcrm_url,
                "api_key": self.retailcrm.api_key,
                # another key of the same account (the web shop's integration): its changes are someone
                # else's to a sync holding api_key (history apiKey.current false)
                "other_api_key": self.retailcrm.other_api_key,
            },
            "moysklad": {
                "url": self.moysklad_url,
                "token": self.moysklad.token,
                "login": self.moysklad.login,
                "password": self.moysklad.password,
            },
        }

    def start(self) -> Sandbox:
        self.retailcrm_server.start()
        self.moysklad_server.start()
        return self

    def stop(self) -> None:
        self.retailcrm_server.stop()
        self.moysklad_server.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
