"""How the retention feature plugs into the app: the daily sweep, its mail, the dashboard."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from garant.clock import local_date
from garant.jobs.service import JobContext, enqueue
from garant.retention.models import RetentionRun
from garant.retention.own import audit_payload_rule, mail_outbox_rules, throttle_hits_rule

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.store.uow import Actor, UnitOfWork

SWEEP_JOB = "retention.sweep"
PROGRESS_KEY = "retention.progress"


def install(garant: Garant) -> None:
    garant.jobs.register(SWEEP_JOB, sweep_job)
    garant.schedulers.append(schedule_sweep)
    garant.dashboard_providers.append(dashboard)
    garant.own_data_rules.append(audit_payload_rule())
    garant.own_data_rules += [throttle_hits_rule(), *mail_outbox_rules()]


def _sweep_time(garant: Garant) -> time:
    hours, _, minutes = garant.settings.schedule.retention_sweep_at.partition(":")
    return time(int(hours), int(minutes or 0))


def schedule_sweep(garant: Garant) -> None:
    """Enqueue today's sweep once the configured local time has passed (one per day)."""
    now = garant.clock.now()
    today = local_date(now, garant.timezone)
    if now < datetime.combine(today, _sweep_time(garant), garant.timezone):
        return
    with garant.unit_of_work() as uow:
        enqueue(
            uow=uow,
            kind=SWEEP_JOB,
            key=f"{SWEEP_JOB}:{today.isoformat()}",
            payload={"day": today.isoformat()},
        )


def sweep_job(context: JobContext) -> dict[str, Any]:
    """A sweep as a job: resumable (pending batches are settled first), then the DPO's mail."""
    from garant.retention import sweep
    from garant.store.uow import SYSTEM, Actor

    garant, payload = context.garant, context.payload
    actor = Actor(*payload["actor"]) if payload.get("actor") else SYSTEM
    dry_run = bool(payload.get("dry_run", False))
    shown = garant.extensions.get(PROGRESS_KEY)

    def progress() -> sweep.Progress:
        return _Both(shown() if shown else None, sweep.Heartbeat(context.heartbeat))

    # the daily sweep and ``garant retention run`` are the same job: same gate, same steps
    record = sweep.run(garant, actor=actor, dry_run=dry_run, progress=progress, gated=True)
    if record.status == "waiting":
        return {"run": record.id, "waiting": record.counts.get("waiting", [])}
    if not dry_run:
        mail_summary(garant, record.id, record.counts, payload.get("day", ""))
    return {"run": record.id}


class _Both:
    """The caller's progress bar, if any, and the job's heartbeat."""

    def __init__(self, bar: Any, beat: Any):
        self.bar, self.beat = bar, beat

    def start(self, label: str, total: int) -> None:
        if self.bar is not None:
            self.bar.start(label, total)

    def advance(self, count: int) -> None:
        if self.bar is not None:
            self.bar.advance(count)
        self.beat.advance(count)


def run_as_job(
    garant: Garant, *, actor: Actor, dry_run: bool = False, progress: Any = None
) -> RetentionRun:
    """Run a sweep now as a job of its own (CLI, API): the job table records it, and if
    this process dies its lease runs out and the worker completes it."""
    from garant.jobs.worker import run_here
    from garant.retention.approval import SweepWaits

    today = local_date(garant.clock.now(), garant.timezone).isoformat()
    with garant.unit_of_work(actor) as uow:
        job = enqueue(
            uow=uow,
            kind=SWEEP_JOB,
            key=f"{SWEEP_JOB}:run:{secrets.token_hex(8)}",
            payload={"day": today, "dry_run": dry_run, "actor": [actor.kind, actor.id, actor.role]},
            max_attempts=3,
        )
        job_id = job.id
    garant.extensions[PROGRESS_KEY] = progress
    try:  # here, or on the Celery worker a broker woke first (its progress is not shown)
        status, result, error = run_here(garant, job_id)
    finally:
        garant.extensions.pop(PROGRESS_KEY, None)
    if status != "done" or not result:
        raise failure(garant, job_id, status, error)
    if result.get("waiting"):
        first, more = result["waiting"][0], len(result["waiting"]) - 1
        raise SweepWaits(first + (f" (and {more} more; see garant retention plan)" if more else ""))
    with garant.unit_of_work() as uow:
        record = uow.session.get(RetentionRun, result["run"])
        assert record is not None
        return record


