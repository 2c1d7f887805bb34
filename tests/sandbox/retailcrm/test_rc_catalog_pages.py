"""``store/products`` pages without a filter (the sync's full catalog read) take a shortcut past the per-product
checks; they must list exactly what the general filter path lists."""

from __future__ import annotations

from typing import Any


def _pages(api: Any, **extra: str) -> list[dict[str, Any]]:
    products: list[dict[str, Any]] = []
    page = 1
    while True:
        body = api.get("/api/v5/store/products", params={"limit": 50, "page": page, **extra}).json()
        assert body["success"] is True
        products += body["products"]
        if page >= body["pagination"]["totalPageCount"]:
            return products
        page += 1


def test_plain_pages_equal_the_filtered_path(api, emulator) -> None:
    plain = _pages(api)
    # sinceId=0 keeps every product but goes through the general loop
    assert plain == _pages(api, **{"filter[sinceId]": "0"})
    assert len(plain) == len(emulator.state.db.products)
    ids = [p["id"] for p in plain]
    assert ids == sorted(ids, reverse=True)  # newest first


def test_plain_pages_follow_changes(api, emulator) -> None:
    before = _pages(api)
    site = before[0]["offers"][0]["site"] if before[0]["offers"] else next(iter(emulator.state.db.sites))
    catalog_id = emulator.state.db.sites[site].catalog_id
    created = api.post("/api/v5/store/products/batch/create",
                       products=[{"name": "Новый товар", "catalogId": catalog_id, "externalId": "page-new"}]).json()
    api.post("/api/v5/store/products/batch/edit", products=[{"id": before[-1]["id"], "name": "Переименован"}])
    after = _pages(api)
    assert after[0]["id"] == created["addedProducts"][0] and after[0]["name"] == "Новый товар"
    assert after[-1]["name"] == "Переименован"
    assert len(after) == len(before) + 1
