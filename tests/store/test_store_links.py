from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy.exc import IntegrityError

from app.store import Database, LinkConflictError, NewLink, Profile
from app.store.models import LinkRow
from app.store.types import utcnow


def test_reserve_then_complete(db: Database, profile: Profile) -> None:
    links = db.links(profile.id)
    reserved = links.reserve("order", 1021, rc_ext="A-1021", ms_type="customerorder")
    assert reserved.ms_id is None and not reserved.is_complete
    assert uuid.UUID(reserved.sync_id or "")  # a real uuid, ready to be MoySklad's syncId
    assert links.pending("order") == [reserved]
    assert links.get_by_sync_id(reserved.sync_id or "") == reserved

    # A retry after a crash gets the very same reservation (same syncId: no duplicate in MoySklad).
    assert links.reserve("order", "1021") == reserved

    done = links.complete("order", 1021, "ms-order-1")
    assert done.id == reserved.id and done.sync_id == reserved.sync_id
    assert done.ms_id == "ms-order-1" and done.rc_ext == "A-1021" and done.ms_type == "customerorder"
    assert links.pending() == []
    assert links.get_by_ms("order", "ms-order-1") == done
    assert links.get_by_rc("order", 1021) == done
    assert links.complete("order", 1021, "ms-order-1").ms_id == "ms-order-1"  # idempotent

    # Reserving an already created entity returns the complete link: the caller must not create again.
    assert links.reserve("order", 1021).is_complete


def test_complete_refuses_to_tie_one_side_to_two_partners(db: Database, profile: Profile) -> None:
    links = db.links(profile.id)
    links.complete("counterparty", "c1", "ms-a")
    with pytest.raises(LinkConflictError, match="уже связана") as caught:
        links.complete("counterparty", "c2", "ms-a")
    message = str(caught.value)
    assert "ms-a" in message and "c1" in message and "c2" in message and "контрагент" in message
    assert "запустите синхронизацию снова" in message
    with pytest.raises(LinkConflictError, match="уже связана") as caught:
        links.complete("counterparty", "c1", "ms-b")
    assert "ms-a" in str(caught.value) and "ms-b" in str(caught.value)
    assert links.get_by_rc("counterparty", "c2") is None


def test_complete_without_reservation_links_directly(db: Database, profile: Profile) -> None:
    link = db.links(profile.id).complete("customer", 7, "ms-cp-7", ms_type="counterparty")
    assert link.is_complete and link.sync_id is None


def test_unique_constraints_hold_in_the_database_itself(db: Database, profile: Profile) -> None:
    now = utcnow()

    def row(ms_id: str | None, rc_id: str) -> LinkRow:
        return LinkRow(profile_id=profile.id, kind="offer", ms_id=ms_id, rc_id=rc_id, created_at=now, updated_at=now)

    with db.session() as session:
        session.add_all([row("ms1", "rc1"), row(None, "rc2"), row(None, "rc3")])  # many reservations: fine
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(row("ms1", "rc9"))
    with pytest.raises(IntegrityError), db.session() as session:
        session.add(row("ms9", "rc1"))
    # The same ids in another kind or another profile are a different link.
    other = db.profiles.create("Other", "https://o.retailcrm.ru", "https://api.moysklad.ru/api/remap/1.2", "token")
    db.links(other.id).complete("offer", "rc1", "ms1")
    db.links(profile.id).complete("product", "rc1", "ms1")
    assert db.links(profile.id).count() == 4


def test_unknown_kind_is_a_programming_error(db: Database, profile: Profile) -> None:
    with pytest.raises(ValueError, match="link kind"):
        db.links(profile.id).reserve("invoice", 1)


def test_bulk_upsert_100k_links(db: Database, profile: Profile) -> None:
    links = db.links(profile.id)
    rows = [
        NewLink("offer", f"ms-{i}", f"{i}", ms_type="product", rc_ext=f"xml-{i}", match_key=f"SKU-{i}")
        for i in range(100_000)
    ]
    started = time.perf_counter()
    assert links.bulk_upsert(rows) == 100_000
    first = time.perf_counter() - started
    started = time.perf_counter()
    assert links.bulk_upsert(rows) == 100_000  # again, now every row is an update
    second = time.perf_counter() - started
    print(f"\nbulk_upsert 100,000 links: insert {first:.2f} s, update {second:.2f} s")
    assert first < 30 and second < 30
    mapping = links.ms_to_rc("offer")
    assert len(mapping) == 100_000
    assert mapping["ms-99999"] == "99999"
    assert links.get_by_rc("offer", 54321) is not None
    assert links.all("offer", by="rc")["54321"].match_key == "SKU-54321"


def test_bulk_upsert_newest_word_wins(db: Database, profile: Profile) -> None:
    links = db.links(profile.id)
    links.bulk_upsert(
        [
            NewLink("offer", "msA", "rc1", match_key="A"),
            NewLink("offer", "msB", "rc2", match_key="B"),
            {"kind": "offer", "ms_id": "msC", "rc_id": "rc3"},  # plain dicts are accepted too
        ]
    )
    reservation = links.reserve("offer", "rc4")

    links.bulk_upsert(
        [
            NewLink("offer", "msA", "rc2"),  # msA moves to rc2: both old links of msA and rc2 are stale
            NewLink("offer", "msD", "rc4", ms_type="variant"),  # completes the reservation, keeps its syncId
            NewLink("offer", "msC", "rc5"),
            NewLink("offer", "msC", "rc6"),  # the input names msC twice: the later row wins
        ]
    )
    assert links.ms_to_rc("offer") == {"msA": "rc2", "msD": "rc4", "msC": "rc6"}
    assert links.get_by_rc("offer", "rc1") is None
    assert links.get_by_ms("offer", "msA").created_at > reservation.created_at  # type: ignore[union-attr]
    completed = links.get_by_rc("offer", "rc4")
    assert completed is not None and completed.id == reservation.id and completed.sync_id == reservation.sync_id
    assert completed.ms_type == "variant"
    assert links.pending() == []

    # Re-stating an existing link without the optional fields keeps what was known.
    links.bulk_upsert([NewLink("offer", "msE", "rc7", match_key="E", rc_ext="xml-E")])
    links.bulk_upsert([NewLink("offer", "msE", "rc7")])
    kept = links.get_by_ms("offer", "msE")
    assert kept is not None and kept.match_key == "E" and kept.rc_ext == "xml-E"


def test_remove_and_all_by_ms(db: Database, profile: Profile) -> None:
    links = db.links(profile.id)
    links.bulk_upsert([NewLink("product_group", "g1", "10"), NewLink("product_group", "g2", "20")])
    links.reserve("product_group", "30")
    assert set(links.all("product_group")) == {"g1", "g2"}  # reservations have no ms_id yet
    assert links.remove("product_group", ms_id="g1") == 1
    assert links.remove("product_group", rc_id=30) == 1
    assert set(links.all("product_group")) == {"g2"}
    with pytest.raises(ValueError):
        links.remove("product_group")
