"""What the end-to-end tests share: a sandbox shop, a person acting in it (``app.sandbox.person``), and
Svyazka's CLI on one data folder (Cyrillic and a space in its path, as on a shop owner's computer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.clients.parsing import meta_id
from app.sandbox.person import Person
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database, SyncSettings
from tests.reliability.support import no_duplicates
from tests.sync.test_lived_in_e2e import run, stock_differences

SMALL_SHOP = SandboxOptions(products=60, orders=24, stores=2, seed=11, rate_limit=False)


class Shop:
    """The sandbox, the person, and Svyazka's CLI on one data folder."""

    def __init__(self, sandbox: Sandbox, person: Person, data_dir: Path, capsys: Any) -> None:
        self.sb, self.person, self.data_dir, self.capsys = sandbox, person, data_dir, capsys
        self.ms = sandbox.moysklad.state

    def cli(self, *argv: Any) -> tuple[int, str, str]:
        return run(self.capsys, "--data-dir", self.data_dir, *argv)

    def sync(self) -> dict[str, Any]:
        code, out, err = self.cli("sync", "--json")
        assert code in (0, 1), err
        assert "Traceback" not in err
        return dict(json.loads(out))

    def settings(self) -> SyncSettings:
        with Database.open(self.data_dir / "svyazka.sqlite3") as db:
            (profile,) = db.profiles.list()
            return db.settings(profile.id).load_sync()

    def offer_links(self) -> dict[int, tuple[str, str]]:
        with Database.open(self.data_dir / "svyazka.sqlite3") as db:
            (profile,) = db.profiles.list()
            links = db.links(profile.id).all("offer", by="rc")
        return {int(rc): (link.ms_id, link.ms_type or "product") for rc, link in links.items()
                if link.ms_id and rc.isdigit()}

    def conflicts(self) -> list[dict[str, Any]]:
        return list(json.loads(self.cli("conflicts", "list", "--json")[1]))

    def ms_order(self, rc_id: int) -> dict[str, Any]:
        (found,) = self.ms.find_customer_orders(external_code=str(rc_id))
        return found

    def lines(self, rc_id: int) -> dict[str, float]:
        """The goods of the order's customer order: MoySklad item id -> quantity."""
        rows = self.ms_order(rc_id)["positions"]["rows"]
        return {meta_id(r["assortment"]) or "": r["quantity"] for r in rows
                if r["assortment"]["meta"]["type"] in ("product", "variant")}

    def demands(self, rc_id: int) -> list[dict[str, Any]]:
        ms_id = self.ms_order(rc_id)["id"]
        return [d for d in self.ms.demands() if meta_id(d.get("customerOrder")) == ms_id]

    def returns(self, rc_id: int) -> list[dict[str, Any]]:
        demand_ids = {d["id"] for d in self.demands(rc_id)}
        return [r for r in self.ms.sales_returns() if meta_id(r.get("demand")) in demand_ids]

    def money(self, rc_id: int, *types: str) -> list[dict[str, Any]]:
        ms_id = self.ms_order(rc_id)["id"]
        found = []
        for type_name in types:
            for document in self.ms.money_documents(type_name):
                if any(meta_id(op) == ms_id for op in document.get("operations", [])):
                    found.append(document)
        return found

    def on_hand(self, ms_id: str) -> float:
        return sum(v["stock"] for store, v in self.ms.stock(ms_id).items() if store is not None)

    def clean(self) -> None:
        """What must hold after every sync."""
        assert not no_duplicates(self.sb), no_duplicates(self.sb)
        assert not stock_differences(self.sb, self.data_dir), "stock not equal right after the run"


def kopecks(value: Any) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


@contextmanager
def open_shop(capsys: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              options: SandboxOptions = SMALL_SHOP) -> Iterator[Shop]:
    """A running sandbox set up with ``setup --auto`` (keys from the environment, as the README says)."""
    data_dir = tmp_path / "Связка данные"
    with Sandbox(options) as sb, Person(sb) as person:
        monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sb.retailcrm.api_key)
        monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sb.moysklad.token)
        shop = Shop(sb, person, data_dir, capsys)
        code, _, err = shop.cli("setup", "--retailcrm-url", sb.retailcrm_url, "--moysklad-url", sb.moysklad_url,
                                "--auto")
        assert code == 0, err
        yield shop
