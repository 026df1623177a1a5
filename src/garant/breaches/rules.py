"""The 72-hour clock of Art. 33(1), as pure arithmetic on aware UTC instants.

Counted in real hours from the controller's awareness: no weekend, no public holiday, no
daylight-saving shift changes it (aware Friday 18:00 -> due Monday 18:00; across the
October change in Europe/Paris the local wall-clock time moves by one hour, the 72 real
hours do not). Reminders fall at 24 and 48 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

DEADLINE = timedelta(hours=72)
REMINDERS = (24, 48)


def due_at(aware_at: datetime, hours: int = 72) -> datetime:
    """In UTC: Python adds a timedelta to a zoned datetime in wall-clock time, not real time."""
    return aware_at.astimezone(UTC) + timedelta(hours=hours)


@dataclass(frozen=True)
class ClockState:
    aware_at: datetime
    due_at: datetime
    now: datetime
    notified_at: datetime | None

    @property
    def seconds_left(self) -> float:
        end = self.notified_at or self.now
        return (self.due_at - end).total_seconds()

    @property
    def late(self) -> bool:
        return self.seconds_left < 0

    @property
    def status(self) -> str:
        """``notified``, ``notified_late``, ``running`` or ``overdue``."""
        if self.notified_at is not None:
            return "notified_late" if self.late else "notified"
        return "overdue" if self.late else "running"

    def left_text(self) -> str:
        """Hours and minutes left (or late by), for a person to read."""
        seconds = abs(int(self.seconds_left))
        hours, minutes = seconds // 3600, (seconds % 3600) // 60
        return f"{'-' if self.late else ''}{hours}h{minutes:02d}"


def clock(
    aware_at: datetime, now: datetime, notified_at: datetime | None = None, hours: int = 72
) -> ClockState:
    return ClockState(aware_at, due_at(aware_at, hours), now, notified_at)


def reminders_due(aware_at: datetime, now: datetime) -> list[int]:
    """The reminder marks (hours after awareness) already reached at ``now``."""
    start = aware_at.astimezone(UTC)
    return [mark for mark in REMINDERS if now >= start + timedelta(hours=mark)]


def is_late(aware_at: datetime, notified_at: datetime, hours: int = 72) -> bool:
    return notified_at > due_at(aware_at, hours)
