"""The folder filter's tree walk (app/sync/catalog/folders.py): subfolders follow, a parent loop ends."""

from __future__ import annotations

from app.clients.moysklad_models import ProductFolder
from app.sync.catalog.folders import excluded_folder_ids, find_folders, folder_path


def _folders(*rows: tuple[str, str | None]) -> dict[str, ProductFolder]:
    return {fid: ProductFolder(fid, f"Группа {fid}", parent_id=parent) for fid, parent in rows}


def test_an_excluded_folder_takes_its_subfolders_and_nothing_else():
    folders = _folders(("a", None), ("b", "a"), ("c", "b"), ("d", None), ("e", "d"))
    assert excluded_folder_ids(folders, ["b"]) == {"b", "c"}
    assert excluded_folder_ids(folders, []) == set()
    assert excluded_folder_ids(folders, ["gone"]) == {"gone"}  # a folder deleted since: harmless


def test_a_parent_loop_in_bad_data_ends_the_walk():
    folders = _folders(("x", "y"), ("y", "x"), ("z", None))
    assert excluded_folder_ids(folders, ["z"]) == {"z"}


def test_folders_are_found_by_id_path_or_unique_name():
    folders = [ProductFolder("1", "Худи", path_name="Одежда"), ProductFolder("2", "Худи", path_name="Распродажа"),
               ProductFolder("3", "Книги")]
    assert folder_path(folders[0]) == "Одежда/Худи"
    assert [f.id for f in find_folders(folders, "одежда/худи")] == ["1"]
    assert [f.id for f in find_folders(folders, "Худи")] == ["1", "2"]  # ambiguous: the caller asks for the path
    assert [f.id for f in find_folders(folders, "3")] == ["3"]
    assert [f.id for f in find_folders(folders, "книги")] == ["3"]
