"""The worker's daily sweep, the DPO's summary mail and the dashboard's forecast."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from garant.clock import FixedClock
from garant.jobs.models import Job
from garant.jobs.worker import run_due
from garant.retention.models import RetentionRun
from garant.retention.wiring import dashboard
from tests.conftest import SmtpSink, use_smtp
from tests.retention.conftest import School


def test_worker_sweeps_daily_after_the_set_time_and_mails_the_dpo(
    school: School, smtp_server: SmtpSink
) -> None:
    """AF-R2 on schedule: the worker sweeps once a day and tells the DPO what it did."""
    school.sql("INSERT INTO subscribers VALUES (1, 's@example.org', '2020-01-10', NULL)")
    garant = school.open("2026-03-02")
    use_smtp(garant, smtp_server)
    garant.settings.mail.dpo_address = "dpo@example.org"
    garant.clock = FixedClock(datetime(2026, 3, 2, 0, 30, tzinfo=UTC))  # 01:30 in Paris
    run_due(garant)
    with garant.unit_of_work() as uow:
        assert uow.session.scalars(select(RetentionRun)).all() == []
    garant.clock = FixedClock(datetime(2026, 3, 2, 1, 30, tzinfo=UTC))  # 02:30 in Paris
    run_due(garant)
    run_due(garant)
    assert school.ids("subscribers") == []
    with garant.unit_of_work() as uow:
        sweeps = uow.session.scalars(select(Job).where(Job.kind == "retention.sweep")).all()
        assert [j.status for j in sweeps] == ["done"], "one sweep a day"
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "dpo@example.org"
    assert "school.subscribers: delete 1" in message.get_body().get_content()


def test_dashboard_shows_the_forecast(school: School) -> None:
    school.sql("INSERT INTO subscribers VALUES (1, 's@example.org', '2020-01-10', NULL)")
    school.sql("INSERT INTO subscribers VALUES (2, 't@example.org', '2023-04-10', NULL)")
    garant = school.open("2026-03-02")
    with garant.unit_of_work() as uow:
        (section,) = dashboard(garant, uow)
    assert section["level"] == "due"
    assert section["summary"].startswith("1 rows due now, 1 within 90 days")
