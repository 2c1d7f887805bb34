"""Orders RetailCRM's own MoySklad module exported before Svyazka: found by their mark, linked, never made twice.

What the module leaves (answers recorded from real accounts, ``shared/retailcrm-fixtures``):

* ``Orders/testList.json``, ``testCreate.json``, ``testUpload.json``, ``testHistory.json``: orders carry
  ``customFields.moyskladexternalid`` = a MoySklad id (``"0f203a5f-7734-11eb-0a80-026b0001f435"``, the
  8-4-4-4-12 hex form of every MoySklad id), the customer order the module made;
* ``Orders/testHistory.json``: the module writes it over the API right after the export (records with
  ``field: "custom_moyskladexternalid"``, ``source: "api"``, ``apiKey.current: false``);
* ``Orders/testList.json``: order items carry ``externalIds: [{"code": "moyskladOrder", "value": <uuid>}]``,
  another id than the order's (the position in that customer order). Not needed here: a linked order's
  positions are only rewritten by the next change in RetailCRM, as a whole set.

A MoySklad id is looked up with the documented ``filter=id=<uuid>`` (``shared/docs/moysklad-api.md`` §4,
repeated ``=`` is OR), many in one request. A document in the recycle bin is not listed without
``isDeleted=true`` (same source, §"audit"), so a deleted order counts as not found and is exported anew.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from app.clients.parsing import as_list, meta_id, text
from app.clients.retailcrm_models import Order

MODULE_FIELD = "moyskladexternalid"  # the custom field's code (recorded answers above)
_MS_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class _Finder(Protocol):
    def find_by_values(self, entity: str, field: str, values: Iterable[object], *,
                       expand: str | None = None) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class ModuleMark:
    """The module's mark on one RetailCRM order."""

    value: str  # as written in RetailCRM
    ms_id: str | None  # the MoySklad id it names (lower case); None: not an id at all


def module_mark(order: Order) -> ModuleMark | None:
    """The module's mark on ``order``; None when it has none (no field, or an empty one)."""
    value = text(order.custom_fields.get(MODULE_FIELD))
    if not value or not value.strip():
        return None
    value = value.strip()
    ms_id = value.lower()
    return ModuleMark(value, ms_id if _MS_ID.match(ms_id) else None)


def find_orders(ms: _Finder, ms_ids: Iterable[str], *, expand: str | None = None) -> dict[str, dict[str, Any]]:
    """The MoySklad customer orders among ``ms_ids`` that exist, by id (lower case): OR-filters on ``id``,
    as few requests as keep the URLs short (``expand``: e.g. their positions)."""
    wanted = sorted({i for i in ms_ids if _MS_ID.match(i)})
    if not wanted:
        return {}
    found: dict[str, dict[str, Any]] = {}
    for row in ms.find_by_values("customerorder", "id", wanted, expand=expand):
        ms_id = (text(row.get("id")) or "").lower()
        if ms_id:
            found[ms_id] = row
    return found


def demand_ids(row: Mapping[str, Any]) -> list[str]:
    """The shipments MoySklad already has for a customer order (its ``demands`` references, OpenAPI
    ``customerOrder.demands``: "Массив ссылок на связанные отгрузки")."""
    return [i for i in (meta_id(d) for d in as_list(row.get("demands"))) if i]


__all__ = ["MODULE_FIELD", "ModuleMark", "demand_ids", "find_orders", "module_mark"]
