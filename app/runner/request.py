"""What one sync is: :class:`RunRequest`, built from a saved profile or from the wizard's typed keys."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from app.sync.model import ALL_FLOWS, Flow

SERVICE_RETAILCRM = "retailcrm"
SERVICE_MOYSKLAD = "moysklad"


@dataclass(frozen=True)
class RunRequest:
    """Everything a run needs; picklable. Keys travel through a pipe to our own child, never to disk."""

    db_path: str
    profile_id: int
    flows: tuple[str, ...] = tuple(f.value for f in ALL_FLOWS)
    dry_run: bool = False
    full: bool = False
    trigger: str = "manual"
    retailcrm_url: str = ""
    retailcrm_key: str | None = None
    moysklad_url: str = ""
    moysklad_account: str = "token"
    moysklad_token: str | None = None
    settings: dict[str, Any] | None = None  # use these instead of the saved ones (the wizard's dry run)
    data_dir: str | None = None  # where a sync child writes its technical log
    safety_policy: str | None = None  # a SafetyPolicy value; None: the engine's default for the trigger
    lock_wait: float = 0.0  # seconds to wait for another run of the profile (math.inf: until it ends)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flow_list(self) -> tuple[Flow, ...]:
        return tuple(Flow(f) for f in self.flows)

    def with_run(self, flows: tuple[Flow, ...], *, dry_run: bool, full: bool, trigger: str) -> RunRequest:
        """This request for one start of the window's Sync (or dry run) button."""
        return replace(self, flows=tuple(f.value for f in flows), dry_run=dry_run, full=full, trigger=trigger)

    @classmethod
    def for_profile(cls, db: Any, profile_id: int, secrets: Any, **options: Any) -> RunRequest:
        """A run of a saved profile with its keys from ``secrets`` (the keyring may block: not on a GUI thread).

        A missing profile or key is a settings problem the person can fix, said in plain words.
        """
        from app.clients.errors import SettingsError
        from app.messages import msg

        profile = db.profiles.get(profile_id)
        if profile is None:
            raise SettingsError("svyazka", msg("runner.no_profile"),
                                reason="profile")
        key, token = profile_keys(profile, secrets)
        return cls(
            db_path=str(db.path),
            profile_id=profile.id,
            retailcrm_url=profile.retailcrm_url,
            retailcrm_key=key,
            moysklad_url=profile.moysklad_url,
            moysklad_account=profile.moysklad_account,
            moysklad_token=token,
            **options,
        )


def profile_keys(profile: Any, secrets: Any) -> tuple[str, str]:
    """The profile's RetailCRM key and MoySklad token from ``secrets`` (the keyring, or the environment
    variables). A missing one is a settings problem the person can fix, said in plain words."""
    from app.clients.errors import SettingsError
    from app.messages import msg

    key = secrets.get_retailcrm_key(profile.retailcrm_url)
    if not key:
        raise SettingsError(
            SERVICE_RETAILCRM,
            msg("runner.no_retailcrm_key"),
            reason="bad_credentials",
            detail="no key in keyring",
        )
    token = secrets.get_moysklad_token(profile.moysklad_account)
    if not token:
        raise SettingsError(
            SERVICE_MOYSKLAD,
            msg("runner.no_moysklad_token"),
            reason="bad_credentials",
            detail="no token in keyring",
        )
    return key, token
