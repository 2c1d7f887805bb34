"""store/*: inventories (+upload), prices upload, products, offers, product batches and groups."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.sandbox.retailcrm import RetailCrmConfig, RetailCrmEmulator


def _offer(emulator, index: int = 0) -> dict:
    return emulator.state.offers()[index]


# --- seeded catalog --------------------------------------------------------------------------------------


def test_catalog_mirrors_the_shop(emulator, shop) -> None:
    seeded = [o for o in shop.offers() if o.in_retailcrm]
    offers = {o["xmlId"]: o for o in emulator.state.offers()}
    assert set(offers) == {o.xml_id for o in seeded}
    for seed_offer in seeded:
        offer = offers[seed_offer.xml_id]
        assert offer["externalId"] == offer["xmlId"] == seed_offer.xml_id
        assert offer["article"] == seed_offer.article
        assert offer["barcode"] == seed_offer.barcode
    odd = shop.anomalies["article_case_spaces"]
    assert odd and all(any(o["article"] == f"  {a.lower()} " for o in offers.values()) for a in odd)
    assert not any(o.xml_id in offers for o in shop.offers() if not o.in_retailcrm)


def test_seeded_stock_is_slightly_stale(emulator, shop) -> None:
    store_code = {s.key: s.rc_code for s in shop.stores}
    same = differ = 0
    for seed_offer in shop.offers():
        if not (seed_offer.in_retailcrm and seed_offer.in_moysklad):
            continue
        crm = emulator.state.stock(emulator.state.find_offers(xml_id=seed_offer.xml_id)[0]["id"])
        for store in shop.stores:
            ms_qty = shop.stock.get((seed_offer.key, store.key), 0)
            if crm.get(store_code[store.key], 0) == ms_qty:
                same += 1
            else:
                differ += 1
    share = same / (same + differ)
    assert 0.75 < share < 0.97, share


# --- inventories ---------------------------------------------------------------------------------------------


def test_inventories_list_and_details(api, emulator) -> None:
    plain = api.get("/api/v5/store/inventories", params={"limit": 250}).json()
    assert plain["pagination"]["totalCount"] == len(emulator.state.offers())
    ids = [o["id"] for o in plain["offers"]]
    assert ids == sorted(ids, reverse=True)
    assert "stores" not in plain["offers"][0]
    detailed = api.get("/api/v5/store/inventories", params={"filter[details]": 1, "limit": 250}).json()["offers"]
    for row in detailed:
        stock = emulator.state.stock(row["id"])
        assert {s["store"]: s["quantity"] for s in row["stores"]} == stock
        assert row["quantity"] == sum(stock.values())


def test_inventories_filters(api, emulator) -> None:
    a, b = _offer(emulator, 0), _offer(emulator, 1)
    by_xml = api.get("/api/v5/store/inventories", params={"filter[offerXmlId][]": [a["xmlId"], b["xmlId"]]})
    assert sorted(o["id"] for o in by_xml.json()["offers"]) == sorted([a["id"], b["id"]])
    by_ext = api.get("/api/v5/store/inventories", params={"filter[offerExternalId][]": a["externalId"]}).json()
    assert [o["id"] for o in by_ext["offers"]] == [a["id"]]
    by_article = api.get("/api/v5/store/inventories", params={"filter[offerArticle][]": b["article"]}).json()
    assert b["id"] in [o["id"] for o in by_article["offers"]]
    by_ids = api.get("/api/v5/store/inventories", params={"filter[ids][]": a["id"]}).json()
    assert [o["id"] for o in by_ids["offers"]] == [a["id"]]
    by_site = api.get("/api/v5/store/inventories", params={"filter[sites][]": "elsewhere"}).json()
    assert by_site["offers"] == []


def test_inventories_upload_then_read_back(api, emulator) -> None:
    stores = emulator.state.stores()
    a, b, c = _offer(emulator, 0), _offer(emulator, 1), _offer(emulator, 2)
    response = api.post("/api/v5/store/inventories/upload", site=emulator.state.site_code(), offers=[
        {"xmlId": a["xmlId"], "stores": [{"code": stores[0], "available": 7, "purchasePrice": 123.45},
                                         {"code": stores[1], "available": 0}]},
        {"id": b["id"], "stores": [{"code": stores[2], "available": 12}]},
        {"externalId": c["externalId"], "stores": [{"code": stores[0], "available": 1}]},
        {"xmlId": "missing-1", "stores": [{"code": stores[0], "available": 1}]},
        {"id": 1, "stores": [{"code": stores[0], "available": 1}]},
    ])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["success"] is True and body["processedOffersCount"] == 3
    assert body["notFoundOffers"] == [{"xmlId": "missing-1"}, {"id": 1}]
    rows = api.get("/api/v5/store/inventories", params={
        "filter[details]": 1, "filter[offerXmlId][]": [a["xmlId"], b["xmlId"]]}).json()["offers"]
    by_id = {r["id"]: r for r in rows}
    stores_a = {s["store"]: s for s in by_id[a["id"]]["stores"]}
    assert stores_a[stores[0]] == {"store": stores[0], "quantity": 7, "purchasePrice": 123.45}
    assert stores_a[stores[1]]["quantity"] == 0
    assert by_id[a["id"]]["purchasePrice"] == 123.45
    assert {s["store"]: s["quantity"] for s in by_id[b["id"]]["stores"]}[stores[2]] == 12
    assert emulator.state.stock(c["id"])[stores[0]] == 1
    assert emulator.state.purchase_price(a["id"]) == Decimal("123.45")


def test_inventories_upload_rules(api, emulator) -> None:
    a = _offer(emulator, 0)
    before = emulator.state.stock(a["id"])
    bad_store = api.post("/api/v5/store/inventories/upload",
                         offers=[{"id": a["id"], "stores": [{"code": "moon", "available": 1}]}])
    assert bad_store.status_code == 400 and "offers[0].stores[0].code" in bad_store.json()["errors"]
    negative = api.post("/api/v5/store/inventories/upload", offers=[
        {"id": a["id"], "stores": [{"code": emulator.state.stores()[0], "available": -2}]}])
    assert negative.status_code == 400
    no_key = api.post("/api/v5/store/inventories/upload", offers=[{"stores": []}])
    assert no_key.status_code == 400
    assert emulator.state.stock(a["id"]) == before
    assert api.post("/api/v5/store/inventories/upload").json()["errorMsg"] == "Parameter 'offers' is missing"


def test_inventories_upload_batch_limit(api, emulator) -> None:
    limit = emulator.config.upload_batch_limit
    rows = [{"xmlId": f"x{i}", "stores": []} for i in range(limit)]
    ok = api.post("/api/v5/store/inventories/upload", offers=rows)
    assert ok.status_code == 200 and len(ok.json()["notFoundOffers"]) == limit
    too_many = api.post("/api/v5/store/inventories/upload", offers=[*rows, {"xmlId": "one-more"}])
    assert too_many.status_code == 400
    assert str(limit) in too_many.json()["errorMsg"]


def test_negative_stock_can_be_clamped(shop) -> None:
    from app.sandbox.core import EmulatorServer

    emulator = RetailCrmEmulator(shop, rate_limit=False, config=RetailCrmConfig(negative_stock="clamp"))
    offer = emulator.state.offers()[0]
    store = emulator.state.stores()[0]
    with EmulatorServer(emulator) as srv:
        import httpx

        response = httpx.post(srv.base_url + "/api/v5/store/inventories/upload",
                              headers={"X-API-KEY": emulator.api_key},
                              data={"offers": f'[{{"id": {offer["id"]}, "stores": [{{"code": "{store}", '
                                              f'"available": -3}}]}}]'})
    assert response.status_code == 200
    assert emulator.state.stock(offer["id"])[store] == 0


# --- prices ---------------------------------------------------------------------------------------------------


def test_prices_upload_and_remove(api, emulator) -> None:
    a, b = _offer(emulator, 4), _offer(emulator, 5)
    response = api.post("/api/v5/store/prices/upload", prices=[
        {"xmlId": a["xmlId"], "site": emulator.state.site_code(),
         "prices": [{"code": "base", "price": 99.9}, {"code": "wholesale", "remove": True}]},
        {"id": b["id"], "prices": [{"code": "marketplace", "price": 1000}]},
        {"xmlId": "nope", "prices": [{"code": "base", "price": 1}]},
    ])
    assert response.status_code == 200, response.text
    assert response.json() == {"success": True, "processedOffersCount": 2, "notFoundOffers": [{"xmlId": "nope"}]}
    prices_a = emulator.state.prices(a["id"])
    assert prices_a["base"] == Decimal("99.90") and "wholesale" not in prices_a
    assert emulator.state.prices(b["id"])["marketplace"] == Decimal("1000.00")
    product_offer = api.get("/api/v5/store/offers", params={"filter[ids][]": a["id"]}).json()["offers"][0]
    assert product_offer["price"] == 99.9
    assert {p["priceType"] for p in product_offer["prices"]} == set(prices_a)


def test_prices_upload_rules(api, emulator) -> None:
    a = _offer(emulator, 4)
    before = emulator.state.prices(a["id"])
    unknown = api.post("/api/v5/store/prices/upload", prices=[{"id": a["id"], "prices": [{"code": "vip", "price": 1}]}])
    assert unknown.status_code == 400 and "prices[0].prices[0].code" in unknown.json()["errors"]
    negative = api.post("/api/v5/store/prices/upload", prices=[{"id": a["id"], "prices": [{"code": "base",
                                                                                           "price": -1}]}])
    assert negative.status_code == 400
    limit = emulator.config.upload_batch_limit
    rows = [{"xmlId": str(i), "prices": []} for i in range(limit + 1)]
    too_many = api.post("/api/v5/store/prices/upload", prices=rows)
    assert too_many.status_code == 400
    assert emulator.state.prices(a["id"]) == before


# --- products and offers -----------------------------------------------------------------------------------------


def test_products_filters(api, emulator) -> None:
    offer = _offer(emulator, 0)
    product = emulator.state.product(next(p["id"] for p in emulator.state.products()
                                          if offer["id"] in [o["id"] for o in p["offers"]]))
    one = api.get("/api/v5/store/products", params={"filter[offerXmlId]": offer["xmlId"]}).json()["products"]
    assert [p["id"] for p in one] == [product["id"]]
    assert [p["id"] for p in api.get("/api/v5/store/products", params={
        "filter[offerExternalId]": offer["externalId"]}).json()["products"]] == [product["id"]]
    assert [p["id"] for p in api.get("/api/v5/store/products", params={
        "filter[ids][]": product["id"]}).json()["products"]] == [product["id"]]
    named = api.get("/api/v5/store/products", params={"filter[name]": product["article"], "limit": 100}).json()
    assert product["id"] in [p["id"] for p in named["products"]]
    group_id = product["groups"][0]["id"]
    in_group = api.get("/api/v5/store/products", params={"filter[groups][]": group_id, "limit": 250}).json()
    assert all(group_id in [g["id"] for g in p["groups"]] for p in in_group["products"])
    assert product["id"] in [p["id"] for p in in_group["products"]]
    assert api.get("/api/v5/store/products", params={"filter[sites][]": "x"}).json()["products"] == []
    assert one[0]["offers"][0]["xmlId"] in {o["xmlId"] for o in product["offers"]}
    assert one[0]["minPrice"] <= one[0]["maxPrice"]


def test_products_since_updated_at(api, emulator) -> None:
    latest = max(p["updatedAt"] for p in emulator.state.products())
    assert api.get("/api/v5/store/products", params={"filter[sinceUpdatedAt]": latest}).json()["products"] == []
    offer = _offer(emulator, 7)
    emulator.state.set_price(offer["id"], "base", 1)
    changed = api.get("/api/v5/store/products", params={"filter[sinceUpdatedAt]": latest}).json()["products"]
    assert [o["id"] for p in changed for o in p["offers"] if o["id"] == offer["id"]] == [offer["id"]]


def test_offers_list(api, emulator) -> None:
    body = api.get("/api/v5/store/offers", params={"limit": 250}).json()
    assert body["pagination"]["totalCount"] == len(emulator.state.offers())
    first = body["offers"][0]
    assert first["product"]["id"] and "offers" not in first["product"]
    xml = api.get("/api/v5/store/offers", params={"filter[xmlIds][]": first["xmlId"]}).json()["offers"]
    assert [o["id"] for o in xml] == [first["id"]]


def test_batch_create_and_edit(api, emulator) -> None:
    site = emulator.state.site_code()
    catalog_id = api.get("/api/v5/reference/sites").json()["sites"][site]["catalogId"]
    group = api.get("/api/v5/store/product-groups").json()["productGroup"][0]
    created = api.post("/api/v5/store/products/batch/create", products=[
        {"name": "Новинка", "article": "NEW-1", "externalId": "new-ext-1", "catalogId": catalog_id,
         "groups": [{"externalId": group["externalId"]}]},
        {"name": "Новинка 2", "catalogId": catalog_id},
    ])
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["processedProductsCount"] == 2 and len(body["addedProducts"]) == 2
    product = emulator.state.product(body["addedProducts"][0])
    assert product["groups"] == [{"id": group["id"], "externalId": group["externalId"]}]
    (offer,) = product["offers"]  # one offer per new product, so stock and prices can be uploaded
    assert offer["externalId"] == offer["xmlId"] == "new-ext-1"
    upload = api.post("/api/v5/store/inventories/upload", offers=[
        {"xmlId": "new-ext-1", "stores": [{"code": emulator.state.stores()[0], "available": 3}]}])
    assert upload.json()["processedOffersCount"] == 1
    edited = api.post("/api/v5/store/products/batch/edit", products=[
        {"id": product["id"], "name": "Новинка (ред.)", "active": False},
        {"externalId": "new-ext-1", "site": site, "manufacturer": "Фабрика"},
        {"id": 1, "name": "нет такого"},
    ])
    assert edited.status_code == 200, edited.text
    assert edited.json() == {"success": True, "processedProductsCount": 2, "notFoundProducts": [{"id": 1}]}
    after = emulator.state.product(product["id"])
    assert after["name"] == "Новинка (ред.)" and after["active"] is False and after["manufacturer"] == "Фабрика"


def test_a_word_catalog_id_is_refused_on_create_unless_configured(api, emulator) -> None:
    """catalogId is an int on create (PHP ProductBatchBase); /reference/sites may name the catalog by a word."""
    emulator.state.set_catalog_id("catalog")
    before = emulator.state.counts()["products"]
    refused = api.post("/api/v5/store/products/batch/create", products=[{"name": "Новинка", "catalogId": "catalog"}])
    assert refused.status_code == 400
    assert refused.json()["errorMsg"] == "Errors in the entity format"
    assert "products[0].catalogId" in refused.json()["errors"]
    assert emulator.state.counts()["products"] == before
    emulator.config.word_catalog_id_on_create = True
    taken = api.post("/api/v5/store/products/batch/create", products=[{"name": "Новинка", "catalogId": "catalog"}])
    assert taken.status_code == 200, taken.text
    product = emulator.state.product(taken.json()["addedProducts"][0])
    assert product["catalogId"] == "catalog" and product["offers"]
    unknown = api.post("/api/v5/store/products/batch/create", products=[{"name": "x", "catalogId": "other"}])
    assert unknown.status_code == 400


def test_batch_validation_and_limits(api, emulator) -> None:
    before = emulator.state.counts()
    missing = api.post("/api/v5/store/products/batch/create", products=[{"article": "X"}])
    assert missing.status_code == 400 and {"products[0].name", "products[0].catalogId"} <= set(
        missing.json()["errors"])
    dup = api.post("/api/v5/store/products/batch/create", products=[
        {"name": "a", "catalogId": 1, "externalId": "same"}, {"name": "b", "catalogId": 1, "externalId": "same"}])
    assert dup.status_code == 400
    limit = emulator.config.product_batch_limit
    rows = [{"name": f"p{i}", "catalogId": 1} for i in range(limit + 1)]
    assert api.post("/api/v5/store/products/batch/create", products=rows).status_code == 400
    assert api.post("/api/v5/store/products/batch/edit", products=[{"id": 1}] * (limit + 1)).status_code == 400
    assert emulator.state.counts() == before
    assert api.post("/api/v5/store/products/batch/create", products=rows[:limit]).status_code == 200


def test_icml_catalog_refuses_product_writes(api, emulator) -> None:
    emulator.state.set_catalog_mode("icml")
    product = emulator.state.products()[0]
    for path, rows in (("create", [{"name": "x", "catalogId": 1}]), ("edit", [{"id": product["id"], "name": "y"}])):
        response = api.post(f"/api/v5/store/products/batch/{path}", products=rows)
        assert response.status_code == 400
        assert "ICML" in response.json()["errorMsg"]
    assert api.post("/api/v5/store/product-groups/create", productGroup={"name": "g"}).status_code == 400
    offer = _offer(emulator, 0)  # stock and prices still upload for an ICML catalog
    ok = api.post("/api/v5/store/prices/upload", prices=[{"id": offer["id"], "prices": [{"code": "base",
                                                                                          "price": 5}]}])
    assert ok.status_code == 200
    emulator.state.set_catalog_mode("crm")
    assert api.post("/api/v5/store/products/batch/edit", products=[{"id": product["id"]}]).status_code == 200


# --- product groups --------------------------------------------------------------------------------------------------


def test_product_groups(api, emulator, shop) -> None:
    groups = api.get("/api/v5/store/product-groups", params={"limit": 100}).json()["productGroup"]
    assert [g["name"] for g in groups] == [f.name for f in shop.folders]
    by_ext = {g["externalId"]: g for g in groups}
    for folder in shop.folders:
        group = by_ext[folder.external_code]
        if folder.parent_key:
            parent = next(f for f in shop.folders if f.key == folder.parent_key)
            assert group["parentId"] == by_ext[parent.external_code]["id"]
        else:
            assert "parentId" not in group
    created = api.post("/api/v5/store/product-groups/create", productGroup={
        "name": "Подарки", "externalId": "gifts", "parentId": groups[0]["id"]})
    assert created.status_code == 201
    gid = created.json()["id"]
    edited = api.post("/api/v5/store/product-groups/gifts/edit", site=emulator.state.site_code(),
                      productGroup={"name": "Подарки и сувениры"})
    assert edited.json() == {"success": True, "id": gid}
    by_id = api.post(f"/api/v5/store/product-groups/{gid}/edit", by="id", productGroup={"active": False})
    assert by_id.status_code == 200
    (row,) = api.get("/api/v5/store/product-groups", params={"filter[ids][]": gid}).json()["productGroup"]
    assert row == {"parentId": groups[0]["id"], "site": emulator.state.site_code(), "id": gid,
                   "name": "Подарки и сувениры", "externalId": "gifts", "active": False}
    dup = api.post("/api/v5/store/product-groups/create", productGroup={"name": "x", "externalId": "gifts"})
    assert dup.status_code == 400
    assert api.post("/api/v5/store/product-groups/none/edit", productGroup={"name": "x"}).status_code == 404
    level2 = api.get("/api/v5/store/product-groups", params={"filter[minLevel]": 2, "limit": 100}).json()
    assert level2["productGroup"] and all("parentId" in g for g in level2["productGroup"])


@pytest.mark.parametrize("path", ["/api/v5/store/inventories", "/api/v5/store/products", "/api/v5/store/offers"])
def test_store_lists_refuse_unknown_filters(api, path: str) -> None:
    assert api.get(path, params={"filter[colour]": "red"}).status_code == 400
