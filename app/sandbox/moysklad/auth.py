"""The account's one user: ``login@account`` + password (Basic) and its access tokens (Bearer).

``POST /security/token`` issues a new 40-hex token and revokes every earlier one, as the real service does;
clients that cache a token must cope with it going stale.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading

from app.sandbox.moysklad import errors


def new_token() -> str:
    return secrets.token_hex(20)


class Credentials:
    """Thread-safe login, password and the set of live tokens."""

    def __init__(self, login: str, password: str, token: str) -> None:
        self._lock = threading.Lock()
        self.login = login
        self.password = password
        self._tokens: list[str] = [token]

    @property
    def token(self) -> str:
        """The newest live token ("" once every token is revoked)."""
        with self._lock:
            return self._tokens[-1] if self._tokens else ""

    def issue_token(self) -> str:
        token = new_token()
        with self._lock:
            self._tokens = [token]  # a new token revokes the user's earlier ones
        return token

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens = []

    def identify(self, authorization: str | None) -> str | None:
        """The login the header authenticates, or None (no exceptions: for headers on early rejections)."""
        try:
            return self.authenticate(authorization)
        except errors.ApiError:
            return None

    def authenticate(self, authorization: str | None, *, basic_only: bool = False) -> str:
        """Return the login, or raise 401/1056 with the message the real service gives."""
        if not authorization or not authorization.strip():
            raise _format_error()
        scheme, _, value = authorization.strip().partition(" ")
        scheme = scheme.lower()
        value = value.strip()
        if scheme == "bearer" and not basic_only:
            with self._lock:
                live = value in self._tokens
            if not live:
                raise _wrong_credentials()
            return self.login
        if scheme != "basic":
            raise _format_error()
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise _format_error() from None
        login, sep, password = decoded.partition(":")
        if not sep or "@" not in login:
            raise _format_error()
        if login.lower() != self.login.lower() or not secrets.compare_digest(password, self.password):
            raise _wrong_credentials()
        return self.login


def basic_header(login: str, password: str) -> str:
    """``Authorization`` value for Basic auth (for tests and tools)."""
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


def _format_error() -> errors.ApiError:
    return errors.auth_failed(errors.AUTH_FORMAT, "401002", "Authentication failed: malformed or missing credentials")


def _wrong_credentials() -> errors.ApiError:
    return errors.auth_failed(errors.AUTH_WRONG, "401001", "Authentication failed: wrong login, password or token")
