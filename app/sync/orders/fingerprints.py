"""The fingerprint of an order: a hash of the fields an update would send.

It is stored after every successful write (``db.pushed`` target "order"), so a later run sends an update
only when something really changed. The same hash can be computed from an order read back from MoySklad
(:func:`fingerprint_of_entity`), to compare after a crash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from app.clients.parsing import as_list, as_map, decimal, kopecks, meta_id, text
from app.money import rub
from app.sync.orders.mapping import DELIVERY, MappedOrder


def _plain(value: Decimal) -> str:
    normalized = value.normalize()
    return format(normalized, "f") if normalized != 0 else "0"


def _digest(data: Any) -> str:
    blob = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


def _position_key(kind: str, assortment: str, quantity: Decimal, price: Decimal, discount: Decimal,
                  reserve: Decimal) -> list[str]:
    return [kind, assortment, _plain(quantity), str(int(rub(price) * 100)), _plain(discount), _plain(reserve)]


def fingerprint(mapped: MappedOrder, *, with_delivery: bool) -> str:
    """A short hash of what an update would send (the delivery line only when it can be sent)."""
    positions = [
        _position_key(p.assortment_type, p.assortment_id, p.quantity, p.price, p.discount, p.reserve)
        for p in mapped.positions
        if with_delivery or p.assortment_id != DELIVERY
    ]
    data: dict[str, Any] = {
        "state": mapped.state_id or "",
        "store": mapped.store_id or "",
        "description": mapped.description,
        "address": mapped.shipment_address,
        "positions": positions,
    }
    if mapped.attributes:  # only then: an order without additional fields keeps the hash it had
        data["attributes"] = sorted(a.key() for a in mapped.attributes)
    return _digest(data)


def fingerprint_of_entity(entity: Mapping[str, Any], delivery_service_id: str | None) -> str:
    """The :func:`fingerprint` of a customer order as MoySklad returns it (``expand=positions``)."""
    rows = as_list(as_map(entity.get("positions")).get("rows"))
    positions = []
    for raw in rows:
        row = as_map(raw)
        assortment = as_map(row.get("assortment"))
        kind = text(as_map(assortment.get("meta")).get("type")) or ""
        assortment_id = meta_id(assortment) or ""
        if kind == "service" and assortment_id == delivery_service_id:
            assortment_id = DELIVERY
        positions.append(
            _position_key(
                kind,
                assortment_id,
                decimal(row.get("quantity")) or Decimal(0),
                kopecks(row.get("price")) or Decimal(0),
                decimal(row.get("discount")) or Decimal(0),
                Decimal(0) if kind == "service" else decimal(row.get("reserve")) or Decimal(0),
            )
        )
    return _digest(
        {
            "state": meta_id(entity.get("state")) or "" if entity.get("state") else "",
            "store": meta_id(entity.get("store")) or "" if entity.get("store") else "",
            "description": text(entity.get("description")) or "",
            "address": text(entity.get("shipmentAddress")) or "",
            "positions": positions,
        }
    )
