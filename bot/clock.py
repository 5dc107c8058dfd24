"""The one source of "now". Code asks a Clock, never datetime.now()."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """Current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FileClock:
    """Test clock: a test writes an ISO-8601 instant to a file to jump the time.

    Time then runs on from that instant at the normal pace, counted from the moment the
    file was written, so timeouts and retries still elapse. The file is re-read when it
    changes; while it is missing or empty the clock follows the system time. A naive
    instant is taken as UTC.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self._path = Path(path)
        self._stamp: tuple[int, int, int] | None = None
        self._value: datetime | None = None
        self._written_at = 0.0

    def now(self) -> datetime:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            return datetime.now(UTC)
        # The inode too: a file replaced twice within the file system's time grain, by an
        # instant of the same length, is still seen as new.
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if stamp != self._stamp:
            text = self._path.read_text(encoding="utf-8").strip()
            self._value = parse_instant(text) if text else None
            self._written_at = stat.st_mtime
            self._stamp = stamp
        if self._value is None:
            return datetime.now(UTC)
        elapsed = max(0.0, time.time() - self._written_at)
        return self._value + timedelta(seconds=elapsed)


class FrozenClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime) -> None:
        self.current = start.astimezone(UTC)

    def now(self) -> datetime:
        return self.current

    def set(self, value: datetime) -> None:
        self.current = value.astimezone(UTC)


def parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


# The environments whose time may be moved: the end-to-end tests and `mentorbot sandbox`.
MOVABLE_CLOCK_ENVS = frozenset({"test", "sandbox"})


def make_clock(app_env: str, test_clock_file: str | None) -> Clock:
    if test_clock_file:
        if app_env not in MOVABLE_CLOCK_ENVS:
            raise ValueError("TEST_CLOCK_FILE is allowed only with APP_ENV=test or sandbox")
        return FileClock(test_clock_file)
    return SystemClock()
