"""Servers answering in bad faith, behind the hostile proxy: the diagnosis must name what happened.

Before: RetailCRM answering nulls was reported as a key without permissions, MoySklad answering a wrong
structure as an account without organizations, and a redirect to another server (where httpx drops the token)
as a refused token. Now a wrong structure says «ответ не похож на API …» and a redirect says where it leads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from app.clients.errors import ProtocolError, SettingsError
from app.clients.moysklad import MoySkladClient
from app.clients.retailcrm import RetailCrmClient
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.sync.accounts import check_moysklad, check_retailcrm
from tests.reliability.hostile_proxy import HostileProxy


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(SandboxOptions(products=10, orders=0, rate_limit=False)) as sb:
        yield sb


def _nulls(answer: Any) -> Any:
    return {key: None for key in answer} if isinstance(answer, dict) else None


def test_retailcrm_answering_nulls_is_not_a_missing_permission(sandbox: Sandbox) -> None:
    with HostileProxy(sandbox.retailcrm_url) as proxy:
        rule = proxy.rewrite("GET", "/api/credentials", _nulls)
        with RetailCrmClient(proxy.url, sandbox.retailcrm.api_key) as client, pytest.raises(SettingsError) as caught:
            check_retailcrm(client)
    assert rule.hits == 1
    assert "не похож на API RetailCRM" in caught.value.message and "прав" not in caught.value.message
    assert caught.value.reason == "not_service"


def test_retailcrm_nulls_in_a_reference_are_not_a_bug_of_ours(sandbox: Sandbox) -> None:
    with HostileProxy(sandbox.retailcrm_url) as proxy:
        proxy.rewrite("GET", "/reference/sites", _nulls)
        with RetailCrmClient(proxy.url, sandbox.retailcrm.api_key) as client, pytest.raises(ProtocolError) as caught:
            client.sites()
    assert "не похож на API RetailCRM" in caught.value.message and "ошибка в Связке" not in caught.value.message


@pytest.mark.parametrize("change", [
    lambda answer: {"rows": None},
    lambda answer: {"meta": answer.get("meta"), "rows": [{"whatever": 1}]},
    lambda answer: {"items": answer.get("rows")},
], ids=["null rows", "rows without ids", "no rows"])
def test_moysklad_answering_a_wrong_structure_is_not_an_account_without_organizations(sandbox: Sandbox,
                                                                                      change: Any) -> None:
    with HostileProxy(sandbox.moysklad_url) as proxy:
        rule = proxy.rewrite("GET", "/entity/organization", change)
        with MoySkladClient(sandbox.moysklad.token, base_url=proxy.url) as client, pytest.raises(
                (SettingsError, ProtocolError)) as caught:
            check_moysklad(client)
    assert rule.hits >= 1
    assert "не похож на API МойСклад" in caught.value.message and "юрлиц" not in caught.value.message


def test_moysklad_employee_of_the_wrong_shape(sandbox: Sandbox) -> None:
    with HostileProxy(sandbox.moysklad_url) as proxy:
        proxy.rewrite("GET", "/context/employee", lambda answer: ["not", "an", "employee"])
        with MoySkladClient(sandbox.moysklad.token, base_url=proxy.url) as client, pytest.raises(
                SettingsError) as caught:
            check_moysklad(client)
    assert "не похож на API МойСклад" in caught.value.message


def test_a_redirect_to_another_server_says_so(sandbox: Sandbox) -> None:
    # another server: the sandbox itself on its own port, which answers 401 to a request without the token
    with HostileProxy(sandbox.moysklad_url) as proxy, HostileProxy(sandbox.moysklad_url) as elsewhere:
        other = elsewhere.url.split("//", 1)[1].split("/", 1)[0]
        proxy.redirect("GET", "/context/employee", f"{elsewhere.url}/context/employee")
        with MoySkladClient(sandbox.moysklad.token, base_url=proxy.url) as client, pytest.raises(
                SettingsError) as caught:
            check_moysklad(client)
    message = caught.value.message
    assert "переадресует запросы на другой сервер" in message and other in message
    assert "не принял токен" not in message

    with HostileProxy(sandbox.retailcrm_url) as proxy, HostileProxy(sandbox.retailcrm_url) as elsewhere:
        proxy.redirect("GET", "/api/credentials", f"{elsewhere.url}/api/credentials")
        with RetailCrmClient(proxy.url, sandbox.retailcrm.api_key) as client, pytest.raises(SettingsError) as caught:
            check_retailcrm(client)
    assert "переадресует запросы" in caught.value.message and elsewhere.url in caught.value.message
