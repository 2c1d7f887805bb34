"""Archived counterparties are hidden from lists unless the filter asks for them (shared/docs/moysklad-api.md §4:
"archived=true;archived=false returns both; the default is only non-archived")."""

from __future__ import annotations

import httpx


def _ids(api: httpx.Client, **params: str) -> set[str]:
    response = api.get("/entity/counterparty", params=params)
    assert response.status_code == 200, response.text
    return {row["id"] for row in response.json()["rows"]}


def test_an_archived_counterparty_is_listed_only_when_asked_for(api: httpx.Client) -> None:
    made = api.post("/entity/counterparty", json={"name": "Архивный клиент", "inn": "7707083893",
                                                  "email": "old@example.ru"}).json()
    assert api.put(f"/entity/counterparty/{made['id']}", json={"archived": True}).json()["archived"] is True
    assert made["id"] not in _ids(api)
    assert made["id"] not in _ids(api, filter="inn=7707083893")
    assert _ids(api, filter="archived=true") == {made["id"]}
    both = _ids(api, filter="archived=true;archived=false")
    assert made["id"] in both and both > _ids(api)
    assert _ids(api, filter="archived=true;archived=false;inn=7707083893;inn=500100732259") == {made["id"]}
    assert _ids(api, filter="archived=true;archived=false;email=old@example.ru") == {made["id"]}
    assert api.get(f"/entity/counterparty/{made['id']}").status_code == 200  # by id it is always there
