"""The RetailCRM account address, from whatever the user pastes to ``scheme://host[:port]``.

RetailCRM accounts live at the root of their host (``https://shop.retailcrm.ru``, ``https://shop.simla.com``
or a custom domain), and the API is always ``<account>/api/v5``. So everything after the host — a pasted
``/api/v5/orders?apiKey=…``, an admin page ``/orders/123/edit`` — is dropped, and so are user names and
passwords in the URL. RetailCRM is HTTPS-only: a missing scheme becomes ``https``, and so does ``http`` for
any host except a local one (``localhost``, ``127.0.0.1``, ``::1``: the sandbox), where ``http`` is kept
and is also the default.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from app.clients.errors import SettingsError, redact

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
EXAMPLE = "https://вашмагазин.retailcrm.ru"


def _bad(text: str, why: str) -> SettingsError:
    shown = redact(text.strip())
    if len(shown) > 60:
        shown = shown[:57] + "…"
    return SettingsError(
        "retailcrm",
        f"«{shown}» не похоже на адрес аккаунта RetailCRM. "
        f"Скопируйте адрес из строки браузера, когда вы вошли в RetailCRM, например {EXAMPLE}.",
        reason="bad_url",
        detail=why,
    )


def _ascii_host(host: str) -> str | None:
    """The host in lowercase ASCII (IDN as punycode), or None when it cannot be a host name."""
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    labels = ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    if len(labels) < 2 and ascii_host != "localhost":
        return None  # "shop" alone is not an address on the internet
    if labels[-1].isdigit():
        return None  # "1.2.3" is not an IP and not a domain
    return ascii_host


def normalize_account_url(text: str) -> str:
    """``Shop.RetailCRM.ru/api/v5/orders`` -> ``https://shop.retailcrm.ru``; garbage -> :class:`SettingsError`."""
    raw = (text or "").strip()
    if not raw:
        raise SettingsError(
            "retailcrm",
            f"Адрес RetailCRM не заполнен. Вставьте адрес вашего аккаунта, например {EXAMPLE}.",
            reason="bad_url",
            detail="empty account URL",
        )
    if any(ch.isspace() for ch in raw):
        raise _bad(raw, "whitespace inside the URL")
    scheme_match = _SCHEME.match(raw)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme not in ("http", "https"):
            raise _bad(raw, f"unsupported scheme {scheme!r}")
        rest = raw[scheme_match.end() :]
    else:
        scheme = ""
        rest = raw[2:] if raw.startswith("//") else raw
        if "@" in rest.split("/", 1)[0]:
            raise _bad(raw, "looks like an e-mail address, not a URL")
    try:
        parts = urlsplit("//" + rest)
        hostname = parts.hostname or ""
        port = parts.port
    except ValueError as exc:  # a port that is not a number, a broken [IPv6]
        raise _bad(raw, f"unparsable URL: {type(exc).__name__}") from None
    host = _ascii_host(hostname)
    if host is None:
        raise _bad(raw, "no valid host name")
    local = host in LOCAL_HOSTS
    if not scheme or (scheme == "http" and not local):
        scheme = "http" if local and not scheme else "https"
    default_port = 443 if scheme == "https" else 80
    shown_host = f"[{host}]" if ":" in host else host
    port_part = f":{port}" if port and port != default_port else ""
    return f"{scheme}://{shown_host}{port_part}"
