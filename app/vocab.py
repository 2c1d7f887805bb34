"""The codes Svyazka stores and passes between layers, as enums defined once.

No imports from the rest of the app: the store, the sync layer, the CLI and the UI all read these. Each value
is exactly the string stored before these enums existed (settings JSON, the conflicts table, resolutions), and a
``StrEnum`` member equals, formats and JSON-encodes as that string, so existing databases keep working and
code comparing with a plain string still does. Words for a person live elsewhere (``app/ui/labels.py`` for the
UI, keyed by these members). Model: qutebrowser's ``utils/usertypes.py``.
"""

from __future__ import annotations

from enum import StrEnum


class ConflictKind(StrEnum):
    """What Svyazka will not guess about; the ``kind`` column of the conflicts table."""

    DUPLICATE_KEY = "duplicate_key"  # several items share a match key (catalog)
    ONLY_IN_MOYSKLAD = "only_in_moysklad"  # a MoySklad item no RetailCRM offer matches (catalog)
    ONLY_IN_RETAILCRM = "only_in_retailcrm"  # a RetailCRM offer no MoySklad item matches (catalog)
    ARCHIVED_IN_MOYSKLAD = "archived_in_moysklad"  # an active offer whose only match is archived in MoySklad
    UNLINKED_ORDER_LINE = "unlinked_order_line"  # an order line whose offer is not linked (orders)
    UNMAPPED_STATUS = "unmapped_status"  # an order status with no MoySklad state (orders)
    UNMAPPED_STORE = "unmapped_store"  # a warehouse with no pair
    AMBIGUOUS_COUNTERPARTY = "ambiguous_counterparty"  # a customer matching several counterparties (orders)
    BAD_DATA = "bad_data"  # data a service refused (orders)
    # a required MoySklad additional field no mapping fills, keyed by its name (orders; app/sync/orders/attributes.py)
    REQUIRED_ATTRIBUTE = "required_attribute"
    ORDER_CHANGED_BOTH_SIDES = "order_changed_both_sides"  # an order's content edited in both services (orders)


class ResolutionAction(StrEnum):
    """A conflict's decision, stored as ``{"action": ...}`` in its resolution."""

    PICK = "pick"  # keep the chosen ids
    LINK = "link"  # link these two
    CREATE = "create"  # create on the other side
    IGNORE = "ignore"  # leave it be
    USE_RETAILCRM = "use_retailcrm"  # order_changed_both_sides: RetailCRM's order is written over MoySklad's
    USE_MOYSKLAD = "use_moysklad"  # order_changed_both_sides: MoySklad's content stays, only the state goes
    GONE = "gone"  # closed by the store itself: the conflict disappeared (never a person's choice)


class Master(StrEnum):
    """Which system owns the catalog (setting ``master``)."""

    MOYSKLAD = "moysklad"
    RETAILCRM = "retailcrm"


class CatalogMode(StrEnum):
    """How the catalog reaches RetailCRM (setting ``catalog_mode``)."""

    CRM = "crm"  # through RetailCRM's API
    ICML = "icml"  # an ICML file RetailCRM loads


class StockType(StrEnum):
    """Which MoySklad stock figure is sent (setting ``stock_type``): MoySklad's report field names."""

    STOCK = "stock"
    FREE_STOCK = "freeStock"  # stock minus reserves


class MatchKey(StrEnum):
    """Which field links a MoySklad item to a RetailCRM offer (setting ``match_key``)."""

    ARTICLE = "article"
    CODE = "code"
    EXTERNAL_CODE = "external-code"
    BARCODE = "barcode"

    @property
    def label(self) -> str:
        """The field's name as a shop owner knows it, capitalised for the start of a sentence, in Russian. The
        words live in the message catalogue (``catalog.key_title.*``, app/messages/catalog.py); sentences use
        :func:`app.sync.catalog.keys.key_word` / ``key_title``, so English text says "article"."""
        from app.messages import msg

        return str(msg(f"catalog.key_title.{self.name.lower()}"))
