"""The last value sent per entity and target, so a run sends only what changed since."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.store._util import chunked, driver_sql, stored_timestamp
from app.store.models import PushedRow
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database

_table = cast(Table, PushedRow.__table__)
_c = _table.c
_insert = sqlite_insert(_table)
_UPSERT_SQL = driver_sql(
    _insert.on_conflict_do_update(
        index_elements=[_c.profile_id, _c.target, _c.entity],
        set_={"value": _insert.excluded.value, "pushed_at": _insert.excluded.pushed_at},
    ),
    column_keys=["profile_id", "target", "entity", "value", "pushed_at"],
)


class PushedRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    def get_many(self, target: str) -> dict[str, str]:
        """``{entity: value}`` for everything last sent to ``target`` (e.g. "stock", "price")."""
        with self._db.read_session() as session:
            rows = session.execute(
                select(PushedRow.entity, PushedRow.value).where(
                    PushedRow.profile_id == self.profile_id, PushedRow.target == target
                )
            )
            return {entity: value for entity, value in rows}

    def put_many(self, target: str, values: Mapping[str, str]) -> int:
        """Remember what was just sent (call it only after the service accepted it). Returns the count."""
        written = 0
        for chunk in chunked(values.items()):
            now = stored_timestamp(utcnow())
            params = [
                {
                    "profile_id": self.profile_id,
                    "target": target,
                    "entity": str(entity),
                    "value": str(value),
                    "pushed_at": now,
                }
                for entity, value in chunk
            ]
            with self._db.session() as session:
                session.connection().exec_driver_sql(_UPSERT_SQL, params)
            written += len(params)
        return written

    def forget(self, target: str, entities: Iterable[str] | None = None) -> int:
        """Forget sent values (all of ``target``, or some entities), so the next run sends them again."""
        scope = [PushedRow.profile_id == self.profile_id, PushedRow.target == target]
        removed = 0
        with self._db.session() as session:
            if entities is None:
                result = session.execute(delete(PushedRow).where(*scope))
                return int(result.rowcount)  # type: ignore[attr-defined]
            for chunk in chunked(entities, 500):  # stays under SQLite's bound-variable limit
                result = session.execute(delete(PushedRow).where(*scope, PushedRow.entity.in_(chunk)))
                removed += int(result.rowcount)  # type: ignore[attr-defined]
        return removed

    def count(self, target: str) -> int:
        with self._db.read_session() as session:
            return int(
                session.scalar(
                    select(func.count()).where(PushedRow.profile_id == self.profile_id, PushedRow.target == target)
                )
                or 0
            )
