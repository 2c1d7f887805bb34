"""RetailCRM's PHP-style query parameters: ``{"filter": {"ids": [1, 2]}}`` -> ``filter[ids][]=1&filter[ids][]=2``.

Booleans go as ``1``/``0`` (PHP's convention), ``None`` values are left out, dates and datetimes take
RetailCRM's formats (``Y-m-d`` and ``Y-m-d H:i:s``), Decimals print exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def php_params(values: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested mappings and lists into bracketed ``(key, value)`` pairs, in insertion order."""
    pairs: list[tuple[str, str]] = []
    for key, value in values.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        _add(pairs, name, value)
    return pairs


def _add(pairs: list[tuple[str, str]], name: str, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        pairs.extend(php_params(value, name))
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        for item in items:
            if isinstance(item, Mapping):
                raise ValueError(f"{name}: lists of objects cannot be sent as query parameters")
            _add(pairs, f"{name}[]", item)
    else:
        pairs.append((name, scalar(value)))
