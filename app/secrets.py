"""API keys and tokens: only in the OS keyring, or in this process's memory — never in a file.

Two stable keyring services hold everything Svyazka keeps secret:

* ``"Svyazka RetailCRM"``, username = the normalized account URL (``https://shop.retailcrm.ru``);
* ``"Svyazka MoySklad"``, username = the login, or ``"token"`` when the user pasted a token.

Which accounts exist is non-secret and lives in SQLite (``profiles``), so the UI can list them without
touching the keyring. The environment variables ``SVYAZKA_RETAILCRM_API_KEY`` and
``SVYAZKA_MOYSKLAD_TOKEN`` win over the keyring, for cron jobs, launchd agents and servers without a desktop
session (docs/CLI.md). A :class:`SecretStore` reads each key from the keyring once and keeps it for the rest of
the process, so one app start asks the macOS keychain once, not before every run.

When the system has no usable keyring (headless Linux, a locked or missing Secret Service) every keyring
call raises :class:`KeyringUnavailable` with a plain explanation. The caller may then offer
``SecretStore(memory_only=True)``: keys for this run only. There is deliberately no plaintext fallback.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import keyring
import keyring.backends.fail
import keyring.backends.null
from jaraco.classes import properties  # keyring's own classproperty (a dependency of keyring)
from keyring.backend import KeyringBackend
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

from app.redact import redact, register_secret

SERVICE_RETAILCRM = "Svyazka RetailCRM"
SERVICE_MOYSKLAD = "Svyazka MoySklad"
SERVICE_ALERTS = "Svyazka Alerts"  # the alerts' SMTP password and Telegram bot token (app/alerts/config.py)
MOYSKLAD_TOKEN_ACCOUNT = "token"
ENV_RETAILCRM_KEY = "SVYAZKA_RETAILCRM_API_KEY"
ENV_MOYSKLAD_TOKEN = "SVYAZKA_MOYSKLAD_TOKEN"

_T = TypeVar("_T")

# Messages are Russian: the UI shows them as they are. "Keychain" is deliberately not translated as
# "Связка ключей" (macOS's Russian name for it), which would clash with the app's own name.
_UNAVAILABLE_ADVICE = (
    "Установите или разблокируйте хранилище паролей (в Linux — GNOME Keyring или KWallet), "
    f"или задайте переменные окружения {ENV_RETAILCRM_KEY} и {ENV_MOYSKLAD_TOKEN}, "
    "или храните ключи только в памяти на время этого сеанса (при следующем запуске их придётся ввести снова)."
)


class KeyringUnavailable(RuntimeError):
    """The OS keychain cannot be used. ``str()`` is a Russian sentence for the shop owner (never a secret).

    ``detail`` names the underlying problem for the technical log (in English).
    """

    def __init__(self, message: str, detail: str = "", reason: str = "") -> None:
        super().__init__(message)
        self.detail = detail
        self.reason = reason or message  # what went wrong, without the advice (callers add their own)


def _unavailable(reason: str, detail: str = "") -> KeyringUnavailable:
    return KeyringUnavailable(f"{reason} {_UNAVAILABLE_ADVICE}", detail, reason)


def normalize_account_url(url: str) -> str:
    """``Shop.RetailCRM.ru/api/v5/`` → ``https://shop.retailcrm.ru``: scheme + host (+ port), nothing else.

    The same account typed slightly differently must find the same keyring entry.
    """
    text = (url or "").strip()
    if not text:
        raise ValueError("Не указан адрес RetailCRM. Введите его, например: https://myshop.retailcrm.ru")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(
            f"«{url}» не похоже на адрес сайта. Введите адрес RetailCRM, например: https://myshop.retailcrm.ru"
        )
    scheme = (parts.scheme or "https").lower()
    port = f":{parts.port}" if parts.port else ""
    if ":" in host:  # an IPv6 literal keeps its brackets in a URL
        host = f"[{host}]"
    return f"{scheme}://{host}{port}"


def _normalize_moysklad_account(account: str) -> str:
    text = (account or "").strip()
    if not text:
        raise ValueError(
            "Не указана учётная запись МойСклад. Введите логин МойСклад или "
            f"«{MOYSKLAD_TOKEN_ACCOUNT}», если вы подключаетесь по токену."
        )
    return text


def _clean_secret(value: str, what: str) -> str:
    # Pasted keys often carry a trailing newline or spaces; real keys and tokens never contain whitespace.
    text = (value or "").strip()
    if not text:
        raise ValueError(f"{what} не указан. Вставьте его ещё раз.")
    return text


class InMemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict: for tests and the demo mode only.

    It is used only when installed explicitly (:func:`use_in_memory_keyring`, ``keyring.set_keyring``). keyring
    registers every backend class it sees and picks the viable one with the highest priority, so a plain
    priority here made this dict the active keyring wherever the system had none (headless Linux): ``setup``
    said «Сохранено» and the next ``sync`` found no key. A priority that raises keeps it out of that choice
    (keyring's documented way for a backend to say "not for this environment").
    """

    @properties.classproperty
    def priority(cls) -> float:  # type: ignore[override]
        raise RuntimeError("Svyazka's in-memory keyring is for the demo and the tests: install it explicitly")

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            return self._passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        with self._lock:
            self._passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            if self._passwords.pop((service, username), None) is None:
                raise PasswordDeleteError("No such password")

    def entries(self) -> dict[tuple[str, str], str]:
        """A copy of everything stored (tests use it to prove what went in)."""
        with self._lock:
            return dict(self._passwords)


