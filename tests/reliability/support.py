"""Shared helpers of the reliability tests: the sync as a real child process, and the final state of a shop.

The sandbox runs in the test process (threads), so a test reads and changes the emulated data through the
emulators' ``state`` objects. The sync runs as ``python -m app …`` in a child process, exactly as cron would
run it, so it can be killed for real; keys come from the environment, and the machine's keyring is never
touched (``PYTHON_KEYRING_BACKEND`` points at keyring's always-failing backend).

:func:`final_state` describes what a sync left behind in words that do not depend on generated ids (orders by
their RetailCRM id, items by their externalCode), so a shop that was synced through crashes can be compared
with a fresh shop of the same seed that was synced once, cleanly.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.clients.parsing import meta_id
from app.paths import database_path
from app.runner.build import close_engine
from app.runner.build import engine_for_profile as build_engine
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import SecretStore
from app.store import Database
from app.sync.model import Callbacks, Flow, LogEvent, RunReport

ROOT = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 120  # seconds: a small shop syncs in a few; this only stops a hung child from hanging CI

# The shop every reliability test syncs: small enough for seconds per run, big enough that every flow writes
# in more than one request (two stock uploads, order creates, shipment templates, a shipment batch).
SHOP = SandboxOptions(products=120, orders=30, stores=3, seed=11, rate_limit=False)


def child_env(sandbox: Sandbox) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SVYAZKA_RETAILCRM_API_KEY=sandbox.retailcrm.api_key,
        SVYAZKA_MOYSKLAD_TOKEN=sandbox.moysklad.token,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
        PYTHONUNBUFFERED="1",
    )
    env.pop("SVYAZKA_DATA_DIR", None)
    return env


def app_command(data_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args]


def setup_profile(sandbox: Sandbox, data_dir: Path) -> None:
    """``svyazka setup --auto`` in a child process: the profile every later sync of ``data_dir`` uses."""
    done = subprocess.run(
        app_command(data_dir, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                    "--moysklad-url", sandbox.moysklad_url, "--auto"),
        cwd=ROOT, env=child_env(sandbox), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )
    assert done.returncode == 0, f"setup failed: {done.stderr[-2000:]}"


@dataclass
class SyncResult:
    code: int
    report: dict[str, Any] | None  # the --json object (None when the process died before printing it)
    log: list[str]


def sync_once(sandbox: Sandbox, data_dir: Path) -> SyncResult:
    """``svyazka sync --json`` to the end (no kill)."""
    done = subprocess.run(
        app_command(data_dir, "sync", "--json"),
        cwd=ROOT, env=child_env(sandbox), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )
    return SyncResult(done.returncode, parse_report(done.stdout), done.stderr.splitlines())


def parse_report(stdout: str) -> dict[str, Any] | None:
    for line in reversed(stdout.strip().splitlines()):
        if line.startswith("{"):
            data: dict[str, Any] = json.loads(line)
            return data
    return None


def open_store(data_dir: Path) -> tuple[Database, int]:
    db = Database.open(database_path(data_dir))
    profiles = db.profiles.list()
    assert len(profiles) == 1
    return db, profiles[0].id


# --- which flow a request belongs to ----------------------------------------------------------------------

_ORDER = {flow: index for index, flow in enumerate((Flow.CATALOG, Flow.STOCK, Flow.PRICES, Flow.ORDERS))}

_RC_FLOWS: tuple[tuple[str, Flow], ...] = (
    ("reference/sites", Flow.CATALOG),
    ("store/product-groups", Flow.CATALOG),
    ("store/products", Flow.CATALOG),
    ("store/inventories", Flow.STOCK),
    ("store/prices", Flow.PRICES),
    ("reference/statuses", Flow.ORDERS),
    ("reference/status-groups", Flow.ORDERS),  # the process order of the statuses (shipments)
    ("reference/payment-statuses", Flow.ORDERS),  # which payments are paid (app.sync.orders.payments)
    ("reference/payment-types", Flow.ORDERS),
    ("reference/delivery-types", Flow.ORDERS),  # names for the description and order fields (orders/attributes.py)
    ("reference/order-methods", Flow.ORDERS),
    ("users", Flow.ORDERS),  # managers' names for order fields (orders/attributes.py)
    ("orders", Flow.ORDERS),
    ("customers", Flow.ORDERS),
)
_MS_FLOWS: tuple[tuple[str, Flow], ...] = (
    ("entity/productfolder", Flow.CATALOG),
    ("entity/product", Flow.CATALOG),
    ("entity/variant", Flow.CATALOG),
    ("report/stock", Flow.STOCK),
    ("entity/store", Flow.STOCK),
    ("entity/customerorder", Flow.ORDERS),
    ("entity/customentity", Flow.ORDERS),  # dictionaries of order fields (app/sync/orders/attributes.py)
    ("entity/counterparty", Flow.ORDERS),
    ("entity/demand", Flow.ORDERS),
    ("entity/salesreturn", Flow.ORDERS),
    ("entity/service", Flow.ORDERS),
    ("entity/paymentin", Flow.ORDERS),
    ("entity/cashin", Flow.ORDERS),
    ("entity/paymentout", Flow.ORDERS),
    ("entity/cashout", Flow.ORDERS),
)


def flow_of(service: str, path: str) -> Flow | None:
    """The flow a sandbox request belongs to, from its path (None: account checks, not a flow's)."""
    if service == "retailcrm":
        rest = path.split("/api/v5/", 1)[-1]
        table = _RC_FLOWS
    else:
        rest = path.split("/api/remap/1.2/", 1)[-1]
        table = _MS_FLOWS
    for prefix, flow in table:
        if rest.startswith(prefix):
            return flow
    return None


def flow_rank(flow: Flow) -> int:
    return _ORDER[flow]


def is_write(service: str, method: str, path: str) -> bool:
    """A request that may change data (MoySklad's demand template is a read with PUT, but it is counted here:
    killing the sync while it waits for one is as interesting as any other moment of a shipment)."""
    if service == "retailcrm":
        return method == "POST"
    return method in ("POST", "PUT", "DELETE")


# --- what a sync left behind ------------------------------------------------------------------------------


def _ref(value: Any) -> str | None:
    return meta_id(value) if value else None


def _offer_key(offer: dict[str, Any], product: dict[str, Any]) -> str:
    """An offer named the same way in two sandboxes of one seed (ids of offers the sync created may differ)."""
    return str(offer.get("xmlId") or offer.get("externalId") or f"{product.get('externalId')}/{offer.get('name')}")


def _ms_items_by_offer_key(sandbox: Sandbox) -> dict[str, str]:
    """MoySklad item id by the key RetailCRM's offer has (a product's externalCode, "product#variant")."""
    ms = sandbox.moysklad.state
    products = ms.products()
    ext_of = {p["id"]: p.get("externalCode") for p in products}
    items = {str(p.get("externalCode")): p["id"] for p in products}
    for variant in ms.variants():
        parent = _ref(variant.get("product"))
        items[f"{ext_of.get(parent or '')}#{variant.get('externalCode')}"] = variant["id"]
    return items


def _rc_code_by_ms_store(sandbox: Sandbox) -> dict[str, str]:
    """RetailCRM store code by MoySklad store id, paired by name as ``setup --auto`` pairs them."""
    code_of_name = {s.ms_name: s.rc_code for s in sandbox.shop.stores}
    return {s["id"]: code_of_name[s["name"]] for s in sandbox.moysklad.state.stores() if s["name"] in code_of_name}


def final_state(sandbox: Sandbox, data_dir: Path) -> dict[str, Any]:
    """Everything a shop owner would compare after a sync, keyed by what stays the same across sandboxes."""
    ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state
    item_code = {p["id"]: p.get("externalCode") for p in ms.products()}
    item_code.update({v["id"]: v.get("externalCode") for v in ms.variants()})
    agents = {c["id"]: c["name"] for c in ms.counterparties()}
    orders = ms.customer_orders()
    order_code = {o["id"]: o.get("externalCode") for o in orders}

    exported = {
        o.get("externalCode"): {
            "name": o.get("name"),
            "state": _ref(o.get("state")),
            "store": _ref(o.get("store")),
            "agent": agents.get(_ref(o.get("agent")) or ""),
            "description": o.get("description"),
            "address": o.get("shipmentAddress"),
            "positions": sorted(
                (str(item_code.get(_ref(r.get("assortment")) or "") or _ref(r.get("assortment"))), r.get("quantity"),
                 r.get("price"), r.get("discount"), r.get("reserve"))
                for r in o["positions"]["rows"]
            ),
        }
        for o in orders
    }
    stock: dict[str, dict[str, Any]] = {}
    prices: dict[str, dict[str, str]] = {}
    purchase: dict[str, str | None] = {}
    ms_stock: dict[str, dict[str, float]] = {}
    ms_item_of = _ms_items_by_offer_key(sandbox)
    rc_code_of = _rc_code_by_ms_store(sandbox)
    for product in rc.products():
        for offer in product.get("offers", []):
            key = _offer_key(offer, product)
            stock[key] = {code: float(q) for code, q in rc.stock(int(offer["id"])).items()}
            ms_id = ms_item_of.get(key)
            if ms_id is not None:
                ms_stock[key] = {rc_code_of[store]: max(0.0, figures["stock"])
                                 for store, figures in ms.stock(ms_id).items() if store in rc_code_of}
            prices[key] = {code: str(p) for code, p in rc.prices(int(offer["id"])).items()}
            value = rc.purchase_price(int(offer["id"]))
            purchase[key] = str(value) if value is not None else None

    db, profile_id = open_store(data_dir)
    try:
        links = {kind: db.links(profile_id).count(kind) for kind in ("offer", "order", "counterparty", "demand",
                                                                      "product_group", "payment", "refund")}
        pending = sorted(f"{link.kind}:{link.rc_id}" for link in db.links(profile_id).pending())
        conflicts = sorted((c.kind, c.key) for c in db.conflicts(profile_id).list(status="open"))
    finally:
        db.close()
    return {
        "orders": exported,
        "demands": sorted(str(order_code.get(_ref(d.get("customerOrder")) or "")) for d in ms.demands()),
        "counterparties": sorted(agents.values()),
        "payments": sorted(
            (kind, tuple(str(order_code.get(_ref(op) or "")) for op in d.get("operations") or ()), d.get("sum"),
             agents.get(_ref(d.get("agent")) or ""))
            for kind in MONEY_DOCUMENTS for d in ms.money_documents(kind)
        ),
        "rc_products": sorted(
            (str(p.get("externalId")), p.get("name"), p.get("article"), p.get("active")) for p in rc.products()
        ),
        "rc_stock": stock,
        "ms_stock": ms_stock,
        "rc_prices": prices,
        "rc_purchase_prices": purchase,
        "links": links,
        "pending_links": pending,
        "open_conflicts": conflicts,
    }


MONEY_DOCUMENTS = ("paymentin", "cashin", "paymentout", "cashout")


def duplicates(sandbox: Sandbox) -> dict[str, list[Any]]:
    """Groups of more than one where there must be exactly one: customer orders per RetailCRM order,
    counterparties per syncId, shipments per customer order, RetailCRM products per externalId.

    Names are not unique in a real catalog (nor in the seed), so extra products or counterparties with the
    same name show up in the comparison with a clean run instead (:func:`final_state` lists every name)."""
    ms, rc = sandbox.moysklad.state, sandbox.retailcrm.state

    def more_than_once(values: Iterable[Any]) -> list[Any]:
        return sorted((v, n) for v, n in Counter(v for v in values if v).items() if n > 1)

    return {
        "customer orders by externalCode": more_than_once(o.get("externalCode") for o in ms.customer_orders()),
        "customer orders by syncId": more_than_once(o.get("syncId") for o in ms.customer_orders()),
        "counterparties by syncId": more_than_once(c.get("syncId") for c in ms.counterparties()),
        "demands by customer order": more_than_once(_ref(d.get("customerOrder")) for d in ms.demands()),
        "demands by syncId": more_than_once(d.get("syncId") for d in ms.demands()),
        "RetailCRM products by externalId": more_than_once(p.get("externalId") for p in rc.products()),
        "money documents by syncId": more_than_once(
            d.get("syncId") for kind in MONEY_DOCUMENTS for d in ms.money_documents(kind)),
        "money documents by purpose": more_than_once(
            (kind, d.get("paymentPurpose")) for kind in MONEY_DOCUMENTS for d in ms.money_documents(kind)),
    }


def no_duplicates(sandbox: Sandbox) -> dict[str, list[Any]]:
    return {what: groups for what, groups in duplicates(sandbox).items() if groups}


def diff(actual: dict[str, Any], expected: dict[str, Any], limit: int = 8) -> list[str]:
    """Where two final states differ, in a few lines a failing test can print.

    One difference is allowed, because it is a difference of *when*, not of *what*: a clean first sync sends
    stock before its own shipments (orders come last) take goods out in MoySklad, so RetailCRM keeps the
    figure from before them until the next sync; a sync that was killed and restarted may send stock after
    them. So a RetailCRM figure may differ from the clean run's only where it equals MoySklad's figure now
    (which itself must be the same in both: same orders, same shipments).
    """
    actual = dict(actual)
    stock = {key: dict(levels) for key, levels in actual.get("rc_stock", {}).items()}
    now = actual.get("ms_stock", {})
    for key, levels in stock.items():
        clean = expected.get("rc_stock", {}).get(key, {})
        for code, value in levels.items():
            if value != clean.get(code) and value == now.get(key, {}).get(code):
                levels[code] = clean.get(code)  # newer, and right: the same as the clean run's for comparing
    actual["rc_stock"] = stock
    lines: list[str] = []
    for section in sorted(set(actual) | set(expected)):
        a, e = actual.get(section), expected.get(section)
        if a == e:
            continue
        if isinstance(a, dict) and isinstance(e, dict):
            keys = sorted(set(a) | set(e), key=str)
            bad = [k for k in keys if a.get(k) != e.get(k)]
            lines.append(f"{section}: {len(bad)} differ, e.g. " + "; ".join(
                f"{k}: {a.get(k)!r} != {e.get(k)!r}" for k in bad[:3]))
        elif isinstance(a, list) and isinstance(e, list):
            extra = sorted((Counter(map(repr, a)) - Counter(map(repr, e))).elements())
            missing = sorted((Counter(map(repr, e)) - Counter(map(repr, a))).elements())
            lines.append(f"{section}: extra {extra[:3]} ({len(extra)}), missing {missing[:3]} ({len(missing)})")
        else:
            lines.append(f"{section}: {a!r} != {e!r}")
        if len(lines) >= limit:
            break
    return lines


def reference_state(options: SandboxOptions, data_dir: Path) -> tuple[dict[str, Any], SyncResult]:
    """A fresh sandbox of ``options``, set up and synced once without any interruption."""
    with Sandbox(options) as sandbox:
        setup_profile(sandbox, data_dir)
        result = sync_once(sandbox, data_dir)
        assert result.report is not None and result.report["errors"] == 0, result.log[-20:]
        assert not no_duplicates(sandbox)
        return final_state(sandbox, data_dir), result


# --- the engine in this process, and what its log lines must be like ------------------------------------


def run_engine(data_dir: Path, events: list[LogEvent]) -> RunReport:
    """One sync of the profile in ``data_dir`` in this process (keys from the environment), logging to ``events``."""
    db, profile_id = open_store(data_dir)
    try:
        engine = build_engine(db, profile_id, SecretStore(), callbacks=Callbacks(on_log=events.append))
        try:
            return engine.run()
        finally:
            close_engine(engine)
    finally:
        db.close()


# Words of a message meant for a programmer, not for a shop owner.
_TECHNICAL = re.compile(
    r"Traceback|Exception|Error\(|errno|httpx|sqlalchemy|NoneType|object at 0x|\{'|\"\w+\":|File \"|"
    r"HTTPStatus|status code|ConnectError|ReadTimeout|RemoteProtocolError",
    re.IGNORECASE,
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def unreadable(event: LogEvent, secrets: tuple[str, ...]) -> str | None:
    """Why a warning or error is not a message a person can act on (None: it is one)."""
    text = event.message
    if any(secret and secret in text for secret in secrets):
        return "shows a secret"
    if _TECHNICAL.search(text):
        return "technical words"
    if len(_CYRILLIC.findall(text)) < 10:
        return "not a sentence in Russian"
    if len(text) > 1000:
        return "too long to read"
    if not text.rstrip().endswith((".", "!", "»", ")")):
        return "not a finished sentence"
    return None
