"""A sweep that fails in the connected database: one line the operator can act on, no
personal value anywhere (message, job record, dashboard)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from garant.jobs.models import Job
from garant.retention.approval import SweepFailed
from garant.retention.wiring import SWEEP_JOB, attention, run_as_job
from garant.store.uow import SYSTEM
from tests.retention.conftest import School


@pytest.fixture
def store_url(pg_url: str) -> str:
    """PostgreSQL enforces the foreign key the map does not know (SQLite does not)."""
    return pg_url


def test_failed_sweep_says_what_where_and_when_without_personal_values(school: School) -> None:
    school.sql("INSERT INTO subscribers VALUES (1, 'held.back@example.org', '2020-01-10', NULL)")
    school.sql("ALTER TABLE subscribers ADD CONSTRAINT uq_subscribers_email UNIQUE (email)")
    school.sql("CREATE TABLE letters (email TEXT REFERENCES subscribers(email))")
    school.sql("INSERT INTO letters VALUES ('held.back@example.org')")
    garant = school.open("2026-03-02")
    with pytest.raises(SweepFailed) as caught:
        run_as_job(garant, actor=SYSTEM)
    line = caught.value.message
    assert "\n" not in line
    assert "delete of school.subscribers (rule newsletter)" in line
    assert "next retry" in line
    assert "held.back" not in line and "held.back" not in getattr(caught.value, "detail", "")
    with garant.unit_of_work() as uow:
        job = uow.session.scalars(select(Job).where(Job.kind == SWEEP_JOB)).one()
        assert job.error and "held.back" not in job.error
        job.status, job.attempts = "failed", job.max_attempts  # the last attempt failed
    with garant.unit_of_work() as uow:
        notes = {a["title"]: a["summary"] for a in attention(garant, uow)}
    assert "school.subscribers" in notes["Retention sweep needs attention"]
    assert school.ids("subscribers") == [1], "the failed batch rolled back whole"
