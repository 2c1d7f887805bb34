"""What the catalog flow's plan hands to its apply (:class:`CatalogWork` and its parts), the batch sizes, and
the link record of a pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from app.clients.moysklad_models import ProductFolder
from app.clients.retailcrm_models import Offer
from app.messages import plural  # noqa: F401  (the one plural; imported from here by stock and prices)
from app.store import NewLink
from app.sync.catalog.keys import MatchKey, MatchRule, MsItem, RcOffer
from app.sync.catalog.results import StaleLink
from app.sync.model import PlanStats

if TYPE_CHECKING:
    from app.sync.catalog.retired import RetiredPlan
from app.vocab import ConflictKind

CATALOG_KINDS = (
    ConflictKind.DUPLICATE_KEY,
    ConflictKind.ONLY_IN_MOYSKLAD,
    ConflictKind.ONLY_IN_RETAILCRM,
    ConflictKind.ARCHIVED_IN_MOYSKLAD,
)
PRODUCT_BATCH = 50  # store/products/batch/create|edit take at most 50 products
READBACK_BATCH = 100  # new products read back per request, by id (100 ids keep the URL well under 8 KB)
MS_CREATE_BATCH = 1000  # MoySklad takes up to 1000 entities per POST
LINK_BATCH = 1000  # links written per store transaction (and cancel check)


# --- what plan hands to apply -----------------------------------------------------------------------------


@dataclass
class GroupCreate:
    folder: ProductFolder
    parent_folder_id: str | None  # the parent folder whose group must exist first (None: top level)


@dataclass
class RcProductCreate:
    item: MsItem
    folder_id: str | None
    key_text: str | None


@dataclass
class RcProductEdit:
    rc_product_id: int
    ms_product_id: str
    changes: dict[str, Any]  # name / article as they should become
    folder_id: str | None  # set when the product must move to this folder's group
    label: str


@dataclass
class MsProductCreate:
    offer: RcOffer
    name: str
    key_text: str | None


@dataclass
class CatalogStats(PlanStats):
    """The catalog plan's figures: the wizard's tiles and the safety check's guards."""

    pairs: int = 0  # links after this run (stored, matched now, decided)
    new_pairs: int = 0
    only_in_moysklad: int = 0
    only_in_retailcrm: int = 0
    duplicates: int = 0
    to_create: int = 0
    variant_code_fallbacks: int = 0
    key_matched: int = 0  # active items whose key the other side carries too
    ms_items: int = 0  # active MoySklad items
    rc_offers: int = 0  # active RetailCRM offers
    links_before: int = 0
    links_dropped: int = 0


@dataclass
class CatalogWork:
    """Everything apply does, decided by plan."""

    key: MatchKey
    site_code: str
    catalog_id: int | str | None  # see RcCatalog.catalog_id
    rule: MatchRule | None = None  # the key and the RetailCRM field it meets (None: the key's usual field)
    stale: list[StaleLink] = field(default_factory=list)
    new_links: list[NewLink] = field(default_factory=list)
    reopen: list[str] = field(default_factory=list)  # conflict keys whose remembered decision was dropped
    group_links: list[NewLink] = field(default_factory=list)  # existing RetailCRM groups found by externalId
    stale_group_links: list[str] = field(default_factory=list)  # folder ids whose linked group is gone
    group_ids: dict[str, int] = field(default_factory=dict)  # folder id -> RetailCRM group id (known now)
    group_creates: list[GroupCreate] = field(default_factory=list)
    rc_creates: list[RcProductCreate] = field(default_factory=list)
    rc_edits: list[RcProductEdit] = field(default_factory=list)
    ms_creates: list[MsProductCreate] = field(default_factory=list)
    stats: CatalogStats = field(default_factory=CatalogStats)
    retired: RetiredPlan | None = None  # archived/deleted goods' offers (retired.py), stored after apply


# --- the flow ----------------------------------------------------------------------------------------------


def _offer_link(item: MsItem, offer: RcOffer | Offer, match_key: str | None) -> NewLink:
    """The stored link of a MoySklad item and the RetailCRM offer it sells as."""
    return NewLink(
        kind="offer", ms_id=item.id, rc_id=str(offer.id), ms_type=item.type, rc_ext=offer.xml_id, match_key=match_key
    )
