"""Typed, frozen views of RetailCRM answers: only what the sync needs, plus ``raw`` for everything else.

Money is ``Decimal`` roubles (:func:`app.money.rub`), quantities ``Decimal``, timestamps naive
``datetime`` in the account's time zone (RetailCRM sends no offset). Absent fields are ``None``.

One module per entity family: :mod:`.references`, :mod:`.orders`, :mod:`.catalog`.
"""

from app.clients.retailcrm_models.catalog import (
    InventoryOffer,
    InventoryUpdate,
    Offer,
    OfferRef,
    PriceUpdate,
    Product,
    ProductBatchResult,
    ProductGroup,
    StoreLevel,
    StoreStock,
    UploadResult,
)
from app.clients.retailcrm_models.orders import (
    Address,
    Customer,
    CustomerHistoryRecord,
    Delivery,
    HistoryRecord,
    OfferInfo,
    Order,
    OrderCustomer,
    OrderItem,
    OrderStatusInfo,
)
from app.clients.retailcrm_models.references import (
    CredentialsInfo,
    DeliveryType,
    OrderMethod,
    PaymentStatus,
    PaymentType,
    PriceType,
    ProductStatus,
    Site,
    Status,
    StatusGroup,
    Store,
    User,
)

__all__ = [
    "Address",
    "CredentialsInfo",
    "Customer",
    "CustomerHistoryRecord",
    "Delivery",
    "DeliveryType",
    "HistoryRecord",
    "InventoryOffer",
    "InventoryUpdate",
    "Offer",
    "OfferInfo",
    "OfferRef",
    "Order",
    "OrderCustomer",
    "OrderItem",
    "OrderMethod",
    "OrderStatusInfo",
    "PaymentStatus",
    "PaymentType",
    "PriceType",
    "PriceUpdate",
    "Product",
    "ProductBatchResult",
    "ProductGroup",
    "ProductStatus",
    "Site",
    "Status",
    "StatusGroup",
    "Store",
    "StoreLevel",
    "StoreStock",
    "UploadResult",
    "User",
]
