"""Where each incremental flow stopped last time (a history sinceId, a changedSince timestamp…)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.store.models import CursorRow
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database


class CursorRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    def get(self, flow: str, name: str, default: str | None = None) -> str | None:
        with self._db.read_session() as session:
            value = session.scalar(
                select(CursorRow.value).where(
                    CursorRow.profile_id == self.profile_id, CursorRow.flow == flow, CursorRow.name == name
                )
            )
        return default if value is None else value

    def set(self, flow: str, name: str, value: str | int) -> None:
        statement = sqlite_insert(CursorRow).values(
            profile_id=self.profile_id, flow=flow, name=name, value=str(value), updated_at=utcnow()
        )
        statement = statement.on_conflict_do_update(
            index_elements=[CursorRow.profile_id, CursorRow.flow, CursorRow.name],
            set_={"value": statement.excluded.value, "updated_at": statement.excluded.updated_at},
        )
        with self._db.session() as session:
            session.execute(statement)

    def all(self, flow: str) -> dict[str, str]:
        with self._db.read_session() as session:
            rows = session.execute(
                select(CursorRow.name, CursorRow.value).where(
                    CursorRow.profile_id == self.profile_id, CursorRow.flow == flow
                )
            )
            return {name: value for name, value in rows}

    def reset(self, flow: str, name: str | None = None) -> None:
        """Forget a cursor (or all of a flow's), so the next run of that flow is a full one."""
        conditions = [CursorRow.profile_id == self.profile_id, CursorRow.flow == flow]
        if name is not None:
            conditions.append(CursorRow.name == name)
        with self._db.session() as session:
            session.execute(delete(CursorRow).where(*conditions))
