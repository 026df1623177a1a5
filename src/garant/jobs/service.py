"""Enqueue, lease, complete: the job table's whole protocol.

A job is taken by a conditional UPDATE (it succeeds for one worker only), held by a lease
that the worker extends while it works, and completed only by the worker that still holds
it. A worker that dies lets its lease run out; the next worker takes the job up again, so
handlers are written to be idempotent and to resume.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from garant.errors import ConfigError
from garant.jobs.models import Job
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

LEASE = timedelta(minutes=5)
RETRY_DELAYS = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
]


@dataclass
class JobContext:
    garant: Garant
    job_id: int
    kind: str
    payload: dict[str, Any]
    lease_token: str
    lease: timedelta = LEASE
    attempt: int = 1
    """This attempt's number, from 1; ``attempt >= max_attempts`` on the last one."""
    max_attempts: int = 5

    @property
    def last_attempt(self) -> bool:
        return self.attempt >= self.max_attempts

    def heartbeat(self, progress: dict[str, Any] | None = None) -> None:
        """Extend the lease (and record progress) during long work."""
        with self.garant.store.session() as session, session.begin():
            values: dict[str, Any] = {"leased_until": self.garant.clock.now() + self.lease}
            if progress is not None:
                values["progress"] = progress
            session.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.leased_by == self.lease_token)
                .values(**values)
            )


Handler = Callable[[JobContext], dict[str, Any] | None]


@dataclass
class JobRegistry:
    handlers: dict[str, Handler] = field(default_factory=dict)

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self.handlers:
            raise ConfigError(f"job kind {kind} is registered twice")
        self.handlers[kind] = handler

    def get(self, kind: str) -> Handler:
        try:
            return self.handlers[kind]
        except KeyError:
            raise ConfigError(f"no handler for job kind {kind}") from None


def enqueue(
    *,
    uow: UnitOfWork,
    kind: str,
    key: str,
    payload: dict[str, Any] | None = None,
    run_at: datetime | None = None,
    max_attempts: int = 5,
) -> Job:
    """Add a job once: a second enqueue with the same idempotency key returns the first."""
    existing = uow.session.scalar(select(Job).where(Job.idempotency_key == key))
    if existing is not None:
        return existing
    job = Job(
        kind=kind,
        idempotency_key=key,
        payload=payload or {},
        status="pending",
        run_at=run_at or uow.now(),
        attempts=0,
        max_attempts=max_attempts,
        created_at=uow.now(),
    )
    uow.session.add(job)
    uow.session.flush()
    if job.run_at <= uow.now():
        from garant.jobs.transport import wake_after_commit

        wake_after_commit(uow, job.id)
    return job


def _claimable(now: datetime) -> Any:
    return or_(
        and_(Job.status == "pending", Job.run_at <= now),
        and_(Job.status == "running", Job.leased_until < now),
    )


@dataclass(frozen=True)
class Claim:
    """What a worker knows of the job it leased, detached from any session."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    token: str


def claim_next(
    session: Session,
    *,
    now: datetime,
    kinds: list[str] | None = None,
    lease: timedelta = LEASE,
) -> Claim | None:
    """Lease the oldest due job; ``None`` when nothing is due.

    The session's transaction is finished on return, so that no lock is held while the
    handler runs (on SQLite any open transaction holds the database's write lock).
    """
    query = select(Job.id).where(_claimable(now)).order_by(Job.run_at, Job.id).limit(5)
    if kinds:
        query = query.where(Job.kind.in_(kinds))
    for job_id in session.scalars(query).all():
        claim = _take(session, job_id, now=now, lease=lease)
        if claim is not None:
            return claim
    session.rollback()
    return None


def claim_job(
    session: Session, job_id: int, *, now: datetime, lease: timedelta = LEASE
) -> Claim | None:
    """Lease this one job if it is due and nobody holds it; ``None`` otherwise.

    A wake-up message names a job; delivered twice (brokers deliver at least once), or
    after the job is done, it finds nothing to take, so the handler runs once.
    """
    return _take(session, job_id, now=now, lease=lease)


def _take(session: Session, job_id: int, *, now: datetime, lease: timedelta) -> Claim | None:
    """The conditional UPDATE that only one worker wins; commits when it does."""
    token = secrets.token_hex(8)
    taken = session.execute(
        update(Job)
        .where(Job.id == job_id, _claimable(now))
        .values(
            status="running",
            leased_by=token,
            leased_until=now + lease,
            attempts=Job.attempts + 1,
        )
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        session.rollback()
        return None
    job = session.get(Job, job_id)
    assert job is not None
    claim = Claim(job.id, job.kind, dict(job.payload), job.attempts, job.max_attempts, token)
    session.commit()
    return claim


def due_job_ids(session: Session, *, now: datetime, limit: int = 500) -> list[int]:
    """Jobs a worker could take now: due pending ones and those whose lease ran out."""
    query = select(Job.id).where(_claimable(now)).order_by(Job.run_at, Job.id).limit(limit)
    ids = list(session.scalars(query).all())
    session.rollback()
    return ids


def complete(
    session: Session, *, job_id: int, token: str, now: datetime, result: dict[str, Any] | None
) -> bool:
    """Mark done only if this worker still holds the lease: a job completes exactly once."""
    done = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.leased_by == token, Job.status == "running")
        .values(status="done", result=result, finished_at=now, leased_until=None, error=None)
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def fail(session: Session, *, claim: Claim, now: datetime, error: str) -> None:
    """Give the job back for a later attempt, or mark it failed after the last one."""
    last = claim.attempts >= claim.max_attempts
    delay = RETRY_DELAYS[min(claim.attempts - 1, len(RETRY_DELAYS) - 1)]
    session.execute(
        update(Job)
        .where(Job.id == claim.job_id, Job.leased_by == claim.token)
        .values(
            status="failed" if last else "pending",
            run_at=now + delay,
            error=error[:4000],
            leased_by=None,
            leased_until=None,
            finished_at=now if last else None,
        )
    )
