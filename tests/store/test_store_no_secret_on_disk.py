"""The strongest promise: a key stored through SecretStore never appears in any file Svyazka writes."""

from __future__ import annotations

from pathlib import Path

from app.secrets import InMemoryKeyring, SecretStore
from app.store import Database, LogEntry, SyncSettings

RC_KEY = "Zq8rcKeyThatMustNeverHitTheDisk42"
MS_TOKEN = "f00dMsTokenThatMustNeverHitTheDisk"


def _files_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_secrets_never_reach_the_sqlite_files(tmp_path: Path, memory_keyring: InMemoryKeyring) -> None:
    data = tmp_path / "data"
    db = Database.open(data / "svyazka.sqlite3")
    secrets = SecretStore()
    profile = db.profiles.create(
        "Shop", "https://shop.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "admin@shop"
    )
    secrets.set_retailcrm_key(profile.retailcrm_url, RC_KEY)
    secrets.set_moysklad_token(profile.moysklad_account, MS_TOKEN)
    key = secrets.get_retailcrm_key(profile.retailcrm_url)
    token = secrets.get_moysklad_token(profile.moysklad_account)
    assert (key, token) == (RC_KEY, MS_TOKEN)

    # Everything a careless caller might do with a key in hand.
    run = db.runs(profile.id).start("manual", message=f"starting with {key}")
    db.log(profile.id).add_many(
        [
            LogEntry("error", "orders", f"RetailCRM refused the key {key}", details={"headers": {"X-API-KEY": key}}),
            LogEntry(
                "error",
                "stock",
                f"MoySklad said 401 for Authorization: Bearer {token}",
                entity_url=f"https://shop.retailcrm.ru/api/v5/orders?apiKey={key}",
                details={"token": token, "nested": [f"x {token} y", 401]},
                run_id=run.id,
            ),
        ]
    )
    db.runs(profile.id).finish(run.id, "failed", message=f"failed: {token}")
    db.conflicts(profile.id).record("bad_data", "k", f"bad {key}", ms_data={"t": token}, run_id=run.id)
    db.settings(profile.id).save_sync(SyncSettings(delivery_service_name=f"oops {token}"))
    db.settings(profile.id).set("note", {"apiKey": 12345, "text": key})

    # While open (the WAL holds the fresh pages) and after closing (all folded into the main file).
    for moment in ("open", "closed"):
        files = _files_bytes(data)
        assert files, moment
        for name, content in files.items():
            for secret in (RC_KEY, MS_TOKEN):
                assert secret.encode() not in content, f"{secret[:4]}… found in {name} ({moment})"
        if moment == "open":
            db.close()

    # The lines are still there and useful, just masked.
    reopened = Database.open(data / "svyazka.sqlite3")
    try:
        lines = reopened.log(profile.id).query(newest_first=False)
        assert lines[0].message == "RetailCRM refused the key ***"
        assert lines[1].entity_url == "https://shop.retailcrm.ru/api/v5/orders?apiKey=***"
        assert lines[1].details["nested"] == ["x *** y", 401]
        assert reopened.settings(profile.id).get("note")["text"] == "***"
    finally:
        reopened.close()
