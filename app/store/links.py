"""Which MoySklad entity is which RetailCRM entity: the memory that prevents duplicates.

Creating something in MoySklad is done in two steps so that a crash can never cause a duplicate:

1. :meth:`LinkRepository.reserve` records the RetailCRM side and a fresh ``sync_id`` *before* the write;
   the write sends that ``syncId`` to MoySklad.
2. :meth:`LinkRepository.complete` fills in the MoySklad id once the write has succeeded.

If Svyazka dies in between, the reservation is still there (:meth:`LinkRepository.pending`): the next run
looks the entity up by its ``syncId`` (or retries with the same one, which MoySklad de-duplicates)
instead of creating a second copy. Reserving twice returns the same reservation.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from sqlalchemy import Table, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.store._util import chunked, driver_sql, require_choice, stored_timestamp
from app.store.errors import LinkConflictError
from app.store.models import LinkRow
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database

LINK_KINDS = ("offer", "product", "variant", "product_group", "order", "counterparty", "demand", "customer",
              "salesreturn")
# What a link ties together, in the words a shop owner uses (for messages only).
_KIND_LABELS = {
    "offer": "торговое предложение",
    "product": "товар",
    "variant": "модификация",
    "product_group": "группа товаров",
    "order": "заказ",
    "counterparty": "контрагент",
    "demand": "отгрузка",
    "customer": "клиент",
    "salesreturn": "возврат покупателя",
}


@dataclass(frozen=True)
class Link:
    id: int
    kind: str
    ms_id: str | None  # None while reserved: the MoySklad write has not been confirmed yet
    ms_type: str | None
    rc_id: str
    rc_ext: str | None  # e.g. the offer's xmlId or the order number
    match_key: str | None
    sync_id: str | None
    created_at: datetime
    updated_at: datetime

    @property
    def is_complete(self) -> bool:
        return self.ms_id is not None


@dataclass(frozen=True)
class NewLink:
    """One row for :meth:`LinkRepository.bulk_upsert`: "these two are linked now"."""

    kind: str
    ms_id: str
    rc_id: str
    ms_type: str | None = None
    rc_ext: str | None = None
    match_key: str | None = None
    sync_id: str | None = None


_COLUMNS = (
    LinkRow.id,
    LinkRow.kind,
    LinkRow.ms_id,
    LinkRow.ms_type,
    LinkRow.rc_id,
    LinkRow.rc_ext,
    LinkRow.match_key,
    LinkRow.sync_id,
    LinkRow.created_at,
    LinkRow.updated_at,
)


def _to_link(row: Any) -> Link:
    return Link(*row)


def _as_new_link(item: NewLink | Mapping[str, Any]) -> NewLink:
    if isinstance(item, NewLink):
        return item
    return NewLink(**item)


class LinkRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    # -- one at a time ---------------------------------------------------------------------------------------

    def reserve(
        self,
        kind: str,
        rc_id: str | int,
        *,
        ms_type: str | None = None,
        rc_ext: str | None = None,
        match_key: str | None = None,
        sync_id: str | None = None,
    ) -> Link:
        """The link for ``rc_id``: the existing one (complete or still reserved), or a new reservation.

        Call it before creating the entity in MoySklad and send ``link.sync_id`` as the ``syncId``. If the
        returned link is already complete, the entity exists: do not create it again.
        """
        require_choice(kind, LINK_KINDS, "link kind")
        rc = str(rc_id)
        with self._db.session() as session:  # IMMEDIATE: two threads reserving at once take turns
            existing = self._select_one(session, LinkRow.kind == kind, LinkRow.rc_id == rc)
            if existing is not None:
                return existing
            now = utcnow()
            row = LinkRow(
                profile_id=self.profile_id,
                kind=kind,
                ms_id=None,
                ms_type=ms_type,
                rc_id=rc,
                rc_ext=rc_ext,
                match_key=match_key,
                sync_id=sync_id or str(uuid.uuid4()),
                created_at=now,
                updated_at=now,
            )
            session.add(row)
            session.flush()
            return self._from_row(row)

    def complete(
        self,
        kind: str,
        rc_id: str | int,
        ms_id: str,
        *,
        ms_type: str | None = None,
        rc_ext: str | None = None,
        match_key: str | None = None,
    ) -> Link:
        """Record that ``rc_id`` is ``ms_id`` in MoySklad (fills a reservation, or links directly).

        Idempotent. Raises :class:`LinkConflictError` if either side is already linked to something else.
        """
        require_choice(kind, LINK_KINDS, "link kind")
        rc = str(rc_id)
        if not ms_id:
            raise ValueError("complete() needs the MoySklad id")
        with self._db.session() as session:
            row = session.scalars(select(LinkRow).where(self._scope(LinkRow.kind == kind, LinkRow.rc_id == rc))).first()
            taken = self._select_one(session, LinkRow.kind == kind, LinkRow.ms_id == ms_id)
            if taken is not None and taken.rc_id != rc:
                raise LinkConflictError(
                    f"Запись МойСклад {ms_id} ({_KIND_LABELS[kind]}) уже связана с записью RetailCRM "
                    f"{taken.rc_id}, поэтому её нельзя связать ещё и с записью {rc}. Проверьте, нет ли "
                    "дубликатов в RetailCRM, и запустите синхронизацию снова."
                )
            now = utcnow()
            if row is None:
                row = LinkRow(profile_id=self.profile_id, kind=kind, rc_id=rc, sync_id=None, created_at=now)
                session.add(row)
            elif row.ms_id is not None and row.ms_id != ms_id:
                raise LinkConflictError(
                    f"Запись RetailCRM {rc} ({_KIND_LABELS[kind]}) уже связана с записью МойСклад "
                    f"{row.ms_id}, поэтому её нельзя связать ещё и с записью {ms_id}. Проверьте, нет ли "
                    "дубликатов в МойСклад, и запустите синхронизацию снова."
                )
            row.ms_id = ms_id
            row.ms_type = ms_type or row.ms_type
            row.rc_ext = rc_ext or row.rc_ext
            row.match_key = match_key or row.match_key
            row.updated_at = now
            session.flush()
            return self._from_row(row)

    def get_by_rc(self, kind: str, rc_id: str | int) -> Link | None:
        with self._db.read_session() as session:
            return self._select_one(session, LinkRow.kind == kind, LinkRow.rc_id == str(rc_id))

    def get_by_ms(self, kind: str, ms_id: str) -> Link | None:
        with self._db.read_session() as session:
            return self._select_one(session, LinkRow.kind == kind, LinkRow.ms_id == ms_id)

    def get_by_sync_id(self, sync_id: str) -> Link | None:
        with self._db.read_session() as session:
            return self._select_one(session, LinkRow.sync_id == sync_id)

    def pending(self, kind: str | None = None) -> list[Link]:
        """Reservations whose MoySklad write was never confirmed (oldest first): check these before creating."""
        conditions: list[Any] = [LinkRow.ms_id.is_(None)]
        if kind is not None:
            conditions.append(LinkRow.kind == kind)
        with self._db.read_session() as session:
            rows = session.execute(select(*_COLUMNS).where(self._scope(*conditions)).order_by(LinkRow.id))
            return [_to_link(r) for r in rows]

    def remove(self, kind: str, *, rc_id: str | int | None = None, ms_id: str | None = None) -> int:
        """Forget the link(s) of ``rc_id`` and/or ``ms_id``; returns how many went."""
        sides = []
        if rc_id is not None:
            sides.append(LinkRow.rc_id == str(rc_id))
        if ms_id is not None:
            sides.append(LinkRow.ms_id == ms_id)
        if not sides:
            raise ValueError("remove() needs rc_id or ms_id")
        with self._db.session() as session:
            result = session.execute(delete(LinkRow).where(self._scope(LinkRow.kind == kind, or_(*sides))))
            return int(result.rowcount)  # type: ignore[attr-defined]

    # -- many at a time --------------------------------------------------------------------------------------

    def all(self, kind: str, *, by: Literal["ms", "rc"] = "ms") -> dict[str, Link]:
        """Every complete link of ``kind``, keyed by the MoySklad id (``by="ms"``) or the RetailCRM id."""
        with self._db.read_session() as session:
            rows = session.execute(
                select(*_COLUMNS).where(self._scope(LinkRow.kind == kind, LinkRow.ms_id.is_not(None)))
            )
            links = [_to_link(row) for row in rows]
        if by == "ms":
            return {link.ms_id: link for link in links if link.ms_id is not None}
        return {link.rc_id: link for link in links}

    def ms_to_rc(self, kind: str) -> dict[str, str]:
        """``{ms_id: rc_id}`` for every complete link of ``kind`` (what the catalog matcher takes)."""
        with self._db.read_session() as session:
            rows = session.execute(
                select(LinkRow.ms_id, LinkRow.rc_id).where(
                    self._scope(LinkRow.kind == kind, LinkRow.ms_id.is_not(None))
                )
            )
            return {ms: rc for ms, rc in rows if ms is not None}

    def count(self, kind: str | None = None) -> int:
        conditions = [] if kind is None else [LinkRow.kind == kind]
        with self._db.read_session() as session:
            return int(session.scalar(select(func.count()).select_from(LinkRow).where(self._scope(*conditions))) or 0)

    def bulk_upsert(self, rows: Iterable[NewLink | Mapping[str, Any]]) -> int:
        """Store many "ms_id ↔ rc_id" links at once; returns how many rows were written.

        The newest word wins: a link that used either id for a different partner is replaced, a
        reservation for the same RetailCRM id is completed (keeping its sync_id), and when the input
        itself names an id twice, the later row wins. Written in chunks, one transaction each.
        """
        links = self._latest_wins([_as_new_link(r) for r in rows])
        written = 0
        for chunk in chunked(links):
            now = stored_timestamp(utcnow())
            params = [
                {
                    "p_profile": self.profile_id,
                    "p_kind": link.kind,
                    "p_ms_id": link.ms_id,
                    "p_rc_id": str(link.rc_id),
                    "p_ms_type": link.ms_type,
                    "p_rc_ext": link.rc_ext,
                    "p_match_key": link.match_key,
                    "p_sync_id": link.sync_id,
                    "p_now": now,
                }
                for link in chunk
            ]
            with self._db.session() as session:
                conn = session.connection()
                conn.exec_driver_sql(_DELETE_STALE_SQL, params)
                conn.exec_driver_sql(_FILL_RESERVATION_SQL, params)
                conn.exec_driver_sql(_UPSERT_SQL, params)
            written += len(chunk)
        return written

    # -- helpers ---------------------------------------------------------------------------------------------

    @staticmethod
    def _latest_wins(links: list[NewLink]) -> list[NewLink]:
        for link in links:
            require_choice(link.kind, LINK_KINDS, "link kind")
            if not link.ms_id or link.rc_id in (None, ""):
                raise ValueError(f"a link needs both ids: {link!r}")
        seen_ms: set[tuple[str, str]] = set()
        seen_rc: set[tuple[str, str]] = set()
        kept: list[NewLink] = []
        for link in reversed(links):
            ms_key, rc_key = (link.kind, link.ms_id), (link.kind, str(link.rc_id))
            if ms_key in seen_ms or rc_key in seen_rc:
                continue
            seen_ms.add(ms_key)
            seen_rc.add(rc_key)
            kept.append(link)
        kept.reverse()
        return kept

    def _scope(self, *conditions: Any) -> Any:
        return and_(LinkRow.profile_id == self.profile_id, *conditions)

    def _select_one(self, session: Any, *conditions: Any) -> Link | None:
        row = session.execute(select(*_COLUMNS).where(self._scope(*conditions)).limit(1)).first()
        return _to_link(row) if row else None

    @staticmethod
    def _from_row(row: LinkRow) -> Link:
        return Link(
            row.id,
            row.kind,
            row.ms_id,
            row.ms_type,
            row.rc_id,
            row.rc_ext,
            row.match_key,
            row.sync_id,
            row.created_at,
            row.updated_at,
        )


_table = cast(Table, LinkRow.__table__)
_c = _table.c
_same_kind = and_(_c.profile_id == bindparam("p_profile"), _c.kind == bindparam("p_kind"))

# Links that give either id of an incoming row to a different partner are stale: remove them first.
_DELETE_STALE = delete(_table).where(
    _same_kind,
    or_(
        and_(_c.ms_id == bindparam("p_ms_id"), _c.rc_id != bindparam("p_rc_id")),
        and_(_c.rc_id == bindparam("p_rc_id"), _c.ms_id.is_not(None), _c.ms_id != bindparam("p_ms_id")),
    ),
)
# A reservation for the same RetailCRM id is completed in place, so its sync_id survives.
_FILL_RESERVATION = (
    update(_table)
    .where(_same_kind, _c.rc_id == bindparam("p_rc_id"), _c.ms_id.is_(None))
    .values(ms_id=bindparam("p_ms_id"), updated_at=bindparam("p_now"))
)


_insert = sqlite_insert(_table).values(
    profile_id=bindparam("p_profile"),
    kind=bindparam("p_kind"),
    ms_id=bindparam("p_ms_id"),
    ms_type=bindparam("p_ms_type"),
    rc_id=bindparam("p_rc_id"),
    rc_ext=bindparam("p_rc_ext"),
    match_key=bindparam("p_match_key"),
    sync_id=bindparam("p_sync_id"),
    created_at=bindparam("p_now"),
    updated_at=bindparam("p_now"),
)
_UPSERT = _insert.on_conflict_do_update(
    index_elements=[_c.profile_id, _c.kind, _c.ms_id],
    set_={
        "rc_id": _insert.excluded.rc_id,
        "ms_type": func.coalesce(_insert.excluded.ms_type, _c.ms_type),
        "rc_ext": func.coalesce(_insert.excluded.rc_ext, _c.rc_ext),
        "match_key": func.coalesce(_insert.excluded.match_key, _c.match_key),
        "sync_id": func.coalesce(_c.sync_id, _insert.excluded.sync_id),
        "updated_at": _insert.excluded.updated_at,
    },
)
_DELETE_STALE_SQL = driver_sql(_DELETE_STALE)
_FILL_RESERVATION_SQL = driver_sql(_FILL_RESERVATION)
_UPSERT_SQL = driver_sql(_UPSERT)
