"""``svyazka support-bundle``: a zip with versions, settings, runs, journal lines, technical logs and the answer
shapes; every secret and personal value planted (keyring, journal lines, technical log, settings) and every
customer of the sandbox shop is masked in every file of it."""

from __future__ import annotations

import json
import re
import zipfile

import pytest

from app.cli import main
from app.sandbox.sandbox import Sandbox, SandboxOptions
from app.store import Database
from app.store.log import LogEntry

PLANTED_EMAIL = "petrov.shop-owner@example.org"
PLANTED_PHONE = "+7 (912) 345-67-89"
PLANTED_NAME = "Петров Пётр Петрович"
PLANTED_COUNTERPARTY = "Сидорова Анна"
PLANTED_ORGANIZATION = "ИП Кузнецов Иван Сергеевич"


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(SandboxOptions(products=40, orders=30, rate_limit=False)) as sb:
        yield sb


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _plant(data_dir, sandbox) -> None:
    with Database.open(data_dir / "svyazka.sqlite3") as db:
        (profile,) = db.profiles.list()
        log = db.log(profile.id)
        log.add(LogEntry("warning", "orders", f"Клиент «{PLANTED_NAME}»: несколько контрагентов подходят по "
                         f"телефону: «{PLANTED_COUNTERPARTY}», «Другой Человек»",
                         entity_type="customer", entity_ref=PLANTED_NAME))
        log.add(LogEntry("info", "orders", f"Создан контрагент «{PLANTED_COUNTERPARTY}» в МойСклад.",
                         entity_type="counterparty", entity_ref=PLANTED_COUNTERPARTY))
        log.add(LogEntry("info", "orders", f"Заказ 1024: e-mail {PLANTED_EMAIL}, телефон {PLANTED_PHONE}, "
                         f"получатель {PLANTED_COUNTERPARTY}"))
        settings = db.settings(profile.id)
        current = settings.load_sync()
        from dataclasses import replace

        settings.save_sync(replace(current, organization_name=PLANTED_ORGANIZATION,
                                   delivery_service_name=f"Курьер {PLANTED_PHONE}"))
        settings.set("owner_contact", PLANTED_EMAIL)
    techlog = data_dir / "logs" / "svyazka-cli.log"
    with techlog.open("a", encoding="utf-8") as file:
        # what a careless line of ours could write: the raw key and token, a customer's contacts
        file.write(f"2026-01-01 10:00:00,000 1 WARNING app.sync: key {sandbox.retailcrm.api_key} token "
                   f"{sandbox.moysklad.token} customer {PLANTED_EMAIL} {PLANTED_PHONE} «{PLANTED_COUNTERPARTY}»\n")


def test_the_bundle_holds_everything_promised_and_nothing_personal(capsys, sandbox, keys, tmp_path):
    code, _, err = run(capsys, "--data-dir", tmp_path, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    code, _, err = run(capsys, "--data-dir", tmp_path, "sync", "--yes")
    assert code in (0, 1), err  # 1: conflicts the seeded shop has on purpose
    _plant(tmp_path, sandbox)
    out_file = tmp_path / "отчёт для поддержки.zip"
    code, out, err = run(capsys, "--data-dir", tmp_path, "support-bundle", "--out", out_file)
    assert code == 0, err
    assert str(out_file) in out and "shapes/profile-1.json" in out and "techlog/svyazka-cli.log" in out

    with zipfile.ZipFile(out_file) as archive:
        texts = {name: archive.read(name).decode("utf-8") for name in archive.namelist()}
    assert {"README.txt", "about.json", "settings.json", "runs.json", "log.txt", "shapes/profile-1.json",
            "techlog/svyazka-cli.log"} <= set(texts)
    about = json.loads(texts["about.json"])
    assert about["version"] and about["os"] and about["python"]
    runs = json.loads(texts["runs.json"])
    assert runs and runs[0]["status"] in ("ok", "partial") and runs[0]["counts"]
    assert "Создан контрагент «[скрыто]»" in texts["log.txt"]  # the line is there, the name is not
    shapes = json.loads(texts["shapes/profile-1.json"])
    assert "GET store/products" in shapes["services"]["retailcrm"]
    assert "GET entity/product" in shapes["services"]["moysklad"]

    secrets = [sandbox.retailcrm.api_key, sandbox.moysklad.token]
    personal = [PLANTED_EMAIL, PLANTED_PHONE, PLANTED_NAME, PLANTED_COUNTERPARTY, PLANTED_ORGANIZATION,
                "912) 345-67-89"]
    # every customer of the sandbox shop, whose orders the sync read and whose counterparties it made
    for customer in sandbox.retailcrm.state.customers():
        personal += [v for v in (customer.get("email"), f"{customer.get('lastName')} {customer.get('firstName')}")
                     if v and "None" not in v]
        personal += [p["number"] for p in customer.get("phones", []) if p.get("number")]
    assert len(personal) > 20
    leaks = [(name, value) for name, text in texts.items() for value in [*secrets, *personal]
             if value.casefold() in text.casefold()]
    assert not leaks, leaks
    # no phone-like run of digits survives anywhere
    for name, text in texts.items():
        assert not re.search(r"\+7\d{10}", text), name


def test_an_unwritable_place_is_said_in_a_sentence(capsys, sandbox, keys, tmp_path):
    code, _, err = run(capsys, "--data-dir", tmp_path, "setup", "--retailcrm-url", sandbox.retailcrm_url,
                       "--moysklad-url", sandbox.moysklad_url, "--auto")
    assert code == 0, err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run(capsys, "--data-dir", tmp_path, "support-bundle", "--out", blocker / "report.zip")
    assert code == 2 and "--out" in err and "Traceback" not in err
