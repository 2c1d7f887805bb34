"""``conflicts resolve`` with the decisions of an order changed on both sides (app/sync/orders/edits.py):
use_retailcrm / use_moysklad are taken for that kind only, and that kind takes only them (or ignore)."""

from __future__ import annotations

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=20, orders=0, rate_limit=False)) as sb:
        yield sb


def run(capsys, *argv):
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def _record(data_dir, kind: str, key: str) -> int:
    db = Database.open(data_dir / "svyazka.sqlite3")
    try:
        profile = db.profiles.list()[0]
        return db.conflicts(profile.id).record(kind, key, "Заказ 7 изменён с обеих сторон").id
    finally:
        db.close()


def _resolution(data_dir, conflict_id: int):
    db = Database.open(data_dir / "svyazka.sqlite3")
    try:
        profile = db.profiles.list()[0]
        found = db.conflicts(profile.id).get(conflict_id)
        return found.status, found.resolution
    finally:
        db.close()


def test_resolve_takes_the_side_actions_for_an_order_changed_on_both_sides(capsys, sandbox, keys, tmp_path):
    code, _, err = run(capsys, "--data-dir", tmp_path, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    both = _record(tmp_path, "order_changed_both_sides", "order_changed_both_sides:order:7")
    status = _record(tmp_path, "unmapped_status", "unmapped_status:x")

    code, out, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", both, "--action", "use_moysklad")
    assert code == 0 and "решение сохранено" in out, err
    assert _resolution(tmp_path, both) == ("resolved", {"action": "use_moysklad"})
    code, out, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", both, "--action", "use_retailcrm")
    assert code == 0, err
    assert _resolution(tmp_path, both) == ("resolved", {"action": "use_retailcrm"})

    # the side actions fit this kind only; this kind fits no id decision
    code, _, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", status, "--action", "use_retailcrm")
    assert code == 2 and "изменённого с обеих сторон" in err
    assert _resolution(tmp_path, status) == ("open", None)
    code, _, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", both, "--action", "pick")
    assert code == 2 and "use_retailcrm" in err and "use_moysklad" in err
    assert _resolution(tmp_path, both) == ("resolved", {"action": "use_retailcrm"})
    code, _, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", both, "--action", "ignore")
    assert code == 0, err
