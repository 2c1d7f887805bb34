"""``orders/history`` and ``customers/history``: the same journal walk, for orders or for customers."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from typing import Any

from .. import listing as ls
from .. import serialize as ser
from ..router import Call
from ..units import fmt_dt


def history_reply(call: Call, entries: Sequence[Any], entity: str) -> dict[str, Any]:
    """One page of history records of ``entity`` ("order" or "customer"), filtered as RetailCRM does.

    ``filter[sinceId]`` is exclusive (records with a greater id), dates take ``Y-m-d H:i:s``, and the
    per-entity filters are ``<entity>Id`` and ``<entity>ExternalId``.
    """
    id_filter, ext_filter = f"{entity}Id", f"{entity}ExternalId"
    limit, page = ls.page_params(call)
    flt = ls.read_filter(call, frozenset({"sinceId", "startDate", "endDate", id_filter, ext_filter}))
    since_id = ls.one_int(flt, "sinceId")
    start = ls.moment(flt, "startDate")
    end = ls.moment(flt, "endDate", end_of_day=True)
    entity_id = ls.one_int(flt, id_filter)
    entity_ext = ls.one_string(flt, ext_filter)
    if since_id is not None:
        entries = entries[bisect.bisect_right(entries, since_id, key=lambda e: e.id) :]
    visible = set(call.visible_sites())
    selected = [
        e
        for e in entries
        if e.entity_ref.get("site") in visible
        and (start is None or e.created_at >= start)
        and (end is None or e.created_at <= end)
        and (entity_id is None or e.entity_id == entity_id)
        and (entity_ext is None or e.entity_external_id == entity_ext)
    ]
    chunk, pagination = ls.paginate(selected, limit, page)
    return {
        "success": True,
        "generatedAt": fmt_dt(call.db.now()),
        "history": [ser.history_json(e, entity, call.key.id) for e in chunk],
        "pagination": pagination,
    }
