"""What the setup wizard has gathered so far: typed values, the accounts' answers, the settings being built.

Plain Python, shared by the pages. Nothing here is saved until the wizard finishes; keys stay in this
object (memory) until then.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.clients.moysklad import DEFAULT_BASE_URL
from app.secrets import MOYSKLAD_TOKEN_ACCOUNT
from app.store import SyncSettings
from app.sync.accounts import MoySkladAccount, RetailCrmAccount, Suggestion, suggest_settings
from app.sync.model import RunReport

MODE_TOKEN = "token"
MODE_LOGIN = "login"


@dataclass
class WizardState:
    retailcrm_url: str = ""
    retailcrm_key: str = ""
    moysklad_mode: str = MODE_TOKEN
    moysklad_url: str = DEFAULT_BASE_URL
    moysklad_token: str = ""
    moysklad_login: str = ""
    moysklad_password: str = ""
    obtained_token: str | None = None  # issued for the login and password (they are not kept)
    obtained_for: tuple[str, str] | None = None
    keep_account: str | None = None  # reopened: the keyring username the token is saved under

    rc_account: RetailCrmAccount | None = None
    rc_checked_for: tuple[str, str] | None = None
    ms_account: MoySkladAccount | None = None
    ms_checked_for: tuple[str, ...] | None = None

    settings: SyncSettings = field(default_factory=SyncSettings)
    base_settings: SyncSettings | None = None  # what was saved before (reopening the wizard)
    suggestion: Suggestion | None = None
    suggested_for: tuple[str, str, str] | None = None

    profile_id: int | None = None  # the profile being edited, or the one made for the dry run
    provisional_profile: bool = False  # made by this wizard for the dry run: delete it on Cancel
    dry_report: RunReport | None = None
    dry_settings: SyncSettings | None = None  # the settings the dry run used

    # -- what the pages need ------------------------------------------------------------------------------

    def rc_key_tuple(self) -> tuple[str, str]:
        return (self.retailcrm_url.strip(), self.retailcrm_key.strip())

    def ms_key_tuple(self) -> tuple[str, ...]:
        if self.moysklad_mode == MODE_LOGIN:
            return (MODE_LOGIN, self.moysklad_url.strip(), self.moysklad_login.strip(), self.moysklad_password)
        return (MODE_TOKEN, self.moysklad_url.strip(), self.moysklad_token.strip())

    @property
    def rc_ok(self) -> bool:
        return self.rc_account is not None and self.rc_checked_for == self.rc_key_tuple()

    @property
    def ms_ok(self) -> bool:
        return self.ms_account is not None and self.ms_checked_for == self.ms_key_tuple()

    def token(self) -> str:
        """The MoySklad token to use and keep: the pasted one, or the one issued for the login."""
        if self.moysklad_mode == MODE_LOGIN:
            return self.obtained_token or ""
        return self.moysklad_token.strip()

    def moysklad_account_name(self) -> str:
        """The keyring username: the login, or "token" for a pasted token."""
        if self.moysklad_mode == MODE_LOGIN and self.moysklad_login.strip():
            return self.moysklad_login.strip()
        return self.keep_account or MOYSKLAD_TOKEN_ACCOUNT

    def ensure_suggestion(self) -> Suggestion | None:
        """Suggested settings for the checked accounts (recomputed only when an account changed).

        Choices made on the pages are kept: the suggestion only fills what is still empty.
        """
        if self.rc_account is None or self.ms_account is None:
            return None
        # The same accounts checked again keep the choices made; another account starts from what was saved.
        marker = (self.rc_account.url, self.ms_account.url, self.ms_account.info.account_id or "")
        if self.suggestion is None or self.suggested_for != marker:
            self.suggestion = suggest_settings(self.rc_account, self.ms_account, base=self.base_settings)
            self.settings = self.suggestion.settings
            self.suggested_for = marker
        return self.suggestion

    def update(self, **changes: Any) -> SyncSettings:
        self.settings = replace(self.settings, **changes)
        return self.settings
