"""The stock flow's shared pieces: its constants and clock, how a figure is rounded for a RetailCRM store,
the rows and work plan hands to apply, the warehouse layout, and how offers are named in messages."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal

from app.messages import Message, msg
from app.store.settings import StorePair
from app.sync.catalog.source import CatalogSnapshot, rc_product_url
from app.sync.engine import RunContext
from app.sync.model import PlanStats

MSK = timezone(timedelta(hours=3))
OVERLAP = timedelta(minutes=5)
CHANGED_SINCE_LIMIT = timedelta(hours=24) - timedelta(minutes=1)  # a minute spare for the request's trip
HEAL_EVERY = timedelta(hours=24)
UPLOAD_BATCH = 250
FRESH_LIMIT = 140  # never-sent items read by id fit one request (~145 ids a URL); more: one full report
FRESH_WHY = msg("stock.why.fresh")
_ZERO = Decimal(0)
_ONE = Decimal(1)
AVAILABLE = "available"  # a RetailCRM store that counts only "in stock or not" (inventoryType)


def stock_for_store(value: Decimal, inventory_type: str | None) -> Decimal:
    """The figure a RetailCRM store gets for MoySklad's ``value``: a non-negative integer (see the module doc).

    ``inventory_type`` None (a store missing from ``/reference/stores``) counts as ``integer``, the usual type.
    """
    if value <= 0:
        return _ZERO  # negative (MoySklad sells into minus) and -0 go as 0
    if inventory_type == AVAILABLE:
        return _ONE
    return value.to_integral_value(rounding=ROUND_FLOOR)


def moscow_now() -> datetime:
    """MoySklad's wall clock: now in UTC+3, naive, whole seconds."""
    return datetime.now(UTC).astimezone(MSK).replace(tzinfo=None, microsecond=0)


