"""Attack "keys silently lost without a system keyring" (issue 12, major 3).

On Linux without a keyring service, the app's own in-memory keyring became keyring's active backend (it had a
higher priority than keyring's fail backend): ``setup`` said «Сохранено», exited 0, and the next ``sync`` found
no key. Now the in-memory keyring serves only whoever installs it explicitly (the demo, the tests), and ``setup``
without a keyring refuses (exit 2), names the environment variables and saves nothing.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring.backend
import pytest

from app.cli import EXIT_FAILED, EXIT_OK
from app.paths import database_path
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.secrets import ENV_MOYSKLAD_TOKEN, ENV_RETAILCRM_KEY, InMemoryKeyring
from app.store import Database
from tests.reliability.support import CHILD_TIMEOUT, ROOT, app_command, child_env

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=20, orders=5, stores=1, seed=5, rate_limit=False)) as sb:
        yield sb


def _env(sandbox: Sandbox, *, keys: bool, forced_fail: bool = True) -> dict[str, str]:
    env = child_env(sandbox)  # keys in the environment, keyring's fail backend forced
    if not keys:
        env.pop(ENV_RETAILCRM_KEY)
        env.pop(ENV_MOYSKLAD_TOKEN)
    if not forced_fail:
        env.pop("PYTHON_KEYRING_BACKEND")
    return env


def _setup(sandbox: Sandbox, data_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        app_command(data_dir, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                    "--moysklad-url", sandbox.moysklad_url, "--auto"),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT, stdin=subprocess.DEVNULL,
    )


def _profiles(data_dir: Path) -> list[str]:
    path = database_path(data_dir)
    if not path.exists():
        return []
    db = Database.open(path)
    try:
        return [p.name for p in db.profiles.list()]
    finally:
        db.close()


def _refused(done: subprocess.CompletedProcess[str], data_dir: Path) -> None:
    assert done.returncode == EXIT_FAILED, done.stderr
    assert "Сохранено" not in done.stdout
    assert ENV_RETAILCRM_KEY in done.stderr and ENV_MOYSKLAD_TOKEN in done.stderr
    assert "ничего не сохранено" in done.stderr
    assert "Traceback" not in done.stderr
    assert _profiles(data_dir) == []


def test_the_in_memory_keyring_is_never_chosen_by_keyring_itself() -> None:
    viable = {type(backend) for backend in keyring.backend.get_all_keyring()}
    assert InMemoryKeyring not in viable


def test_setup_without_a_keyring_refuses_and_saves_nothing(sandbox: Sandbox, tmp_path: Path) -> None:
    done = _setup(sandbox, tmp_path, _env(sandbox, keys=False))
    _refused(done, tmp_path)


def test_setup_without_a_keyring_service_at_all_refuses(sandbox: Sandbox, tmp_path: Path) -> None:
    """The attack as it happened: nothing forced, just no keyring service (no D-Bus session, no config)."""
    env = _env(sandbox, keys=False, forced_fail=False)
    env.update(
        DBUS_SESSION_BUS_ADDRESS=f"unix:path={tmp_path / 'no-bus'}",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_RUNTIME_DIR=str(tmp_path / "run"),
    )
    probe = subprocess.run(
        [sys.executable, "-c", "import app.secrets, keyring; b = keyring.get_keyring(); "
         "print(type(b).__module__ + '.' + type(b).__name__)"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )
    backend = probe.stdout.strip()
    assert "InMemoryKeyring" not in backend, backend
    if backend not in ("keyring.backends.fail.Keyring", "keyring.backends.chainer.ChainerBackend"):
        pytest.skip(f"this machine has a keyring without a desktop session: {backend}")
    _refused(_setup(sandbox, tmp_path / "svyazka", env), tmp_path / "svyazka")


def test_with_the_keys_in_the_environment_setup_and_sync_work(sandbox: Sandbox, tmp_path: Path) -> None:
    env = _env(sandbox, keys=True)
    done = _setup(sandbox, tmp_path, env)
    assert done.returncode == EXIT_OK, done.stderr
    assert "Сохранено" in done.stdout
    assert "ключи будут браться из переменных окружения" in done.stderr and ENV_MOYSKLAD_TOKEN in done.stderr
    assert len(_profiles(tmp_path)) == 1
    synced = subprocess.run(
        app_command(tmp_path, "sync", "--dry-run", "--only", "stock"),
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )
    assert synced.returncode in (0, 1), synced.stderr
    assert "не найден" not in synced.stdout + synced.stderr


def test_without_the_environment_sync_says_where_keys_go(sandbox: Sandbox, tmp_path: Path) -> None:
    """Set up with the keys in the environment; a run without them says which variables to set (exit 2)."""
    assert _setup(sandbox, tmp_path, _env(sandbox, keys=True)).returncode == EXIT_OK
    synced = subprocess.run(
        app_command(tmp_path, "sync", "--dry-run"),
        cwd=ROOT, env=_env(sandbox, keys=False), capture_output=True, text=True, timeout=CHILD_TIMEOUT,
    )
    assert synced.returncode == EXIT_FAILED
    assert ENV_RETAILCRM_KEY in synced.stderr and "Traceback" not in synced.stderr
