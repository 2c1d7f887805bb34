"""A damaged database ("database disk image is malformed") met by ``log`` and ``sync``, then ``svyazka repair``.

Garbage is written over some pages of the journal and of the links, as a failing disk would. The commands say
what happened and what to do (exit 2, no traceback); ``repair`` keeps the damaged file, starts a new one with the
profile, settings and conflict decisions; the next sync finds its links again in both services and creates
nothing twice: no second customer order, counterparty or shipment in MoySklad.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.paths import database_path
from app.sandbox.sandbox import Sandbox
from tests.reliability.support import (
    CHILD_TIMEOUT,
    ROOT,
    SHOP,
    app_command,
    child_env,
    no_duplicates,
    open_store,
    setup_profile,
    sync_once,
)
from tests.store.damage import table_pages, write_garbage


def _run(sandbox: Sandbox, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(app_command(data_dir, *args), cwd=ROOT, env=child_env(sandbox), capture_output=True,
                          text=True, timeout=CHILD_TIMEOUT)


def _ms_counts(sandbox: Sandbox) -> dict[str, int]:
    ms = sandbox.moysklad.state
    return {"orders": len(ms.customer_orders()), "counterparties": len(ms.counterparties()),
            "demands": len(ms.demands())}


def test_a_damaged_database_is_explained_then_repaired_without_duplicates(tmp_path: Path) -> None:
    with Sandbox(SHOP) as sandbox:
        setup_profile(sandbox, tmp_path)
        first = sync_once(sandbox, tmp_path)
        assert first.report is not None and first.report["errors"] == 0, first.log[-20:]
        before = _ms_counts(sandbox)
        assert before["orders"] and before["demands"]
        db, profile_id = open_store(tmp_path)
        try:
            decided = db.conflicts(profile_id).list()[0]
            db.conflicts(profile_id).ignore(decided.id)
        finally:
            db.close()

        path = database_path(tmp_path)
        _, log_leaves = table_pages(path, "log")
        _, link_leaves = table_pages(path, "links")
        write_garbage(path, [log_leaves[len(log_leaves) // 2], log_leaves[-1], link_leaves[len(link_leaves) // 2]])

        for args in (("log", "--all-runs", "--limit", "100000"), ("sync",)):
            done = _run(sandbox, tmp_path, *args)
            said = done.stdout + done.stderr
            assert done.returncode == 2, (args, said[-2000:])
            assert "Traceback" not in said and "повреждён" in said and "svyazka repair" in said, said[-2000:]
        assert _ms_counts(sandbox) == before

        damaged = path.read_bytes()
        done = _run(sandbox, tmp_path, "repair")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
        kept = [p for p in tmp_path.iterdir() if ".damaged-" in p.name and not p.name.endswith(("-wal", "-shm"))]
        assert len(kept) == 1 and kept[0].read_bytes() == damaged  # the damaged file is kept as it was
        assert str(kept[0]) in done.stdout

        again = sync_once(sandbox, tmp_path)
        assert again.code in (0, 1) and again.report is not None and again.report["errors"] == 0, again.log[-20:]
        assert not no_duplicates(sandbox)
        assert _ms_counts(sandbox) == before  # nothing created twice
        assert again.report["flows"]["orders"]["created"] == 0
        db, profile_id = open_store(tmp_path)
        try:
            assert db.conflicts(profile_id).get(decided.id).status == "ignored"  # the decision survived
            assert db.links(profile_id).count("order") == before["orders"]  # the links were found again
        finally:
            db.close()
