"""Every date rule of a rights request (AF-X2, GDPR Art. 12(3), Regulation 1182/71)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from garant.errors import InvalidInput
from garant.rights import deadlines as d

PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 3, 2), date(2026, 4, 2)),  # Monday -> Thursday: same date next month
        (date(2026, 6, 15), date(2026, 7, 15)),  # plain case
    ],
)
def test_af_x2_due_same_date_next_month(received: date, due: date) -> None:
    """AF-X2: one month from receipt is the same date in the next month (1182/71 Art. 3(2)(c))."""
    assert d.due_date(received, country="FR") == due


def test_af_x2_month_end_clamps_to_last_day() -> None:
    """31 March + 1 month: 30 April does not exist as 31, so the last day of April."""
    assert d.add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)
    assert d.due_date(date(2026, 3, 31), country="FR") == date(2026, 4, 30)  # Thursday


def test_af_x2_leap_year_february() -> None:
    """31 January + 1 month is 29 February in a leap year, 28 otherwise."""
    assert d.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert d.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    # 29 Feb 2028 is a Tuesday: no roll
    assert d.due_date(date(2028, 1, 31), country="FR") == date(2028, 2, 29)
    # 28 Feb 2027 is a Sunday: rolls to Monday 1 March
    assert d.due_date(date(2027, 1, 31), country="FR") == date(2027, 3, 1)
    # received on 29 Feb: same date next month
    assert d.due_date(date(2028, 2, 29), country="FR") == date(2028, 3, 29)


def test_af_x2_weekend_rolls_to_monday() -> None:
    """1182/71 Art. 3(4): a period ending on Saturday or Sunday ends the next working day."""
    # 2026-10-10 is a Saturday, 2026-10-11 a Sunday
    assert d.due_date(date(2026, 9, 10), country="FR") == date(2026, 10, 12)
    assert d.due_date(date(2026, 9, 11), country="FR") == date(2026, 10, 12)


def test_af_x2_french_public_holidays_roll() -> None:
    """Public holidays of the policy's country: 14 July, 1 and 8 May, Christmas, Easter Monday."""
    assert d.due_date(date(2026, 6, 14), country="FR") == date(2026, 7, 15)  # 14 July holiday
    # 1 May 2026 Friday (holiday) -> Sat, Sun -> Monday 4 May
    assert d.due_date(date(2026, 4, 1), country="FR") == date(2026, 5, 4)
    # 8 May 2026 Friday (Victory Day) -> Monday 11 May
    assert d.due_date(date(2026, 4, 8), country="FR") == date(2026, 5, 11)
    # Easter Monday 6 April 2026
    assert d.due_date(date(2026, 3, 6), country="FR") == date(2026, 4, 7)
    # 25 Dec 2026 Friday -> Monday 28
    assert d.due_date(date(2026, 11, 25), country="FR") == date(2026, 12, 28)


def test_holidays_follow_the_policy_country() -> None:
    """14 July is a public holiday in France, not in Germany."""
    assert d.is_working_day(date(2026, 7, 14), "DE")
    assert not d.is_working_day(date(2026, 7, 14), "FR")
    assert d.due_date(date(2026, 6, 14), country="DE") == date(2026, 7, 14)
    assert d.due_date(date(2026, 6, 14), country="FR") == date(2026, 7, 15)
    with pytest.raises(InvalidInput, match="ZZ"):
        d.is_working_day(date(2026, 1, 5), "ZZ")


def test_af_x2_receipt_day_in_policy_time_zone() -> None:
    """A request at 23:30 UTC on 31 March is received on 1 April in Paris."""
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert d.receipt_day(late, PARIS) == date(2026, 4, 1)
    assert d.receipt_day(late, UTC) == date(2026, 3, 31)
    with pytest.raises(ValueError):
        d.receipt_day(datetime(2026, 3, 31), PARIS)


