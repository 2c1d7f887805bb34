"""Issue 12, attacks through the CLI's arguments: credentials and query strings in the MoySklad address, input
the app can't use, keys that can't be keys, and `conflicts resolve` with ids that are not the conflict's.
Each must end in a Russian sentence and exit 2 (or be cleaned and said), never a traceback or a silent save."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database

PASSWORD = "PASSWORD-in-the-url-7731"
QUERY = "QUERY-secret-5521"


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=60, orders=0, rate_limit=False)) as sb:
        yield sb




def run(capsys, *argv):
    """(exit code, stdout, stderr); argparse's refusals (SystemExit 2) count as an exit code too."""
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.out, captured.err


def setup(capsys, sandbox, data_dir, *extra, moysklad_url=None):
    return run(
        capsys, "--data-dir", data_dir, "setup", "--retailcrm-url", sandbox.retailcrm_url,
        "--moysklad-url", moysklad_url or sandbox.moysklad_url, *extra,
    )


def no_profile(data_dir) -> bool:
    db = Database.open(data_dir / "svyazka.sqlite3")
    try:
        return db.profiles.list() == []
    finally:
        db.close()


def database_bytes(data_dir) -> bytes:
    return b"".join(path.read_bytes() for path in data_dir.glob("svyazka.sqlite3*"))


# --- major 1 and 2: the MoySklad address ------------------------------------------------------------------


def test_credentials_query_and_fragment_in_the_moysklad_address_are_dropped_said_and_never_kept(
    capsys, sandbox, keys, tmp_path
):
    host = sandbox.moysklad_url.split("://", 1)[1]
    pasted = f"http://user%40x:{PASSWORD}@{host}/?x={QUERY}#frag"
    code, out, err = setup(capsys, sandbox, tmp_path, "--auto", moysklad_url=pasted)
    assert code == 0, err
    assert "Адрес МойСклад: убраны имя пользователя и пароль, убраны параметры после «?», убрана часть после «#»" in err
    assert PASSWORD not in out + err and QUERY not in out + err
    data = database_bytes(tmp_path)
    assert PASSWORD.encode() not in data and QUERY.encode() not in data and b"user%40x" not in data

    code, out, err = run(capsys, "--data-dir", tmp_path, "status", "--json")
    assert code == 0 and json.loads(out)["moysklad_url"] == sandbox.moysklad_url
    code, out, err = run(capsys, "--data-dir", tmp_path, "status")
    assert code == 0 and f"МойСклад:  {sandbox.moysklad_url}" in out


def test_status_never_prints_a_password_an_older_setup_stored(capsys, sandbox, keys, tmp_path):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    host = sandbox.moysklad_url.split("://", 1)[1]
    db = Database.open(tmp_path / "svyazka.sqlite3")
    try:  # what setup saved before addresses were normalised
        profile = db.profiles.list()[0]
        db.profiles.update(profile.id, moysklad_url=f"http://u:{PASSWORD}@{host}?t={QUERY}")
    finally:
        db.close()
    for extra in ((), ("--json",)):
        code, out, err = run(capsys, "--data-dir", tmp_path, "status", *extra)
        assert code == 0 and PASSWORD not in out + err and QUERY not in out + err
        assert sandbox.moysklad_url in out


def test_a_query_string_is_not_echoed_in_errors(capsys, sandbox, keys, tmp_path):
    host = sandbox.moysklad_url.split("://", 1)[1].split("/", 1)[0]
    code, out, err = setup(capsys, sandbox, tmp_path, moysklad_url=f"http://{host}/not-the-api?token={QUERY}")
    assert code == 2 and "МойСклад" in err
    assert QUERY not in out + err
    assert no_profile(tmp_path)


# --- minor: input the app can't use ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("--retailcrm-url", "🛒.retailcrm.ru"), "не похоже на адрес аккаунта RetailCRM"),
        (("--retailcrm-url", "https://xn--e88h.retailcrm.ru"), "не похоже на адрес аккаунта RetailCRM"),
        (("--retailcrm-url", "https://shop.retailcrm.ru", "--moysklad-url", "javascript:alert(1)"),
         "не похоже на адрес API МойСклад"),
        (("--retailcrm-url", "https://shop.retailcrm.ru", "--moysklad-url", "https://🛒.moysklad.ru/api/remap/1.2"),
         "не похоже на адрес API МойСклад"),
    ],
)
def test_an_address_the_app_cant_use_is_refused_before_any_secret_is_asked(capsys, tmp_path, monkeypatch, argv, said):
    monkeypatch.delenv("SVYAZKA_RETAILCRM_API_KEY", raising=False)
    monkeypatch.setattr("sys.stdin", None)  # asking for a key would fail differently
    code, _, err = run(capsys, "--data-dir", tmp_path, "setup", *argv)
    assert code == 2 and said in err and "SVYAZKA_RETAILCRM_API_KEY" not in err


