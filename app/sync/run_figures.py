"""The figures a run reports: counts per flow as stored, requests sent per service, the one-line summary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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


def summary(total: Counts, conflicts: int, errors: int, dry_run: bool, cancelled: bool) -> str:
    head = "Пробный запуск: было бы" if dry_run else "Готово:"
    if cancelled:
        head = "Остановлено:"
    parts = [
        f"{head} создано {total.created}, обновлено {total.updated}, без изменений {total.unchanged}",
        f"пропущено {total.skipped}",
    ]
    if total.failed:
        parts.append(f"не удалось {total.failed}")
    if conflicts:
        parts.append(f"конфликтов {conflicts}")
    if errors:
        parts.append(f"ошибок {errors}")
    return ", ".join(parts) + "."
