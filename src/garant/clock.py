"""The one clock of the program.

Every rule that depends on the date asks a :class:`Clock`. Production uses the system
clock; commands run with ``--as-of`` and tests use :class:`FixedClock`, so any day can be
stood on without waiting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from garant.errors import InvalidInput


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that stands still at ``at`` until moved: for ``--as-of`` and tests."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")

    def now(self) -> datetime:
        return self.at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at = self.at + timedelta(**delta)


@dataclass
class OffsetClock:
    """Runs like the system clock but started at ``at``: a worker run ``--as-of`` keeps time."""

    at: datetime
    _started: datetime = field(default_factory=lambda: datetime.now(UTC))

    def now(self) -> datetime:
        return (self.at + (datetime.now(UTC) - self._started)).astimezone(UTC)


def parse_as_of(text: str, tz: tzinfo | str) -> datetime:
    """Read ``--as-of`` as an ISO date or date-time in the policy's time zone.

    A bare date means the start of that day there; a date-time without an offset is local
    time there; one with an offset is taken as given.
    """
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    raw = text.strip()
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return _plausible(datetime.combine(day, time(0, 0), zone), text)
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(
            f'--as-of: "{text}" is not an ISO date or date-time '
            '(examples: "2026-03-31", "2026-03-31T18:00")'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return _plausible(moment, text)


def _plausible(moment: datetime, text: str) -> datetime:
    """A day no deadline or retention can be computed from is refused (the same range as
    the API's dates, ``garant.bounds``)."""
    from garant.bounds import plausible_day

    try:
        plausible_day(moment.astimezone(UTC).date())
    except (ValueError, OverflowError) as exc:
        raise InvalidInput(f'--as-of: "{text}": {exc}') from None
    return moment


def local_date(moment: datetime, tz: tzinfo | str) -> date:
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    return moment.astimezone(zone).date()