@pytest.mark.parametrize("days", ["3651", "99999999999999999999999", "-1", "тридцать"])
def test_first_sync_days_beyond_ten_years_is_refused(capsys, sandbox, keys, tmp_path, days):
    code, _, err = setup(capsys, sandbox, tmp_path, "--first-sync-days", days)
    assert code == 2 and "--first-sync-days" in err and "нужно целое число" in err
    assert not (tmp_path / "svyazka.sqlite3").exists() or no_profile(tmp_path)


def test_first_sync_days_of_ten_years_is_taken(capsys, sandbox, keys, tmp_path):
    code, out, err = setup(capsys, sandbox, tmp_path, "--auto", "--first-sync-days", "3650")
    assert code == 0, err
    assert "заказы за последние 3650 дн." in out


def test_a_site_that_does_not_exist_is_refused_and_nothing_saved(capsys, sandbox, keys, tmp_path):
    code, out, err = setup(capsys, sandbox, tmp_path, "--auto", "--site", "no-such-shop")
    assert code == 2
    assert "магазина с кодом «no-such-shop»" in err and sandbox.retailcrm.state.site_code() in err
    assert "Сохранено" not in out and no_profile(tmp_path)


def test_statuses_the_sync_cannot_follow_are_refused_not_saved_after_an_error(capsys, sandbox, keys, tmp_path):
    # «new» exported with no MoySklad state for it: the setup used to print «Ошибка», save and exit 0
    code, out, err = setup(capsys, sandbox, tmp_path, "--export-statuses", "new")
    assert code == 2
    assert "настройки не сохранены" in err and "не сопоставлен" in err and "--status" in err
    assert "Сохранено" not in out and no_profile(tmp_path)
    code, out, err = setup(capsys, sandbox, tmp_path, "--export-statuses", "new", "--status", "new=Новый")
    assert code == 0, err


def test_sync_only_nothing_is_refused(capsys, sandbox, keys, tmp_path):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    sandbox.log.clear()
    code, _, err = run(capsys, "--data-dir", tmp_path, "sync", "--only", "")
    assert code == 2 and "--only" in err
    assert len(sandbox.log) == 0  # not read as "every flow"


@pytest.mark.parametrize(
    "argv",
    [
        ("conflicts", "resolve", str(2**63), "--action", "ignore"),
        ("conflicts", "resolve", "99999999999999999999", "--action", "ignore"),
        ("log", "--limit", str(2**63)),
        ("log", "--run", str(2**64)),
        ("log", "--run", "-1"),
        ("log", "--limit", "много"),
    ],
)
def test_integers_sqlite_cannot_hold_are_refused(capsys, sandbox, keys, tmp_path, argv):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    code, _, err = run(capsys, "--data-dir", tmp_path, *argv)
    assert code == 2 and "нужно целое число" in err


def test_the_largest_sqlite_integer_still_works(capsys, sandbox, keys, tmp_path):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    assert run(capsys, "--data-dir", tmp_path, "log", "--limit", str(2**63 - 1))[0] == 0
    assert run(capsys, "--data-dir", tmp_path, "log", "--run", str(2**63 - 1))[0] == 0
    code, _, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", str(2**63 - 1), "--action", "ignore")
    assert code == 2 and "конфликта №" in err


# --- minor: keys that can't be keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("SVYAZKA_RETAILCRM_API_KEY", "ключ-из-письма-0123456789", "API-ключ RetailCRM не может содержать русские"),
        ("SVYAZKA_RETAILCRM_API_KEY", "abcdef0123456789\nabcdef0123456789", "перенос строки"),
        ("SVYAZKA_MOYSKLAD_TOKEN", "токен0123456789abcdef0123456789abcdef", "Токен МойСклад не может содержать"),
        ("SVYAZKA_MOYSKLAD_TOKEN", "abcdef0123456789\r\nabcdef0123456789", "перенос строки"),
    ],
)
def test_a_key_that_cannot_be_a_key_is_refused_at_once(capsys, sandbox, keys, tmp_path, monkeypatch, variable, value,
                                                       said):
    monkeypatch.setenv(variable, value)
    sandbox.log.clear()
    started = time.monotonic()
    code, out, err = setup(capsys, sandbox, tmp_path, "--auto")
    assert code == 2 and said in err and "перегружен" not in err
    assert value not in out + err
    assert time.monotonic() - started < 2 and len(sandbox.log) == 0  # no request, no 12 s of retries
    assert no_profile(tmp_path)


def test_a_bad_key_from_the_environment_stops_sync_at_once(capsys, sandbox, keys, tmp_path, monkeypatch):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    monkeypatch.setenv("SVYAZKA_RETAILCRM_API_KEY", "клю\nч")  # env wins over the keyring
    started = time.monotonic()
    code, out, err = run(capsys, "--data-dir", tmp_path, "sync", "--json")
    assert code == 2 and "API-ключ RetailCRM не может содержать" in err and "перегружен" not in err
    assert json.loads(out)["ok"] is False
    assert time.monotonic() - started < 5


