"""A shop's people at work, through the services' own HTTP APIs: what the demo's story and the end-to-end
tests do between two syncs.

A manager in RetailCRM acts with the account's *other* API key (the web shop's integration, or the web UI
behind it): its changes reach ``orders/history`` with ``apiKey.current: false`` for Svyazka's key, as a
person's edit does (recorded ``Orders/testHistory``; /work/shared/docs/retailcrm-api.md, "История"). A
storekeeper in MoySklad edits a customer order the way the web UI saves it: a PUT of the changed fields, a
position changed through ``…/positions/{id}`` (moysklad-api.md §5, nested collections).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx

from app.sandbox.sandbox import MOYSKLAD_API_PATH

if TYPE_CHECKING:
    from app.sandbox.sandbox import Sandbox



def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


class PersonError(RuntimeError):
    """A person's action the service refused (the answer's text is in the message)."""


class Person:
    """One person with both services open: RetailCRM with the other key, MoySklad with the account's token."""

    def __init__(self, sandbox: Sandbox, *, timeout: float = 30.0) -> None:
        self.sandbox = sandbox
        creds = sandbox.credentials()
        self._rc_key = creds["retailcrm"]["other_api_key"]
        self._rc = httpx.Client(base_url=sandbox.retailcrm_url, timeout=timeout)
        self._ms = httpx.Client(
            base_url=sandbox.moysklad_server.base_url, timeout=timeout,
            headers={"Authorization": f"Bearer {sandbox.moysklad.token}", "Accept-Encoding": "gzip"},
        )

    def close(self) -> None:
        self._rc.close()
        self._ms.close()

    def __enter__(self) -> Person:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- RetailCRM ---------------------------------------------------------------------------------------
    def _rc_post(self, path: str, field: str, body: Mapping[str, Any], **params: Any) -> dict[str, Any]:
        data = {field: json.dumps(body, ensure_ascii=False, default=_json_default)}
        response = self._rc.post(path, params={"apiKey": self._rc_key, **params}, data=data)
        answer = response.json()
        if not answer.get("success"):
            raise PersonError(f"RetailCRM {path}: {answer.get('errorMsg')} {answer.get('errors') or ''}".strip())
        return dict(answer)

    def order(self, order_id: int) -> dict[str, Any]:
        response = self._rc.get(f"/api/v5/orders/{order_id}", params={"apiKey": self._rc_key, "by": "id"})
        answer = response.json()
        if not answer.get("success"):
            raise PersonError(f"RetailCRM order {order_id}: {answer.get('errorMsg')}")
        return dict(answer["order"])

    def create_order(self, site: str, **fields: Any) -> int:
        """A new order (API field names: ``items=[{"offer": {"id": 5}, "quantity": 2}]``, ``status``…); its id."""
        return int(self._rc_post("/api/v5/orders/create", "order", fields, site=site)["id"])

    def edit_order(self, order_id: int, **fields: Any) -> dict[str, Any]:
        """Change an order's fields (API names): ``edit_order(5, status="complete")``."""
        return self._rc_post(f"/api/v5/orders/{order_id}/edit", "order", fields, by="id")

    def set_status(self, order_id: int, status: str) -> dict[str, Any]:
        return self.edit_order(order_id, status=status)

    def set_line_quantity(self, order_id: int, offer_id: int, quantity: float) -> dict[str, Any]:
        """One line's quantity changed; the others as they are (``items`` replaces the list, so all go)."""
        items = []
        for item in self.order(order_id).get("items", []):
            row: dict[str, Any] = {"id": item["id"], "quantity": item["quantity"]}
            if item.get("offer", {}).get("id") == offer_id:
                row["quantity"] = quantity
            items.append(row)
        return self.edit_order(order_id, items=items)

    def set_line_status(self, order_id: int, offer_id: int, status: str) -> dict[str, Any]:
        """One line's product status changed (``out-of-stock`` cancels it: /reference/product-statuses)."""
        items = []
        for item in self.order(order_id).get("items", []):
            row: dict[str, Any] = {"id": item["id"]}
            if item.get("offer", {}).get("id") == offer_id:
                row["status"] = status
            items.append(row)
        return self.edit_order(order_id, items=items)

    def delete_order(self, order_id: int) -> None:
        """The order deleted in RetailCRM's web UI: v5 has no API for it, so the emulator is asked directly (only
        the in-process sandbox can do this)."""
        self.sandbox.retailcrm.state.user_delete_order(order_id)

    def pay(self, order_id: int, payment_type: str, amount: Decimal | float, status: str = "paid") -> int:
        """A payment of ``amount`` added to the order as paid; its RetailCRM id."""
        answer = self._rc_post("/api/v5/orders/payments/create", "payment", {
            "order": {"id": order_id}, "type": payment_type, "amount": amount, "status": status,
        })
        return int(answer["id"])

    def set_payment_status(self, payment_id: int, status: str) -> None:
        self._rc_post(f"/api/v5/orders/payments/{payment_id}/edit", "payment", {"status": status}, by="id")

    def edit_customer(self, customer_id: int, **fields: Any) -> dict[str, Any]:
        """Change a customer's card (API names: ``phones=[{"number": "+7…"}]``, ``email``, ``address``…)."""
        return self._rc_post(f"/api/v5/customers/{customer_id}/edit", "customer", fields, by="id")

    # -- MoySklad ----------------------------------------------------------------------------------------
    def _ms_call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._ms.request(method, MOYSKLAD_API_PATH + path, content=None if body is None else json.dumps(
            body, ensure_ascii=False, default=_json_default).encode("utf-8"),
            headers={"Content-Type": "application/json"} if body is not None else None)
        if response.status_code >= 400:
            raise PersonError(f"MoySklad {method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def ms_order(self, ms_id: str) -> dict[str, Any]:
        return dict(self._ms_call("GET", f"/entity/customerorder/{ms_id}?expand=positions.assortment"))

    def ms_set_position(self, ms_order_id: str, position_id: str, **fields: Any) -> dict[str, Any]:
        """A storekeeper changes one position of a customer order (quantity, price in kopecks, discount)."""
        return dict(self._ms_call("PUT", f"/entity/customerorder/{ms_order_id}/positions/{position_id}", fields))

    def ms_edit_order(self, ms_order_id: str, **fields: Any) -> dict[str, Any]:
        return dict(self._ms_call("PUT", f"/entity/customerorder/{ms_order_id}", fields))
