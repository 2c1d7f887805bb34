"""RetailCRM's error envelope: ``{"success": false, "errorMsg": "...", "errors": {...}}`` with an HTTP status.

The errorMsg texts are the ones official clients classify (PHP ``ApiExceptionFactory``, Go ``error.go``),
so a client that maps them to its own exceptions meets the same strings here as in production.
"""

from __future__ import annotations

from typing import Any

MISSING_KEY = '"apiKey" is missing.'
WRONG_KEY = 'Wrong "apiKey" value.'
ACCESS_DENIED = "Access denied."
NOT_FOUND = "Not found"
METHOD_NOT_FOUND = "API method not found"
INPUT_ERRORS = "Errors in the input parameters"
ENTITY_ERRORS = "Errors in the entity format"
RATE_LIMITED = "Service temporary unavailable: the limit of {rps} requests per second for this API key is exceeded"


class ApiError(Exception):
    """Raised anywhere inside a handler; the emulator turns it into the JSON envelope."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: dict[str, str] | list[str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.extra = extra or {}

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"success": False, "errorMsg": self.message}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


def not_found() -> ApiError:
    return ApiError(404, NOT_FOUND)


def input_error(errors: dict[str, str]) -> ApiError:
    """Bad GET parameters (filters, limit, page, by): 400 ``Errors in the input parameters``."""
    return ApiError(400, INPUT_ERRORS, errors)


def entity_error(errors: dict[str, str], message: str = ENTITY_ERRORS) -> ApiError:
    """A body that fails validation: 400 ``Errors in the entity format``."""
    return ApiError(400, message, errors)


def missing_param(name: str) -> ApiError:
    return ApiError(400, f"Parameter '{name}' is missing")


def access_denied() -> ApiError:
    return ApiError(403, ACCESS_DENIED)