# --- major 5: conflicts resolve with ids that are not the conflict's ---------------------------------------


@pytest.fixture
def duplicate(capsys, sandbox, keys, tmp_path):
    """A profile after one catalog run, and one of the seeded duplicate-key conflicts."""
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    code, _, err = run(capsys, "--data-dir", tmp_path, "sync", "--only", "catalog", "--yes")
    assert code in (0, 1), err
    code, out, _ = run(capsys, "--data-dir", tmp_path, "conflicts", "list", "--json")
    return next(c for c in json.loads(out) if c["kind"] == "duplicate_key" and c["moysklad"] and c["retailcrm"])


def stored(tmp_path, conflict_id):
    db = Database.open(tmp_path / "svyazka.sqlite3")
    try:
        profile = db.profiles.list()[0]
        return db.conflicts(profile.id).get(conflict_id)
    finally:
        db.close()


def resolve(capsys, tmp_path, conflict, *extra):
    return run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", conflict["id"], "--action", "pick", *extra)


def test_an_id_outside_the_candidates_is_refused_without_force(capsys, sandbox, tmp_path, duplicate):
    ms_id = duplicate["moysklad"][0]["id"]
    offered = {o["id"] for o in duplicate["retailcrm"]}
    unrelated = next(o["id"] for o in sandbox.retailcrm.state.offers() if o["id"] not in offered)
    code, _, err = resolve(capsys, tmp_path, duplicate, "--ms-id", ms_id, "--rc-id", unrelated)
    assert code == 2
    assert f"«{unrelated}» нет среди вариантов" in err and "--force" in err
    assert str(duplicate["retailcrm"][0]["id"]) in err  # names what may be chosen
    conflict = stored(tmp_path, duplicate["id"])
    assert conflict.status == "open" and conflict.resolution is None

    code, _, err = resolve(capsys, tmp_path, duplicate, "--ms-id", str(uuid.uuid4()))
    assert code == 2 and "нет среди вариантов" in err

    code, _, err = resolve(capsys, tmp_path, duplicate, "--rc-id", "12abc")
    assert code == 2 and "--rc-id" in err


def test_a_candidate_is_taken(capsys, tmp_path, duplicate):
    ms_id, rc_id = duplicate["moysklad"][0]["id"], duplicate["retailcrm"][0]["id"]
    code, _, err = resolve(capsys, tmp_path, duplicate, "--ms-id", ms_id.upper(), "--rc-id", rc_id)
    assert code == 0, err
    assert stored(tmp_path, duplicate["id"]).resolution == {"action": "pick", "ms_id": ms_id, "rc_id": rc_id}


def test_force_takes_an_id_only_once_the_service_confirms_it(capsys, sandbox, tmp_path, duplicate):
    ms_id = duplicate["moysklad"][0]["id"]
    offered = {o["id"] for o in duplicate["retailcrm"]}
    unrelated = next(o["id"] for o in sandbox.retailcrm.state.offers() if o["id"] not in offered)
    missing_offer = max(o["id"] for o in sandbox.retailcrm.state.offers()) + 1000
    for extra, said in (
        (("--rc-id", missing_offer), f"в RetailCRM нет предложения с id {missing_offer}"),
        (("--ms-id", str(uuid.uuid4())), "в МойСклад нет товара или модификации"),
        (("--ms-id", "not-an-id"), "не похоже на id МойСклад"),
    ):
        code, _, err = resolve(capsys, tmp_path, duplicate, *extra, "--force")
        assert code == 2 and said in err, err
        assert stored(tmp_path, duplicate["id"]).resolution is None

    code, _, err = resolve(capsys, tmp_path, duplicate, "--ms-id", ms_id, "--rc-id", unrelated, "--force")
    assert code == 0, err
    assert stored(tmp_path, duplicate["id"]).resolution == {"action": "pick", "ms_id": ms_id, "rc_id": unrelated}


def test_an_id_decision_on_a_conflict_that_has_no_ids_is_refused(capsys, sandbox, keys, tmp_path):
    assert setup(capsys, sandbox, tmp_path, "--auto")[0] == 0
    db = Database.open(tmp_path / "svyazka.sqlite3")
    try:
        profile = db.profiles.list()[0]
        conflict = db.conflicts(profile.id).record("unmapped_status", "unmapped_status:x", "Статус x")
    finally:
        db.close()
    code, _, err = run(capsys, "--data-dir", tmp_path, "conflicts", "resolve", conflict.id, "--action", "link",
                       "--ms-id", str(uuid.uuid4()), "--rc-id", "1", "--force")
    assert code == 2 and "нечего выбирать по id" in err
