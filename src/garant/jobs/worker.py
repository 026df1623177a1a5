"""The worker: takes due jobs one at a time and runs their handlers."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from garant.jobs import service
from garant.jobs.errors import summarize
from garant.jobs.service import JobContext

if TYPE_CHECKING:
    from garant.app import Garant

log = logging.getLogger("garant.worker")


@dataclass
class RunSummary:
    done: int = 0
    failed: int = 0
    # each failure's one-line reason (scrubbed of personal values) with its count, so a
    # command names what failed without relying on how logging happens to be configured
    reasons: dict[str, int] = field(default_factory=dict)


def lease(garant: Garant) -> timedelta:
    return timedelta(seconds=garant.settings.worker.lease_seconds)


def run_one(
    garant: Garant, kinds: list[str] | None = None, reasons: dict[str, int] | None = None
) -> bool | None:
    """Run one due job. ``None`` when nothing was due, else whether it succeeded; a
    failure's one-line reason is counted in ``reasons`` when given."""
    with garant.store.session() as session:
        claim = service.claim_next(
            session, now=garant.clock.now(), kinds=kinds, lease=lease(garant)
        )
    return None if claim is None else _run(garant, claim, reasons)


def run_job(garant: Garant, job_id: int) -> bool | None:
    """Run this job if it is due and free (a Celery wake-up); ``None`` if it was not."""
    with garant.store.session() as session:
        claim = service.claim_job(session, job_id, now=garant.clock.now(), lease=lease(garant))
    return None if claim is None else _run(garant, claim)


def run_here(
    garant: Garant, job_id: int, *, wait: float | None = None, poll: float = 0.2
) -> tuple[str, dict[str, Any] | None, str | None]:
    """Run this job in this process now (a command's "run it now"), or, when another worker
    already took it (a Celery worker woken by its message), wait for that worker to end it.

    Returns the job's (status, result, error) once it is done or failed, or once an attempt
    failed and waits for its retry; after ``wait`` seconds (the lease by default) it returns
    the status it has then (``running``), never silently pretending it finished.
    """
    from garant.jobs.models import Job

    deadline = time.monotonic() + (lease(garant).total_seconds() if wait is None else wait)
    run_job(garant, job_id)
    while True:
        with garant.store.session() as session:
            job = session.get(Job, job_id)
            assert job is not None, f"job {job_id} does not exist"
            state = (job.status, job.result, job.error)
        settled = state[0] in ("done", "failed") or (state[0] == "pending" and state[2])
        if settled or time.monotonic() >= deadline:
            return state
        if state[0] in ("pending", "running") and run_job(garant, job_id) is not None:
            # it was not due yet when first asked, or its holder's lease ran out (a worker
            # killed mid-job): taken over now rather than after waiting the whole lease
            continue
        time.sleep(poll)


def _run(garant: Garant, claim: service.Claim, reasons: dict[str, int] | None = None) -> bool:
    context = JobContext(
        garant,
        claim.job_id,
        claim.kind,
        claim.payload,
        claim.token,
        lease(garant),
        attempt=claim.attempts,
        max_attempts=claim.max_attempts,
    )
    try:
        result = garant.jobs.get(claim.kind)(context)
    except Exception as exc:  # a handler's failure is recorded, never fatal to the worker
        # the driver's words go through ``summarize``: no personal value in logs or jobs.error
        summary, scrubbed = summarize(exc)
        log.warning("job %s (%s) failed: %s", claim.job_id, claim.kind, summary)
        if reasons is not None:
            reason = summary.splitlines()[0]
            reasons[reason] = reasons.get(reason, 0) + 1
        detail = summary if scrubbed == summary else f"{summary}\n{scrubbed}"
        with garant.store.session() as session, session.begin():
            service.fail(session, claim=claim, now=garant.clock.now(), error=detail)
        return False
    with garant.store.session() as session, session.begin():
        service.complete(
            session, job_id=claim.job_id, token=claim.token, now=garant.clock.now(), result=result
        )
    return True


def run_due(
    garant: Garant, *, limit: int | None = None, kinds: list[str] | None = None
) -> RunSummary:
    """Run what is due now, then return (``garant worker --once``).

    Without ``kinds`` the schedulers run first (the day's sweeps, seals and reminders are
    enqueued, then run); with ``kinds`` only the due jobs of those kinds run and nothing is
    scheduled (``--once --only rights.execute`` retries a request, never the sweep)."""
    if not kinds:
        garant.schedule_due_work()
    summary = RunSummary()
    while limit is None or summary.done + summary.failed < limit:
        outcome = run_one(garant, kinds, summary.reasons)
        if outcome is None:
            break
        if outcome:
            summary.done += 1
        else:
            summary.failed += 1
    return summary


def run_forever(garant: Garant, *, poll_seconds: float = 2.0) -> None:
    while True:
        summary = run_due(garant)
        if not (summary.done or summary.failed):
            time.sleep(poll_seconds)
