"""Plausible ranges for the numbers and dates people and machines send in.

A date of 9999-12-31T23:59+14:00 is valid ISO 8601, but adding the 72-hour clock to it
leaves the calendar; a count of 10**30 persons does not fit a database integer. Input
models use these types so that such a value is refused at the door with a 422 that names
the field, instead of overflowing deep in a rule or a driver.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field

EARLIEST = date(1900, 1, 1)
LATEST = date(2999, 12, 31)
MAX_COUNT = 10**12  # more than every person who ever lived; fits a 64-bit integer
MAX_CENTS = 10**12


def plausible_day(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"a date between {EARLIEST} and {LATEST} is expected")
    return value


def plausible_moment(value: datetime) -> datetime:
    day = value.astimezone(UTC).date() if value.tzinfo else value.date()
    plausible_day(day)
    return value


Day = Annotated[date, AfterValidator(plausible_day)]
Moment = Annotated[datetime, AfterValidator(plausible_moment)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Cents = Annotated[int, Field(ge=0, le=MAX_CENTS)]
