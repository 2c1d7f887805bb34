from __future__ import annotations

import keyring
import keyring.backends.fail
import keyring.backends.null
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked

from app.redact import redact
from app.secrets import (
    ENV_MOYSKLAD_TOKEN,
    ENV_RETAILCRM_KEY,
    SERVICE_MOYSKLAD,
    SERVICE_RETAILCRM,
    InMemoryKeyring,
    KeyringUnavailable,
    SecretStore,
    normalize_account_url,
    use_in_memory_keyring,
)

RC_KEY = "rcKey0123456789abcdef"
MS_TOKEN = "msToken-fedcba9876543210"


def test_in_memory_backend_round_trip(memory_keyring: InMemoryKeyring) -> None:
    store = SecretStore()
    store.set_retailcrm_key("Demo.RetailCRM.ru/", f"  {RC_KEY}\n")  # pasted with spaces and a newline
    store.set_moysklad_token("admin@demo", MS_TOKEN)

    assert store.get_retailcrm_key("https://demo.retailcrm.ru/api/v5/orders") == RC_KEY
    assert store.get_moysklad_token(" admin@demo ") == MS_TOKEN
    assert store.get_retailcrm_key("https://other.retailcrm.ru") is None
    # Exactly two entries, under the stable service names, with non-secret usernames.
    assert memory_keyring.entries() == {
        (SERVICE_RETAILCRM, "https://demo.retailcrm.ru"): RC_KEY,
        (SERVICE_MOYSKLAD, "admin@demo"): MS_TOKEN,
    }

    store.delete_retailcrm_key("https://demo.retailcrm.ru")
    store.delete_retailcrm_key("https://demo.retailcrm.ru")  # deleting twice is fine
    store.delete_moysklad_token("admin@demo")
    assert memory_keyring.entries() == {}
    assert store.get_moysklad_token("admin@demo") is None


def test_use_in_memory_keyring_installs_the_backend() -> None:
    backend = use_in_memory_keyring()
    assert keyring.get_keyring() is backend
    SecretStore().set_moysklad_token("token", MS_TOKEN)
    assert backend.entries() == {(SERVICE_MOYSKLAD, "token"): MS_TOKEN}
    assert "InMemoryKeyring" in SecretStore().backend_name()


def test_every_secret_read_or_written_is_registered_for_redaction(memory_keyring: InMemoryKeyring) -> None:
    memory_keyring.set_password(SERVICE_RETAILCRM, "https://demo.retailcrm.ru", RC_KEY)  # stored earlier
    assert RC_KEY in redact(f"x {RC_KEY}")
    SecretStore().get_retailcrm_key("https://demo.retailcrm.ru")
    assert RC_KEY not in redact(f"x {RC_KEY}")
    SecretStore().set_moysklad_token("admin@demo", MS_TOKEN)
    assert MS_TOKEN not in redact(f"x {MS_TOKEN}")


def test_environment_variables_win_over_the_keyring(
    memory_keyring: InMemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SecretStore()
    store.set_retailcrm_key("https://demo.retailcrm.ru", RC_KEY)
    store.set_moysklad_token("admin@demo", MS_TOKEN)
    monkeypatch.setenv(ENV_RETAILCRM_KEY, "envRcKey-1111")
    monkeypatch.setenv(ENV_MOYSKLAD_TOKEN, "envMsToken-2222")
    assert store.get_retailcrm_key("https://demo.retailcrm.ru") == "envRcKey-1111"
    assert store.get_moysklad_token("admin@demo") == "envMsToken-2222"
    assert "envMsToken-2222" not in redact("token envMsToken-2222")


def test_environment_variables_work_without_any_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    monkeypatch.setenv(ENV_RETAILCRM_KEY, "envRcKey-1111")
    monkeypatch.setenv(ENV_MOYSKLAD_TOKEN, "envMsToken-2222")
    store = SecretStore()
    assert store.get_retailcrm_key("demo.retailcrm.ru") == "envRcKey-1111"
    assert store.get_moysklad_token("token") == "envMsToken-2222"


@pytest.mark.parametrize("backend", [keyring.backends.fail.Keyring(), keyring.backends.null.Keyring()])
def test_no_usable_backend_gives_a_human_error(backend: KeyringBackend) -> None:
    keyring.set_keyring(backend)
    store = SecretStore()
    assert not store.is_available()
    assert "не работает" in store.backend_name()
    with pytest.raises(KeyringUnavailable) as caught:
        store.set_retailcrm_key("https://demo.retailcrm.ru", RC_KEY)
    message = str(caught.value)
    assert RC_KEY not in message
    assert "хранилище паролей недоступно" in message and "ключи API" in message
    assert ENV_RETAILCRM_KEY in message and "только в памяти на время этого сеанса" in message
    assert "Traceback" not in message and "keyrings.alt" not in message
    with pytest.raises(KeyringUnavailable):
        store.get_moysklad_token("admin@demo")
    with pytest.raises(KeyringUnavailable):
        store.delete_moysklad_token("admin@demo")


def test_memory_only_store_works_without_a_keyring() -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())
    wizard_store = SecretStore(memory_only=True)
    wizard_store.set_retailcrm_key("https://demo.retailcrm.ru", RC_KEY)
    wizard_store.set_moysklad_token("admin@demo", MS_TOKEN)
    worker_store = SecretStore(memory_only=True)  # another part of the app, same process
    assert worker_store.get_retailcrm_key("demo.retailcrm.ru") == RC_KEY
    assert worker_store.get_moysklad_token("admin@demo") == MS_TOKEN
    assert worker_store.is_available()
    assert "сеанс" in worker_store.backend_name()
    worker_store.delete_moysklad_token("admin@demo")
    assert wizard_store.get_moysklad_token("admin@demo") is None
    with pytest.raises(KeyringUnavailable):  # and nothing leaked into a keyring store
        SecretStore().get_retailcrm_key("demo.retailcrm.ru")


