"""How the consent feature plugs into the app: the suppression blocker, key probe, purge."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.clock import local_date
from garant.consent import suppression
from garant.i18n import gettext as _
from garant.jobs.service import JobContext, enqueue
from garant.store.uow import UnitOfWork

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


def dashboard(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Consents given for an older version of their purpose: the people to ask again."""
    from garant.consent.service import purpose_counts

    stale = [p for p in purpose_counts(uow) if p["stale"]]
    if not stale:
        return []
    return [
        {
            "level": "due",
            "title": _("Consents to ask again"),
            "summary": _("These purposes changed since some people agreed to them."),
            "items": [
                {"text": f"{p['label']}: {p['stale']}", "href": "/admin/consent"} for p in stale
            ],
        }
    ]


def install(garant: Garant) -> None:
    """Register the suppression list as a use blocker, its key probe and the daily purge."""
    garant.use_blockers.append(suppression.blocker)
    garant.key_usage_probes.append(suppression.key_usage)
    garant.jobs.register(PURGE_JOB, purge_job)
    garant.schedulers.append(schedule_purge)
    garant.dashboard_providers.append(dashboard)
    from garant.consent.own_data import declare

    declare(garant)
