"""The 72-hour clock (AF-B2): real hours from awareness, no weekend or holiday extension."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from garant.app import Garant
from garant.breaches import rules
from garant.breaches.notification import record_notification
from garant.breaches.service import clock_of, get_breach
from garant.clock import FixedClock, parse_as_of
from garant.errors import InvalidInput
from tests.breaches.conftest import DPO, record

PARIS = ZoneInfo("Europe/Paris")


def test_af_b2_aware_friday_1800_is_due_monday_1800() -> None:
    friday = parse_as_of("2026-03-06T18:00", PARIS)  # a Friday
    due = rules.due_at(friday)
    assert due.astimezone(PARIS) == datetime(2026, 3, 9, 18, 0, tzinfo=PARIS)
    assert due.astimezone(PARIS).strftime("%A") == "Monday"


def test_af_b2_no_holiday_extension_over_easter_monday() -> None:
    """Easter Monday 2026 (6 April) is a French public holiday: the clock ignores it."""
    aware = parse_as_of("2026-04-04T10:00", PARIS)
    assert rules.due_at(aware).astimezone(PARIS) == datetime(2026, 4, 7, 10, 0, tzinfo=PARIS)


def test_af_b2_dst_change_counts_72_real_hours() -> None:
    """Clocks go back on 25 October 2026 in Paris: 72 real hours end at 17:00 local time."""
    aware = parse_as_of("2026-10-23T18:00", PARIS)
    due = rules.due_at(aware)
    assert (due - aware) == timedelta(hours=72)
    assert due.astimezone(PARIS).replace(tzinfo=None) == datetime(2026, 10, 26, 17, 0)
    spring = parse_as_of("2026-03-27T18:00", PARIS)  # clocks go forward on 29 March
    assert rules.due_at(spring).astimezone(PARIS).hour == 19


@pytest.mark.parametrize(
    ("as_of", "status", "left"),
    [
        ("2026-03-07T18:00", "running", "48h00"),
        ("2026-03-09T17:30", "running", "0h30"),
        ("2026-03-09T19:15", "overdue", "-1h15"),
    ],
)
def test_af_b2_time_left_with_as_of(garant: Garant, as_of: str, status: str, left: str) -> None:
    breach = record(garant, parse_as_of("2026-03-06T18:00", PARIS))
    garant.clock = FixedClock(parse_as_of(as_of, PARIS))
    with garant.unit_of_work() as uow:
        state = clock_of(uow=uow, breach=get_breach(uow=uow, ref=breach.reference))
    assert (state.status, state.left_text()) == (status, left)


def test_af_b2_late_notification_requires_reasons_then_follow_up(garant: Garant) -> None:
    aware = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    breach = record(garant, aware)
    garant.clock = FixedClock(aware + timedelta(hours=80))
    with (
        pytest.raises(InvalidInput, match="reasons for the delay"),
        garant.unit_of_work(DPO) as uow,
    ):
        record_notification(uow=uow, ref=breach.reference, phase="initial")
    with garant.unit_of_work(DPO) as uow:
        row = record_notification(
            uow=uow,
            ref=breach.reference,
            phase="initial",
            delay_reasons="The processor told us on day 3.",
        )
        assert row.late
    with garant.unit_of_work(DPO) as uow:
        follow = record_notification(uow=uow, ref=breach.reference, phase="follow_up", lang="en")
        assert not follow.late
        items = dict(follow.content["items"])
        assert items["Type of notification"] == "Follow-up notification"
        state = clock_of(uow=uow, breach=get_breach(uow=uow, ref=breach.reference))
        assert state.status == "notified_late"


def test_af_b2_reminders_at_24_and_48_hours() -> None:
    aware = datetime(2026, 3, 6, 17, 0, tzinfo=UTC)
    assert rules.reminders_due(aware, aware + timedelta(hours=23)) == []
    assert rules.reminders_due(aware, aware + timedelta(hours=24)) == [24]
    assert rules.reminders_due(aware, aware + timedelta(hours=50)) == [24, 48]
