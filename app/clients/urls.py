"""Account addresses, from whatever the user pastes, and the one rule for "this computer".

RetailCRM accounts live at the root of their host (``https://shop.retailcrm.ru``, ``https://shop.simla.com``
or a custom domain), and the API is always ``<account>/api/v5``. So everything after the host — a pasted
``/api/v5/orders?apiKey=…``, an admin page ``/orders/123/edit`` — is dropped. The MoySklad API address keeps
its path (``https://api.moysklad.ru/api/remap/1.2``; the sandbox serves the same path on another port).

For both services a user name and password in the address, the query string and the fragment are dropped:
httpx would send ``user:password@`` as Basic auth instead of the key or token (issue 12, "Credentials in the
MoySklad address"), and a query string would be stored and echoed in error messages. Both services are
HTTPS-only: a missing scheme becomes ``https``, and so does ``http``, for any host but a local one (see
:func:`is_local_host`: the sandbox), where ``http`` is kept and is also the default.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna  # IDNA 2008 + UTS 46 (a dependency of httpx); Python's own "idna" codec is IDNA 2003 and takes emoji

from app.clients.errors import SettingsError, redact

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://")
_AUTHORITY = re.compile(r"^((?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//)?([^/?#]*)")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.IPv6Address("::1")
EXAMPLE = "https://вашмагазин.retailcrm.ru"
MOYSKLAD_EXAMPLE = "https://api.moysklad.ru/api/remap/1.2"

# What Svyazka changes in a pasted address, in the words a shop owner reads (see :func:`address_changes`)
DROPPED_USERINFO = "убраны имя пользователя и пароль"
DROPPED_QUERY = "убраны параметры после «?»"
DROPPED_FRAGMENT = "убрана часть после «#»"
UPGRADED_TO_HTTPS = "http заменён на https"

BadUrl = Callable[[str, str], SettingsError]


def is_local_host(host: str) -> bool:
    """True for this computer only: ``localhost``, ``::1`` and literal IPv4 addresses in 127.0.0.0/8.

    The one rule both clients use to allow plain ``http``. A name that merely resolves to a loopback address
    is not local: the name is checked, never resolved, so DNS cannot talk the app into sending a key in clear.
    """
    name = (host or "").strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    name = name.rstrip(".")
    if name == "localhost":
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv4Address):
        return address in _LOOPBACK_V4
    return address == _LOOPBACK_V6


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
    if not host.isascii():
        try:  # IDNA 2008: «магазин.рф» is a host name, «🛒.retailcrm.ru» is not
            host = idna.encode(host, uts46=True).decode("ascii")
        except (idna.IDNAError, UnicodeError):
            return None
    labels = host.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    for label in labels:
        if label.startswith("xn--"):  # punycode must stand for a valid name too (xn--ls8h is an emoji)
            try:
                idna.decode(label)
            except (idna.IDNAError, UnicodeError):
                return None
    if len(labels) < 2 and host != "localhost":
        return None  # "shop" alone is not an address on the internet
    if labels[-1].isdigit():
        return None  # "1.2.3" is not an IP and not a domain
    return host


def shown_address(text: str) -> str:
    """What a message may echo of a pasted address: no password, query, fragment or registered secret."""
    shown = (text or "").strip()
    match = _AUTHORITY.match(shown)
    if match:
        authority = match.group(2)
        user, at, host = authority.rpartition("@")
        # "scheme://user@host" always loses its user info; "owner@shop.ru" (an e-mail) is shown as typed
        if at and (match.group(1) or ":" in user):
            shown = shown[: match.start(2)] + host + shown[match.end(2) :]
    shown = redact(re.split(r"[?#]", shown, maxsplit=1)[0])
    return shown[:57] + "…" if len(shown) > 60 else shown


@dataclass(frozen=True)
class _Parsed:
    scheme: str  # "http" or "https", the local rule applied
    host: str  # lowercase ASCII; an IPv6 address without brackets
    port: int | None
    path: str  # as pasted, without the query and the fragment
    changes: tuple[str, ...]  # DROPPED_* / UPGRADED_TO_HTTPS

    @property
    def origin(self) -> str:
        default_port = 443 if self.scheme == "https" else 80
        shown_host = f"[{self.host}]" if ":" in self.host else self.host
        port_part = f":{self.port}" if self.port and self.port != default_port else ""
        return f"{self.scheme}://{shown_host}{port_part}"


def _parse(raw: str, bad: BadUrl) -> _Parsed:
    if any(ch.isspace() for ch in raw):
        raise bad(raw, "whitespace inside the URL")
    if "\\" in raw:  # a browser reads "\" as "/": "http://evil\@host" would be another host there
        raise bad(raw, "backslash inside the URL")
    scheme_match = _SCHEME.match(raw)
    if scheme_match:
        scheme = scheme_match.group(1).lower()
        if scheme not in ("http", "https"):
            raise bad(raw, f"unsupported scheme {scheme!r}")
        rest = raw[scheme_match.end() :]
    else:
        scheme = ""
        rest = raw[2:] if raw.startswith("//") else raw
        if "@" in re.split(r"[/?#]", rest, maxsplit=1)[0]:
            raise bad(raw, "looks like an e-mail address, not a URL")
    try:
        parts = urlsplit("//" + rest)
        hostname = parts.hostname or ""
        port = parts.port
    except ValueError as exc:  # a port that is not a number, a broken [IPv6]
        raise bad(raw, f"unparsable URL: {type(exc).__name__}") from None
    host = _ascii_host(hostname)
    if host is None:
        raise bad(raw, "no valid host name")
    changes = []
    if "@" in parts.netloc:
        changes.append(DROPPED_USERINFO)
    if parts.query:
        changes.append(DROPPED_QUERY)
    if parts.fragment:
        changes.append(DROPPED_FRAGMENT)
    local = is_local_host(host)
    if not scheme:
        scheme = "http" if local else "https"
    elif scheme == "http" and not local:
        scheme = "https"
        changes.append(UPGRADED_TO_HTTPS)
    return _Parsed(scheme, host, port, parts.path, tuple(changes))


# --- RetailCRM ---------------------------------------------------------------------------------------------


def _bad_retailcrm(text: str, why: str) -> SettingsError:
    return SettingsError(
        "retailcrm",
        f"«{shown_address(text)}» не похоже на адрес аккаунта RetailCRM. "
        f"Скопируйте адрес из строки браузера, когда вы вошли в RetailCRM, например {EXAMPLE}.",
        reason="bad_url",
        detail=why,
    )


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
    return _parse(raw, _bad_retailcrm).origin


# --- MoySklad ----------------------------------------------------------------------------------------------


def _bad_moysklad(text: str, why: str) -> SettingsError:
    return SettingsError(
        "moysklad",
        f"«{shown_address(text)}» не похоже на адрес API МойСклад. "
        f"Оставьте адрес по умолчанию: {MOYSKLAD_EXAMPLE}.",
        reason="bad_url",
        detail=why,
    )


def normalize_moysklad_url(text: str) -> str:
    """``http://user:pw@API.moysklad.ru/api/remap/1.2/?x=1`` -> ``https://api.moysklad.ru/api/remap/1.2``.

    The path is kept (without trailing slashes); an empty address is the caller's to default.
    """
    raw = (text or "").strip()
    if not raw:
        raise _bad_moysklad(raw, "empty API URL")
    parsed = _parse(raw, _bad_moysklad)
    return parsed.origin + parsed.path.rstrip("/")


def address_changes(text: str, service: str) -> tuple[str, ...]:
    """What normalising ``text`` drops or upgrades (``DROPPED_*``, ``UPGRADED_TO_HTTPS``), to tell the user;
    () for an empty or unusable address (normalising it says what is wrong)."""
    raw = (text or "").strip()
    if not raw:
        return ()
    try:
        return _parse(raw, _bad_moysklad if service == "moysklad" else _bad_retailcrm).changes
    except SettingsError:
        return ()
