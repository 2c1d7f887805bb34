"""normalize_account_url: whatever the user pastes becomes scheme://host[:port], garbage a SettingsError."""

import pytest

from app.clients.errors import SettingsError
from app.clients.urls import (
    DROPPED_FRAGMENT,
    DROPPED_QUERY,
    DROPPED_USERINFO,
    UPGRADED_TO_HTTPS,
    address_changes,
    is_local_host,
    normalize_account_url,
    normalize_moysklad_url,
)


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("  HTTPS://Shop.RetailCRM.ru/  ", "https://shop.retailcrm.ru"),
        ("https://shop.simla.com/", "https://shop.simla.com"),
        ("https://shop.retailcrm.ru///", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/api/v5/orders?apiKey=abc123", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru/api/v5/", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/orders/1024/edit#items", "https://shop.retailcrm.ru"),
        ("https://shop.retailcrm.ru/admin/settings", "https://shop.retailcrm.ru"),
        ("crm.my-shop.com", "https://crm.my-shop.com"),
        ("http://shop.retailcrm.ru", "https://shop.retailcrm.ru"),  # RetailCRM is HTTPS only
        ("https://shop.retailcrm.ru:443/", "https://shop.retailcrm.ru"),
        ("https://crm.example.org:8443/x", "https://crm.example.org:8443"),
        ("//shop.retailcrm.ru", "https://shop.retailcrm.ru"),
        ("https://user:secret@shop.retailcrm.ru/", "https://shop.retailcrm.ru"),
        ("shop.retailcrm.ru.", "https://shop.retailcrm.ru"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/api/v5/", "http://127.0.0.1:8080"),
        ("127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("localhost:5000", "http://localhost:5000"),
        ("http://localhost", "http://localhost"),
        ("https://localhost:9000", "https://localhost:9000"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("Магазин.рф", "https://xn--80aairftm.xn--p1ai"),  # IDN as punycode,
    ],
)
def test_normalizes_what_users_paste(pasted, expected):
    assert normalize_account_url(pasted) == expected


def test_normalizing_twice_changes_nothing():
    once = normalize_account_url("Shop.RetailCRM.ru/api/v5")
    assert normalize_account_url(once) == once


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "   ",
        "hello world",
        "shop",
        "ftp://shop.retailcrm.ru",
        "https://",
        "https://-bad-.retailcrm.ru",
        "shop.retailcrm.ru:notaport",
        "1.2.3",
        "https://shop_name.retailcrm.ru",
        "mailto:owner@shop.ru",
        "owner@shop.ru",
        "🛒.retailcrm.ru",  # IDNA 2008 has no emoji (Python's own idna codec would make xn--e88h of it)
        "https://xn--e88h.retailcrm.ru",  # the same emoji, pasted as punycode
        "http://evil.example\\@127.0.0.1/",  # a browser would go to evil.example
        "javascript:alert(1)",
    ],
)
def test_garbage_is_a_settings_error_with_a_human_message(garbage):
    with pytest.raises(SettingsError) as caught:
        normalize_account_url(garbage)
    error = caught.value
    assert error.reason == "bad_url"
    assert error.service == "retailcrm"
    assert "RetailCRM" in error.message
    assert "https://" in error.message  # shows what a right address looks like


def test_error_does_not_echo_a_key_pasted_into_the_url():
    from app.redact import register_secret

    key = "k3yThatMustNotLeak9876"
    register_secret(key)
    with pytest.raises(SettingsError) as caught:
        normalize_account_url(f"not a url ?apiKey={key}")
    assert key not in str(caught.value)
    assert key not in repr(caught.value)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("127.255.255.254", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost.localdomain", False),
        ("localtest.me", False),  # resolves to 127.0.0.1, and still is a name on the internet
        ("127.0.0.1.nip.io", False),
        ("::ffff:127.0.0.1", False),
        ("128.0.0.1", False),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("", False),
    ],
)
def test_one_rule_for_this_computer(host, local):
    assert is_local_host(host) is local


def test_retailcrm_keeps_http_on_the_whole_loopback_range():
    assert normalize_account_url("http://127.0.0.2:8080") == "http://127.0.0.2:8080"
    assert normalize_account_url("http://localtest.me:8080") == "https://localtest.me:8080"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://api.moysklad.ru/api/remap/1.2", "https://api.moysklad.ru/api/remap/1.2"),
        ("api.moysklad.ru/api/remap/1.2/", "https://api.moysklad.ru/api/remap/1.2"),
        ("http://api.moysklad.ru/api/remap/1.2", "https://api.moysklad.ru/api/remap/1.2"),
        ("http://user%40x:PASSWORD@API.moysklad.ru/api/remap/1.2?x=1#top", "https://api.moysklad.ru/api/remap/1.2"),
        ("http://127.0.0.1:8081/api/remap/1.2", "http://127.0.0.1:8081/api/remap/1.2"),
        ("127.0.0.1:8081/api/remap/1.2", "http://127.0.0.1:8081/api/remap/1.2"),
        ("http://127.0.0.2:8081/api/remap/1.2", "http://127.0.0.2:8081/api/remap/1.2"),
        ("https://localhost:8443/api/remap/1.2", "https://localhost:8443/api/remap/1.2"),
        ("http://localtest.me/api/remap/1.2", "https://localtest.me/api/remap/1.2"),
    ],
)
def test_moysklad_address_loses_credentials_query_fragment_and_plain_http(pasted, expected):
    assert normalize_moysklad_url(pasted) == expected
    assert normalize_moysklad_url(expected) == expected


def test_what_was_dropped_is_said():
    pasted = "http://user%40x:PASSWORD@api.moysklad.ru/api/remap/1.2?x=1#top"
    assert address_changes(pasted, "moysklad") == (DROPPED_USERINFO, DROPPED_QUERY, DROPPED_FRAGMENT, UPGRADED_TO_HTTPS)
    assert address_changes("https://api.moysklad.ru/api/remap/1.2", "moysklad") == ()
    assert address_changes("http://127.0.0.1:80/x", "moysklad") == ()
    assert address_changes("javascript:alert(1)", "moysklad") == ()  # unusable: normalising says why


@pytest.mark.parametrize(
    "pasted",
    ["http://user:PASSWORD@🛒.moysklad.ru/api?token=SECRETQUERY", "https://user:PASSWORD@-bad-/x#SECRETQUERY"],
)
def test_a_refused_address_is_echoed_without_its_password_or_query(pasted):
    for normalize in (normalize_moysklad_url, normalize_account_url):
        with pytest.raises(SettingsError) as caught:
            normalize(pasted)
        assert "PASSWORD" not in str(caught.value) and "SECRETQUERY" not in str(caught.value)
        assert "user" not in caught.value.message
