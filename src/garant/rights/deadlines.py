"""The dates of a rights request, computed as the law computes periods.

GDPR Art. 12(3): the controller answers "without undue delay and in any event within one
month of receipt of the request"; "that period may be extended by two further months
where necessary, taking into account the complexity and number of the requests", and the
person is told of the extension, with the reasons, "within one month of receipt".

The EDPB (Guidelines 01/2022 on the right of access, §§ 157-160) reads "one month" with
Regulation (EEC, Euratom) No 1182/71 determining the rules applicable to periods, dates
and time limits:

- Art. 3(1): the day on which the request is received is not counted;
- Art. 3(2)(c): a period in months ends with the expiry of the last hour of the day in the
  last month that has the same date as the day of receipt; when that date does not exist
  in the last month, with the expiry of the last hour of that month's last day;
- Art. 3(4): when the last day is a public holiday, a Saturday or a Sunday, the period
  ends with the expiry of the last hour of the following working day.

Days are local days of the policy's time zone; public holidays are those of the policy's
country (the ``holidays`` package). While Garant waits for information it asked the
person for to confirm their identity (Art. 12(6)), the clock stands still: the days spent
waiting are added to the period before the working-day rule is applied.

Every function here is pure: the caller passes the dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta

from garant.errors import InvalidInput

ONE_MONTH = 1
EXTENDED_MONTHS = 3
"""Art. 12(3): one month, extended "by two further months", i.e. three months from receipt."""
REMINDER_DAYS = (7, 2)
"""Staff are reminded this many days before a due date (a deadline is never silently missed)."""


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    try:
        return frozenset(holidays.country_holidays(country.upper(), years=year))
    except NotImplementedError:
        raise InvalidInput(
            f'policy country "{country}": no public-holiday calendar is known for it'
        ) from None


def receipt_day(received: datetime, tz: tzinfo) -> date:
    """The local calendar day a request was received on (the event that starts the period)."""
    if received.tzinfo is None:
        raise ValueError("receipt must be an aware datetime")
    return received.astimezone(tz).date()


def is_working_day(day: date, country: str) -> bool:
    """Regulation 1182/71 Art. 3(4): neither a Saturday, a Sunday nor a public holiday."""
    return day.weekday() < 5 and day not in _holidays(country, day.year)


def next_working_day(day: date, country: str) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, country):
        day += timedelta(days=1)
    return day


def add_months(start: date, months: int) -> date:
    """Regulation 1182/71 Art. 3(2)(c): same date ``months`` later, else that month's last day.

    ``relativedelta`` clamps to the month's end exactly as the Regulation says
    (31 January + 1 month = 28 or 29 February).
    """
    if months < 0:
        raise ValueError("a period cannot be negative")
    return start + relativedelta(months=months)


def paused_days(pauses: Iterable[tuple[date, date | None]], today: date) -> int:
    """Whole days the clock stood still (Art. 12(6) waits for identity information).

    Each pause runs from the day Garant asked to the day the answer came (``None``: still
    waiting, counted up to ``today``; one asked after ``today``, as when a request is looked
    at ``--as-of`` an earlier day, has not begun). Overlapping pauses are counted once.
    """
    days: set[date] = set()
    for start, end in pauses:
        if end is None and today < start:
            continue
        stop = end or today
        if stop < start:
            raise ValueError(f"a pause cannot end ({stop}) before it starts ({start})")
        days.update(start + timedelta(days=n) for n in range((stop - start).days))
    return len(days)


def due_date(received: date, *, country: str, extended: bool = False, paused: int = 0) -> date:
    """GDPR Art. 12(3): one month from receipt (three when extended), plus the stopped days.

    The working-day rule (Art. 3(4) of Regulation 1182/71) applies to the final day.
    """
    if paused < 0:
        raise ValueError("paused days cannot be negative")
    months = EXTENDED_MONTHS if extended else ONE_MONTH
    end = add_months(received, months) + timedelta(days=paused)
    return next_working_day(end, country)


def extension_deadline(received: date, *, country: str, paused: int = 0) -> date:
    """Art. 12(3): the person must be told of an extension "within one month of receipt"."""
    return due_date(received, country=country, extended=False, paused=paused)


def may_extend(today: date, received: date, *, country: str, paused: int = 0) -> bool:
    """An extension is possible only once the reason can still reach the person in time."""
    return today <= extension_deadline(received, country=country, paused=paused)


def days_left(due: date, today: date) -> int:
    """Days until the due date (0 on the day itself, negative once it has passed)."""
    return (due - today).days


def is_overdue(due: date, today: date) -> bool:
    """A period ends with the expiry of the last hour of its last day: late from the next."""
    return today > due


def reminder_dates(due: date, before: Iterable[int] = REMINDER_DAYS) -> list[date]:
    """The days staff are reminded of an open request, earliest first."""
    return sorted(due - timedelta(days=n) for n in before)


@dataclass(frozen=True)
class Deadline:
    """A request's deadline as of a day, with how it was reached (shown and explained)."""

    received: date
    due: date
    original_due: date
    extended: bool
    paused: int
    days_left: int
    overdue: bool


def deadline(
    received: date,
    *,
    country: str,
    today: date,
    extended: bool = False,
    pauses: Iterable[tuple[date, date | None]] = (),
) -> Deadline:
    """The whole deadline picture of one request on ``today``."""
    stopped = paused_days(pauses, today)
    due = due_date(received, country=country, extended=extended, paused=stopped)
    original = due_date(received, country=country, paused=stopped)
    return Deadline(
        received=received,
        due=due,
        original_due=original,
        extended=extended,
        paused=stopped,
        days_left=days_left(due, today),
        overdue=is_overdue(due, today),
    )
