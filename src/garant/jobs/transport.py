"""Wake-ups for Celery workers: published after commit, and again by the dispatcher.

With no broker configured nothing here publishes: jobs wait in the table for
``garant worker``. With one, ``enqueue`` publishes "job N is due" once the transaction
that wrote the job has committed (a worker never hears of a job it cannot see yet), and
the dispatcher publishes every due job it finds: new ones whose wake-up was lost,
retries whose delay has passed, and jobs whose worker died (their lease ran out).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import event
from sqlalchemy.orm import Session

from garant.jobs import service

if TYPE_CHECKING:
    from garant.app import Garant
    from garant.store.uow import UnitOfWork

log = logging.getLogger("garant.jobs.transport")
_PENDING = "garant.jobs.wakeups"
_SENT = "garant.jobs.sent"


def broker_configured(garant: Garant) -> bool:
    return garant.settings.worker.resolved_broker_url() is not None


def wake_after_commit(uow: UnitOfWork, job_id: int) -> None:
    """Publish the job's wake-up when (and only if) this unit of work commits."""
    garant = uow.garant
    if not broker_configured(garant):
        return
    pending: list[int] | None = uow.session.info.get(_PENDING)
    if pending is None:
        pending = uow.session.info[_PENDING] = []
        _listen(uow.session, garant)
    pending.append(job_id)


def _listen(session: Session, garant: Garant) -> None:
    def committed(session: Session) -> None:
        job_ids = session.info.pop(_PENDING, [])
        session.info[_PENDING] = []
        if job_ids:
            publish(garant, job_ids)

    def rolled_back(session: Session) -> None:
        session.info[_PENDING] = []

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)


def publish(garant: Garant, job_ids: list[int]) -> bool:
    """Send the wake-ups; on failure log it and return False, never raise: the job stays
    in the table and the dispatcher publishes it on its next pass."""
    from garant.jobs.celery_app import send_wakeups

    try:
        send_wakeups(garant, job_ids)
    except Exception as exc:  # the broker is down or refuses: the table still has the job
        log.warning(
            "job(s) %s: wake-up not published to the broker (%s: %s); they stay due in "
            "the job table and the dispatcher (garant worker) publishes them again",
            ", ".join(str(job_id) for job_id in job_ids),
            type(exc).__name__,
            exc,
        )
        return False
    now = garant.clock.now()
    record = _record(garant)
    for job_id, at in list(record.sent.items()):  # a snapshot: web threads publish too
        if now - at >= _lease(garant):
            record.sent.pop(job_id, None)
    record.sent.update(dict.fromkeys(job_ids, now))
    record.published += len(job_ids)
    return True


@dataclass
class _Record:
    """What this process published: when, per job (entries live one lease), and how many."""

    sent: dict[int, datetime] = field(default_factory=dict)
    published: int = 0


def _record(garant: Garant) -> _Record:
    record: _Record = garant.extensions.setdefault(_SENT, _Record())
    return record


def _lease(garant: Garant) -> timedelta:
    return timedelta(seconds=garant.settings.worker.lease_seconds)


class Dispatcher:
    """Publishes due jobs, each at most once per lease while it stays due.

    Schedulers run first (they enqueue the day's sweeps and reminders). A job still due
    a whole lease after its wake-up was sent lost that message (a worker died with it):
    it is sent again. Two dispatchers are harmless, only wasteful: a claim runs a job once.
    """

    def __init__(self, garant: Garant, *, batch: int = 500):
        from garant.jobs.celery_app import celery_app

        celery_app(garant)  # no broker configured: a clear ConfigError now, not log lines
        self.garant = garant
        self.batch = batch

    def dispatch(self) -> int:
        """One pass; returns how many wake-ups it published (the schedulers' included)."""
        record = _record(self.garant)
        before = record.published
        self.garant.schedule_due_work()  # what they enqueue is published on commit
        now = self.garant.clock.now()
        with self.garant.store.session() as session:
            due = service.due_job_ids(session, now=now, limit=self.batch)
        sent, lease = record.sent, _lease(self.garant)
        fresh = [job_id for job_id in due if now - sent.get(job_id, now - lease) >= lease]
        still_due = set(due)
        for job_id in list(sent):
            if job_id not in still_due:  # taken or done: if its lease runs out, it is new again
                sent.pop(job_id, None)
        if fresh:
            publish(self.garant, fresh)
        return record.published - before

    def run_forever(self, *, poll_seconds: float = 2.0) -> None:
        while True:
            self.dispatch()
            time.sleep(poll_seconds)
