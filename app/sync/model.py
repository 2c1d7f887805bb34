"""The vocabulary of a sync run: what a flow plans, what it reports, how it is cancelled.

Plain dataclasses with no Qt, HTTP or SQL, so the GUI, the CLI and the tests all read the same things.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from app.messages import Message, msg, render_stored


class Flow(StrEnum):
    """The four flows, in the order a full run applies them (links first, orders last)."""

    CATALOG = "catalog"
    STOCK = "stock"
    PRICES = "prices"
    ORDERS = "orders"

    # Shadows ``str.title`` on purpose: a flow's title reads naturally, and nothing calls str.title on a flow.
    @property
    def title(self) -> str:  # type: ignore[override]
        return _FLOW_TITLES[self]


_FLOW_TITLES = {
    Flow.CATALOG: "Каталог",
    Flow.STOCK: "Остатки",
    Flow.PRICES: "Цены",
    Flow.ORDERS: "Заказы",
}

ALL_FLOWS: tuple[Flow, ...] = (Flow.CATALOG, Flow.STOCK, Flow.PRICES, Flow.ORDERS)


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    LINK = "link"
    SKIP = "skip"


class Level(StrEnum):
    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Change:
    """One thing a run would do (plan) or did (apply), described for a person.

    ``target`` is the service that is written ("retailcrm" or "moysklad"); ``entity`` what is written
    ("offer", "stock", "price", "customerorder", "counterparty", "demand", ...); ``ref`` a reference a shop
    owner recognises (SKU, order number); ``summary`` the sentence shown in the plan and the log.
    ``payload`` is what apply needs (opaque to everyone else).
    """

    flow: Flow
    action: Action
    target: str
    entity: str
    ref: str
    summary: str | Message
    payload: Any = None


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    failed: int = 0

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
        self.failed += other.failed

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "failed": self.failed,
        }

    @property
    def changed(self) -> int:
        return self.created + self.updated


# changes a plan keeps one by one for display; beyond that it counts them (FlowPlan.keep_detail)
DETAILED_CHANGES = 1000

W = TypeVar("W")


@dataclass
class PlanStats:
    """A plan's figures (``FlowPlan.stats``): one dataclass per flow (``CatalogStats``, ``StockStats``,
    ``PricesStats``, ``OrdersStats``), read by attribute in the wizard, by name in the safety check. Plain ints,
    so a report's stats pickle small when they cross from the sync child (app/runner/child.py)."""

    def update(self, **values: int) -> None:
        """Set several figures at once; a name the flow's stats do not have is a programming error."""
        for name, value in values.items():
            if name not in self.__dataclass_fields__:
                raise AttributeError(f"{type(self).__name__} has no figure {name!r}")
            setattr(self, name, value)

    def get(self, name: str, default: int | None = None) -> int | None:
        """The figure called ``name`` (``default`` when this flow has none by that name)."""
        return getattr(self, name) if name in self.__dataclass_fields__ else default

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclass
class FlowPlan(Generic[W]):
    """What one flow would change. ``notes`` are sentences worth showing before applying.

    A first run plans one change per linked offer and per stock figure: 150,000 at 50,000 offers, hundreds of
    MB of sentences kept until the run ends, though nobody reads past the first screen (the log tells every
    offer's story as it is written). Such changes are added only when :meth:`keep_detail` says so: the first
    ``DETAILED_CHANGES`` are kept, the rest only counted (``more_changes``), and :meth:`note_more_changes`
    says so in the notes. ``counts`` always count them all."""

    flow: Flow
    changes: list[Change] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    notes: list[str | Message] = field(default_factory=list)  # each logged by the engine before apply
    conflicts: int = 0
    # what apply needs beyond the changes: the flow's own type (CatalogWork, StockWork, PricesWork, orders' Work);
    # dropped before a report leaves the sync child
    work: W | None = None
    stats: PlanStats | None = None  # the plan's figures (None: the flow stopped before it had any)
    more_changes: int = 0  # changes planned but not kept in ``changes`` (see keep_detail)

    def keep_detail(self) -> bool:
        """Whether to build and keep the next change: True while fewer than ``DETAILED_CHANGES`` are kept;
        then False, and the change is counted in ``more_changes`` (its sentence is never built)."""
        if len(self.changes) < DETAILED_CHANGES:
            return True
        self.more_changes += 1
        return False

    def note_more_changes(self) -> None:
        """The note «… и ещё N» when some changes were only counted."""
        if self.more_changes:
            self.notes.append(msg("engine.more_changes", shown=len(self.changes), more=self.more_changes))


