"""A stateful local emulator of the RetailCRM (Simla) REST API v5.

``RetailCrmEmulator(shop)`` serves under ``/api/v5`` (plus the versionless ``/api/api-versions``,
``/api/credentials``, ``/api/system-info``) through :class:`app.sandbox.core.EmulatorServer`; its ``state``
(:class:`RetailCrmState`) is the Python API tests use to read and change the data, and ``config``
(:class:`RetailCrmConfig`) holds the choices made where the reference is unsure.
"""

from .config import ALL_SCOPES, RetailCrmConfig
from .emulator import RetailCrmEmulator
from .state import RetailCrmState

__all__ = ["ALL_SCOPES", "RetailCrmConfig", "RetailCrmEmulator", "RetailCrmState"]
