"""The sandbox's "now": Moscow time (both services keep it), from the wall clock or moved by a test.

Every seeded date counts back from the moment a sandbox starts, and both emulators read the same source, so a
sandbox can be started "a year ahead" or "on New Year's Eve" and stays self-consistent (see ``Sandbox``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

MSK = timezone(timedelta(hours=3))  # Moscow has had no DST since 2014

TimeSource = Callable[[], datetime]  # naive Moscow time


def moscow_now() -> datetime:
    """Now in Moscow, naive, whole seconds."""
    return datetime.now(UTC).astimezone(MSK).replace(tzinfo=None, microsecond=0)


def shifted_clock(start: datetime) -> TimeSource:
    """A clock that reads ``start`` (naive Moscow time) now and runs on at the wall clock's pace from there."""
    if start.tzinfo is not None:
        start = start.astimezone(MSK).replace(tzinfo=None)
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)
