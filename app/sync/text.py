"""Text that goes into sentences a person reads: names are shortened, so one bad record never floods a list."""

from __future__ import annotations

NAME_LIMIT = 80


def shorten(value: str, limit: int = NAME_LIMIT) -> str:
    """``value`` as is when short enough, else cut with an ellipsis (the full text stays in the data)."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"
