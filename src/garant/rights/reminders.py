"""Reminders before a request's due date (a deadline is never silently missed)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.jobs.service import JobContext, enqueue
from garant.rights import deadlines, reply, service
from garant.rights.models import RightsRequest
from garant.rights.rules import OPEN

if TYPE_CHECKING:
    from garant.app import Garant

JOB = "rights.reminders"


def schedule(garant: Garant) -> None:
    """Enqueue today's reminder pass once a day (idempotent key per local day)."""
    with garant.unit_of_work() as uow:
        day = service.today(uow)
        enqueue(uow=uow, kind=JOB, key=f"{JOB}:{day.isoformat()}", payload={"day": day.isoformat()})


def handler(context: JobContext) -> dict[str, Any]:
    sent = 0
    days_before = context.garant.settings.schedule.request_reminder_days or list(
        deadlines.REMINDER_DAYS
    )
    with context.garant.unit_of_work() as uow:
        today = service.today(uow)
        query = select(RightsRequest).where(RightsRequest.status.in_([s.value for s in OPEN]))
        for req in uow.session.scalars(query):
            due_day = service.refresh_due(uow, req).due
            left = deadlines.days_left(due_day, today)
            due = [n for n in days_before if left <= n]
            if left < 0 or not due:
                continue
            mark = f"{due_day.isoformat()}:{min(due)}"
            if mark in (req.reminded or []):
                continue
            if reply.send_reminder(uow=uow, req=req, days=left):
                req.reminded = [*(req.reminded or []), mark]
                sent += 1
    return {"sent": sent}
