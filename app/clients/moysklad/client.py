"""The MoySklad client: the operation modules put together into one class the sync uses."""

from __future__ import annotations

from app.clients.moysklad.documents import MoySkladWrites
from app.clients.moysklad.reads import MoySkladReads
from app.clients.moysklad.reports import MoySkladReports
from app.clients.moysklad.stream import MoySkladPages


class MoySkladClient(MoySkladReads, MoySkladPages, MoySkladWrites, MoySkladReports):
    """One MoySklad user (token). Thread-safe; close it (or use ``with``) when done."""
