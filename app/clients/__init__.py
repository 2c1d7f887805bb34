"""HTTP clients of RetailCRM and MoySklad: paced, retried, typed. No Qt, no SQL, no sync logic.

Import the concrete clients from their modules::

    from app.clients.retailcrm import RetailCrmClient
    from app.clients.moysklad import MoySkladClient, Filter

Every error they raise is an :class:`app.clients.errors.SvyazkaApiError` whose ``message`` is a plain
Russian sentence for the shop owner.
"""

from app.clients.errors import (
    FieldError,
    ItemError,
    MaybeApplied,
    NotFound,
    ProtocolError,
    RemoteValidationError,
    ServiceUnavailable,
    SettingsError,
    SvyazkaApiError,
)
from app.clients.http import RequestStats, StatsSnapshot
from app.clients.moysklad_filter import Filter
from app.clients.retry import RetryPolicy

__all__ = [
    "FieldError",
    "Filter",
    "ItemError",
    "MaybeApplied",
    "NotFound",
    "ProtocolError",
    "RemoteValidationError",
    "RequestStats",
    "RetryPolicy",
    "ServiceUnavailable",
    "SettingsError",
    "StatsSnapshot",
    "SvyazkaApiError",
]
