"""The worker: takes due jobs one at a time and runs their handlers."""

from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from garant.jobs import service
from garant.jobs.service import JobContext

if TYPE_CHECKING:
    from garant.app import Garant

log = logging.getLogger("garant.worker")


@dataclass
class RunSummary:
    done: int = 0
    failed: int = 0


def lease(garant: Garant) -> timedelta:
    return timedelta(seconds=garant.settings.worker.lease_seconds)


def run_one(garant: Garant, kinds: list[str] | None = None) -> bool | None:
    """Run one due job. ``None`` when nothing was due, else whether it succeeded."""
    with garant.store.session() as session:
        claim = service.claim_next(
            session, now=garant.clock.now(), kinds=kinds, lease=lease(garant)
        )
    return None if claim is None else _run(garant, claim)


def run_job(garant: Garant, job_id: int) -> bool | None:
    """Run this job if it is due and free (a Celery wake-up); ``None`` if it was not."""
    with garant.store.session() as session:
        claim = service.claim_job(session, job_id, now=garant.clock.now(), lease=lease(garant))
    return None if claim is None else _run(garant, claim)


def _run(garant: Garant, claim: service.Claim) -> bool:
    context = JobContext(
        garant, claim.job_id, claim.kind, claim.payload, claim.token, lease(garant)
    )
    try:
        result = garant.jobs.get(claim.kind)(context)
    except Exception as exc:  # a handler's failure is recorded, never fatal to the worker
        log.warning("job %s (%s) failed: %s", claim.job_id, claim.kind, exc)
        detail = "".join(traceback.format_exception_only(exc)).strip()
        with garant.store.session() as session, session.begin():
            service.fail(session, claim=claim, now=garant.clock.now(), error=detail)
        return False
    with garant.store.session() as session, session.begin():
        service.complete(
            session, job_id=claim.job_id, token=claim.token, now=garant.clock.now(), result=result
        )
    return True


def run_due(garant: Garant, *, limit: int | None = None) -> RunSummary:
    """Run what is due now, then return (``garant worker --once``)."""
    garant.schedule_due_work()
    summary = RunSummary()
    while limit is None or summary.done + summary.failed < limit:
        outcome = run_one(garant)
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
