"""Fill a fresh state from the seeded :class:`~app.sandbox.seed.Shop`.

What the account holds at start: one organization (the shop's name and INN), the stores (``ms_name``), the
price types (``ms_name``; the first, "Цена продажи", is the default), the customer-order states, the product
folders, the products and variants that are ``in_moysklad``, the pre-existing counterparties, RUB, "шт", one
employee (the API user) and opening stock from ``shop.stock`` as if an "enter" had been posted two days
before start. **No customer orders or demands**: orders are born in RetailCRM and arrive through the sync.

Records are built directly (not through the write engine) so 100,000 products load in seconds; they carry
exactly the fields a create through the API would produce.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.sandbox.moysklad.refs import Ref
from app.sandbox.moysklad.state import MoySkladState
from app.sandbox.seed import Shop

OPENING_AGE = timedelta(days=2)  # seeded data and opening stock are this old at start

# Demand states are not in the shop; these two are what a fresh account typically has.
_DEMAND_STATES = (("Собрана", "Regular", 10667543), ("Отгружена", "Successful", 8767198))


def seed_state(state: MoySkladState, shop: Shop, login: str) -> None:
    now = state.clock.now()
    opening = now - OPENING_AGE
    account = state.account_id

    def owned(kind: str, with_owner: bool = True, **fields: Any) -> dict[str, Any]:
        """A new record; ``with_owner`` False for kinds the spec gives no owner/shared/group (variants)."""
        entity_id = state.new_id()
        record: dict[str, Any] = {"_ref": Ref.entity(kind, entity_id), "id": entity_id, "accountId": account}
        if with_owner:
            record.update(owner=state.employee_ref, shared=False, group=state.group_ref)
        record["updated"] = opening
        record.update(fields)
        return record

    # group, employee (owner of everything), currency, unit
    group_id = state.new_id()
    state.group_ref = Ref.entity("group", group_id)
    state.insert_seeded("group", {"_ref": state.group_ref, "id": group_id, "accountId": account,
                                  "name": "Основной", "index": 0})
    employee_id = state.new_id()
    state.employee_ref = Ref.entity("employee", employee_id)
    state.insert_seeded("employee", {
        "_ref": state.employee_ref, "id": employee_id, "accountId": account, "owner": state.employee_ref,
        "shared": True, "group": state.group_ref, "updated": opening, "name": "Администратор",
        "externalCode": state.new_external_code(), "archived": False, "created": opening,
        "uid": login, "email": f"admin@{login.partition('@')[2] or 'example'}.ru", "lastName": "Администратор",
        "fullName": "Администратор", "shortFio": "Администратор",
    })
    currency_id = state.new_id()
    state.rub_ref = Ref.entity("currency", currency_id)
    state.insert_seeded("currency", {
        "_ref": state.rub_ref, "id": currency_id, "system": True, "name": "руб", "fullName": "Российский рубль",
        "code": "643", "isoCode": "RUB", "multiplicity": 1, "rate": 1.0, "margin": 0.0, "indirect": False,
        "rateUpdateType": "manual", "archived": False, "default": True,
        "majorUnit": {"gender": "masculine", "s1": "рубль", "s2": "рубля", "s5": "рублей"},
        "minorUnit": {"gender": "feminine", "s1": "копейка", "s2": "копейки", "s5": "копеек"},
    })
    uom = owned("uom", name="шт", description="Штука", code="796", externalCode="796")
    state.uom_ref = uom["_ref"]
    state.insert_seeded("uom", uom)

    organization = owned("organization", name=shop.organization_name, externalCode=state.new_external_code(),
                         archived=False, created=opening, companyType="legal", legalTitle=shop.organization_name,
                         inn=shop.organization_inn)
    state.organization_ref = organization["_ref"]
    state.insert_seeded("organization", organization)

    price_types: dict[str, Ref] = {}
    for seed_type in shop.price_types:
        type_id = state.new_id()
        ref = Ref.price_type(type_id)
        price_types[seed_type.key] = ref
        state.insert_seeded("pricetype", {"_ref": ref, "id": type_id, "name": seed_type.ms_name,
                                          "externalCode": state.new_uuid_code()})

    stores: dict[str, str] = {}
    for seed_store in shop.stores:
        store = owned("store", name=seed_store.ms_name, externalCode=state.new_external_code(), archived=False,
                      address=seed_store.address)
        stores[seed_store.key] = store["id"]
        state.insert_seeded("store", store)

    for entity_type, seeds in (("customerorder", [(s.name, s.state_type, s.color) for s in shop.states]),
                               ("demand", list(_DEMAND_STATES))):
        for name, state_type, color in seeds:
            state_id = state.new_id()
            state.insert_seeded("state", {"_ref": Ref.state(entity_type, state_id), "id": state_id,
                                          "accountId": account, "name": name, "color": color,
                                          "stateType": state_type, "entityType": entity_type})

    folders: dict[str, Ref] = {}
    for seed_folder in shop.folders:
        folder = owned("productfolder", name=seed_folder.name, externalCode=seed_folder.external_code,
                       archived=False, useParentVat=True)
        if seed_folder.parent_key is not None and seed_folder.parent_key in folders:
            folder["productFolder"] = folders[seed_folder.parent_key]
        folders[seed_folder.key] = folder["_ref"]
        state.insert_seeded("productfolder", folder)

    characteristics: dict[str, Ref] = {}

    def characteristic(name: str) -> Ref:
        if name not in characteristics:
            char_id = state.new_id()
            ref = Ref.characteristic(char_id)
            state.insert_seeded("characteristic", {"_ref": ref, "id": char_id, "name": name, "type": "string",
                                                   "required": False})
            characteristics[name] = ref
        return characteristics[name]

    rub = state.rub_ref

    def prices(pairs: tuple[tuple[str, int], ...]) -> list[dict[str, Any]]:
        return [{"value": float(kopecks), "currency": rub, "priceType": price_types[key]}
                for key, kopecks in pairs if key in price_types]

    zero_min = {"value": 0.0, "currency": rub}
    item_ids: dict[str, str] = {}
    for seed_product in shop.products:
        if not seed_product.in_moysklad:
            continue
        product = owned(
            "product", name=seed_product.name, code=seed_product.code, externalCode=seed_product.external_code,
            archived=False, useParentVat=False, vat=seed_product.vat, vatEnabled=seed_product.vat > 0,
            article=seed_product.article, productFolder=folders.get(seed_product.folder_key), uom=state.uom_ref,
            salePrices=prices(seed_product.sale_prices), buyPrice={"value": float(seed_product.buy_price),
                                                                   "currency": rub},
            minPrice=zero_min, barcodes=[{"ean13": seed_product.barcode}], paymentItemType="GOOD",
            trackingType="NOT_TRACKED", discountProhibited=False, isSerialTrackable=False,
            weight=seed_product.weight, volume=0.0,
        )
        if product["productFolder"] is None:
            del product["productFolder"]
        state.insert_seeded("product", product)
        item_ids[seed_product.key] = product["id"]
        for seed_variant in seed_product.variants:
            values = ", ".join(value for _, value in seed_variant.characteristics)
            variant = owned(
                "variant", False, name=f"{seed_product.name} ({values})", code=seed_variant.code,
                externalCode=seed_variant.external_code, archived=False, product=product["_ref"],
                salePrices=prices(seed_variant.sale_prices),
                buyPrice={"value": float(seed_variant.buy_price), "currency": rub},
                barcodes=[{"ean13": seed_variant.barcode}], discountProhibited=False,
                _characteristics=[{"_char": characteristic(axis), "value": value}
                                  for axis, value in seed_variant.characteristics],
            )
            state.insert_seeded("variant", variant)
            state.index_variant(variant, None)
            item_ids[seed_variant.key] = variant["id"]

    for seed_cp in shop.counterparties:
        counterparty = owned("counterparty", name=seed_cp.name, externalCode=state.new_external_code(),
                             archived=False, created=opening, companyType=seed_cp.company_type, tags=[])
        for key, value in (("inn", seed_cp.inn), ("email", seed_cp.email), ("phone", seed_cp.phone)):
            if value:
                counterparty[key] = value
        if seed_cp.company_type == "legal" and seed_cp.inn:
            counterparty["legalTitle"] = seed_cp.name
        state.insert_seeded("counterparty", counterparty)

    for (offer_key, store_key), quantity in shop.stock.items():
        item_id = item_ids.get(offer_key)
        store_id = stores.get(store_key)
        if item_id is not None and store_id is not None:
            state.ledger.seed((item_id, store_id), float(quantity), opening)