class _LockedKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("Failed to unlock the collection!")


class _BrokenKeyring(_LockedKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError(f"D-Bus said no to {password}")


def test_locked_keyring_says_so() -> None:
    keyring.set_keyring(_LockedKeyring())
    with pytest.raises(KeyringUnavailable) as caught:
        SecretStore().get_retailcrm_key("https://demo.retailcrm.ru")
    assert "заблокировано" in str(caught.value) and "разблокируйте" in str(caught.value)
    assert "KeyringLocked" in caught.value.detail


def test_backend_specific_errors_become_human_and_never_show_the_secret() -> None:
    keyring.set_keyring(_BrokenKeyring())
    with pytest.raises(KeyringUnavailable) as caught:
        SecretStore().set_moysklad_token("admin@demo", MS_TOKEN)
    assert MS_TOKEN not in str(caught.value)
    assert MS_TOKEN not in caught.value.detail and "OSError" in caught.value.detail


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("demo.retailcrm.ru", "https://demo.retailcrm.ru"),
        ("HTTPS://Demo.RetailCRM.ru/", "https://demo.retailcrm.ru"),
        ("https://demo.retailcrm.ru/api/v5?x=1", "https://demo.retailcrm.ru"),
        ("http://127.0.0.1:8765/api/v5", "http://127.0.0.1:8765"),
    ],
)
def test_account_url_normalization(typed: str, normalized: str) -> None:
    assert normalize_account_url(typed) == normalized


def test_empty_inputs_are_refused_with_a_sentence(memory_keyring: InMemoryKeyring) -> None:
    store = SecretStore()
    with pytest.raises(ValueError, match="Ключ API RetailCRM не указан") as caught:
        store.set_retailcrm_key("https://demo.retailcrm.ru", "   ")
    assert "Вставьте его ещё раз" in str(caught.value)
    with pytest.raises(ValueError, match="Токен МойСклад не указан"):
        store.set_moysklad_token("admin@demo", "\n")
    with pytest.raises(ValueError, match="Не указан адрес RetailCRM") as caught:
        store.get_retailcrm_key("")
    assert "Введите его, например: https://myshop.retailcrm.ru" in str(caught.value)
    with pytest.raises(ValueError, match="«https://» не похоже на адрес сайта"):
        normalize_account_url("https://")
    with pytest.raises(ValueError, match="Не указана учётная запись МойСклад") as caught:
        store.set_moysklad_token(" ", MS_TOKEN)
    assert MS_TOKEN not in str(caught.value) and "«token»" in str(caught.value)
    assert memory_keyring.entries() == {}


class CountingKeyring(InMemoryKeyring):
    """A real keyring backend (the in-memory one) that counts reads, as a keychain that prompts would."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[tuple[str, str]] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.reads.append((service, username))
        return super().get_password(service, username)


def test_a_store_asks_the_keyring_once_per_key() -> None:
    backend = CountingKeyring()
    keyring.set_keyring(backend)
    backend.set_password(SERVICE_RETAILCRM, "https://demo.retailcrm.ru", RC_KEY)  # saved by an earlier start
    backend.set_password(SERVICE_MOYSKLAD, "admin@demo", MS_TOKEN)
    store = SecretStore()
    for _ in range(3):  # e.g. three scheduled runs of one app start
        assert store.get_retailcrm_key("https://demo.retailcrm.ru") == RC_KEY
        assert store.get_moysklad_token("admin@demo") == MS_TOKEN
    assert backend.reads == [(SERVICE_RETAILCRM, "https://demo.retailcrm.ru"), (SERVICE_MOYSKLAD, "admin@demo")]
    assert RC_KEY not in redact(f"x {RC_KEY}")

    # A key saved through the store is the one it hands out next, still without asking the keyring.
    store.set_retailcrm_key("https://demo.retailcrm.ru", "rcKey-new-0000")
    assert store.get_retailcrm_key("https://demo.retailcrm.ru") == "rcKey-new-0000"
    assert len(backend.reads) == 2
    # A deleted key is gone, not served from memory.
    store.delete_moysklad_token("admin@demo")
    assert store.get_moysklad_token("admin@demo") is None


def test_a_missing_key_is_looked_up_again() -> None:
    backend = CountingKeyring()
    keyring.set_keyring(backend)
    store = SecretStore()
    assert store.get_moysklad_token("admin@demo") is None
    backend.set_password(SERVICE_MOYSKLAD, "admin@demo", MS_TOKEN)  # e.g. `svyazka setup` meanwhile
    assert store.get_moysklad_token("admin@demo") == MS_TOKEN
    assert store.get_moysklad_token("admin@demo") == MS_TOKEN
    assert len(backend.reads) == 2
