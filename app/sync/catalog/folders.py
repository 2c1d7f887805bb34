"""The folder filter: MoySklad product folders the shop excludes (``settings.excluded_folders``, subfolders
included) hold goods nobody sells through RetailCRM. Their items are taken out of the catalog the run read,
before matching, so they are not linked, created or counted by any flow of the run; their ids are kept in
``ctx.shared`` so the stock flow does not count them as "without a link" either.

Folders come from the catalog read (``entity/productfolder``, each with its parent ``productFolder``,
moysklad-api.md "productfolder"), so the filter costs no request of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from app.clients.moysklad_models import ProductFolder
from app.sync.catalog.source import MsCatalog

if TYPE_CHECKING:
    from app.sync.run_shared import RunShared



def excluded_folder_ids(folders: Mapping[str, ProductFolder], excluded: Iterable[str]) -> set[str]:
    """The excluded folders and every folder below them (a folder's parent chain is walked up, once each)."""
    chosen = set(excluded)
    if not chosen:
        return set()
    result: set[str] = set()
    for folder_id in folders:
        seen: set[str] = set()
        current: str | None = folder_id
        while current is not None and current not in seen:  # a loop in bad data ends the walk
            if current in chosen:
                result.add(folder_id)
                break
            seen.add(current)
            parent = folders.get(current)
            current = parent.parent_id if parent is not None else None
    return result | chosen


def take_out_excluded(catalog: MsCatalog, excluded: Iterable[str]) -> set[str]:
    """Remove the items of excluded folders from ``catalog`` (items and their prices); returns their ids.
    Products (parents included) stay in ``catalog.products``: nothing sells them without their items."""
    folder_ids = excluded_folder_ids(catalog.folders, excluded)
    if not folder_ids:
        return set()
    gone = {item_id for item_id in catalog.items if catalog.folder_id_of(item_id) in folder_ids}
    for item_id in gone:
        del catalog.items[item_id]
        catalog.prices.pop(item_id, None)
    return gone


def read_folders(ms: Any) -> list[ProductFolder]:
    """Every product folder (archived ones too), for the wizard's folder tree and ``setup --exclude-folder``:
    the same list the catalog read asks for (one request per 1000 folders)."""
    from app.sync.catalog.source import WITH_ARCHIVED

    pages = ms.map_pages("entity/productfolder", _as_folders, filters=WITH_ARCHIVED, parallel=1)
    return [folder for page in pages for folder in page]


def folder_path(folder: ProductFolder) -> str:
    """«Одежда/Худи»: MoySklad's ``pathName`` (the parents) and the folder's own name."""
    return f"{folder.path_name}/{folder.name}" if folder.path_name else folder.name


def find_folders(folders: Iterable[ProductFolder], wanted: str) -> list[ProductFolder]:
    """Folders named by id, full path or (when it is unique) name, case-insensitively."""
    folders = list(folders)
    by_id = [f for f in folders if f.id == wanted]
    if by_id:
        return by_id
    folded = wanted.strip().strip("/").casefold()
    by_path = [f for f in folders if folder_path(f).casefold() == folded]
    return by_path or [f for f in folders if f.name.casefold() == folded]


def _as_folders(rows: Iterable[dict[str, Any]]) -> list[ProductFolder]:
    return [ProductFolder.from_api(row) for row in rows]


def excluded_items(shared: RunShared) -> set[str]:
    """The items the catalog flow of this run took out (none when it did not run)."""
    return shared.excluded_items or set()
