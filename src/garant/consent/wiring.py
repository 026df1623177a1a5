"""How the consent feature plugs into the app: the suppression blocker, key probe, purge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.clock import local_date
from garant.consent import suppression
from garant.jobs.service import JobContext, enqueue

if TYPE_CHECKING:
    from garant.app import Garant

PURGE_JOB = "consent.purge"


def purge_job(context: JobContext) -> dict[str, Any]:
    """Daily: suppression entries past three years, cookie choices past 13 months."""
    from garant.consent import cookies

    with context.garant.unit_of_work() as uow:
        return {
            "suppression": suppression.purge_expired(uow),
            "cookie_choices": cookies.purge_expired(uow),
        }


def schedule_purge(garant: Garant) -> None:
    day = local_date(garant.clock.now(), garant.timezone)
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind=PURGE_JOB, key=f"consent.purge:{day}", payload={"day": str(day)})


def install(garant: Garant) -> None:
    """Register the suppression list as a use blocker, its key probe and the daily purge."""
    garant.use_blockers.append(suppression.blocker)
    garant.key_usage_probes.append(suppression.key_usage)
    garant.jobs.register(PURGE_JOB, purge_job)
    garant.schedulers.append(schedule_purge)
    from garant.consent.own_data import declare

    declare(garant)
