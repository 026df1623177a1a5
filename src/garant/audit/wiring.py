"""The audit chain is sealed once a day by a scheduled job, missed days caught up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from garant.audit import chain
from garant.clock import local_date
from garant.jobs.service import JobContext, enqueue

if TYPE_CHECKING:
    from garant.app import Garant

SEAL_JOB = "audit.seal"


def seal_job(context: JobContext) -> dict[str, Any]:
    """Seal every day through the payload's day that has no seal yet (idempotent)."""
    garant = context.garant
    day = date.fromisoformat(context.payload["day"])
    with garant.unit_of_work() as uow:
        sealed = chain.seal_through(
            uow.session, uow.keys, through=day, at=uow.now(), tz=garant.timezone
        )
    return {"sealed": [d.isoformat() for d in sealed], "day": day.isoformat()}


def schedule_seal(garant: Garant) -> None:
    """Seal yesterday's chain head, in the policy's time zone."""
    yesterday = local_date(garant.clock.now(), garant.timezone) - timedelta(days=1)
    with garant.unit_of_work() as uow:
        enqueue(
            uow=uow,
            kind=SEAL_JOB,
            key=f"audit.seal:{yesterday}",
            payload={"day": yesterday.isoformat()},
        )


def install(garant: Garant) -> None:
    garant.jobs.register(SEAL_JOB, seal_job)
    garant.schedulers.append(schedule_seal)