def quantity_text(value: Decimal) -> str:
    """A quantity as stored and compared: ``13``, ``1.5``, ``0`` (never ``13.0`` or ``1E+2``)."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _parse_moment(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        return None


@dataclass(slots=True)
class OfferRow:
    """What goes to RetailCRM for one offer: stock per store code, and the purchase price if it changed.

    A first run plans one per linked offer (50,000), so the row keeps facts, not sentences: its log line is
    written from them when the batch has gone (:meth:`StockWork.describe`)."""

    offer_id: int
    levels: dict[str, Decimal] = field(default_factory=dict)  # store code -> quantity (never negative)
    purchase: Decimal | None = None
    changed: list[tuple[str, str | None]] = field(default_factory=list)  # (store code, value sent before)


@dataclass
class StockStats(PlanStats):
    full: int = 0  # 1: a full pass, 0: changes only
    report_rows: int = 0
    values_to_send: int = 0
    values_unchanged: int = 0
    offers_to_send: int = 0
    not_linked: int = 0
    unmapped_stores: int = 0
    purchase_prices: int = 0
    values_zeroed: int = 0  # for the safety check: values above zero that would become 0
    values_above_zero: int = 0
    bundles: int = 0  # bundles whose stock was counted from their components (app/sync/stock/bundles.py)


@dataclass
class StockWork:
    full: bool
    poll: str  # this run's poll moment (Moscow ISO): becomes last_poll (and last_full) when all went well
    rows: list[OfferRow] = field(default_factory=list)
    known: dict[str, str] = field(default_factory=dict)  # entity -> quantity text, for purchase-only rows
    stats: StockStats = field(default_factory=StockStats)
    # RetailCRM stores' inventoryType: the follow-up after the orders flow sends by the same rule
    inventory_types: dict[str, str | None] = field(default_factory=dict)
    labels: _Labels | None = None  # how offers are named in messages
    where: dict[str, str] = field(default_factory=dict)  # store code -> "«Основной склад» + «Склад 2»"

    def change_text(self, row: OfferRow, code: str, before: str | None) -> Message:
        """«Основной склад»: 5 → 7 (or «…»: 7 (первая передача))."""
        text = quantity_text(row.levels[code])
        where = self.where.get(code, code)
        if before is not None:
            return msg("stock.change", where=where, before=before, value=text)
        return msg("stock.change_first", where=where, value=text)

    def label(self, offer_id: int) -> Message | str:
        return self.labels.label(offer_id) if self.labels is not None else msg("stock.offer_n", id=offer_id)

    def url(self, offer_id: int) -> str | None:
        return self.labels.url(offer_id) if self.labels is not None else None


@dataclass(frozen=True)
class _Layout:
    """The warehouse pairs as the figures need them."""

    store_codes: dict[str, str]  # MoySklad warehouse id -> RetailCRM store code
    ms_stores_of_code: dict[str, list[StorePair]]  # RetailCRM store code -> the warehouses feeding it
    shared_codes: set[str]  # RetailCRM stores fed by several warehouses (their figure is a sum)
    codes: list[str]

    @classmethod
    def of(cls, pairs: tuple[StorePair, ...]) -> _Layout:
        ms_stores_of_code: dict[str, list[StorePair]] = defaultdict(list)
        for pair in pairs:
            ms_stores_of_code[pair.rc_store_code].append(pair)
        return cls(
            store_codes={pair.ms_store_id: pair.rc_store_code for pair in pairs},
            ms_stores_of_code=dict(ms_stores_of_code),
            shared_codes={code for code, feeding in ms_stores_of_code.items() if len(feeding) > 1},
            codes=list(ms_stores_of_code),
        )


def _inventory_types(ctx: RunContext) -> dict[str, str | None]:
    """RetailCRM store code -> ``inventoryType`` (``integer`` | ``available``), as the account has them now."""
    return {store.code: store.inventory_type for store in ctx.retailcrm.stores()}


def _codes(ctx: RunContext) -> list[str]:
    """The RetailCRM stores that get stock, each once (several warehouses may feed one)."""
    return list(dict.fromkeys(pair.rc_store_code for pair in ctx.settings.store_pairs))


def _fresh(links: dict[str, int], pushed: dict[str, str], codes: list[str]) -> set[str]:
    """Linked items with a store nothing was sent for yet (linked since the last run, or a new warehouse)."""
    return {ms_id for ms_id, offer_id in links.items() if any(f"{offer_id}:{c}" not in pushed for c in codes)}


class _Labels:
    """How an offer is named in messages: its MoySklad name when this run read the catalog, else its key."""

    def __init__(self, ctx: RunContext, snapshot: CatalogSnapshot | None, links: dict[str, int]) -> None:
        self.ctx = ctx
        self.snapshot = snapshot
        self.ms_of = {offer_id: ms_id for ms_id, offer_id in links.items()}
        self._stored: dict[str, tuple[str | None, str | None]] | None = None

    def _stored_links(self) -> dict[str, tuple[str | None, str | None]]:
        if self._stored is None:
            self._stored = {
                ms_id: (link.match_key, link.rc_ext)
                for ms_id, link in self.ctx.db.links(self.ctx.profile_id).all("offer").items()
            }
        return self._stored

    def label(self, offer_id: int) -> Message | str:
        ms_id = self.ms_of.get(offer_id, "")
        if self.snapshot is not None:
            item = self.snapshot.ms.items.get(ms_id)
            if item is not None:
                return f"«{item.name}»"
            offer = self.snapshot.rc.offers.get(offer_id)
            if offer is not None:
                return f"«{offer.name}»"
        match_key, rc_ext = self._stored_links().get(ms_id, (None, None))
        if match_key:
            return f"«{match_key}»"
        return msg("stock.offer_n", id=rc_ext or offer_id)

    def ref(self, offer_id: int) -> str:
        ms_id = self.ms_of.get(offer_id, "")
        if self.snapshot is not None:
            item = self.snapshot.ms.items.get(ms_id)
            if item is not None:
                return item.article or item.code or item.external_code or str(offer_id)
        return str(offer_id)

    def url(self, offer_id: int) -> str | None:
        """The RetailCRM product page, when this run read the catalog (else the product id is unknown)."""
        if self.snapshot is None or offer_id not in self.snapshot.rc.offers:
            return None
        account = getattr(self.ctx.retailcrm, "account_url", "")
        return rc_product_url(account, self.snapshot.rc.offers[offer_id].product_id)