def test_af_x2_stopped_clock_adds_waiting_days() -> None:
    """Art. 12(6): while waiting for identity information the clock stands still."""
    received = date(2026, 3, 2)
    pauses = [(date(2026, 3, 5), date(2026, 3, 12))]  # 7 days waiting
    assert d.paused_days(pauses, today=date(2026, 3, 20)) == 7
    assert d.due_date(received, country="FR", paused=7) == date(2026, 4, 9)
    # still waiting: counted up to today
    assert d.paused_days([(date(2026, 3, 5), None)], today=date(2026, 3, 8)) == 3
    # overlapping pauses counted once
    both = [(date(2026, 3, 5), date(2026, 3, 10)), (date(2026, 3, 8), date(2026, 3, 12))]
    assert d.paused_days(both, today=date(2026, 4, 1)) == 7
    with pytest.raises(ValueError):
        d.paused_days([(date(2026, 3, 5), date(2026, 3, 1))], today=date(2026, 4, 1))


def test_af_x2_stopped_clock_then_weekend_rule() -> None:
    """The working-day rule applies after the stopped days are added."""
    # 2 Sept + 1 month = 2 Oct (Fri); +1 day = Sat 3 Oct -> Monday 5 Oct
    assert d.due_date(date(2026, 9, 2), country="FR", paused=1) == date(2026, 10, 5)


def test_af_x2_extension_to_three_months_from_receipt() -> None:
    """Art. 12(3): extended by two further months = three months from receipt, same rules."""
    assert d.due_date(date(2026, 3, 2), country="FR", extended=True) == date(2026, 6, 2)
    # 30 Nov + 3 months = 28 Feb 2027 (Sunday) -> Monday 1 March
    assert d.due_date(date(2026, 11, 30), country="FR", extended=True) == date(2027, 3, 1)
    # 14 April + 3 = 14 July (holiday) -> 15 July
    assert d.due_date(date(2026, 4, 14), country="FR", extended=True) == date(2026, 7, 15)


def test_af_x2_extension_only_before_first_month_ends() -> None:
    """The reason must reach the person within one month of receipt."""
    received = date(2026, 3, 2)
    assert d.may_extend(date(2026, 4, 2), received, country="FR")
    assert not d.may_extend(date(2026, 4, 3), received, country="FR")
    # the stopped clock moves that limit too
    assert d.may_extend(date(2026, 4, 6), received, country="FR", paused=4)


def test_af_x2_overdue_and_days_left() -> None:
    due = date(2026, 4, 2)
    assert d.days_left(due, date(2026, 3, 30)) == 3
    assert not d.is_overdue(due, date(2026, 4, 2))  # ends at the last hour of the day
    assert d.is_overdue(due, date(2026, 4, 3))
    assert d.days_left(due, date(2026, 4, 5)) == -3


def test_reminders_before_due_date() -> None:
    assert d.reminder_dates(date(2026, 4, 10)) == [date(2026, 4, 3), date(2026, 4, 8)]


def test_af_x2_deadline_picture() -> None:
    picture = d.deadline(
        date(2026, 3, 2),
        country="FR",
        today=date(2026, 3, 20),
        extended=True,
        pauses=[(date(2026, 3, 3), date(2026, 3, 5))],
    )
    assert picture.paused == 2
    assert picture.original_due == date(2026, 4, 7)  # Sat 4, Sun 5, Easter Monday 6
    assert picture.due == date(2026, 6, 4)
    assert not picture.overdue
    assert picture.days_left == (date(2026, 6, 4) - date(2026, 3, 20)).days


def test_negative_inputs_refused() -> None:
    with pytest.raises(ValueError):
        d.add_months(date(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        d.due_date(date(2026, 1, 1), country="FR", paused=-2)


def test_a_pause_asked_after_the_day_looked_at_has_not_begun() -> None:
    """A request opened ``--as-of`` a later day, listed today: its open identity pause
    counts no day yet, instead of failing the whole list."""
    later = date(2027, 2, 10)
    assert d.paused_days([(later, None)], date(2026, 12, 6)) == 0
    assert d.paused_days([(later, None)], date(2027, 2, 13)) == 3


def test_a_recorded_pause_that_ends_before_it_starts_is_still_refused() -> None:
    with pytest.raises(ValueError, match="before it starts"):
        d.paused_days([(date(2027, 2, 10), date(2027, 2, 1))], date(2027, 3, 1))