@dataclass(frozen=True)
class LogEvent:
    """A line for the run log, written for a shop owner. ``message`` is the Russian text; ``code`` and
    ``params`` the app/messages sentence it was rendered from (None for a legacy plain str): show
    :meth:`text` in the person's language."""

    level: Level
    flow: Flow | None
    message: str
    entity_type: str | None = None
    entity_ref: str | None = None
    entity_url: str | None = None
    details: dict[str, Any] | None = None
    code: str | None = None
    params: dict[str, Any] | None = None

    @classmethod
    def of(cls, level: Level, flow: Flow | None, message: Message | str, **fields: Any) -> LogEvent:
        """An event from a :class:`Message` (text, code and params filled in) or a plain str."""
        if isinstance(message, Message):
            data = message.to_json()
            return cls(level, flow, str(message), code=data["code"], params=data["params"], **fields)
        return cls(level, flow, message, **fields)

    def text(self, lang: str = "ru") -> str:
        return render_stored(self.message, self.code, self.params, lang)


@dataclass(frozen=True)
class Progress:
    flow: Flow
    done: int
    total: int  # 0 while unknown
    stage: str  # "plan" | "apply"


class Cancelled(Exception):
    """Raised between pages/batches when the user pressed Stop; what was written so far is consistent."""


class CancelToken:
    """Thread-safe Stop flag that the engine checks between pages and batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


class SafetyPolicy(StrEnum):
    """What a run does when the safety check before writing trips (see :mod:`app.sync.safety`).

    ``ask`` the person (the window: ``Callbacks.on_confirm``), ``refuse`` to write (the CLI without ``--yes``),
    ``skip`` the writes (a scheduled run: the window alerts), ``allow`` them (``--yes``)."""

    ASK = "ask"
    REFUSE = "refuse"
    SKIP = "skip"
    ALLOW = "allow"


@dataclass(frozen=True)
class SafetyTrip:
    """One tripped guard: ``guard`` is its code, ``message`` says what looked wrong and what to check (Russian;
    ``msg`` is the app/messages sentence it was rendered from)."""

    guard: str
    flow: Flow
    message: str
    msg: Message | None = None


@dataclass
class Callbacks:
    """How the engine reports while it runs. Called on the engine's thread: keep them quick.

    ``on_confirm`` is the exception: with :attr:`SafetyPolicy.ASK` the engine waits for its answer (True: write
    anyway). With nobody to ask, the answer is no."""

    on_log: Callable[[LogEvent], None] = lambda event: None
    on_progress: Callable[[Progress], None] = lambda progress: None
    on_confirm: Callable[[Flow, list[SafetyTrip]], bool] = lambda flow, trips: False


@dataclass
class RunReport:
    """The outcome of a run (dry or real), as the CLI's ``--json`` prints it."""

    ok: bool
    dry_run: bool
    status: str  # "ok" | "partial" | "failed" | "cancelled" | "held", as stored for the run
    counts: dict[Flow, Counts]
    conflicts: int
    errors: int
    requests: dict[str, int]
    seconds: float
    cancelled: bool = False
    run_id: int | None = None
    message: str = ""
    plans: dict[Flow, FlowPlan[Any]] = field(default_factory=dict)
    safety: list[SafetyTrip] = field(default_factory=list)  # guards that tripped (a dry run only reports them)
    held: bool = False  # the safety check stopped the run before a flow wrote
    crashed: bool = False  # a bug of ours stopped a flow (details in the technical log): the CLI's exit 4
    # for the alerts (app/alerts): 429 answers met per service, and why a settings error stopped the run
    # ("moysklad:bad_credentials": the service, then app/clients/errors.py SettingsError.reason)
    rate_limited: dict[str, int] = field(default_factory=dict)
    stop_reason: str = ""
    # ``message`` as an app/messages sentence (None: a legacy text), for the window in the person's language
    message_msg: Message | None = None

    def message_text(self, lang: str = "ru") -> str:
        return self.message_msg.render(lang) if self.message_msg is not None else self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "status": self.status,
            "dry_run": self.dry_run,
            "cancelled": self.cancelled,
            "run_id": self.run_id,
            "flows": {flow.value: counts.as_dict() for flow, counts in self.counts.items()},
            "conflicts": self.conflicts,
            "errors": self.errors,
            "requests": dict(self.requests),
            "seconds": round(self.seconds, 3),
            "message": self.message,
            "held": self.held,
            "crashed": self.crashed,
            "safety": [{"flow": t.flow.value, "guard": t.guard, "message": t.message} for t in self.safety],
        }
