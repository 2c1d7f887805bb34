"""What every window needs: the open store, the keyring, which profile is shown, and the demo if any."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.secrets import SecretStore
from app.store import Database
from app.sync.model import Callbacks, CancelToken, Flow, RunReport

log = logging.getLogger("app.ui")

# Per-profile UI preferences live in the store's settings table under this key (nothing secret).
UI_PREFS_KEY = "ui"
SETUP_DONE_KEY = "setup_complete"
DEFAULT_UI_PREFS: dict[str, Any] = {"keep_in_tray": True, "notify": True}


@dataclass
class AppContext:
    """Shared by the main window, the wizard and the tabs. ``demo`` is a running demo session, if any."""

    db: Database
    data_dir: Path
    secrets: SecretStore
    profile_id: int | None = None
    demo: Any = None  # app.demo.DemoSession
    os_env: Any = None  # app.os_integration.command.OsEnv: None is the real OS (tests pass temporary folders)

    @property
    def is_demo(self) -> bool:
        return self.demo is not None

    def engine_factory(self) -> Any:
        """An :data:`app.ui.worker.EngineFactory` for the current profile (runs in the worker thread).

        It reads the profile and the secret store when a run starts, so a settings change (another
        profile, keys kept in memory only) applies to the next run without rewiring anything.
        """

        def build(callbacks: Callbacks, cancel: CancelToken) -> Any:
            from app.sync.session import build_engine
            from app.ui.flows import sync_flows

            if self.profile_id is None:
                raise RuntimeError("no profile chosen")
            return build_engine(
                self.db, self.profile_id, self.secrets, callbacks=callbacks, cancel=cancel, flows=sync_flows()
            )

        return build

    def sync_target(self) -> Any:
        """An :data:`app.ui.worker.RunTarget` that runs the current profile's sync in a child process.

        Runs in the worker thread: reads the profile and its keys (the keyring may be slow), then hands
        them to the child. ``SVYAZKA_SYNC_IN_THREAD=1`` runs the engine in the worker thread instead.
        """
        from app.ui.engine_process import ProcessUnavailable, RunRequest, in_thread_requested, run_in_process
        from app.ui.worker import engine_target

        in_thread = engine_target(self.engine_factory())

        def run(
            callbacks: Callbacks, cancel: CancelToken, flows: tuple[Flow, ...], dry_run: bool, full: bool, trigger: str
        ) -> RunReport:
            if in_thread_requested():
                return in_thread(callbacks, cancel, flows, dry_run, full, trigger)
            profile = self.db.profiles.get(self.profile_id) if self.profile_id is not None else None
            if profile is None:
                raise RuntimeError("no profile chosen")
            request = RunRequest(
                db_path=str(self.db.path),
                profile_id=profile.id,
                flows=tuple(f.value for f in flows),
                dry_run=dry_run,
                full=full,
                trigger=trigger,
                retailcrm_url=profile.retailcrm_url,
                retailcrm_key=self.secrets.get_retailcrm_key(profile.retailcrm_url),
                moysklad_url=profile.moysklad_url,
                moysklad_account=profile.moysklad_account,
                moysklad_token=self.secrets.get_moysklad_token(profile.moysklad_account),
                data_dir=str(self.data_dir),
            )
            try:
                return run_in_process(request, callbacks, cancel)
            except ProcessUnavailable:
                log.warning("no child process for the sync; running it in the worker thread", exc_info=True)
                return in_thread(callbacks, cancel, flows, dry_run, full, trigger)

        return run


def ready_profile_id(db: Database) -> int | None:
    """The profile to open (the first one whose setup was finished), or None when the wizard must run.

    Runs a few short queries: call it at start-up or in the background.
    """
    for profile in db.profiles.list():
        if db.settings(profile.id).get(SETUP_DONE_KEY, True):
            return profile.id
    return None
