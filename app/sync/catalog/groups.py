"""Product groups: which MoySklad folders need a RetailCRM group (:class:`_GroupPlanner`, at plan) and
creating and linking them (:class:`_GroupWrites`, at apply)."""

from __future__ import annotations

from typing import Any

from app.clients.errors import MaybeApplied, RemoteValidationError
from app.messages import msg
from app.store import NewLink
from app.sync.catalog.source import (
    MsCatalog,
    RcCatalog,
)
from app.sync.catalog.steps import _ApplyStep
from app.sync.catalog.work import (
    CatalogWork,
    GroupCreate,
)
from app.sync.engine import RunContext
from app.sync.model import Action, Change, Flow, FlowPlan, Level
from app.sync.text import shorten


class _GroupPlanner:
    """Which RetailCRM product group stands for each MoySklad folder, and which must be created."""

    def __init__(self, ctx: RunContext, work: CatalogWork, ms: MsCatalog, rc: RcCatalog) -> None:
        self.ctx = ctx
        self.work = work
        self.ms = ms
        self.needed: set[str] = set()
        self._loaded = False
        self._stored: dict[str, int] = {}
        self._by_external: dict[str, int] = {}
        self._existing: set[int] = set()
        self._site = rc.site.code

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        groups = list(self.ctx.retailcrm.iter_product_groups(filter={"sites": [self._site]}))
        self._existing = {g.id for g in groups}
        for group in groups:
            if group.external_id:
                self._by_external.setdefault(group.external_id, group.id)
        for folder_id, link in self.ctx.db.links(self.ctx.profile_id).all("product_group").items():
            try:
                self._stored[folder_id] = int(link.rc_id)
            except ValueError:
                continue

    def known_id(self, folder_id: str) -> int | None:
        """The RetailCRM group of a folder if it exists now (linked, or found by externalId)."""
        self._load()
        group_id = self._stored.get(folder_id)
        if group_id is not None and group_id in self._existing:
            return group_id
        folder = self.ms.folders.get(folder_id)
        if folder is not None and folder.external_code:
            return self._by_external.get(folder.external_code)
        return None

    def need(self, folder_id: str | None) -> None:
        while folder_id is not None and folder_id in self.ms.folders and folder_id not in self.needed:
            self.needed.add(folder_id)
            folder_id = self.ms.folders[folder_id].parent_id

    def finish(self, plan: FlowPlan) -> None:
        if not self.needed:
            return
        self._load()
        work = self.work
        for folder_id in self._ordered(self.needed):
            folder = self.ms.folders[folder_id]
            stored = self._stored.get(folder_id)
            if stored is not None and stored in self._existing:
                work.group_ids[folder_id] = stored
                continue
            if stored is not None:
                work.stale_group_links.append(folder_id)
            found = self._by_external.get(folder.external_code) if folder.external_code else None
            if found is not None:
                work.group_ids[folder_id] = found
                work.group_links.append(
                    NewLink(
                        kind="product_group",
                        ms_id=folder_id,
                        rc_id=str(found),
                        ms_type="productfolder",
                        rc_ext=folder.external_code,
                    )
                )
                continue
            parent = folder.parent_id if folder.parent_id in self.ms.folders else None
            work.group_creates.append(GroupCreate(folder=folder, parent_folder_id=parent))
            plan.changes.append(
                Change(
                    flow=Flow.CATALOG,
                    action=Action.CREATE,
                    target="retailcrm",
                    entity="product_group",
                    ref=folder.external_code or folder.id,
                    summary=msg("catalog.change.create_group", name=shorten(folder.name)),
                    payload={"folder_id": folder_id},
                )
            )
            plan.counts.created += 1

    def _ordered(self, folder_ids: set[str]) -> list[str]:
        """Parents before children, otherwise by name (so plans read the same every time)."""
        depth: dict[str, int] = {}

        def level(folder_id: str) -> int:
            if folder_id not in depth:
                parent = self.ms.folders[folder_id].parent_id
                depth[folder_id] = 0
                depth[folder_id] = level(parent) + 1 if parent in self.ms.folders and parent else 0
            return depth[folder_id]

        return sorted(folder_ids, key=lambda f: (level(f), self.ms.folders[f].name, f))


# --- applying ----------------------------------------------------------------------------------------------


class _GroupWrites(_ApplyStep):
    """Apply's product-group step, and the ``groups`` a product body names."""

    def _groups(self) -> None:
        work = self.work
        for folder_id in work.stale_group_links:
            self.links.remove("product_group", ms_id=folder_id)
        if work.group_links:
            self.links.bulk_upsert(work.group_links)
        for create in work.group_creates:
            self.ctx.check_cancel()
            folder = create.folder
            body: dict[str, Any] = {"name": folder.name, "active": True, "site": work.site_code}
            if folder.external_code:
                body["externalId"] = folder.external_code
            if create.parent_folder_id is not None:
                parent_id = work.group_ids.get(create.parent_folder_id)
                if parent_id is None:
                    self._log(
                        Level.WARNING,
                        msg("catalog.group_no_parent", name=shorten(folder.name)),
                    )
                    self.counts.failed += 1
                    continue
                body["parentId"] = parent_id
            try:
                group_id = self.ctx.retailcrm.create_product_group(body, site=work.site_code)
            except MaybeApplied:
                self.counts.failed += 1
                self._log(
                    Level.WARNING,
                    msg("catalog.group_maybe", name=shorten(folder.name)),
                )
                continue
            except RemoteValidationError as exc:
                self.counts.failed += 1
                self._log(Level.ERROR, msg("catalog.group_refused", name=shorten(folder.name), error=exc.sentence))
                continue
            work.group_ids[folder.id] = group_id
            self.links.bulk_upsert(
                [
                    NewLink(
                        kind="product_group",
                        ms_id=folder.id,
                        rc_id=str(group_id),
                        ms_type="productfolder",
                        rc_ext=folder.external_code,
                    )
                ]
            )
            self.counts.created += 1
            self._log(
                Level.INFO,
                msg("catalog.group_created", name=shorten(folder.name)),
                entity_type="product_group",
                entity_ref=folder.external_code,
            )
            self._progress(1)

    def _group_refs(self, folder_id: str | None) -> list[dict[str, int]] | None:
        if folder_id is None:
            return None
        group_id = self.work.group_ids.get(folder_id)
        return [{"id": group_id}] if group_id is not None else None
