"""MoySklad writes: creates with a ``syncId`` (safe to re-send), batched creates and deletes with per-item
results, updates, and demands shipped from customer orders.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from app.clients.errors import ItemError, ProtocolError, protocol_message
from app.clients.http import ApiResponse, Call
from app.clients.moysklad.answers import AnswerMapper, field_errors
from app.clients.moysklad.constants import MAX_PAGE, SERVICE
from app.clients.moysklad.core import MoySkladCore
from app.clients.moysklad_models import Demand
from app.clients.parsing import as_map


class MoySkladWrites(MoySkladCore):
    """Creates, updates, deletes and demands."""

    # --- writes -----------------------------------------------------------------------------------------
    def create(self, entity: str, body: Mapping[str, Any], *, expand: str | None = None) -> dict[str, Any]:
        """Create one entity (with a ``syncId``: safe to retry). Refusal -> :class:`RemoteValidationError`."""
        payload = _with_sync_id(body)
        params = [("expand", expand)] if expand else []
        data = self._request("POST", f"entity/{entity}", params=params, body=payload, has_body=True)
        return as_map(data)

    def create_many(
        self,
        entity: str,
        items: Sequence[Mapping[str, Any]],
        *,
        batch_size: int | None = None,
        expand: str | None = None,
    ) -> list[dict[str, Any] | ItemError]:
        """Create (or, for items with ``meta``, update) many entities, ``batch_size`` per request (≤ 1000).

        Every new item gets a ``syncId`` unless it has one, so a batch re-sent after a lost answer creates
        nothing twice. The result is aligned with ``items``: the saved entity, or an :class:`ItemError`
        with the service's complaints about that one item (the others are saved anyway).
        """
        size = max(1, min(batch_size or self.batch_size, MAX_PAGE))
        prepared = [item if "meta" in item else _with_sync_id(item) for item in items]
        results: list[dict[str, Any] | ItemError] = []
        params = [("expand", expand)] if expand else []
        for start in range(0, len(prepared), size):
            batch = prepared[start : start + size]
            response = self._send("POST", f"entity/{entity}", params=params, body=batch, has_body=True)
            results.extend(self._batch_results(response, start, len(batch), f"entity/{entity}"))
        return results

    def _batch_results(
        self, response: ApiResponse, start: int, count: int, path: str
    ) -> list[dict[str, Any] | ItemError]:
        data = response.data
        if not isinstance(data, list):
            # the whole batch was refused (or an error object came back): map it like any answer
            call = Call(method="POST", path=path, endpoint=f"POST {path}")
            mapped = AnswerMapper(self.base_url).result(call, response)
            raise ProtocolError(
                SERVICE, protocol_message(SERVICE), detail=f"{path}: batch answer is {type(mapped).__name__}"
            )
        if len(data) != count:
            raise ProtocolError(
                SERVICE, protocol_message(SERVICE), detail=f"{path}: {len(data)} results for {count} items"
            )
        results: list[dict[str, Any] | ItemError] = []
        for offset, entry in enumerate(data):
            item = as_map(entry)
            if "errors" in item and "id" not in item:
                results.append(ItemError(index=start + offset, errors=tuple(field_errors(item))))
            else:
                results.append(item)
        return results

    def update(
        self, entity: str, entity_id: str, body: Mapping[str, Any], *, expand: str | None = None
    ) -> dict[str, Any]:
        """Change the given fields (PUT; idempotent, so retried)."""
        params = [("expand", expand)] if expand else []
        data = self._request(
            "PUT",
            f"entity/{entity}/{quote(entity_id, safe='')}",
            params=params,
            body=dict(body),
            has_body=True,
            endpoint=f"PUT entity/{entity}/{{id}}",
        )
        return as_map(data)

    def delete_many(self, entity: str, ids: Sequence[str]) -> list[ItemError | None]:
        """Delete entities by id (batch ``POST …/delete``); aligned results, None where it went well."""
        results: list[ItemError | None] = []
        for start in range(0, len(ids), self.batch_size):
            batch = [self.meta(entity, i) for i in ids[start : start + self.batch_size]]
            response = self._send(
                "POST", f"entity/{entity}/delete", body=batch, has_body=True, endpoint=f"POST entity/{entity}/delete"
            )
            data = response.data
            if not isinstance(data, list):
                AnswerMapper(self.base_url).result(
                    Call(method="POST", path=f"entity/{entity}/delete", endpoint=f"POST entity/{entity}/delete"),
                    response,
                )
                data = [{}] * len(batch)
            for offset, entry in enumerate(data):
                item = as_map(entry)
                results.append(ItemError(start + offset, tuple(field_errors(item))) if item.get("errors") else None)
        return results

    def demand_template(self, order_id: str) -> dict[str, Any]:
        """An unsaved demand prefilled from a customer order (``PUT /entity/demand/new``)."""
        data = self._request(
            "PUT",
            "entity/demand/new",
            body={"customerOrder": self.meta("customerorder", order_id)},
            has_body=True,
        )
        return as_map(data)

    def sales_return_template(self, demand_id: str) -> dict[str, Any]:
        """An unsaved sales return prefilled from a demand (``PUT /entity/salesreturn/new`` with ``demand``:
        the OpenAPI schema's ``getSalesReturnTemplate``, shared/moysklad-openapi)."""
        data = self._request(
            "PUT",
            "entity/salesreturn/new",
            body={"demand": self.meta("demand", demand_id)},
            has_body=True,
        )
        return as_map(data)

    def create_demand_from_order(
        self, order_id: str, overrides: Mapping[str, Any] | None = None, *, sync_id: str | None = None
    ) -> Demand:
        """Ship a customer order: its template plus ``overrides`` (e.g. ``store``), created with a syncId."""
        body = {**self.demand_template(order_id), **(overrides or {})}
        body.pop("meta", None)
        if sync_id:
            body["syncId"] = sync_id
        return Demand.from_api(self.create("demand", body))


def _with_sync_id(body: Mapping[str, Any]) -> dict[str, Any]:
    payload = dict(body)
    if not payload.get("syncId"):
        payload["syncId"] = str(uuid.uuid4())
    return payload
