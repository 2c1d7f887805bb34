"""The folder filter's control: MoySklad product folders as a checkable tree (everything checked by default).
An unchecked folder is excluded with its subfolders (settings.excluded_folders, app/sync/catalog/folders.py), so
its subfolders are shown unchecked and greyed out."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from app.clients.moysklad_models import ProductFolder

ID_ROLE = Qt.ItemDataRole.UserRole


class FolderTree(QTreeWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self._items: dict[str, QTreeWidgetItem] = {}
        self.itemChanged.connect(self._changed)

    def fill(self, folders: Sequence[ProductFolder], excluded: Iterable[str]) -> None:
        self.blockSignals(True)
        self.clear()
        self._items = {}
        known = {f.id for f in folders}
        pending = sorted(folders, key=lambda f: f.name.casefold())
        # parents first: a folder is placed once its parent is (a parent missing from the list: top level)
        while pending:
            rest = []
            for folder in pending:
                parent_id = folder.parent_id if folder.parent_id in known else None
                if parent_id is not None and parent_id not in self._items:
                    rest.append(folder)
                    continue
                parent = self._items.get(parent_id) if parent_id else None
                item = QTreeWidgetItem([folder.name])
                item.setData(0, ID_ROLE, folder.id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(0, Qt.CheckState.Checked)
                (parent.addChild(item) if parent is not None else self.addTopLevelItem(item))
                self._items[folder.id] = item
            if len(rest) == len(pending):  # a parent loop in bad data: the rest go to the top level
                for folder in rest:
                    item = QTreeWidgetItem([folder.name])
                    item.setData(0, ID_ROLE, folder.id)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setCheckState(0, Qt.CheckState.Checked)
                    self.addTopLevelItem(item)
                    self._items[folder.id] = item
                break
            pending = rest
        for folder_id in excluded:
            chosen = self._items.get(folder_id)
            if chosen is not None:
                chosen.setCheckState(0, Qt.CheckState.Unchecked)
                self._follow(chosen)
        self.expandToDepth(0)
        self.blockSignals(False)

    def excluded(self) -> tuple[str, ...]:
        """The unchecked folders whose parent is checked (their subfolders go with them)."""
        result = []
        for folder_id, item in self._items.items():
            parent = item.parent()
            if item.checkState(0) == Qt.CheckState.Unchecked and (
                parent is None or parent.checkState(0) == Qt.CheckState.Checked
            ):
                result.append(folder_id)
        return tuple(sorted(result))

    def item_of(self, folder_id: str) -> QTreeWidgetItem | None:
        return self._items.get(folder_id)

    def _changed(self, item: QTreeWidgetItem, column: int) -> None:
        self.blockSignals(True)
        self._follow(item)
        self.blockSignals(False)

    def _follow(self, item: QTreeWidgetItem) -> None:
        """Subfolders follow an unchecked folder (unchecked, disabled) and come back with a checked one."""
        off = item.checkState(0) == Qt.CheckState.Unchecked or not item.flags() & Qt.ItemFlag.ItemIsEnabled
        for index in range(item.childCount()):
            child = item.child(index)
            if child is None:
                continue
            child.setCheckState(0, Qt.CheckState.Unchecked if off else Qt.CheckState.Checked)
            flags = child.flags()
            child.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled if off else flags | Qt.ItemFlag.ItemIsEnabled)
            self._follow(child)
