"""The figures a run reports: counts per flow as stored, requests sent per service, the one-line summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.messages import Message, msg
from app.sync.model import Counts, Flow


def counts_json(counts: Mapping[Flow, Counts]) -> dict[str, dict[str, int]]:
    return {flow.value: c.as_dict() for flow, c in counts.items()}


def requests_sent(*clients: Any, counter: str = "requests") -> dict[str, int]:
    """Requests each client sent so far (every attempt counts: that is what the services' limits count), or
    another of its counters (``rate_limited``: 429 answers met)."""
    result: dict[str, int] = {}
    for client in clients:
        service = getattr(client, "service", None)
        stats = getattr(client, "stats", None)
        if service and stats is not None:
            result[service] = int(getattr(stats.snapshot(), counter))
    return result


def summary(total: Counts, conflicts: int, errors: int, dry_run: bool, cancelled: bool) -> Message:
    """The run's one line («Готово: создано 3, обновлено 1, …»); ``str()`` of it is the Russian text."""
    head = "engine.summary_head_cancelled" if cancelled else "engine.summary_head_dry" if dry_run \
        else "engine.summary_head_done"
    return msg(
        "engine.summary", head=msg(head), created=total.created, updated=total.updated,
        unchanged=total.unchanged, skipped=total.skipped,
        failed=msg("engine.summary_failed", n=total.failed) if total.failed else "",
        conflicts=msg("engine.summary_conflicts", n=conflicts) if conflicts else "",
        errors=msg("engine.summary_errors", n=errors) if errors else "",
    )