def use_in_memory_keyring() -> InMemoryKeyring:
    """Install a fresh :class:`InMemoryKeyring` as the process's keyring backend and return it."""
    backend = InMemoryKeyring()
    keyring.set_keyring(backend)
    return backend


# Session-only keys are shared by every memory-only SecretStore of this process (the wizard and the sync
# worker may hold different instances) and vanish when it exits.
_session_lock = threading.Lock()
_session_secrets: dict[tuple[str, str], str] = {}


def forget_session_secrets() -> None:
    """Drop every key kept in memory for this session."""
    with _session_lock:
        _session_secrets.clear()


class SecretStore:
    """Read and write Svyazka's API keys and tokens. Thread-safe; messages never contain a secret."""

    # Keyring backends (Secret Service over D-Bus, macOS Keychain) are not all safe to call concurrently.
    _keyring_lock = threading.Lock()

    def __init__(self, memory_only: bool = False) -> None:
        self.memory_only = memory_only
        # Keys read from (or written to) the keyring by this store, for the rest of the process. The macOS
        # keychain trusts an app by its signature; an ad-hoc signed build changes it every release, so
        # every read may raise a "Svyazka wants to use your keychain" prompt. The app asks once per start
        # (one store per process, see app/ui/main.py), not on every scheduled run. A key found missing is
        # not remembered: it may be added later (``svyazka setup``) and looking costs no prompt.
        self._cache: dict[tuple[str, str], str] = {}
        self._cache_lock = threading.Lock()

    # -- RetailCRM -------------------------------------------------------------------------------------------

    def get_retailcrm_key(self, account_url: str) -> str | None:
        from_env = self._from_env(ENV_RETAILCRM_KEY)
        if from_env is not None:
            return from_env
        return self._get(SERVICE_RETAILCRM, normalize_account_url(account_url))

    def set_retailcrm_key(self, account_url: str, key: str) -> None:
        secret = _clean_secret(key, "Ключ API RetailCRM")
        self._set(SERVICE_RETAILCRM, normalize_account_url(account_url), secret)

    def delete_retailcrm_key(self, account_url: str) -> None:
        self._delete(SERVICE_RETAILCRM, normalize_account_url(account_url))

    # -- MoySklad --------------------------------------------------------------------------------------------

    def get_moysklad_token(self, account: str) -> str | None:
        from_env = self._from_env(ENV_MOYSKLAD_TOKEN)
        if from_env is not None:
            return from_env
        return self._get(SERVICE_MOYSKLAD, _normalize_moysklad_account(account))

    def set_moysklad_token(self, account: str, token: str) -> None:
        secret = _clean_secret(token, "Токен МойСклад")
        self._set(SERVICE_MOYSKLAD, _normalize_moysklad_account(account), secret)

    def delete_moysklad_token(self, account: str) -> None:
        self._delete(SERVICE_MOYSKLAD, _normalize_moysklad_account(account))

    # -- alerts (app/alerts) -----------------------------------------------------------------------------------

    def get_alert_secret(self, name: str) -> str | None:
        return self._get(SERVICE_ALERTS, name)

    def set_alert_secret(self, name: str, secret: str) -> None:
        self._set(SERVICE_ALERTS, name, _clean_secret(secret, "Пароль или токен для оповещений"))

    def delete_alert_secret(self, name: str) -> None:
        self._delete(SERVICE_ALERTS, name)

    # -- backend ---------------------------------------------------------------------------------------------

    def backend_name(self) -> str:
        """A short description of where keys go, for the settings page and ``--self-check``."""
        if self.memory_only:
            return "память (только на этот сеанс)"
        backend = keyring.get_keyring()
        name = getattr(backend, "name", "") or type(backend).__name__
        if self._unusable(backend):
            return f"{name} (не работает)"
        return str(name)

    def is_available(self) -> bool:
        """True when keys can be stored (memory-only stores always can)."""
        return self.memory_only or not self._unusable(keyring.get_keyring())

    @staticmethod
    def _unusable(backend: KeyringBackend) -> bool:
        # The null backend "succeeds" while storing nothing: a key typed into the wizard would be lost.
        return isinstance(backend, keyring.backends.fail.Keyring | keyring.backends.null.Keyring)

    @staticmethod
    def _from_env(variable: str) -> str | None:
        value = os.environ.get(variable, "").strip()
        if not value:
            return None
        register_secret(value)
        return value

    def _get(self, service: str, username: str) -> str | None:
        if self.memory_only:
            with _session_lock:
                value = _session_secrets.get((service, username))
        else:
            with self._cache_lock:
                value = self._cache.get((service, username))
            if value is None:
                value = self._call(lambda backend: backend.get_password(service, username))
                if value:
                    with self._cache_lock:
                        self._cache[(service, username)] = value
        if value:
            register_secret(value)
        return value or None

    def _set(self, service: str, username: str, secret: str) -> None:
        register_secret(secret)
        if self.memory_only:
            with _session_lock:
                _session_secrets[(service, username)] = secret
            return
        with self._cache_lock:
            self._cache.pop((service, username), None)  # not the old key, whatever happens below
        self._call(lambda backend: backend.set_password(service, username, secret))
        with self._cache_lock:
            self._cache[(service, username)] = secret

    def _delete(self, service: str, username: str) -> None:
        if self.memory_only:
            with _session_lock:
                _session_secrets.pop((service, username), None)
            return
        with self._cache_lock:
            self._cache.pop((service, username), None)

        def delete(backend: KeyringBackend) -> None:
            if backend.get_password(service, username) is None:
                return  # deleting a key that is not there is not an error for the user
            try:
                backend.delete_password(service, username)
            except PasswordDeleteError:
                if backend.get_password(service, username) is not None:
                    raise

        self._call(delete)

    def _call(self, operation: Callable[[KeyringBackend], _T]) -> _T:
        backend = keyring.get_keyring()
        if self._unusable(backend):
            raise _unavailable(
                "Системное хранилище паролей недоступно, поэтому Связка не может сохранить или прочитать "
                "ваши ключи API.",
                f"keyring backend: {type(backend).__module__}.{type(backend).__name__}",
            )
        try:
            with self._keyring_lock:
                return operation(backend)
        except KeyringLocked as exc:
            raise _unavailable(
                "Системное хранилище паролей заблокировано, поэтому Связка не может прочитать или сохранить "
                "ваши ключи API.",
                redact(f"{type(exc).__name__}: {exc}"),
            ) from None
        except KeyringError as exc:
            raise _unavailable(
                "Системное хранилище паролей недоступно, поэтому Связка не может сохранить или прочитать "
                "ваши ключи API.",
                redact(f"{type(exc).__name__}: {exc}"),
            ) from None
        except Exception as exc:  # backends leak their own errors (D-Bus, Windows API); never a traceback
            raise _unavailable(
                "Системное хранилище паролей сообщило об ошибке, поэтому Связка не может сохранить или "
                "прочитать ваши ключи API.",
                redact(f"{type(exc).__module__}.{type(exc).__name__}: {exc}"),
            ) from None
