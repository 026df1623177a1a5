"""Every day: run the live check (the dashboard's trend) and remind the DPO by mail of
lapsing records and processor alerts. Idempotent per local day."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from garant.accountability.check_runner import run_and_store
from garant.accountability.records import record_reminders
from garant.clock import local_date
from garant.i18n import current_language, language
from garant.jobs.service import JobContext, enqueue
from garant.mail.service import queue_mail
from garant.processors.service import all_alerts

if TYPE_CHECKING:
    from garant.app import Garant

JOB = "accountability.daily"
TEMPLATE = "accountability_reminder"


def schedule(garant: Garant) -> None:
    """Enqueue today's run once (the key carries the local date)."""
    day = local_date(garant.clock.now(), garant.timezone).isoformat()
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind=JOB, key=f"{JOB}:{day}", payload={"day": day})


def daily_job(context: JobContext) -> dict[str, Any]:
    garant = context.garant
    day = str(context.payload["day"])
    report = run_and_store(garant)
    with garant.unit_of_work() as uow:
        dpo = garant.settings.mail.dpo_address
        lang = (garant.policy.languages or ["fr"])[0] if dpo else current_language()
        reminders = record_reminders(uow=uow)
        with language(lang):  # the alerts' words are the mail's language
            alerts = all_alerts(uow=uow)
        if dpo and (reminders or alerts):
            queue_mail(
                uow=uow, to=dpo, template=TEMPLATE, lang=lang, key=f"{JOB}:{day}:mail",
                context={"organization": garant.policy.controller.name, "day": day,
                         "records": reminders, "alerts": alerts,
                         "findings": len(report.findings)},
            )  # fmt: skip
    return {"findings": len(report.findings), "reminders": len(reminders), "alerts": len(alerts)}
