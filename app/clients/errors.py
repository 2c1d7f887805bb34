"""The errors both API clients raise: one hierarchy, each class telling the shop owner what to do.

``message`` is a plain Russian sentence for the user (what happened + what to do); ``msg`` the app/messages
:class:`~app.messages.Message` it was rendered from, when it was given one (None for a plain str), so the window
can show it in the person's language (:meth:`SvyazkaApiError.text`). ``detail`` is a short
English note for the technical log. Both pass through :func:`app.redact.redact` on the way in, so no key,
token, password or Authorization header can reach ``str()``, ``repr()`` or a log line, even if a caller
builds a message out of a server's echo of the request.

* :class:`SettingsError` — fix your settings (key, scopes, account address, permissions, API lock).
* :class:`ServiceUnavailable` — the service is busy or down; try later. :class:`MaybeApplied` is the
  special case of a create that may have reached the server: look it up before trying again.
* :class:`RemoteValidationError` — the service refused the data; carries its field errors.
* :class:`ProtocolError` — the answer had a shape we did not expect: our bug, please report it.
* :class:`NotFound` — the entity asked for does not exist (most read methods return ``None`` instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.messages import Message, msg, render
from app.redact import redact as _redact
from app.redact import register_secret as _register_secret

SERVICE_NAMES = {"retailcrm": "RetailCRM", "moysklad": "МойСклад"}


def register_secret(value: str | None) -> None:
    """Remember a key/token/password so every message and log line masks it."""
    _register_secret(value)


def redact(text: str) -> str:
    """``text`` with every registered secret and credential-looking value masked."""
    return _redact(text)


def service_title(service: str) -> str:
    return SERVICE_NAMES.get(service, service)


@dataclass(frozen=True)
class FieldError:
    """One complaint of the service about the data we sent."""

    field: str | None  # the service's field name ("name", "order[items][0]"), None when it named none
    message: str
    code: int | None = None  # MoySklad error code (3000, 2016, …); None for RetailCRM


@dataclass(frozen=True)
class ItemError:
    """A failed element of a batch: ``index`` is its position in the list the caller passed."""

    index: int
    errors: tuple[FieldError, ...]

    @property
    def message(self) -> str:
        return "; ".join(_field_text(e) for e in self.errors) or "ошибка без описания"


def _field_text(error: FieldError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message


class SvyazkaApiError(Exception):
    """Base of every error the API clients raise.

    ``service`` is ``"retailcrm"`` or ``"moysklad"``; ``status`` the HTTP status when there was one.
    """

    def __init__(self, service: str, message: str | Message, *, status: int | None = None, detail: str = "") -> None:
        self.service = service
        self.status = status
        self.msg = message if isinstance(message, Message) else None
        self.message = redact(render(message))
        self.detail = redact(detail)
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.message} [{self.detail}]" if self.detail else self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(service={self.service!r}, status={self.status!r}, message={str(self)!r})"

    @property
    def service_name(self) -> str:
        return service_title(self.service)

    def text(self, lang: str = "ru") -> str:
        """The sentence in ``lang`` (a plain-str message is the same in every language)."""
        return redact(render(self.msg, lang)) if self.msg is not None else self.message

    @property
    def sentence(self) -> Message | str:
        """What to hand to ``ctx.log`` or a nested message parameter: the :class:`Message` when there is one."""
        return self.msg if self.msg is not None else self.message


class SettingsError(SvyazkaApiError):
    """Something in the connection settings is wrong; the user must fix it (retrying will not help).

    ``reason`` is a stable machine-readable word: ``bad_url``, ``bad_credentials``, ``missing_scopes``,
    ``no_access``, ``not_found``, ``not_service``, ``locked``, ``untrusted_certificate`` (HTTPS certificate not
    trusted: antivirus HTTPS scanning, see :func:`certificate_message`).
    """

    def __init__(
        self,
        service: str,
        message: str | Message,
        *,
        reason: str,
        status: int | None = None,
        detail: str = "",
        missing_scopes: Sequence[str] = (),
    ) -> None:
        super().__init__(service, message, status=status, detail=detail)
        self.reason = reason
        self.missing_scopes = tuple(missing_scopes)


class ServiceUnavailable(SvyazkaApiError):
    """The service is busy, rate-limiting us beyond our budget, or down. Try again later."""


class MaybeApplied(ServiceUnavailable):
    """A create that must not be re-sent blindly may or may not have been applied.

    The caller must look the entity up (RetailCRM: by ``externalId``) before trying again.
    """

    def __init__(
        self, service: str, message: str | Message, *, entity: str, status: int | None = None, detail: str = ""
    ) -> None:
        super().__init__(service, message, status=status, detail=detail)
        self.entity = entity


class RemoteValidationError(SvyazkaApiError):
    """The service refused the data. ``errors`` are its complaints; ``item_errors`` per batch element."""

    def __init__(
        self,
        service: str,
        message: str | Message,
        *,
        status: int | None = None,
        detail: str = "",
        errors: Sequence[FieldError] = (),
        item_errors: Sequence[ItemError] = (),
    ) -> None:
        super().__init__(service, message, status=status, detail=detail)
        self.errors = tuple(errors)
        self.item_errors = tuple(item_errors)


class NotFound(SvyazkaApiError):
    """The entity does not exist (or is not visible to this key)."""


class ProtocolError(SvyazkaApiError):
    """An answer we cannot understand (bad JSON, unexpected shape): a bug on our side to report."""


# --- ready-made messages ---------------------------------------------------------------------------------


def unavailable_message(service: str) -> Message:
    return msg("clients.unavailable", service=service)


def certificate_message(service: str) -> Message:
    """The HTTPS certificate was not trusted even by the OS store (app/clients/tls.py): most often an antivirus
    or a corporate filter that checks HTTPS re-signs the site with a root this computer does not trust."""
    return msg("clients.certificate", service=service)


def protocol_message(service: str) -> Message:
    return msg("clients.protocol", service=service)


def not_api_message(service: str, url: str = "") -> Message:
    """An answer of the wrong shape (nulls where lists belong, no ``rows``, no ids): not a bug of ours to report
    nor a missing permission, but something that is not the service answering (a wrong address, a proxy or a
    filter rewriting answers). Said as such, so nobody goes hunting for permissions that are there."""
    return msg("clients.not_api", service=service, where=msg("clients.at_url", url=url) if url else "")


def redirect_message(service: str, url: str, target_host: str) -> Message:
    """A redirect to another server: the key is not sent there, and the person learns where the address leads."""
    return msg("clients.redirect", service=service, url=url, host=target_host)


def validation_message(service: str, errors: Sequence[FieldError], summary: str = "") -> Message:
    """The service's own complaints (its words, in its language) inside our sentence."""
    parts = [summary] if summary else []
    parts += [_field_text(e) for e in errors[:5]]
    parts = [p.strip().rstrip(".") for p in parts]
    more = msg("clients.validation_more", n=len(errors) - 5) if len(errors) > 5 else ""
    body = "; ".join(p for p in parts if p)
    if not body:
        return msg("clients.validation_bare", service=service)
    return msg("clients.validation", service=service, body=body, more=more)
