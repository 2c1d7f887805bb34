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

    def sync_target(self) -> Any:
        """An :data:`app.ui.worker.RunTarget` that runs the current profile's sync through :mod:`app.runner`.

        Runs in the worker thread: reads the profile and its keys (the keyring may be slow) when a run starts,
        so a settings change (another profile, keys kept in memory only) applies to the next run.
        """
        from app.runner import RunRequest
        from app.ui.worker import runner_target

        def request() -> RunRequest:
            if self.profile_id is None:
                raise RuntimeError("no profile chosen")
            return RunRequest.for_profile(self.db, self.profile_id, self.secrets, data_dir=str(self.data_dir))

        target = runner_target(request)

        def run(
            callbacks: Callbacks, cancel: CancelToken, flows: tuple[Flow, ...], dry_run: bool, full: bool, trigger: str
        ) -> RunReport:
            profile_id = self.profile_id
            report = target(callbacks, cancel, flows, dry_run, full, trigger)
            if profile_id is not None:  # in the worker thread, after the run: sending never blocks the window
                from app.alerts import evaluate_after_run

                evaluate_after_run(self.db, profile_id, report, secrets=self.secrets)
            return report

        return run


def ready_profile_id(db: Database) -> int | None:
    """The profile to open (the first one whose setup was finished), or None when the wizard must run.

    Runs a few short queries: call it at start-up or in the background.
    """
    for profile in db.profiles.list():
        if db.settings(profile.id).get(SETUP_DONE_KEY, True):
            return profile.id
    return None
