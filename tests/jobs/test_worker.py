"""The job table: idempotent enqueue, leases, retries, and a worker that dies mid-job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.clock import FixedClock
from garant.jobs import service
from garant.jobs.models import Job
from garant.jobs.service import JobContext, enqueue
from garant.jobs.worker import run_due, run_one

SCRIPT = Path(__file__).with_name("slow_worker.py")


def test_enqueue_is_idempotent_by_key(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        first = enqueue(uow=uow, kind="x", key="same", payload={"a": 1})
        second = enqueue(uow=uow, kind="x", key="same", payload={"a": 2})
        assert first.id == second.id
        assert uow.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_leased_job_is_not_taken_twice(garant: Garant) -> None:
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="x", key="one")
    now = garant.clock.now()
    with garant.store.session() as s1, garant.store.session() as s2:
        assert service.claim_next(s1, now=now) is not None
        assert service.claim_next(s2, now=now) is None
        assert service.claim_next(s2, now=now + timedelta(minutes=6)) is not None


def test_failures_retry_with_backoff_then_stop(garant: Garant) -> None:
    calls: list[int] = []

    def flaky(context: JobContext) -> dict[str, Any]:
        calls.append(context.job_id)
        raise ValueError("remote system down")

    garant.jobs.register("test.flaky", flaky)
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="test.flaky", key="f", max_attempts=2)
    assert run_one(garant) is False
    assert run_one(garant) is None  # not due again before its delay
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=2)
    assert run_one(garant) is False
    garant.clock.advance(hours=3)
    assert run_one(garant) is None
    with garant.unit_of_work() as uow:
        job = uow.session.scalars(select(Job)).one()
        assert (job.status, job.attempts, len(calls)) == ("failed", 2, 2)
        assert "remote system down" in (job.error or "")


def test_run_due_runs_schedulers_then_jobs(garant: Garant) -> None:
    done: list[str] = []
    garant.jobs.register("test.noted", lambda ctx: done.append(ctx.payload["n"]) or {})

    def schedule(g: Garant) -> None:
        with g.unit_of_work() as uow:
            enqueue(uow=uow, kind="test.noted", key="daily:1", payload={"n": "a"})

    garant.schedulers.append(schedule)
    assert run_due(garant).done >= 1
    assert run_due(garant).done == 0  # the same key is not scheduled twice
    assert done == ["a"]


def _spawn(garant: Garant, url: str, as_of: str, pause: float) -> subprocess.Popen[str]:
    env = dict(os.environ)
    return subprocess.Popen(
        [sys.executable, str(SCRIPT), str(garant.workspace), url, as_of, str(pause)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_a_job_whose_worker_dies_is_taken_up_after_its_lease_and_completes_once(
    garant: Garant,
) -> None:
    url = garant.store.url
    with garant.unit_of_work() as uow:
        job = enqueue(uow=uow, kind="test.slow", key="crash")
    now = garant.clock.now()

    doomed = _spawn(garant, url, now.isoformat(), pause=60)
    marker = garant.workspace / f"started-{job.id}"
    deadline = time.monotonic() + 30
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert marker.exists(), doomed.communicate(timeout=5)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate(timeout=10)

    early = _spawn(garant, url, (now + timedelta(minutes=1)).isoformat(), pause=0)
    assert "outcome None" in early.communicate(timeout=60)[0]  # still leased to the dead one

    late = _spawn(garant, url, (now + timedelta(minutes=6)).isoformat(), pause=0)
    out, err = late.communicate(timeout=60)
    assert "outcome True" in out, err
    with garant.unit_of_work() as uow:
        done = uow.session.get(Job, job.id)
        assert done is not None and (done.status, done.attempts) == ("done", 2)
        effects = uow.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "test.job_effect")
        )
        assert effects == 1


def test_run_here_runs_a_free_job_in_this_process(garant: Garant) -> None:
    """A command's "run it now": the job runs here and its result comes back."""
    from garant.jobs.worker import run_here

    garant.jobs.register("test.here", lambda context: {"ran": context.job_id})
    with garant.unit_of_work() as uow:
        job_id = enqueue(uow=uow, kind="test.here", key="h").id
    assert run_here(garant, job_id) == ("done", {"ran": job_id}, None)


def test_run_here_waits_for_the_worker_that_took_the_job_first(garant: Garant) -> None:
    """With a broker, a Celery worker may take the job before the command does: the command
    waits for that worker's outcome instead of reporting a job it did not run; if the
    worker does not finish in time, the command says the job is still running."""
    import threading

    from garant.jobs.worker import run_here

    with garant.unit_of_work() as uow:
        job_id = enqueue(uow=uow, kind="test.elsewhere", key="e").id
        late_id = enqueue(uow=uow, kind="test.elsewhere", key="late").id
    now = garant.clock.now()
    with garant.store.session() as session:
        claim = service.claim_job(session, job_id, now=now)
    with garant.store.session() as session:
        assert service.claim_job(session, late_id, now=now) is not None
    assert claim is not None

    def other_worker() -> None:
        time.sleep(0.5)
        with garant.store.session() as session, session.begin():
            service.complete(session, job_id=job_id, token=claim.token, now=now, result={"n": 1})

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert run_here(garant, job_id, wait=10, poll=0.05) == ("done", {"n": 1}, None)
    finally:
        thread.join()
    status, result, _ = run_here(garant, late_id, wait=0.3, poll=0.05)
    assert (status, result) == ("running", None), "never reported as finished"
