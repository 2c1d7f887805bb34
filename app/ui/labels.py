"""Words the UI shows for the store's codes (flows, levels, conflict kinds, run statuses…).

Declared with ``QT_TRANSLATE_NOOP`` so ``pyside6-lupdate`` extracts them, and translated when shown, so a
language switch needs no restart of this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from app.vocab import ConflictKind

_CTX = "Labels"

FLOW_LABELS = {
    "catalog": QT_TRANSLATE_NOOP("Labels", "Catalog"),
    "stock": QT_TRANSLATE_NOOP("Labels", "Stock"),
    "prices": QT_TRANSLATE_NOOP("Labels", "Prices"),
    "orders": QT_TRANSLATE_NOOP("Labels", "Orders"),
    "statuses": QT_TRANSLATE_NOOP("Labels", "Statuses"),
    "system": QT_TRANSLATE_NOOP("Labels", "General"),
}

LEVEL_LABELS = {
    "debug": QT_TRANSLATE_NOOP("Labels", "Detail"),
    "info": QT_TRANSLATE_NOOP("Labels", "Info"),
    "warning": QT_TRANSLATE_NOOP("Labels", "Warning"),
    "error": QT_TRANSLATE_NOOP("Labels", "Error"),
}

CONFLICT_KIND_LABELS = {
    ConflictKind.DUPLICATE_KEY: QT_TRANSLATE_NOOP("Labels", "Duplicate SKU"),
    ConflictKind.ONLY_IN_MOYSKLAD: QT_TRANSLATE_NOOP("Labels", "Only in MoySklad"),
    ConflictKind.ONLY_IN_RETAILCRM: QT_TRANSLATE_NOOP("Labels", "Only in RetailCRM"),
    ConflictKind.ARCHIVED_IN_MOYSKLAD: QT_TRANSLATE_NOOP("Labels", "Match archived in MoySklad"),
    ConflictKind.UNLINKED_ORDER_LINE: QT_TRANSLATE_NOOP("Labels", "Order line without a product"),
    ConflictKind.UNMAPPED_STATUS: QT_TRANSLATE_NOOP("Labels", "Status without a pair"),
    ConflictKind.UNMAPPED_STORE: QT_TRANSLATE_NOOP("Labels", "Warehouse without a pair"),
    ConflictKind.AMBIGUOUS_COUNTERPARTY: QT_TRANSLATE_NOOP("Labels", "Customer found twice"),
    ConflictKind.BAD_DATA: QT_TRANSLATE_NOOP("Labels", "Data a service refused"),
    ConflictKind.REQUIRED_ATTRIBUTE: QT_TRANSLATE_NOOP("Labels", "Required MoySklad field not filled"),
    ConflictKind.ORDER_CHANGED_BOTH_SIDES: QT_TRANSLATE_NOOP("Labels", "Order changed on both sides"),
}

CONFLICT_STATUS_LABELS = {
    "open": QT_TRANSLATE_NOOP("Labels", "Needs a decision"),
    "resolved": QT_TRANSLATE_NOOP("Labels", "Decided"),
    "ignored": QT_TRANSLATE_NOOP("Labels", "Ignored"),
}

RESOLUTION_LABELS = {
    "pick": QT_TRANSLATE_NOOP("Labels", "Keep the chosen ones"),
    "link": QT_TRANSLATE_NOOP("Labels", "Link these two"),
    "create": QT_TRANSLATE_NOOP("Labels", "Create on the other side"),
    "ignore": QT_TRANSLATE_NOOP("Labels", "Ignore"),
    "use_retailcrm": QT_TRANSLATE_NOOP("Labels", "Keep as in RetailCRM"),
    "use_moysklad": QT_TRANSLATE_NOOP("Labels", "Keep as in MoySklad"),
    "gone": QT_TRANSLATE_NOOP("Labels", "Gone by itself"),
}

RUN_STATUS_LABELS = {
    "running": QT_TRANSLATE_NOOP("Labels", "Running"),
    "ok": QT_TRANSLATE_NOOP("Labels", "Done"),
    "partial": QT_TRANSLATE_NOOP("Labels", "Done with remarks"),
    "failed": QT_TRANSLATE_NOOP("Labels", "Failed"),
    "cancelled": QT_TRANSLATE_NOOP("Labels", "Stopped"),
    "held": QT_TRANSLATE_NOOP("Labels", "Stopped by the check before writing"),
}

TRIGGER_LABELS = {
    "manual": QT_TRANSLATE_NOOP("Labels", "By hand"),
    "schedule": QT_TRANSLATE_NOOP("Labels", "Schedule"),
    "cli": QT_TRANSLATE_NOOP("Labels", "Command line"),
    "wizard": QT_TRANSLATE_NOOP("Labels", "Setup"),
    "os_schedule": QT_TRANSLATE_NOOP("Labels", "System schedule"),
}

MATCH_KEY_LABELS = {
    "article": QT_TRANSLATE_NOOP("Labels", "Article (SKU)"),
    "code": QT_TRANSLATE_NOOP("Labels", "Code"),
    "external-code": QT_TRANSLATE_NOOP("Labels", "External code"),
    "barcode": QT_TRANSLATE_NOOP("Labels", "Barcode"),
}


def label(table: Mapping[Any, object], code: str | None) -> str:
    """The translated word for ``code`` (the code itself when the table does not know it)."""
    if code is None:
        return ""
    source = table.get(code)
    return QCoreApplication.translate(_CTX, str(source)) if source else code


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """A stored UTC time as the person's local wall-clock time."""
    if value is None:
        return ""
    return value.astimezone().strftime("%d.%m.%Y %H:%M:%S" if seconds else "%d.%m.%Y %H:%M")
