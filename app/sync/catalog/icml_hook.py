"""The catalog flow's ICML step: when the settings name a folder, each catalog run writes the file there from
the MoySklad catalog it has just read (no second read of the catalog) and says where in the journal."""

from __future__ import annotations

from app.clients.errors import SettingsError
from app.messages import msg
from app.sync.catalog.icml import export_icml, icml_path, summary
from app.sync.catalog.source import CatalogSnapshot
from app.sync.model import Flow, Level
from app.sync.run_context import RunContext


def after_catalog_run(ctx: RunContext, snapshot: CatalogSnapshot) -> None:
    path = icml_path(ctx.settings)
    if path is None:
        return
    try:
        result = export_icml(ctx.moysklad, ctx.settings, path, shop_name=snapshot.rc.site.name or snapshot.rc.site.code,
                             now=ctx.clock(), catalog=snapshot.ms)
    except SettingsError:
        raise
    except OSError as exc:  # a folder that is gone, full or read-only: the sync itself went well
        ctx.log(Level.ERROR, Flow.CATALOG,
                msg("catalog.icml_not_written", folder=str(path.parent), error=str(exc.strerror or exc)))
        return
    ctx.log(Level.WARNING if result.duplicates else Level.INFO, Flow.CATALOG, summary(result),
            details={"path": str(path), "offers": result.offers})
