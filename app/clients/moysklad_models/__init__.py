"""Typed, frozen views of MoySklad entities: what the sync needs, plus ``meta`` and ``raw``.

Money arrives in kopecks (JSON floats) and leaves here as ``Decimal`` roubles (:mod:`app.money`);
quantities are exact ``Decimal``; moments are naive Moscow-time ``datetime`` as the service sends them.
References to other entities are kept as ids (the last segment of their ``href``).

One module per entity family: :mod:`.references`, :mod:`.catalog`, :mod:`.documents`.
"""

from app.clients.moysklad_models.catalog import CatalogRow, Product, SalePrice, SharedPool, StockRow, TextPool, Variant
from app.clients.moysklad_models.documents import Counterparty, CustomerOrder, Demand, Position
from app.clients.moysklad_models.references import (
    AccountInfo,
    AttributeMeta,
    Organization,
    PriceType,
    ProductFolder,
    State,
    Store,
)

__all__ = [
    "AccountInfo",
    "AttributeMeta",
    "CatalogRow",
    "Counterparty",
    "CustomerOrder",
    "Demand",
    "Organization",
    "Position",
    "PriceType",
    "Product",
    "ProductFolder",
    "SalePrice",
    "SharedPool",
    "State",
    "StockRow",
    "Store",
    "TextPool",
    "Variant",
]
