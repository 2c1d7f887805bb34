"""RetailCRM account reads: API versions, what the key may do (and what it lacks), and the reference books.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.clients.errors import SettingsError, not_api_message
from app.clients.parsing import as_list, as_map, require
from app.clients.retailcrm.constants import API_KEYS_PAGE, DEFAULT_SCOPES, SERVICE
from app.clients.retailcrm.core import RetailCrmCore
from app.clients.retailcrm_models import (
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


class RetailCrmAccount(RetailCrmCore):
    """Credentials and references."""

    # --- account ----------------------------------------------------------------------------------------
    def api_versions(self) -> list[str]:
        data = self._get_ok("api-versions", versionless=True, endpoint="GET api-versions")
        return [str(v) for v in as_list(data.get("versions"))]

    def credentials(self) -> CredentialsInfo:
        """What the key may do (``/api/credentials``)."""
        data = self._get_ok("credentials", versionless=True, endpoint="GET credentials")
        if not isinstance(data.get("scopes"), list):
            # the real answer always lists the key's scopes (/work/shared/docs/retailcrm-api.md §1, the PHP client's
            # ApiTest fixture); nulls there are not a key without permissions but something else answering
            raise SettingsError(SERVICE, not_api_message(SERVICE, self.account_url), reason="not_service",
                                detail="GET credentials: no scopes array")
        return CredentialsInfo(
            scopes=frozenset(str(s) for s in as_list(data.get("scopes"))),
            site_access=str(data.get("siteAccess") or "access_full"),
            sites=tuple(str(s) for s in as_list(data.get("sitesAvailable"))),
        )

    def check_credentials(self, required_scopes: Iterable[str] = DEFAULT_SCOPES) -> CredentialsInfo:
        """The key's rights; :class:`SettingsError` naming every missing scope (and a site it cannot see)."""
        info = self.credentials()
        missing = tuple(s for s in dict.fromkeys(required_scopes) if s not in info.scopes)
        result = CredentialsInfo(info.scopes, info.site_access, info.sites, missing)
        if missing:
            raise SettingsError(
                SERVICE,
                f"У API-ключа RetailCRM не хватает прав: {', '.join(missing)}. Отметьте их у ключа в RetailCRM "
                f"({API_KEYS_PAGE}), сохраните и проверьте подключение ещё раз.",
                reason="missing_scopes",
                detail=f"missing scopes: {', '.join(missing)}",
                missing_scopes=missing,
            )
        if self.site and info.site_access == "access_selective" and self.site not in info.sites:
            raise SettingsError(
                SERVICE,
                f"API-ключ RetailCRM не видит магазин «{self.site}». Дайте ключу доступ к этому магазину "
                f"в RetailCRM ({API_KEYS_PAGE}) или выберите другой магазин.",
                reason="no_access",
                detail=f"site {self.site!r} not in sitesAvailable",
            )
        return result

    # --- references -------------------------------------------------------------------------------------
    def _reference(self, name: str, key: str) -> list[dict[str, Any]]:
        data = self._get_ok(f"reference/{name}")
        return [as_map(v) for v in as_list(require(data, key, SERVICE, f"reference/{name}"))]

    def sites(self) -> list[Site]:
        return [Site.from_api(r) for r in self._reference("sites", "sites")]

    def stores(self) -> list[Store]:
        return [Store.from_api(r) for r in self._reference("stores", "stores")]

    def price_types(self) -> list[PriceType]:
        return [PriceType.from_api(r) for r in self._reference("price-types", "priceTypes")]

    def statuses(self) -> list[Status]:
        return [Status.from_api(r) for r in self._reference("statuses", "statuses")]

    def status_groups(self) -> list[StatusGroup]:
        return [StatusGroup.from_api(r) for r in self._reference("status-groups", "statusGroups")]

    def delivery_types(self) -> list[DeliveryType]:
        return [DeliveryType.from_api(r) for r in self._reference("delivery-types", "deliveryTypes")]

    def payment_types(self) -> list[PaymentType]:
        return [PaymentType.from_api(r) for r in self._reference("payment-types", "paymentTypes")]

    def payment_statuses(self) -> list[PaymentStatus]:
        return [PaymentStatus.from_api(r) for r in self._reference("payment-statuses", "paymentStatuses")]

    def product_statuses(self) -> list[ProductStatus]:
        """Order lines' statuses; those with ``cancel`` take the line out of the order (app/sync/orders/
        cancelled_lines.py)."""
        return [ProductStatus.from_api(r) for r in self._reference("product-statuses", "productStatuses")]

    def order_methods(self) -> list[OrderMethod]:
        return [OrderMethod.from_api(r) for r in self._reference("order-methods", "orderMethods")]

    # --- users ------------------------------------------------------------------------------------------
    def users(self) -> list[User]:
        """Every user of the account (``GET /api/v5/users``, paged; scope ``user_read``). The list takes no
        ``ids`` filter (the PHP client's ``ApiUserFilter``: email, status, online, active, isManager, …), so
        the managers of many orders are one walk of it, not a request each."""
        return [User.from_api(r) for r in self._pages("users", "users", (), self.page_limit)]
