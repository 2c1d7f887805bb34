from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from app import paths


def test_override_beats_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "from-env"))
    chosen = paths.data_dir(tmp_path / "from-cli")
    assert chosen == (tmp_path / "from-cli").resolve()
    assert chosen.is_dir()
    assert not (tmp_path / "from-env").exists()


def test_env_beats_platform_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert paths.data_dir() == (tmp_path / "from-env").resolve()
    assert (tmp_path / "from-env").is_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG variables steer platformdirs on Linux only")
def test_platform_default_is_used_without_override_or_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    chosen = paths.data_dir()
    assert chosen == (tmp_path / "xdg" / "Svyazka").resolve()
    assert chosen.is_dir()


def test_database_and_log_paths_live_in_the_data_dir(tmp_path: Path) -> None:
    root = paths.data_dir(tmp_path)
    assert paths.database_path(root) == root / "svyazka.sqlite3"
    logs = paths.log_dir(root)
    assert logs.parent == root and logs.is_dir()


def test_a_file_in_the_way_gives_a_human_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    with pytest.raises(paths.DataDirError) as caught:
        paths.data_dir(blocker)
    message = str(caught.value)
    assert str(blocker) in message and "уже есть файл с таким именем" in message
    assert "выберите другую папку" in message and "--data-dir" in message and paths.DATA_DIR_ENV in message
    assert isinstance(caught.value, ValueError)
    with pytest.raises(paths.DataDirError) as caught:
        paths.data_dir(blocker / "inside")  # cannot create a folder inside a file
    assert "файл, а не папка" in str(caught.value) and "NotADirectoryError" in caught.value.detail


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions (on Windows the per-user folder is private)")
def test_the_data_folder_and_the_database_are_private_to_the_user(tmp_path: Path) -> None:
    import stat

    from app.paths import data_dir, database_path
    from app.store import Database

    folder = tmp_path / "shop"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    chosen = data_dir(folder)
    assert stat.S_IMODE(chosen.stat().st_mode) == 0o700
    path = database_path(chosen)
    with Database.open(path) as db:
        db.profiles.create("Магазин", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
        for companion in (path, path.with_name(path.name + "-wal")):
            if companion.exists():
                assert stat.S_IMODE(companion.stat().st_mode) & 0o077 == 0, companion
