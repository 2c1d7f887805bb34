"""Things Svyazka will not guess about (duplicate SKUs, unmapped statuses…) and what the user decided.

Conflicts are keyed by ``(kind, key)``, where ``key`` is a stable string the sync engine builds (e.g.
``"duplicate_key:article:abc-1"``). Recording the same conflict again refreshes its data and "last seen"
but never loses the user's decision. A conflict closed automatically because it disappeared (resolution
``{"action": "gone"}``) is reopened if it comes back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, Text, case, func, or_, select, type_coerce, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.messages import Message, render_stored, split
from app.redact import redact
from app.store._util import chunked, require_choice
from app.store.models import ConflictRow
from app.store.types import dump_json, utcnow
from app.vocab import ConflictKind, ResolutionAction

if TYPE_CHECKING:
    from app.store.database import Database

CONFLICT_KINDS = tuple(ConflictKind)
CONFLICT_STATUSES = ("open", "resolved", "ignored")
# what a person may decide; "gone" is the store's own (GONE)
RESOLUTION_ACTIONS = tuple(a for a in ResolutionAction if a is not ResolutionAction.GONE)
GONE = {"action": ResolutionAction.GONE.value}
_GONE_JSON = dump_json(GONE)  # stored text is ours, so an exact comparison is reliable


@dataclass(frozen=True)
class Conflict:
    id: int
    kind: ConflictKind  # a newer Svyazka's unknown kind stays its stored string (shown as its code)
    key: str
    title: str
    ms_data: Any
    rc_data: Any
    status: str
    resolution: dict[str, Any] | None
    detected_at: datetime
    last_seen_at: datetime
    last_seen_run: int | None
    resolved_at: datetime | None
    title_code: str | None = None  # app/messages code of the title (None: stored before codes, or a plain str)
    title_params: Any = None

    def title_text(self, lang: str = "ru") -> str:
        """The title in ``lang`` from its code when it has one, else the stored (Russian) title."""
        return render_stored(self.title, self.title_code, self.title_params, lang)


def _kind(stored: str) -> ConflictKind:
    member = ConflictKind._value2member_map_.get(stored)
    return cast(ConflictKind, stored) if member is None else cast(ConflictKind, member)


def _to_conflict(row: ConflictRow) -> Conflict:
    return Conflict(
        row.id,
        _kind(row.kind),
        row.key,
        row.title,
        row.ms_data,
        row.rc_data,
        row.status,
        row.resolution,
        row.detected_at,
        row.last_seen_at,
        row.last_seen_run,
        row.resolved_at,
        row.title_code,
        row.title_params,
    )


def side_items(data: Any, kind: ConflictKind | str | None = None) -> list[dict[str, Any]]:
    """One side of a conflict as a list of dicts (the engine stores lists; other kinds may store one dict).

    For a customer found twice (``ambiguous_counterparty``) the MoySklad side is the list of candidate
    counterparties. The GUI shows these as the choices; ``conflicts resolve`` accepts only their ids.
    """
    if data is None:
        return []
    counterparty = kind == ConflictKind.AMBIGUOUS_COUNTERPARTY
    if counterparty and isinstance(data, Mapping) and isinstance(data.get("candidates"), list):
        return side_items(data["candidates"])
    if isinstance(data, Mapping):
        return [dict(data)]
    if isinstance(data, Sequence) and not isinstance(data, str):
        return [dict(item) if isinstance(item, Mapping) else {"value": item} for item in data]
    return [{"value": data}]


def _field(item: Any, name: str) -> Any:
    # Accept the sync engine's Conflict dataclass and plain dicts alike.
    return item.get(name) if isinstance(item, Mapping) else getattr(item, name, None)


_table = cast(Table, ConflictRow.__table__)
_c = _table.c
_insert = sqlite_insert(_table)
# Compare the stored text itself (the JSON column type would serialize the literal once more).
_resolution_text = type_coerce(_c.resolution, Text)
_was_gone = (_c.status == "resolved") & (_resolution_text == _GONE_JSON)
_UPSERT = _insert.on_conflict_do_update(
    index_elements=[_c.profile_id, _c.kind, _c.key],
    set_={
        "title": _insert.excluded.title,
        "title_code": _insert.excluded.title_code,
        "title_params": _insert.excluded.title_params,
        "ms_data": _insert.excluded.ms_data,
        "rc_data": _insert.excluded.rc_data,
        "last_seen_at": _insert.excluded.last_seen_at,
        "last_seen_run": _insert.excluded.last_seen_run,
        # Back after it had gone away: open again. A user's decision stays as it is.
        "status": case((_was_gone, "open"), else_=_c.status),
        "resolution": case((_was_gone, None), else_=_c.resolution),
        "resolved_at": case((_was_gone, None), else_=_c.resolved_at),
    },
)


class ConflictRepository:
    def __init__(self, db: Database, profile_id: int) -> None:
        self._db = db
        self.profile_id = profile_id

    def record(
        self,
        kind: ConflictKind,
        key: str,
        title: str | Message,
        ms_data: Any = None,
        rc_data: Any = None,
        run_id: int | None = None,
    ) -> Conflict:
        """Insert or refresh one conflict; returns it as stored (with any existing resolution). ``title`` is an
        app/messages :class:`Message` (stored as its Russian text plus its code and parameters) or a plain str."""
        self.record_many([{"kind": kind, "key": key, "title": title, "ms_data": ms_data, "rc_data": rc_data}], run_id)
        found = self.get_by_key(kind, key)
        if found is None:  # only if another thread deleted the profile in between
            raise LookupError(f"conflict {kind}/{key} vanished while being recorded")
        return found

    def record_many(self, conflicts: Iterable[Any], run_id: int | None = None) -> int:
        """Insert or refresh many (dicts or objects with kind, key, title, ms_data, rc_data; ``title`` a
        :class:`Message` or a str)."""
        written = 0
        for chunk in chunked(conflicts):
            now = utcnow()
            params = []
            for item in chunk:
                kind = require_choice(_field(item, "kind"), CONFLICT_KINDS, "conflict kind")
                key = _field(item, "key")
                if not key:
                    raise ValueError("a conflict needs a key")
                title = _field(item, "title") or ""
                text, code, title_params = split(title if isinstance(title, Message) else str(title))
                params.append(
                    {
                        "profile_id": self.profile_id,
                        "kind": kind,
                        "key": str(key),
                        "title": redact(text),
                        "title_code": code,
                        "title_params": title_params,
                        "ms_data": _field(item, "ms_data"),
                        "rc_data": _field(item, "rc_data"),
                        "status": "open",
                        "resolution": None,
                        "detected_at": now,
                        "last_seen_at": now,
                        "last_seen_run": run_id,
                        "resolved_at": None,
                    }
                )
            with self._db.session() as session:
                session.connection().execute(_UPSERT, params)
            written += len(params)
        return written

    def get(self, conflict_id: int) -> Conflict | None:
        with self._db.read_session() as session:
            row = session.get(ConflictRow, conflict_id)
            return _to_conflict(row) if row is not None and row.profile_id == self.profile_id else None

    def get_by_key(self, kind: ConflictKind, key: str) -> Conflict | None:
        with self._db.read_session() as session:
            row = session.scalars(
                select(ConflictRow).where(
                    ConflictRow.profile_id == self.profile_id, ConflictRow.kind == kind, ConflictRow.key == key
                )
            ).first()
            return _to_conflict(row) if row else None

    def resolve(self, conflict_id: int, resolution: Mapping[str, Any]) -> Conflict:
        """Store the user's decision (``{"action": "pick"|"link"|"create"|"ignore", ...params}``)."""
        action = resolution.get("action")
        require_choice(str(action), RESOLUTION_ACTIONS, "resolution action")
        status = "ignored" if action == ResolutionAction.IGNORE else "resolved"
        return self._set_state(conflict_id, status, dict(resolution), utcnow())

    def ignore(self, conflict_id: int) -> Conflict:
        return self.resolve(conflict_id, {"action": ResolutionAction.IGNORE.value})

    def reopen(self, conflict_id: int) -> Conflict:
        """Forget the decision: the conflict is open again."""
        return self._set_state(conflict_id, "open", None, None)

    def list(self, status: str | None = None, kind: ConflictKind | str | None = None) -> list[Conflict]:
        statement = select(ConflictRow).where(ConflictRow.profile_id == self.profile_id)
        if status is not None:
            statement = statement.where(ConflictRow.status == require_choice(status, CONFLICT_STATUSES, "status"))
        if kind is not None:
            statement = statement.where(ConflictRow.kind == kind)
        statement = statement.order_by(ConflictRow.last_seen_at.desc(), ConflictRow.id.desc())
        with self._db.read_session() as session:
            return [_to_conflict(r) for r in session.scalars(statement)]

    def counts_by_kind(self, status: str | None = "open") -> dict[ConflictKind, int]:
        """How many conflicts of each kind (open ones by default; ``status=None`` counts all)."""
        statement = select(ConflictRow.kind, func.count()).where(ConflictRow.profile_id == self.profile_id)
        if status is not None:
            statement = statement.where(ConflictRow.status == status)
        with self._db.read_session() as session:
            return {_kind(kind): int(n) for kind, n in session.execute(statement.group_by(ConflictRow.kind))}

    def resolutions(self, kind: ConflictKind) -> dict[str, dict[str, Any]]:
        """``{key: resolution}`` of every user decision of ``kind`` (ignores included, "gone" excluded)."""
        statement = select(ConflictRow.key, ConflictRow.resolution).where(
            ConflictRow.profile_id == self.profile_id,
            ConflictRow.kind == kind,
            ConflictRow.status.in_(("resolved", "ignored")),
            ConflictRow.resolution.is_not(None),
            type_coerce(ConflictRow.resolution, Text) != _GONE_JSON,
        )
        with self._db.read_session() as session:
            return {key: resolution for key, resolution in session.execute(statement)}

    def close_missing(self, run_id: int, kinds: Iterable[ConflictKind] | None = None) -> int:
        """After a *full* run: open conflicts it did not see are gone, so close them. Returns how many.

        Pass ``kinds`` when the run checked only some kinds (a stock-only run must not close catalog ones).
        """
        statement = (
            update(ConflictRow)
            .where(
                ConflictRow.profile_id == self.profile_id,
                ConflictRow.status == "open",
                or_(ConflictRow.last_seen_run.is_(None), ConflictRow.last_seen_run != run_id),
            )
            .values(status="resolved", resolution=GONE, resolved_at=utcnow())
        )
        if kinds is not None:
            statement = statement.where(ConflictRow.kind.in_(list(kinds)))
        with self._db.session() as session:
            return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]

    def close_keys(self, kind: ConflictKind, keys: Iterable[str]) -> int:
        """Open conflicts of ``kind`` with these keys are gone (a run saw their cause fixed): close them."""
        wanted = list(keys)
        if not wanted:
            return 0
        closed = 0
        with self._db.session() as session:
            for start in range(0, len(wanted), 500):  # SQLite's variable limit
                statement = (
                    update(ConflictRow)
                    .where(ConflictRow.profile_id == self.profile_id, ConflictRow.status == "open",
                           ConflictRow.kind == kind, ConflictRow.key.in_(wanted[start:start + 500]))
                    .values(status="resolved", resolution=GONE, resolved_at=utcnow())
                )
                closed += int(session.execute(statement).rowcount)  # type: ignore[attr-defined]
        return closed

    def _set_state(
        self, conflict_id: int, status: str, resolution: dict[str, Any] | None, resolved_at: datetime | None
    ) -> Conflict:
        with self._db.session() as session:
            row = session.get(ConflictRow, conflict_id)
            if row is None or row.profile_id != self.profile_id:
                raise LookupError(f"conflict {conflict_id} does not exist in profile {self.profile_id}")
            row.status = status
            row.resolution = resolution
            row.resolved_at = resolved_at
            session.flush()
            return _to_conflict(row)
