"""Text where numbers belong: an order whose RetailCRM id comes as "12abc" (through the hostile proxy).

It must not abort the orders flow: that order becomes a bad-data conflict saying what came, and every other
order is still exported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import use_in_memory_keyring
from app.store import Database
from tests.reliability.hostile_proxy import HostileProxy


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[None]:
    import keyring

    previous = keyring.get_keyring()
    use_in_memory_keyring()
    yield
    keyring.set_keyring(previous)


def _first_order_id(value: str) -> Any:
    def change(answer: Any) -> Any:
        orders = answer.get("orders") or []
        if orders:
            orders[0] = {**orders[0], "id": value}
        return answer

    return change


def test_an_order_id_that_is_not_a_number_is_a_bad_data_conflict_for_that_order(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with Sandbox(SandboxOptions(products=30, orders=10, rate_limit=False)) as sandbox, \
            HostileProxy(sandbox.retailcrm_url) as rc, HostileProxy(sandbox.moysklad_url) as ms:
        monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sandbox.retailcrm.api_key)
        monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sandbox.moysklad.token)
        base = ["--data-dir", str(tmp_path)]
        assert main([*base, "setup", "--retailcrm-url", rc.url, "--moysklad-url", ms.url, "--auto",
                     "--first-sync-days", "0"]) == 0
        rule = rc.rewrite("GET", "/api/v5/orders", _first_order_id("12abc"))
        capsys.readouterr()
        code = main([*base, "sync", "--only", "catalog,orders", "--json"])
        out = capsys.readouterr().out
        report = json.loads(out.strip().splitlines()[-1])
        assert rule.hits >= 1
        assert code == 1 and report["flows"]["orders"]["failed"] == 0, out[-2000:]
        assert report["flows"]["orders"]["created"] > 0  # the other orders went
        with Database.open(tmp_path / "svyazka.sqlite3") as db:
            (profile,) = db.profiles.list()
            bad = [c for c in db.conflicts(profile.id).list() if c.kind == "bad_data"]
    assert len(bad) == 1 and "«12abc»" in bad[0].title and "не число" in bad[0].title
