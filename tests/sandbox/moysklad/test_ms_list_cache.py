"""List pages answered from the selection cache: every write between two pages shows on the next page.

The cache keeps the ordered records a list query matched; the rule is that any change drops it (see
``app/sandbox/moysklad/state.py``). Each test reads a first page (filling the cache), changes something
through HTTP or the Python API, and checks that the next page is what a fresh computation gives.
"""

from __future__ import annotations

from typing import Any

import httpx

from app.sandbox.moysklad import MoySkladEmulator

PAGE = 10


def _page(api: httpx.Client, offset: int, **params: Any) -> dict[str, Any]:
    response = api.get("/entity/product", params={"limit": PAGE, "offset": offset, **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _all_ids(api: httpx.Client, **params: Any) -> list[str]:
    return [row["id"] for row in api.get("/entity/product", params={"limit": 1000, **params}).json()["rows"]]


def test_an_unchanged_list_is_served_from_the_cache_and_equals_a_fresh_computation(
        api: httpx.Client, emulator: MoySkladEmulator) -> None:
    state = emulator.state
    params = {"limit": PAGE, "offset": PAGE, "filter": "archived=true;archived=false", "order": "name,desc"}
    api.get("/entity/product", params={**params, "offset": 0})
    misses = state.selection_misses
    cached = api.get("/entity/product", params=params)
    assert state.selection_misses == misses and state.selection_hits >= 1  # page 2 came from the cache
    state.bump()  # drops the cache: the same page is computed afresh
    fresh = api.get("/entity/product", params=params)
    assert state.selection_misses == misses + 1
    assert cached.content == fresh.content
    rows = fresh.json()["rows"]
    assert len(rows) == PAGE and [r["name"].lower() for r in rows] == sorted((r["name"].lower() for r in rows),
                                                                            reverse=True)


def test_a_product_created_between_pages_is_counted_and_listed(api: httpx.Client) -> None:
    first = _page(api, 0)
    size = first["meta"]["size"]
    created = api.post("/entity/product", json={"name": "Создан между страницами", "article": "MID-1"}).json()
    last = _page(api, (size // PAGE) * PAGE)
    assert last["meta"]["size"] == size + 1
    assert last["rows"][-1]["id"] == created["id"]


def test_an_update_between_pages_shows_on_the_next_page(api: httpx.Client) -> None:
    first = _page(api, 0)
    target = _page(api, PAGE)["rows"][3]
    api.put(f"/entity/product/{target['id']}", json={"name": "Новое имя после первой страницы"})
    second = _page(api, PAGE)
    assert second["rows"][3]["id"] == target["id"]
    assert second["rows"][3]["name"] == "Новое имя после первой страницы"
    assert second["meta"]["size"] == first["meta"]["size"]


def test_archiving_between_pages_takes_the_product_out_of_the_default_list(api: httpx.Client) -> None:
    first = _page(api, 0)
    target = first["rows"][0]
    api.put(f"/entity/product/{target['id']}", json={"archived": True})
    again = _page(api, 0)
    assert again["meta"]["size"] == first["meta"]["size"] - 1
    assert target["id"] not in [row["id"] for row in again["rows"]]
    both = _page(api, 0, filter="archived=true;archived=false")
    assert both["meta"]["size"] == first["meta"]["size"]


def test_a_delete_between_pages_removes_the_row(api: httpx.Client) -> None:
    first = _page(api, 0)
    victim = _page(api, PAGE)["rows"][0]
    assert api.delete(f"/entity/product/{victim['id']}").status_code == 200
    second = _page(api, PAGE)
    assert second["meta"]["size"] == first["meta"]["size"] - 1
    assert victim["id"] not in [row["id"] for row in second["rows"]]


def test_a_batch_between_pages_shows_on_the_next_page(api: httpx.Client) -> None:
    second = _page(api, PAGE)
    edits = [{"meta": row["meta"], "description": f"пакет {i}"} for i, row in enumerate(second["rows"][:4])]
    created = [{"name": f"Пакетный товар {i}"} for i in range(3)]
    answer = api.post("/entity/product", json=edits + created)
    assert answer.status_code == 200 and len(answer.json()) == 7
    again = _page(api, PAGE)
    assert [row.get("description") for row in again["rows"][:4]] == [f"пакет {i}" for i in range(4)]
    assert again["meta"]["size"] == second["meta"]["size"] + 3
    deleted = api.post("/entity/product/delete", json=[{"meta": row["meta"]} for row in again["rows"][:2]])
    assert deleted.status_code == 200
    after_delete = _page(api, PAGE)
    assert after_delete["meta"]["size"] == again["meta"]["size"] - 2


def test_python_api_rename_article_between_pages(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    product = _page(api, 0)["rows"][2]
    article = product["article"]
    assert product["id"] in _all_ids(api, filter=f"article={article}")
    emulator.state.rename_article(article, "ПЕРЕИМЕНОВАН-1")
    assert product["id"] not in _all_ids(api, filter=f"article={article}")
    assert _all_ids(api, filter="article=ПЕРЕИМЕНОВАН-1") == [product["id"]]


def test_python_api_update_entity_between_pages(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    first = _page(api, 0)
    target = first["rows"][1]
    emulator.state.update_entity("product", target["id"], {"archived": True})
    again = _page(api, 0)
    assert again["meta"]["size"] == first["meta"]["size"] - 1
    assert target["id"] not in [row["id"] for row in again["rows"]]


def test_python_api_create_and_delete_between_pages(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    size = _page(api, 0)["meta"]["size"]
    added = emulator.state.add_product("Из Python API", "PY-1")
    assert _page(api, 0)["meta"]["size"] == size + 1
    emulator.state.delete_entity("product", added["id"])
    assert _page(api, 0)["meta"]["size"] == size


def test_a_folder_rename_changes_a_path_name_filter(api: httpx.Client, emulator: MoySkladEmulator) -> None:
    """Filters read other tables (a product's pathName is its folders' names): one change anywhere drops
    every cached list."""
    folder = api.get("/entity/productfolder").json()["rows"][0]
    inside = _all_ids(api, filter=f"pathName~{folder['name']}")
    assert inside
    api.put(f"/entity/productfolder/{folder['id']}", json={"name": "Переименованная папка"})
    assert _all_ids(api, filter="pathName~Переименованная папка") == inside
    assert _all_ids(api, filter=f"pathName~{folder['name']}") == []


def test_every_kind_of_change_moves_the_generation(emulator: MoySkladEmulator) -> None:
    state = emulator.state
    product_id = state.products()[0]["id"]
    store_id = state.stores()[0]["id"]

    def moves(change: Any) -> bool:
        before = state.generation
        change()
        return state.generation > before

    assert moves(lambda: state.set_stock(product_id, store_id, 5))
    assert moves(lambda: state.ledger.set_stock((product_id, store_id), 6.0, state.now()))  # the ledger itself
    assert moves(lambda: state.rename_article("nothing-has-this", "x"))  # any Python-API call, even a no-op
    assert moves(lambda: state.index_variant(None, None))
