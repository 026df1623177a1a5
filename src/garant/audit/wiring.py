"""The audit chain is sealed once a day by a scheduled job."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from garant.audit import chain
from garant.clock import local_date
from garant.jobs.service import JobContext, enqueue

if TYPE_CHECKING:
    from garant.app import Garant

SEAL_JOB = "audit.seal"


def seal_job(context: JobContext) -> dict[str, Any]:
    garant = context.garant
    day = context.payload["day"]
    from datetime import date

    with garant.unit_of_work() as uow:
        record = chain.seal(uow.session, uow.keys, day=date.fromisoformat(day), at=uow.now())
        return {"sealed": record is not None, "day": day}


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
