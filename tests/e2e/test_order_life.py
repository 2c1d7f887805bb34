"""An order's whole life, scripted end to end over HTTP (issue 15's "Done when").

People act between syncs as they would: the web shop and its managers through RetailCRM's API with the
account's other key, a storekeeper in MoySklad through its API (``app.sandbox.person``). Each sync is the CLI's
``svyazka sync``, set up with ``setup --auto``. After every step the next sync must leave MoySklad as a careful
person would have made it by hand: no duplicate document, stock equal on both sides, the paid sum equal,
every conflict explained.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.clients.parsing import meta_id
from tests.e2e.shop import kopecks, open_shop
from tests.sync.test_lived_in_e2e import goods, memory_keyring  # noqa: F401 (memory_keyring: a fixture)

pytestmark = pytest.mark.timeout(300)


def test_an_orders_whole_life(capsys, tmp_path, monkeypatch):
    with open_shop(capsys, tmp_path, monkeypatch) as shop:
        person, sb = shop.person, shop.sb
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
        assert incoming["sum"] == kopecks(total)
        assert shop.ms_order(order_id)["payedSum"] == kopecks(total)
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
        assert outgoing["sum"] == kopecks(total)
        assert shop.ms_order(order_id)["payedSum"] == 0
        assert all(r.get("reserve", 0) == 0 for r in goods(shop.ms_order(order_id)))
        shop.clean()

        # 5. The customer gives a new phone and e-mail: the counterparty Svyazka made follows them
        customer_id = int(person.order(order_id)["customer"]["id"])
        agent_id = meta_id(shop.ms_order(order_id)["agent"])
        person.edit_customer(customer_id, phones=[{"number": "+79035550101"}], email="vera.new@example.ru")
        shop.sync()
        (agent,) = [c for c in shop.ms.counterparties() if c["id"] == agent_id]
        assert agent["email"] == "vera.new@example.ru"
        assert agent["phone"].replace(" ", "").endswith("9035550101")
        shop.clean()

        # 6. Lines edited on both sides: the manager adds one more in RetailCRM, the storekeeper changed another
        # line in MoySklad. Nothing is overwritten; the person decides (CLI); the next sync carries it out
        both_id = person.create_order(
            site, status=export_status, firstName="Олег", lastName="Двусторонний", email="oleg@example.ru",
            items=[{"offer": {"id": first}, "quantity": 1}, {"offer": {"id": second}, "quantity": 1}],
        )
        shop.sync()
        ms_both = shop.ms_order(both_id)
        second_row = next(r for r in goods(ms_both) if meta_id(r["assortment"]) == links[second][0])
        person.ms_set_position(ms_both["id"], second_row["id"], quantity=3)  # the storekeeper's change
        person.set_line_quantity(both_id, first, 2)  # the manager's change
        shop.sync()
        (conflict,) = [c for c in shop.conflicts() if c["kind"] == "order_changed_both_sides"]
        assert str(both_id) in conflict["key"]
        assert shop.lines(both_id) == {links[first][0]: 1, links[second][0]: 3}, "MoySklad's order was overwritten"
        code, _, err = shop.cli("conflicts", "resolve", conflict["id"], "--action", "use_retailcrm")
        assert code == 0, err
        shop.sync()
        assert shop.lines(both_id) == {links[first][0]: 2, links[second][0]: 1}
        assert not [c for c in shop.conflicts() if c["kind"] == "order_changed_both_sides"]
        shop.clean()

        # 7. One line runs out (a cancelled line status): it leaves the MoySklad order and holds no reserve
        person.set_line_status(both_id, second, "out-of-stock")
        shop.sync()
        assert shop.lines(both_id) == {links[first][0]: 2}
        assert shop.ms.stock(links[second][0]) and all(
            v["reserve"] == 0 for v in shop.ms.stock(links[second][0]).values())
        shop.clean()

        # 8. The order is deleted in RetailCRM: MoySklad's order is cancelled, its reserves released, never deleted
        person.delete_order(both_id)
        shop.sync()
        deleted = shop.ms_order(both_id)
        assert all(not r.get("reserve") for r in goods(deleted))
        assert meta_id(deleted["state"]) == shop.settings().status_map["cancel-other"]  # the mapped cancel state
        shop.clean()

        # nothing twice: another sync and a full one change nothing in MoySklad
        counts = (len(shop.ms.customer_orders()), len(shop.ms.demands()), len(shop.ms.sales_returns()))
        shop.sync()
        shop.cli("sync", "--full", "--json")
        assert (len(shop.ms.customer_orders()), len(shop.ms.demands()), len(shop.ms.sales_returns())) == counts
        assert len(shop.money(order_id, "paymentin", "cashin", "paymentout", "cashout")) == 2
        shop.clean()