def failure(garant: Garant, job_id: int, status: str, error: str | None) -> Exception:
    """One line: what failed (the job's first line, no personal value) and the next retry;
    the scrubbed detail rides along for ``--verbose``."""
    from garant.jobs.models import Job
    from garant.retention.approval import SweepFailed

    with garant.store.session() as session:
        job = session.get(Job, job_id)
        retry = job.run_at if job is not None and job.status == "pending" else None
    line = (error or status).splitlines()[0] if (error or status) else status
    when = (
        f"next retry {retry.astimezone(garant.timezone):%Y-%m-%d %H:%M}"
        if retry is not None
        else "no retry left: it needs attention"
    )
    exc = SweepFailed(f"{line}; {when}")
    exc.detail = error or ""  # type: ignore[attr-defined]
    return exc


def mail_summary(garant: Garant, run_id: int, counts: dict[str, Any], day: str) -> None:
    address = garant.settings.mail.dpo_address
    if not address:
        return
    from garant.mail.service import queue_mail

    lines = [
        f"{name}: " + ", ".join(f"{action} {n}" for action, n in actions.items())
        for name, actions in counts.get("collections", {}).items()
    ]
    lang = (garant.policy.languages or ["fr"])[0]
    with garant.unit_of_work() as uow:
        queue_mail(
            uow=uow,
            to=address,
            template="retention_summary",
            lang=lang if lang in ("fr", "en") else "en",
            context={
                "day": day,
                "run": run_id,
                "lines": lines,
                "destroyed": counts.get("archives_destroyed", 0),
                "recovered": counts.get("recovered", 0),
            },
            key=f"retention.summary:{run_id}",
        )


def attention(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """A sweep that waits for approval or whose last attempt failed: what to do now."""
    from sqlalchemy import select

    from garant.i18n import gettext as _
    from garant.jobs.models import Job
    from garant.retention.approval import approved_once

    out = []
    if not approved_once(uow):
        out.append(
            {
                "level": "due",
                "title": _("Retention sweeps wait for your approval"),
                "summary": _(
                    "Read the forecast below, then approve it (garant retention approve, "
                    "or Approve on /admin/retention): no sweep runs before."
                ),
                "items": [{"text": _("Retention"), "href": "/admin/retention"}],
            }
        )
    last = uow.session.scalars(
        select(Job).where(Job.kind == SWEEP_JOB).order_by(Job.id.desc()).limit(1)
    ).first()
    if last is not None and last.status == "failed":
        out.append(
            {
                "level": "risk",
                "title": _("Retention sweep needs attention"),
                "summary": (last.error or last.status).splitlines()[0],
                "items": [{"text": _("Retention"), "href": "/admin/retention"}],
            }
        )
    run = uow.session.scalars(select(RetentionRun).order_by(RetentionRun.id.desc())).first()
    if run is not None and run.status == "waiting" and approved_once(uow):
        out.append(
            {
                "level": "due",
                "title": _("Retention sweep waits for your approval"),
                "summary": "; ".join(run.counts.get("waiting", [])),
                "items": [{"text": _("Retention"), "href": "/admin/retention"}],
            }
        )
    return out


def dashboard(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """The forecast on the dashboard: what is due now and within 90 days, what is held."""
    from garant.errors import GarantError
    from garant.i18n import gettext as _
    from garant.i18n.labels import label, named
    from garant.retention.sweep import plan

    try:
        forecast = plan(garant)
    except GarantError as exc:
        return [{"level": "risk", "title": _("Retention"), "summary": str(exc), "items": []}]
    if not forecast:
        return attention(garant, uow)
    due = sum(r["due_now"] for r in forecast)
    soon = sum(r["due_within_horizon"] for r in forecast)
    held = sum(r["held"] for r in forecast)
    items = [
        {
            "text": f"{named(garant.policy, r['rule'])} · {r['collection']} · "
            f"{label(r['action'], 'end_action')}: "
            f"{r['due_now']} / {r['due_within_horizon']} / {r['held']}",
            "href": "/admin/retention",
        }
        for r in forecast
    ]
    empty = sum(r.get("no_start", 0) for r in forecast)
    if empty:
        items.append(
            {
                "text": _("%(n)s rows have no start date: never due") % {"n": empty},
                "href": "/admin/retention",
            }
        )
    return attention(garant, uow) + [
        {
            "level": "due" if due else "info",
            "title": _("Retention"),
            "summary": _("%(due)s rows due now, %(soon)s within 90 days, %(held)s held")
            % {"due": due, "soon": soon, "held": held},
            "items": items,
        }
    ]
