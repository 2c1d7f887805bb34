"""Peak resident memory of one window-style sync child, by how its heap arenas are capped (issue 14, item 5).

``python -m benchmarks.arena_rss {env,mallopt,default} [--products N]``: one fresh sandbox shop, one profile,
one sync through :func:`app.runner.run_sync` in a child process; prints the child's peak RSS (VmHWM, sampled
from /proc) as JSON. Run each way in its own process: the fork server keeps the environment it started with.

* ``env``: ``MALLOC_ARENA_MAX=1`` in the child's environment (what the runner does);
* ``mallopt``: no variable, the child caps the arenas with ``mallopt`` at its start (the ctypes fallback);
* ``default``: glibc's default (8 arenas per core), for reference. Linux only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing.forkserver
import os
import tempfile
import threading
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _hwm_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("way", choices=("env", "mallopt", "default"))
    parser.add_argument("--products", type=int, default=3000)
    args = parser.parse_args()
    from app.runner import tuning

    if args.way == "mallopt":
        tuning.child_environment = lambda: {}  # the child finds no variable and calls mallopt itself
    elif args.way == "default":
        tuning.child_environment = lambda: {}
        os.environ["MALLOC_ARENA_MAX"] = str(8 * (os.cpu_count() or 1))  # glibc's default, and no mallopt

    from app.clients.moysklad import MoySkladClient
    from app.clients.retailcrm import RetailCrmClient
    from app.runner import RunRequest, run_sync
    from app.sandbox.sandbox import Sandbox, SandboxOptions
    from app.secrets import MOYSKLAD_TOKEN_ACCOUNT
    from app.store import Database
    from app.sync.accounts import check_moysklad, check_retailcrm, suggest_settings

    options = SandboxOptions(products=args.products, orders=200, stores=3, rate_limit=False)
    with Sandbox(options) as sandbox, tempfile.TemporaryDirectory() as folder:
        db = Database.open(Path(folder) / "svyazka.sqlite3")
        profile = db.profiles.create("bench", sandbox.retailcrm_url, sandbox.moysklad_url, MOYSKLAD_TOKEN_ACCOUNT)
        with RetailCrmClient(sandbox.retailcrm_url, sandbox.retailcrm.api_key) as rc, \
                MoySkladClient(sandbox.moysklad.token, base_url=sandbox.moysklad_url) as ms:
            db.settings(profile.id).save_sync(suggest_settings(check_retailcrm(rc), check_moysklad(ms)).settings)
        request = RunRequest(
            db_path=str(db.path), profile_id=profile.id, retailcrm_url=sandbox.retailcrm_url,
            retailcrm_key=sandbox.retailcrm.api_key, moysklad_url=sandbox.moysklad_url,
            moysklad_account=MOYSKLAD_TOKEN_ACCOUNT, moysklad_token=sandbox.moysklad.token,
            safety_policy="allow",  # a first sync of a big shop trips the "many new products" guard: write anyway
        )
        peak: dict[int, int] = {}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                server = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
                for pid in _children(server) if server else []:
                    peak[pid] = max(peak.get(pid, 0), _hwm_kb(pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        started = time.monotonic()
        outcome = run_sync(request)
        done.set()
        sampler.join()
        report = outcome.unwrap()
        print(json.dumps({"way": args.way, "status": report.status, "seconds": round(time.monotonic() - started, 1),
                          "child_peak_rss_mb": round(max(peak.values(), default=0) / 1024, 1)}))
        db.close()


if __name__ == "__main__":
    main()
