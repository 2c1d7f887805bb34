"""MoySklad moments: naive Moscow time (UTC+3), written ``YYYY-MM-DD HH:MM:SS.mmm`` in responses.

:class:`Clock` is the emulator's "now". It follows the wall clock by default; tests pin it with
:meth:`Clock.set` (and move it with :meth:`Clock.advance`) so ``updated``, ``moment`` and the
``changedSince`` window are deterministic.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3))

# Filters accept "YYYY-MM-DD HH:MM", "...:SS" and "...:SS.mmm" (DOC:_general "Формат даты и времени").
_FILTER_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$")
# Request bodies: seconds are required, milliseconds optional.
_BODY_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$")


def format_moment(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S.") + f"{value.microsecond // 1000:03d}"


def _build(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute = (int(match.group(i)) for i in range(1, 6))
    second = int(match.group(6) or 0)
    millis = int((match.group(7) or "0").ljust(3, "0"))
    return datetime(year, month, day, hour, minute, second, millis * 1000)


def parse_filter_moment(text: str) -> datetime:
    """A filter date; raises ValueError on anything else (the caller answers 1035)."""
    match = _FILTER_DATE.match(text.strip())
    if match is None:
        raise ValueError(text)
    return _build(match)


def parse_body_moment(text: str) -> datetime:
    match = _BODY_DATE.match(text.strip())
    if match is None:
        raise ValueError(text)
    return _build(match)


def to_minute(value: datetime) -> datetime:
    """``moment`` and planned dates keep minutes only: seconds and milliseconds are stored as zero."""
    return value.replace(second=0, microsecond=0)


class Clock:
    """Naive MSK "now", pinned or following the wall clock. Thread-safe."""

    def __init__(self, source: Callable[[], datetime] | None = None) -> None:
        self._lock = threading.Lock()
        self._pinned: datetime | None = None
        # the time followed while not pinned: the wall clock, or a moved one (see app.sandbox.clock)
        self._source = source or (lambda: datetime.now(MSK).replace(tzinfo=None))

    def now(self) -> datetime:
        with self._lock:
            pinned = self._pinned
        if pinned is not None:
            return pinned
        current = self._source()
        return current.replace(microsecond=current.microsecond // 1000 * 1000)

    def set(self, moment: datetime | None) -> None:
        """Pin "now" to ``moment`` (naive MSK; an aware datetime is converted), or follow the wall clock."""
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(MSK).replace(tzinfo=None)
        with self._lock:
            self._pinned = moment.replace(microsecond=moment.microsecond // 1000 * 1000) if moment else None

    def advance(self, seconds: float) -> datetime:
        """Move a pinned clock forward (pins it at the current time first if it was following the wall)."""
        current = self.now()
        moved = current + timedelta(seconds=seconds)
        self.set(moved)
        return moved
