"""Connection profiles: which RetailCRM and MoySklad accounts belong together. Nothing secret here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.store.errors import StoreError
from app.store.models import ProfileRow
from app.store.types import utcnow

if TYPE_CHECKING:
    from app.store.database import Database


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    retailcrm_url: str
    moysklad_url: str
    moysklad_account: str  # the MoySklad login, or "token"
    created_at: datetime


def _to_profile(row: ProfileRow) -> Profile:
    return Profile(row.id, row.name, row.retailcrm_url, row.moysklad_url, row.moysklad_account, row.created_at)


def _clean_name(name: str) -> str:
    text = (name or "").strip()
    if not text:
        raise StoreError("У профиля должно быть название. Введите его, например название магазина.")
    return text


class ProfileRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    def create(self, name: str, retailcrm_url: str, moysklad_url: str, moysklad_account: str) -> Profile:
        row = ProfileRow(
            name=_clean_name(name),
            retailcrm_url=retailcrm_url.strip(),
            moysklad_url=moysklad_url.strip(),
            moysklad_account=moysklad_account.strip(),
            created_at=utcnow(),
        )
        try:
            with self._db.session() as session:
                session.add(row)
                session.flush()
                return _to_profile(row)
        except IntegrityError as exc:
            raise StoreError(f"Профиль «{row.name}» уже есть. Выберите другое название.") from exc

    def get(self, profile_id: int) -> Profile | None:
        with self._db.read_session() as session:
            row = session.get(ProfileRow, profile_id)
            return _to_profile(row) if row else None

    def get_by_name(self, name: str) -> Profile | None:
        with self._db.read_session() as session:
            row = session.scalars(select(ProfileRow).where(ProfileRow.name == name.strip())).first()
            return _to_profile(row) if row else None

    def list(self) -> list[Profile]:
        with self._db.read_session() as session:
            return [_to_profile(r) for r in session.scalars(select(ProfileRow).order_by(ProfileRow.name))]

    def update(
        self,
        profile_id: int,
        *,
        name: str | None = None,
        retailcrm_url: str | None = None,
        moysklad_url: str | None = None,
        moysklad_account: str | None = None,
    ) -> Profile:
        try:
            with self._db.session() as session:
                row = session.get(ProfileRow, profile_id)
                if row is None:
                    raise StoreError("Этого профиля больше нет. Откройте список профилей заново.")
                if name is not None:
                    row.name = _clean_name(name)
                if retailcrm_url is not None:
                    row.retailcrm_url = retailcrm_url.strip()
                if moysklad_url is not None:
                    row.moysklad_url = moysklad_url.strip()
                if moysklad_account is not None:
                    row.moysklad_account = moysklad_account.strip()
                session.flush()
                return _to_profile(row)
        except IntegrityError as exc:
            raise StoreError(f"Профиль «{(name or '').strip()}» уже есть. Выберите другое название.") from exc

    def delete(self, profile_id: int) -> bool:
        """Delete a profile and, through the foreign keys, everything it owns. True if it existed."""
        with self._db.session() as session:
            row = session.get(ProfileRow, profile_id)
            if row is None:
                return False
            session.delete(row)
            return True
