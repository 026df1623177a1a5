"""How the breaches feature plugs into the app: reminders at 24 and 48 hours, the dashboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.breaches import rules
from garant.breaches.models import Breach, BreachNotification
from garant.i18n import gettext as _
from garant.jobs.service import JobContext, enqueue
from garant.mail.service import queue_mail
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

REMINDER_JOB = "breaches.reminder"


def _waiting(uow: UnitOfWork) -> list[Breach]:
    """Open breaches that may need notifying (assessed at risk, or not assessed) and are not."""
    notified = select(BreachNotification.breach_id)
    query = select(Breach).where(
        Breach.status == "open",
        Breach.id.not_in(notified),
        (Breach.notify_authority.is_(None)) | (Breach.notify_authority.is_(True)),
    )
    return list(uow.session.scalars(query.order_by(Breach.aware_at)))


def schedule_reminders(garant: Garant) -> None:
    """Enqueue one reminder per breach and mark reached (idempotent keys)."""
    with garant.unit_of_work() as uow:
        for breach in _waiting(uow):
            for mark in rules.reminders_due(breach.aware_at, uow.now()):
                enqueue(
                    uow=uow,
                    kind=REMINDER_JOB,
                    key=f"breach-reminder:{breach.id}:{mark}",
                    payload={"breach_id": breach.id, "mark": mark},
                )


def send_reminder(context: JobContext) -> dict[str, Any]:
    """Mail the DPO that the clock runs; nothing if the breach was notified meanwhile."""
    from garant.breaches.notification import dpo_contact
    from garant.breaches.service import _event, clock_of

    garant = context.garant
    breach_id, mark = int(context.payload["breach_id"]), int(context.payload["mark"])
    with garant.unit_of_work() as uow:
        breach = uow.session.get(Breach, breach_id)
        if breach is None or breach not in _waiting(uow):
            return {"skipped": True}
        clock = clock_of(uow=uow, breach=breach)
        to = dpo_contact(uow).get("email")
        _event(uow, breach, "reminder", f"{mark}h")
        uow.audit(
            "breach.reminder", "breach", breach.id, details={"mark": mark, "mailed": bool(to)}
        )
        if not to:
            return {"mailed": False}
        lang = (garant.policy.languages or ["fr"])[0]
        tz = garant.timezone
        queue_mail(
            uow=uow,
            to=to,
            template="breach_reminder",
            lang=lang,
            key=f"breach-reminder-mail:{breach.id}:{mark}",
            context={
                "reference": breach.reference,
                "title": breach.title,
                "mark": mark,
                "hours_left": max(0, int(clock.seconds_left // 3600)),
                "aware_at": breach.aware_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                "due_at": clock.due_at.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z"),
                "link": f"/admin/breaches/{breach.reference}",
            },
        )
    return {"mailed": True}


def dashboard(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Time left on each breach awaiting notification, late ones first (AF-B2)."""
    from garant.breaches.service import clock_of

    waiting = [(b, clock_of(uow=uow, breach=b)) for b in _waiting(uow)]
    if not waiting:
        return []
    waiting.sort(key=lambda pair: pair[1].seconds_left)
    items = []
    for breach, clock in waiting:
        template = _("late by %(left)s") if clock.late else _("%(left)s left")
        left = template % {"left": clock.left_text().lstrip("-")}
        items.append(
            {
                "text": f"{breach.reference} · {breach.title} · {left}",
                "href": f"/admin/breaches/{breach.reference}",
            }
        )
    late = any(clock.late for _b, clock in waiting)
    return [
        {
            "level": "late" if late else "due",
            "title": _("Breaches to notify to the authority (72 hours)"),
            "summary": _("Counted in hours from awareness, weekends and holidays included."),
            "items": items,
        }
    ]


def key_usage(garant: Garant, version: int) -> dict[str, int]:
    """Persons told about a breach, recorded by a hash under ``version``: the key stays."""
    from sqlalchemy import func

    from garant.breaches.models import BreachRecipient

    with garant.unit_of_work() as uow:
        count = uow.session.scalar(
            select(func.count(BreachRecipient.id)).where(
                BreachRecipient.subject_ref.startswith(f"v{version}:")
            )
        )
    return {"breach recipients": int(count or 0)}


def install(garant: Garant) -> None:
    """Register this feature's job handlers, schedulers and dashboard providers."""
    garant.jobs.register(REMINDER_JOB, send_reminder)
    garant.schedulers.append(schedule_reminders)
    garant.dashboard_providers.append(dashboard)
    garant.key_usage_probes.append(key_usage)
