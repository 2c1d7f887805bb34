"""``python -m benchmarks.sync_bench [--offers 50000] [--stores 3] [--changes 100] [--json] [--profile FILE]``

Measures the sync against the sandbox *with the services' real rate limits on*:

1. **Full sync** of a seeded shop of about ``--offers`` offers × ``--stores`` warehouses (catalog, stock,
   prices and the seeded orders), from an empty profile.
2. **Incremental stock sync**: ``--changes`` stock values change in MoySklad (one shipment document
   posted through the API, as a warehouse would), then ``sync --only stock``.

Separate processes, so the figures belong to the sync alone: the sandbox (``python -m app.sandbox``), the
profile setup (``python -m app setup --auto``) and each sync (:mod:`benchmarks.engine_child`: the engine the
CLI builds, plus the statistics the CLI does not print). For each part it reports the wall time, the
requests per service, the minimum requests the work needs (:mod:`benchmarks.minimum`), the rate-limit
floor, wall ÷ floor and the sync's peak memory, and checks the targets (PASS/FAIL). One JSON object on
stdout; a short table too unless ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.minimum import Minimum, ShopSize, full_sync_minimum, incremental_stock_minimum

ROOT = Path(__file__).resolve().parents[1]
BUCKET_REFILL = 3.5  # seconds for MoySklad's 3-second bucket to be full again between the parts

TARGET_REQUESTS = 1.05  # requests ≤ 1.05 × minimum
TARGET_WALL = 1.2  # wall ≤ 1.2 × rate-limit floor
TARGET_RSS_MB = 400.0  # peak RSS of the sync at 50k offers
TARGET_INCREMENTAL_MS = 3  # MoySklad requests for an incremental stock sync of 100 changes


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def products_for(offers: int, stores: int, orders: int, seed: int) -> tuple[int, Any]:
    """The product count whose seeded shop has about ``offers`` offers, and that shop."""
    from app.sandbox.seed import generate_shop

    probe = generate_shop(products=2000, orders=0, stores=stores, seed=seed)
    products = max(1, round(offers * 2000 / len(probe.offers())))
    shop = generate_shop(products=products, orders=orders, stores=stores, seed=seed)
    if abs(len(shop.offers()) - offers) > offers / 100:  # the share of products with variants drifts a little
        products = max(1, round(products * offers / len(shop.offers())))
        shop = generate_shop(products=products, orders=orders, stores=stores, seed=seed)
    return products, shop


class SandboxProcess:
    """``python -m app.sandbox`` in a child process, with the real rate limits."""

    def __init__(self, products: int, orders: int, stores: int, seed: int) -> None:
        command = [
            sys.executable, "-m", "app.sandbox", "--products", str(products), "--orders", str(orders),
            "--stores", str(stores), "--seed", str(seed),
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError("the sandbox did not start")
        self.credentials: dict[str, Any] = json.loads(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _child_env(credentials: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SVYAZKA_RETAILCRM_API_KEY=credentials["retailcrm"]["api_key"],
        SVYAZKA_MOYSKLAD_TOKEN=credentials["moysklad"]["token"],
        # never touch the keyring of the machine the benchmark runs on: the keys come from the environment
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    return env


def setup_profile(data_dir: Path, credentials: dict[str, Any]) -> None:
    command = [
        sys.executable, "-m", "app", "--data-dir", str(data_dir), "setup",
        "--retailcrm-url", credentials["retailcrm"]["url"], "--moysklad-url", credentials["moysklad"]["url"], "--auto",
    ]
    done = subprocess.run(command, cwd=ROOT, env=_child_env(credentials), capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"setup failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def run_engine(
    data_dir: Path, credentials: dict[str, Any], only: str | None = None, profile: str | None = None
) -> dict[str, Any]:
    """One sync in a child process; its JSON line plus the process's own wall time."""
    command = [sys.executable, "-m", "benchmarks.engine_child", "--data-dir", str(data_dir)]
    if only:
        command += ["--only", only]
    if profile:
        command += ["--profile", profile]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=_child_env(credentials), capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if done.returncode != 0 or not done.stdout.strip():
        raise RuntimeError(f"the sync process failed ({done.returncode}): {done.stderr.strip()[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = round(elapsed, 3)
    return result


def saved_settings(data_dir: Path) -> Any:
    from app.paths import database_path
    from app.store import Database

    db = Database.open(database_path(data_dir))
    try:
        profile = db.profiles.list()[0]
        return db.settings(profile.id).load_sync(), db.links(profile.id).all("offer")
    finally:
        db.close()


def change_stock(credentials: dict[str, Any], data_dir: Path, changes: int) -> dict[str, Any]:
    """Ship one unit of ``changes`` linked items from the first paired warehouse: one demand through the API.

    A shipment is how stock changes in a real shop; posting it through the API keeps the sandbox in its own
    process (an in-process ``state.set_stock`` would put the sandbox in the measured process).
    """
    from app.clients.moysklad import MoySkladClient

    settings, links = saved_settings(data_dir)
    pair = settings.store_pairs[0]
    with MoySkladClient(credentials["moysklad"]["token"], base_url=credentials["moysklad"]["url"]) as ms:
        rows = ms.stock_current("stock", by_store=True, store_ids=[pair.ms_store_id])
        stocked = sorted(r.assortment_id for r in rows if r.store_id == pair.ms_store_id and r.value >= 1)
        chosen = [ms_id for ms_id in stocked if ms_id in links][:changes]
        if len(chosen) < changes:
            raise RuntimeError(f"only {len(chosen)} linked items are in stock at «{pair.ms_store_name}»")
        agent = ms.find_by_values("counterparty", "name", ["Розничный покупатель"])
        if not agent:
            raise RuntimeError("no counterparty «Розничный покупатель» to ship to")
        body = {
            "organization": ms.meta("organization", settings.organization_id),
            "agent": ms.meta("counterparty", str(agent[0]["id"])),
            "store": ms.meta("store", pair.ms_store_id),
            "positions": [
                {"assortment": ms.meta(links[ms_id].ms_type or "product", ms_id), "quantity": 1} for ms_id in chosen
            ],
        }
        demand = ms.create("demand", body)
    return {"document": f"demand {demand.get('name')}", "store": pair.ms_store_name, "items": len(chosen)}


def _ratio(value: float, limit: float) -> float | None:
    return round(value / limit, 3) if limit else None


def evaluate(result: dict[str, Any], minimum: Minimum) -> dict[str, Any]:
    """Requests vs. the minimum, wall vs. the floor."""
    clients = result["clients"]
    requests = {service: clients[service]["requests"] for service in ("retailcrm", "moysklad")}
    mins = {"retailcrm": minimum.retailcrm_total, "moysklad": minimum.moysklad_total}
    wall = result["wall_seconds"]
    return {
        "wall_seconds": wall,
        "process_seconds": result["process_seconds"],
        "requests": requests,
        "minimum": minimum.as_json(),
        "requests_over_minimum": {s: _ratio(requests[s], mins[s]) for s in requests},
        "requests_over_minimum_total": _ratio(sum(requests.values()), sum(mins.values())),
        "wall_over_floor": _ratio(wall, minimum.floor),
        "peak_rss_mb": result["peak_rss_mb"],
        "status": result["report"]["status"],
        "errors": result["report"]["errors"],
        "message": result["report"]["message"],
        "clients": clients,
        "plans": result["plans"],
        "stages": result["stages"],
        "rss_timeline": result.get("rss_timeline", []),  # [second, highest RSS in it (MB)]
    }


def targets(full: dict[str, Any], incremental: dict[str, Any], offers: int, changes: int) -> list[dict[str, Any]]:
    over = full["requests_over_minimum"]
    checks = [
        ("full sync: RetailCRM requests ≤ 1.05 × minimum", over["retailcrm"], TARGET_REQUESTS),
        ("full sync: MoySklad requests ≤ 1.05 × minimum", over["moysklad"], TARGET_REQUESTS),
        ("full sync: wall ≤ 1.2 × rate-limit floor", full["wall_over_floor"], TARGET_WALL),
        (f"full sync: peak RSS < {TARGET_RSS_MB:.0f} MB ({offers} offers)", full["peak_rss_mb"], TARGET_RSS_MB),
        (
            f"incremental stock ({changes} changes): MoySklad requests ≤ {TARGET_INCREMENTAL_MS}",
            incremental["requests"]["moysklad"],
            TARGET_INCREMENTAL_MS,
        ),
        ("incremental stock: RetailCRM requests ≤ 1.05 × minimum", incremental["requests_over_minimum"]["retailcrm"],
         TARGET_REQUESTS),
    ]
    result = []
    for name, value, limit in checks:
        ok = value is not None and (value < limit if "RSS" in name else value <= limit)
        result.append({"target": name, "value": value, "limit": limit, "pass": bool(ok)})
    return result


def table(data: dict[str, Any]) -> str:
    lines = [f"Shop: {data['shop']['offers']} offers ({data['shop']['products']} products) × "
             f"{data['shop']['stores']} warehouses, {data['shop']['orders']} orders"]
    for part in ("full", "incremental"):
        p = data[part]
        m = p["minimum"]
        lines.append(
            f"{part:<12} wall {p['wall_seconds']:8.2f} s  floor {m['rate_limit_floor_seconds']:7.2f} s  "
            f"wall/floor {p['wall_over_floor']}  RSS {p['peak_rss_mb']} MB"
        )
        for service in ("retailcrm", "moysklad"):
            lines.append(
                f"{'':<12} {service:<9} requests {p['requests'][service]:5}  minimum {m[service]['total']:5}  "
                f"ratio {p['requests_over_minimum'][service]}"
            )
    for check in data["targets"]:
        verdict = "PASS" if check["pass"] else "FAIL"
        lines.append(f"{verdict}  {check['target']}: {check['value']} (limit {check['limit']})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.sync_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--offers", type=int, default=50_000, help="about this many offers (default 50000)")
    parser.add_argument("--stores", type=int, default=3, help="warehouses (default 3)")
    parser.add_argument("--changes", type=int, default=100, help="stock values changed for the incremental part")
    parser.add_argument("--orders", type=int, default=120, help="seeded RetailCRM orders (default 120)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    parser.add_argument("--profile", help="write cProfile statistics of the full sync to this file")
    args = parser.parse_args(argv)

    _log(f"generating the shop for about {args.offers} offers…")
    products, shop = products_for(args.offers, args.stores, args.orders, args.seed)
    _log(f"{products} products → {len(shop.offers())} offers; starting the sandbox (rate limits on)…")
    sandbox = SandboxProcess(products, args.orders, args.stores, args.seed)
    try:
        with tempfile.TemporaryDirectory(prefix="svyazka-bench-") as tmp:
            data_dir = Path(tmp)
            creds = sandbox.credentials
            setup_profile(data_dir, creds)
            settings, _ = saved_settings(data_dir)
            time.sleep(BUCKET_REFILL)
            _log("full sync…")
            full_raw = run_engine(data_dir, creds, profile=args.profile)
            size = ShopSize.of(shop, set(settings.export_statuses))
            full = evaluate(full_raw, full_sync_minimum(size, full_raw["plans"]))
            _log(f"full sync: {full['wall_seconds']} s, requests {full['requests']}")
            time.sleep(BUCKET_REFILL)
            change = change_stock(creds, data_dir, args.changes)
            time.sleep(BUCKET_REFILL)
            _log(f"{change['items']} stock values changed ({change['document']}); incremental stock sync…")
            inc_raw = run_engine(data_dir, creds, only="stock")
            incremental = evaluate(inc_raw, incremental_stock_minimum(inc_raw["plans"]))
            incremental["change"] = change
    finally:
        sandbox.stop()
    data: dict[str, Any] = {
        "shop": {"offers": len(shop.offers()), "products": products, "stores": args.stores, "orders": args.orders,
                 "seed": args.seed, "size": size.__dict__},
        "full": full,
        "incremental": incremental,
    }
    data["targets"] = targets(full, incremental, len(shop.offers()), args.changes)
    if not args.json:
        print(table(data))
    print(json.dumps(data, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
