"""An order's whole life, scripted end to end over HTTP (issue 15's "Done when").

People act between syncs as they would: the web shop and its managers through RetailCRM's API with the
account's other key, a storekeeper in MoySklad through its API (``app.sandbox.person``). Each sync is the CLI's
``svyazka sync``, set up with ``setup --auto``. After every step the next sync must leave MoySklad as a careful
person would have made it by hand: no duplicate document, stock equal on both sides, the paid sum equal,
every conflict explained.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.clients.parsing import meta_id
from app.sandbox.person import Person
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database, SyncSettings
from tests.reliability.support import no_duplicates
from tests.sync.test_lived_in_e2e import goods, memory_keyring, run, stock_differences  # noqa: F401 (fixture)

pytestmark = pytest.mark.timeout(300)

SHOP = SandboxOptions(products=60, orders=24, stores=2, seed=11, rate_limit=False)


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


def _kopecks(value: Any) -> int:
    return int((Decimal(str(value)) * 100).to_integral_value())


def test_an_orders_whole_life(capsys, tmp_path, monkeypatch):
    data_dir = tmp_path / "Связка данные"
    with Sandbox(SHOP) as sb, Person(sb) as person:
        monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", sb.retailcrm.api_key)
        monkeypatch.setenv("SVYAZKA_MOYSKLAD_TOKEN", sb.moysklad.token)
        shop = Shop(sb, person, data_dir, capsys)
        code, _, err = shop.cli("setup", "--retailcrm-url", sb.retailcrm_url, "--moysklad-url", sb.moysklad_url,
                                "--auto")
        assert code == 0, err
        shop.sync()
        shop.clean()
        settings = shop.settings()
        assert settings.shipment_status and settings.export_statuses
        site = settings.retailcrm_site or sb.shop.site_code
        links = shop.offer_links()
        stocked = [rc for rc, (ms_id, kind) in links.items() if kind in ("product", "variant")
                   and shop.on_hand(ms_id) >= 5]
        first, second = stocked[:2]
        export_status = settings.export_statuses[0]

        # 1. The web shop takes an order: it goes to MoySklad once, with its goods reserved
        order_id = person.create_order(
            site, status=export_status, firstName="Вера", lastName="Покупаева", email="vera@example.ru",
            phone="+79161234567", items=[{"offer": {"id": first}, "quantity": 2},
                                          {"offer": {"id": second}, "quantity": 1}],
        )
        before = {first: shop.on_hand(links[first][0]), second: shop.on_hand(links[second][0])}
        shop.sync()
        ms_order = shop.ms_order(order_id)
        assert sorted(r["quantity"] for r in goods(ms_order)) == [1, 2]
        assert sorted(r.get("reserve", 0) for r in goods(ms_order)) == [1, 2]
        shop.clean()

        # 2. The customer pays by card: an incoming payment linked to the order, MoySklad's paid sum = RetailCRM's
        total = Decimal(str(person.order(order_id)["totalSumm"]))
        person.pay(order_id, "bank-card", total)
        shop.sync()
        (incoming,) = shop.money(order_id, "paymentin", "cashin")
        assert incoming["sum"] == _kopecks(total)
        assert shop.ms_order(order_id)["payedSum"] == _kopecks(total)
        shop.clean()

        # 3. The warehouse ships it: one shipment, the goods leave the warehouse
        person.set_status(order_id, settings.shipment_status)
        shop.sync()
        assert len(shop.demands(order_id)) == 1
        assert shop.on_hand(links[first][0]) == before[first] - 2
        assert shop.on_hand(links[second][0]) == before[second] - 1
        shop.clean()

        # 4. The customer refuses it at the door and gets the money back: the goods come back, the money goes out
        person.set_status(order_id, "cancel-other")
        (payment,) = person.order(order_id)["payments"].values()  # an object keyed by id (recorded testGet)
        person.set_payment_status(int(payment["id"]), "returned")
        shop.sync()
        assert len(shop.returns(order_id)) == 1
        assert shop.on_hand(links[first][0]) == before[first]
        assert shop.on_hand(links[second][0]) == before[second]
        (outgoing,) = shop.money(order_id, "paymentout", "cashout")
        assert outgoing["sum"] == _kopecks(total)
        assert shop.ms_order(order_id)["payedSum"] == 0
        assert all(r.get("reserve", 0) == 0 for r in goods(shop.ms_order(order_id)))
        shop.clean()

        # nothing twice: another sync and a full one change nothing in MoySklad
        counts = (len(shop.ms.customer_orders()), len(shop.ms.demands()), len(shop.ms.sales_returns()))
        shop.sync()
        shop.cli("sync", "--full", "--json")
        assert (len(shop.ms.customer_orders()), len(shop.ms.demands()), len(shop.ms.sales_returns())) == counts
        assert len(shop.money(order_id, "paymentin", "cashin", "paymentout", "cashout")) == 2
        shop.clean()
