"""Connect to both accounts, list what they hold, and suggest settings from it.

The setup wizard and ``svyazka setup`` both use these: check a key, show what the account has (sites,
stores, price types, statuses; organizations, warehouses, states), and prefill every choice with what a
person would most likely pick. Nothing here is saved; the caller decides.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from app.clients.moysklad import MoySkladClient
from app.clients.moysklad_models import AccountInfo, AttributeMeta, Organization, ProductFolder
from app.clients.moysklad_models import PriceType as MsPriceType
from app.clients.moysklad_models import State as MsStateModel
from app.clients.moysklad_models import Store as MsStore
from app.clients.retailcrm import RetailCrmClient
from app.clients.retailcrm_models import CredentialsInfo, PaymentType, Site, Status, StatusGroup
from app.clients.retailcrm_models import PriceType as RcPriceType
from app.clients.retailcrm_models import Store as RcStore
from app.messages import Message, msg
from app.store.settings import SAFETY_SETTINGS, PricePair, StorePair, SyncSettings
from app.sync.catalog.folders import read_folders
from app.sync.orders.attributes import suggest_attributes
from app.sync.orders.payments import suggest_documents
from app.sync.process_order import ProcessOrder, read_groups
from app.sync.statusmap import (
    MsState,
    Problem,
    RcStatus,
    normalize_name,
    process_ordered,
    suggest_export_statuses,
    suggest_pairs_by_name,
    suggest_status_map,
    validate_status_map,
)
from app.vocab import CatalogMode

# What Svyazka needs from a RetailCRM key: orders and history, customers, references, stock and prices.
REQUIRED_RETAILCRM_SCOPES = (
    "order_read",
    "order_write",
    "customer_read",
    "reference_read",
    "store_read",
    "store_write",
)


@dataclass(frozen=True)
class RetailCrmAccount:
    url: str
    credentials: CredentialsInfo
    sites: tuple[Site, ...]
    stores: tuple[RcStore, ...]
    price_types: tuple[RcPriceType, ...]
    statuses: tuple[Status, ...]
    status_groups: tuple[StatusGroup, ...]
    payment_types: tuple[PaymentType, ...] = ()  # for the payment documents table (app.sync.orders.payments)

    @property
    def site_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.sites)


@dataclass(frozen=True)
class MoySkladAccount:
    url: str
    info: AccountInfo
    organizations: tuple[Organization, ...]
    stores: tuple[MsStore, ...]
    price_types: tuple[MsPriceType, ...]
    states: tuple[MsStateModel, ...]
    # product folders, for the folder filter (settings.excluded_folders; the wizard's folder tree)
    folders: tuple[ProductFolder, ...] = ()
    # customer orders' additional fields (settings.order_attributes; app/sync/orders/attributes.py)
    order_attributes: tuple[AttributeMeta, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    """Prefilled settings plus what a person should look at before saving them."""

    settings: SyncSettings
    problems: tuple[Problem, ...] = ()
    notes: tuple[Message, ...] = field(default_factory=tuple)  # str() of each is the Russian sentence


def check_retailcrm(client: RetailCrmClient) -> RetailCrmAccount:
    """Check the key (naming any missing permission) and read the references the settings need.

    Raises the client's ``SettingsError`` / ``ServiceUnavailable`` with a message for the shop owner.
    """
    credentials = client.check_credentials(REQUIRED_RETAILCRM_SCOPES)
    return RetailCrmAccount(
        url=client.account_url,
        credentials=credentials,
        sites=tuple(client.sites()),
        stores=tuple(s for s in client.stores() if s.active),
        price_types=tuple(p for p in client.price_types() if p.active),
        statuses=tuple(client.statuses()),
        # unreadable groups: () and the default groups' order (app.sync.process_order), not a failed check
        status_groups=tuple(read_groups(client.status_groups) or ()),
        payment_types=tuple(client.payment_types()),
    )


def check_moysklad(client: MoySkladClient) -> MoySkladAccount:
    """Check the token and read organizations, warehouses, price types and order states."""
    info = client.check_access()
    return MoySkladAccount(
        url=client.base_url,
        info=info,
        organizations=tuple(info.organizations),
        stores=tuple(s for s in info.stores if not s.archived),
        price_types=tuple(client.price_types()),
        states=tuple(client.order_states()),
        folders=tuple(read_folders(client)),
        order_attributes=tuple(client.attributes("customerorder")),
    )


def rc_statuses(account: RetailCrmAccount) -> list[RcStatus]:
    """The account's statuses in the order process (group, then status in the group), each carrying its
    group's place so that :func:`app.sync.statusmap.process_ordered` sorts them the same way."""
    order = ProcessOrder.build(account.statuses, account.status_groups)
    statuses = [
        RcStatus(code=s.code, name=s.name, group=s.group, active=s.active, ordering=s.ordering or 0,
                 group_ordering=order.group_rank(s.code))
        for s in account.statuses
    ]
    return sorted(statuses, key=lambda s: order.key(s.code))


def ms_states(account: MoySkladAccount) -> list[MsState]:
    valid = ("Regular", "Successful", "Unsuccessful")
    return [
        MsState(id=s.id, name=s.name, state_type=s.state_type if s.state_type in valid else "Regular")  # type: ignore[arg-type]
        for s in account.states
    ]


