"""How the accountability feature plugs into the app: job handlers, schedules, dashboard, probes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.store.uow import UnitOfWork


def install(garant: Garant) -> None:
    """Register this feature's job handlers, schedulers and dashboard providers."""
    from garant.accountability import daily
    from garant.accountability.notice_preview import on_publish_preview
    from garant.accountability.policy_change import JOB, notify_job, on_published
    from garant.accountability.records import disclosure_records

    garant.jobs.register(JOB, notify_job)
    garant.extensions.setdefault("policy_published", []).append(on_published)
    # what publishing will send, shown before staff confirm it (issue 18)
    garant.extensions.setdefault("policy_publish_preview", []).append(on_publish_preview)
    garant.jobs.register(daily.JOB, daily.daily_job)
    garant.schedulers.append(daily.schedule)
    garant.dashboard_providers.append(dashboard)
    # DEF-S4: the person finds disclosures in their access export (garant.subjects.records).
    garant.extensions.setdefault("subject_records", []).append(disclosure_records)


def dashboard(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Processor alerts, lapsing records and the live check's trend on the back office home."""
    from garant.accountability.check_runner import trend
    from garant.accountability.records import record_reminders
    from garant.i18n import gettext as _
    from garant.processors.service import all_alerts

    sections: list[dict[str, Any]] = []
    alerts = all_alerts(uow=uow)
    if alerts:
        level = "late" if any(a["level"] == "late" for a in alerts) else "risk"
        sections.append({
            "level": level, "title": _("Processors"),
            "summary": _("Contracts, audits and transfers to look at"),
            "items": [{"text": f"{a['processor']}: {a['message']}",
                       "href": "/admin/accountability/processors"} for a in alerts],
        })  # fmt: skip
    reminders = record_reminders(uow=uow)
    if reminders:
        sections.append({
            "level": "due", "title": _("Organizational records"),
            "summary": _("Trainings, agreements or procedures lapsing or lapsed"),
            "items": [{"text": f"{r['title']} ({r['state']}, {r['valid_until']})",
                       "href": "/admin/accountability/records"} for r in reminders],
        })  # fmt: skip
    runs = trend(uow=uow, limit=10)
    if runs:
        last = runs[-1]
        totals = " → ".join(str(r["total"]) for r in runs)
        sections.append({
            "level": "risk" if last["total"] else "info", "title": _("Live compliance check"),
            "summary": _("Findings per run, oldest first: ") + totals,
            "items": [{"text": f"{k}: {v}", "href": "/admin/accountability/check"}
                      for k, v in (last["counts"] or {}).items() if v],
        })  # fmt: skip
    return sections
