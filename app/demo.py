"""Demo mode: both services emulated on this computer, a throw-away data folder, keys kept in memory.

A new user sees the whole product without accounts and without touching real data: nothing is written
to the real data folder or the OS keyring, and everything is gone when the demo stops.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from app.demo_story import DemoStory
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import SecretStore, use_in_memory_keyring
from app.store.settings import SyncSettings

DEMO_PROFILE_NAME = "Демо-магазин"


def demo_base_settings() -> SyncSettings:
    """Choices the demo makes before the wizard's suggestions fill the rest: the defaults a real shop gets.

    The demo shop's orders are dated back from the moment the demo starts (app.sandbox.seed): most from the
    last days, some from a week to a year and a half ago. So its first sync takes the last 30 days, as a real
    shop's does, and shows the older orders left out, on any date. Those 30 days hold more delivered orders
    than the safety check lets through unasked (~55 of 50): the demo allows more, so that its first sync is
    not stopped by its own choice.
    """
    return SyncSettings(safety_max_shipments=500)


@dataclass
class DemoSession:
    sandbox: Sandbox
    data_dir: Path
    secrets: SecretStore
    story: DemoStory | None = None  # the shop's day, played once after the first sync that exported orders
    _stopped: bool = field(default=False, repr=False)

    @property
    def retailcrm_url(self) -> str:
        return self.sandbox.retailcrm_url

    @property
    def retailcrm_key(self) -> str:
        return self.sandbox.retailcrm.api_key

    @property
    def moysklad_url(self) -> str:
        return self.sandbox.moysklad_url

    @property
    def moysklad_token(self) -> str:
        return self.sandbox.moysklad.token

    @property
    def moysklad_login(self) -> str:
        return self.sandbox.moysklad.login

    def stop(self) -> None:
        """Stop the emulators and delete the demo's data folder."""
        if self._stopped:
            return
        self._stopped = True
        self.sandbox.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> DemoSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_demo(options: SandboxOptions | None = None) -> DemoSession:
    """Start the demo shop. The in-memory keyring replaces the OS keyring for this process."""
    use_in_memory_keyring()
    sandbox = Sandbox(options or SandboxOptions(products=300, orders=120, stores=3)).start()
    data_dir = Path(tempfile.mkdtemp(prefix="svyazka-demo-"))
    return DemoSession(sandbox=sandbox, data_dir=data_dir, secrets=SecretStore(), story=DemoStory(sandbox))
