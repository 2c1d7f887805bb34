"""The tidy account's bundle (комплект) and service (услуга), sold in RetailCRM as offers.

Added through the emulators' own APIs after seeding, like :mod:`app.sandbox.lived_in` (which has its own pair),
so the generated shop stays as it was. The bundle is two of the first cleanly linked simple product plus one of
the second, with stock set so that the first component limits it at one store and the second at another
(the min formula shows); the service is gift wrapping. Both have RetailCRM offers under the same article and
xmlId as MoySklad's article/code and externalCode, so they link on the first sync by any default key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.sandbox.moysklad import MoySkladEmulator
from app.sandbox.retailcrm import RetailCrmEmulator
from app.sandbox.seed import Shop

BUNDLE_ARTICLE = "KIT-PAIR"
SERVICE_CODE = "SRV-WRAP"


@dataclass
class Kits:
    bundle_id: str = ""
    service_id: str = ""
    bundle_offer_id: int = 0
    service_offer_id: int = 0
    # (MoySklad product id, quantity in the bundle)
    components: list[tuple[str, float]] = field(default_factory=list)


def _meta(kind: str, entity_id: str) -> dict[str, Any]:
    return {"meta": {"href": f"http://127.0.0.1/api/remap/1.2/entity/{kind}/{entity_id}", "type": kind}}


def add_kits(retailcrm: RetailCrmEmulator, moysklad: MoySkladEmulator, shop: Shop) -> Kits | None:
    """Add the bundle and the service; None when the shop has too few clean products for a bundle."""
    ms, rc = moysklad.state, retailcrm.state
    flawed = {a for values in shop.anomalies.values() for a in values if isinstance(a, str)}
    counted: dict[str, int] = {}
    for product in shop.products:
        counted[product.article] = counted.get(product.article, 0) + 1
    simple = [p for p in shop.products if not p.variants and p.in_moysklad and p.in_retailcrm
              and p.article not in flawed and counted[p.article] == 1]
    if len(simple) < 2:
        return None
    by_code = {p["externalCode"]: p for p in ms.products()}
    first, second = by_code[simple[0].external_code], by_code[simple[1].external_code]
    kits = Kits(components=[(first["id"], 2.0), (second["id"], 1.0)])
    stores = [s["id"] for s in ms.stores()]
    # first store: 9 of the first (4 bundles) and 10 of the second; second store: 20 and 3 (3 bundles)
    for store, (a, b) in zip(stores, ((9, 10), (20, 3)), strict=False):
        ms.set_stock(first["id"], store, a)
        ms.set_stock(second["id"], store, b)
    bundle = ms.create_entity("bundle", {
        "name": "Комплект «Пара»", "article": BUNDLE_ARTICLE, "code": BUNDLE_ARTICLE,
        "salePrices": [{"value": 150000.0}],
        "components": [{"assortment": _meta("product", cid), "quantity": q} for cid, q in kits.components]})
    service = ms.create_entity("service", {"name": "Подарочная упаковка", "code": SERVICE_CODE,
                                           "salePrices": [{"value": 20000.0}]})
    kits.bundle_id, kits.service_id = bundle["id"], service["id"]
    kits.bundle_offer_id = int(rc.add_offer(name=bundle["name"], article=BUNDLE_ARTICLE,
                                            xml_id=bundle["externalCode"], prices={"base": 1500})["id"])
    kits.service_offer_id = int(rc.add_offer(name=service["name"], article=SERVICE_CODE,
                                             xml_id=service["externalCode"], prices={"base": 200})["id"])
    return kits
