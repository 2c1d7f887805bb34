"""What the catalog flow's plan hands to its apply (:class:`CatalogWork` and its parts), the batch sizes, and
the link record of a pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.clients.moysklad_models import ProductFolder
from app.store import NewLink
from app.sync.catalog.keys import MatchKey, MatchRule, MsItem, RcOffer
from app.sync.catalog.results import StaleLink

CATALOG_KINDS = ("duplicate_key", "only_in_moysklad", "only_in_retailcrm", "archived_in_moysklad")
PRODUCT_BATCH = 50  # store/products/batch/create|edit take at most 50 products
READBACK_BATCH = 100  # new products read back per request, by id (100 ids keep the URL well under 8 KB)
MS_CREATE_BATCH = 1000  # MoySklad takes up to 1000 entities per POST
LINK_BATCH = 1000  # links written per store transaction (and cancel check)


def plural(n: int, one: str, few: str, many: str) -> str:
    """The Russian noun form after a number: 1 пара, 2 пары, 5 пар, 21 пара."""
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


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
    stats: dict[str, int] = field(default_factory=dict)


# --- the flow ----------------------------------------------------------------------------------------------


def _offer_link(item: MsItem, offer: RcOffer, match_key: str | None) -> NewLink:
    """The stored link of a MoySklad item and the RetailCRM offer it sells as."""
    return NewLink(
        kind="offer", ms_id=item.id, rc_id=str(offer.id), ms_type=item.type, rc_ext=offer.xml_id, match_key=match_key
    )