def suggest_settings(
    rc: RetailCrmAccount,
    ms: MoySkladAccount,
    *,
    base: SyncSettings | None = None,
) -> Suggestion:
    """What the wizard prefills (and ``setup --auto`` saves): every choice a person would most likely make.

    Values already in ``base`` (chosen by the person) are kept; only empty ones are suggested: the first
    organization, warehouses and price types paired by name, statuses by name similarity, and orders
    exported in every active status outside the cancel group.
    """
    base = base or SyncSettings()
    notes: list[Message] = []

    organization = _pick_organization(ms.organizations, base.organization_id)
    if organization is not None and len(ms.organizations) > 1 and not base.organization_id:
        notes.append(msg("accounts.several_organizations", name=organization.name))

    store_pairs = base.store_pairs or _store_pairs(ms.stores, rc.stores)
    if not store_pairs:
        notes.append(msg("accounts.stores_unpaired"))
    price_pairs = base.price_pairs or _price_pairs(ms.price_types, rc.price_types)

    statuses, states = rc_statuses(rc), ms_states(ms)
    status_map = dict(base.status_map) or suggest_status_map(statuses, states)
    export = base.export_statuses or tuple(suggest_export_statuses(statuses))
    shipment = base.shipment_status or _suggest_shipment_status(statuses)
    state_names = {s.id: s.name for s in states}
    reverse = dict(base.reverse_status_map) or suggest_reverse_map(status_map, statuses, state_names)

    site = base.retailcrm_site or (rc.sites[0].code if len(rc.sites) == 1 else None)
    if site is None and rc.sites:
        site = rc.sites[0].code
        notes.append(msg("accounts.several_sites", name=rc.sites[0].name))
    catalog_mode = base.catalog_mode
    chosen_site = next((s for s in rc.sites if s.code == site), None)
    if chosen_site is not None and chosen_site.load_from_yml:
        catalog_mode = CatalogMode.ICML
        notes.append(msg("accounts.icml_catalog"))

    settings = SyncSettings(
        organization_id=organization.id if organization else None,
        organization_name=organization.name if organization else None,
        store_pairs=store_pairs,
        price_pairs=price_pairs,
        status_map=status_map,
        state_names=state_names,
        reverse_status_map=reverse,
        export_statuses=export,
        shipment_status=shipment,
        return_statuses=base.return_statuses,  # None: the cancel group's statuses (app/sync/orders/returns.py)
        shipped_in_ms_status=base.shipped_in_ms_status,
        match_key=base.match_key,
        match_field=base.match_field,
        master=base.master,
        stock_type=base.stock_type,
        catalog_mode=catalog_mode,
        retailcrm_site=site,
        excluded_folders=base.excluded_folders,
        schedule_minutes=base.schedule_minutes,
        stock_schedule_minutes=base.stock_schedule_minutes,
        reverse_status_flow=base.reverse_status_flow,
        delivery_service_name=base.delivery_service_name,
        payment_documents={**base.payment_documents, **suggest_documents(
            ((t.code, t.name) for t in rc.payment_types if t.active), base.payment_documents)},
        order_attributes=suggest_attributes(ms.order_attributes, base.order_attributes),
        first_sync_days=base.first_sync_days,
        **{name: getattr(base, name) for name in SAFETY_SETTINGS},
        extra=base.extra,
    )
    problems = validate_status_map(status_map, statuses, states, list(export), shipment)
    return Suggestion(settings=settings, problems=tuple(problems), notes=tuple(notes))


def _pick_organization(organizations: Sequence[Organization], chosen: str | None) -> Organization | None:
    for org in organizations:
        if org.id == chosen:
            return org
    return organizations[0] if organizations else None


def _store_pairs(ms: Sequence[MsStore], rc: Sequence[RcStore]) -> tuple[StorePair, ...]:
    mapping = suggest_pairs_by_name([(s.id, s.name) for s in ms], [(s.code, s.name) for s in rc])
    names = {s.id: s.name for s in ms}
    return tuple(StorePair(ms_id, names[ms_id], code) for ms_id, code in mapping.items() if code)


def _price_pairs(ms: Sequence[MsPriceType], rc: Sequence[RcPriceType]) -> tuple[PricePair, ...]:
    mapping = suggest_pairs_by_name([(p.id, p.name) for p in ms], [(p.code, p.name) for p in rc])
    names = {p.id: p.name for p in ms}
    pairs = [PricePair(ms_id, names[ms_id], code) for ms_id, code in mapping.items() if code]
    if not pairs and ms and rc:
        # the default price types carry the shop's main price even when their names differ
        default_rc = next((p for p in rc if p.default), rc[0])
        pairs.append(PricePair(ms[0].id, ms[0].name, default_rc.code))
    return tuple(pairs)


def _suggest_shipment_status(statuses: Sequence[RcStatus]) -> str | None:
    """The first active status of the delivery group in the process order: the goods leave the warehouse
    there (``ordering`` restarts in every group, so it only orders statuses inside the group)."""
    for status in process_ordered(statuses):
        if status.active and status.group == "delivery":
            return status.code
    return None


def suggest_reverse_map(
    status_map: Mapping[str, str | None], statuses: Sequence[RcStatus], state_names: Mapping[str, str] | None = None
) -> dict[str, str]:
    """MoySklad state → the RetailCRM status to set when an order gets that state: among the statuses
    mapped to it, the one of the same name first (MoySklad «Отменен» → «Отменен», not «Недозвон», which
    real accounts keep at the head of the cancel group), else the first in the process order."""
    names = state_names or {}
    by_code = {s.code: s for s in statuses}
    rank = {s.code: i for i, s in enumerate(process_ordered(statuses))}

    def preference(code: str) -> tuple[int, int, str]:
        state = status_map.get(code) or ""
        status = by_code.get(code)
        same_name = status is not None and normalize_name(status.name) == normalize_name(names.get(state, ""))
        return (0 if same_name else 1, rank.get(code, len(rank)), code)

    reverse: dict[str, str] = {}
    for code in sorted(status_map, key=preference):
        state = status_map[code]
        if state and state not in reverse:
            reverse[state] = code
    return reverse
