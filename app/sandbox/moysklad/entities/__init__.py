"""Every entity type the emulator serves, by wire name."""

from __future__ import annotations

from app.sandbox.moysklad.entities.base import EntityKind, RenderContext
from app.sandbox.moysklad.entities.catalog import (
    BundleKind,
    CharacteristicKind,
    CurrencyKind,
    PriceTypeKind,
    ProductFolderKind,
    ProductKind,
    ServiceKind,
    UomKind,
    VariantKind,
)
from app.sandbox.moysklad.entities.documents import (
    CustomerOrderKind,
    DemandKind,
    DocumentKind,
    SalesReturnKind,
    StateKind,
)
from app.sandbox.moysklad.entities.parties import (
    CounterpartyKind,
    EmployeeKind,
    GroupKind,
    OrganizationKind,
    StoreKind,
)

# Served as /entity/<name> (list, by id, create/update/delete as each kind allows).
ENTITY_TYPES = (
    "product", "service", "bundle", "variant", "productfolder", "uom", "currency", "store", "organization",
    "counterparty", "employee", "group", "customerorder", "demand", "salesreturn",
)


def build_kinds() -> dict[str, EntityKind]:
    kinds: list[EntityKind] = [
        ProductKind(), ServiceKind(), BundleKind(), VariantKind(), ProductFolderKind(), UomKind(), CurrencyKind(),
        PriceTypeKind(),
        CharacteristicKind(), StoreKind(), OrganizationKind(), CounterpartyKind(), EmployeeKind(), GroupKind(),
        CustomerOrderKind(), DemandKind(), SalesReturnKind(), StateKind(),
    ]
    return {kind.name: kind for kind in kinds}


__all__ = ["ENTITY_TYPES", "DocumentKind", "EntityKind", "RenderContext", "build_kinds"]
