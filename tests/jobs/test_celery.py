"""Celery as a transport over the job table, on real Redis and RabbitMQ brokers.

The broker only says "job N is due"; the table's claim decides who runs it. Workers are
real ``celery worker`` processes started from ``celery_worker.py``.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.clock import FixedClock, SystemClock
from garant.jobs.celery_app import close, send_wakeups
from garant.jobs.models import Job
from garant.jobs.service import JobContext, enqueue
from garant.jobs.transport import Dispatcher, broker_configured, publish
from garant.jobs.worker import run_due
from garant.settings import load_settings
from tests.jobs.conftest import Broker

SCRIPT = Path(__file__).with_name("celery_worker.py")
DEADLINE = 60.0


def use_broker(garant: Garant, broker: Broker, *, lease_seconds: int = 300) -> None:
    """Point the workspace (its garant.toml, read by the workers too) at the broker."""
    toml = garant.workspace / "garant.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + broker.toml(lease_seconds=lease_seconds))
    garant.settings = load_settings(garant.workspace)


@pytest.fixture
def brokered(garant: Garant, broker: Broker) -> Iterator[Garant]:
    use_broker(garant, broker, lease_seconds=3)
    yield garant
    close(garant)


@contextmanager
def celery_worker(
    garant: Garant, *, pool: str = "solo", concurrency: int = 1, pause: float = 0
) -> Iterator[subprocess.Popen[bytes]]:
    """A real Celery worker process on the garant's workspace and store; stopped after."""
    log = garant.workspace / f"worker-{time.monotonic_ns()}.log"
    env = {**os.environ, "GARANT_DATABASE_URL": garant.store.url, "PAUSE": str(pause)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(garant.workspace), pool, str(concurrency)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
        )
    process.log = log  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def wait_until(
    ready: Callable[[], bool], what: str, worker: subprocess.Popen[bytes] | None = None
) -> None:
    """Poll until ``ready()``; fail with the worker's output at the deadline or its death."""
    deadline = time.monotonic() + DEADLINE
    while not ready():
        died = worker is not None and worker.poll() is not None
        if died or time.monotonic() > deadline:
            output = worker.log.read_text()[-3000:] if worker is not None else ""  # type: ignore[attr-defined]
            pytest.fail(f"{'worker died' if died else 'timed out'} waiting for {what}\n{output}")
        time.sleep(0.05)


def wakeups(garant: Garant, job_id: int) -> list[str]:
    """Outcomes of the wake-ups the workers handled for this job (see celery_worker.py)."""
    log = garant.workspace / "wakeups.log"
    lines = log.read_text().splitlines() if log.exists() else []
    return sorted(line.split()[1] for line in lines if line.split()[0] == str(job_id))


def job_row(garant: Garant, job_id: int) -> Job:
    with garant.unit_of_work(read_only=True) as uow:
        job = uow.session.get(Job, job_id)
        assert job is not None
        return job


def effects(garant: Garant) -> int:
    with garant.unit_of_work(read_only=True) as uow:
        return int(
            uow.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "test.job_effect")
            )
            or 0
        )


def test_a_job_enqueued_with_a_broker_runs_once_on_a_celery_worker_though_woken_thrice(
    brokered: Garant,
) -> None:
    """Brokers deliver at least once: the claim, not the message, decides who runs a job."""
    garant = brokered
    with celery_worker(garant, pool="threads", concurrency=2) as worker:
        with garant.unit_of_work() as uow:  # its wake-up is published on commit
            job = enqueue(uow=uow, kind="test.counted", key="twice", payload={"seconds": 0.5})
        assert publish(garant, [job.id])  # the same message again, while the job runs
        wait_until(lambda: job_row(garant, job.id).status == "done", "the job", worker)
        assert publish(garant, [job.id])  # and once more after it is done
        wait_until(lambda: len(wakeups(garant, job.id)) == 3, "three wake-ups", worker)

    assert wakeups(garant, job.id) == ["None", "None", "True"]
    done = job_row(garant, job.id)
    assert (done.status, done.attempts, done.result) == ("done", 1, {"ok": True})
    assert effects(garant) == 1


def test_a_wakeup_is_published_after_commit_never_before_nor_for_a_rolled_back_job(
    brokered: Garant, broker: Broker
) -> None:
    garant = brokered
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="test.counted", key="committed")
        assert broker.waiting() == 0  # a worker must not hear of a job it cannot see
    wait_until(lambda: broker.waiting() == 1, "the committed job's wake-up")

    with pytest.raises(RuntimeError), garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="test.counted", key="rolled-back")
        raise RuntimeError("the caller's transaction fails")
    send_wakeups(garant, [999_999])  # a marker published after the rollback
    wait_until(lambda: broker.waiting() >= 2, "the marker")
    assert broker.waiting() == 2
    with garant.unit_of_work(read_only=True) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Job)) == 1


def test_a_job_due_later_is_not_woken_at_enqueue_but_by_the_dispatcher_when_due(
    brokered: Garant, broker: Broker
) -> None:
    garant = brokered
    garant.schedulers.clear()  # only this test's job in the table
    with garant.unit_of_work() as uow:
        job = enqueue(
            uow=uow, kind="test.counted", key="later", run_at=uow.now() + timedelta(hours=1)
        )
    dispatcher = Dispatcher(garant)
    assert dispatcher.dispatch() == 0 and broker.waiting() == 0
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(hours=2)
    assert dispatcher.dispatch() == 1
    assert dispatcher.dispatch() == 0  # already sent, within its lease
    wait_until(lambda: broker.waiting() == 1, "the dispatched wake-up")
    assert job_row(garant, job.id).status == "pending"


def test_a_celery_worker_killed_mid_job_is_replaced_after_the_lease_and_the_job_completes_once(
    brokered: Garant,
) -> None:
    garant = brokered
    garant.schedulers.clear()  # the dispatcher publishes only this test's job
    garant.clock = SystemClock()  # leases run on the workers' real clock
    with garant.unit_of_work() as uow:
        job = enqueue(uow=uow, kind="test.slow", key="killed")

    with celery_worker(garant, pause=60) as doomed:
        wait_until(
            lambda: bool(list(garant.workspace.glob(f"started-{job.id}-*"))), "start", doomed
        )
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=10)
    first = job_row(garant, job.id)
    assert (first.status, first.attempts) == ("running", 1) and first.leased_until is not None
    assert first.progress == {"pid": doomed.pid}  # its heartbeat reached the table
    lease_end: datetime = first.leased_until

    dispatcher = Dispatcher(garant)
    published_early = dispatcher.dispatch()
    assert published_early == 0 or garant.clock.now() >= lease_end  # still leased: not due
    with celery_worker(garant, pause=0) as replacement:

        def done() -> bool:
            dispatcher.dispatch()
            return job_row(garant, job.id).status == "done"

        wait_until(done, "the job, taken up again after its lease", replacement)

    again = job_row(garant, job.id)
    assert (again.status, again.attempts) == ("done", 2)
    assert again.finished_at is not None and again.finished_at >= lease_end
    assert effects(garant) == 1  # the killed run never got to its effect; the second did once
    assert len(list(garant.workspace.glob(f"started-{job.id}-*"))) == 2  # two processes


def test_a_wakeup_the_broker_refuses_is_logged_and_the_job_stays_for_the_dispatcher(
    garant: Garant, caplog: pytest.LogCaptureFixture
) -> None:
    garant.settings.worker.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        begun = time.monotonic()
        with caplog.at_level(logging.WARNING, "garant.jobs.transport"):
            with garant.unit_of_work() as uow:
                job = enqueue(uow=uow, kind="test.counted", key="unpublished")
            assert Dispatcher(garant).dispatch() == 0
        assert time.monotonic() - begun < 20  # publishing gives up quickly
    finally:
        close(garant)
    messages = [r.getMessage() for r in caplog.records if r.name == "garant.jobs.transport"]
    assert messages and f"job(s) {job.id}: wake-up not published" in messages[0]
    assert "dispatcher" in messages[0]
    assert job_row(garant, job.id).status == "pending"


def test_without_a_broker_nothing_is_published_and_the_worker_runs_jobs_in_process(
    garant: Garant,
) -> None:
    ran: list[int] = []
    garant.jobs.register("test.local", lambda context: ran.append(context.job_id) or {})
    assert not broker_configured(garant)
    with garant.unit_of_work() as uow:
        job = enqueue(uow=uow, kind="test.local", key="local")
    assert "garant.jobs.celery" not in garant.extensions  # no Celery app was even built
    assert run_due(garant).done >= 1
    assert ran == [job.id] and job_row(garant, job.id).status == "done"


def test_a_failing_job_on_a_celery_worker_is_retried_after_its_delay_then_stops(
    brokered: Garant,
) -> None:
    """The same retry rules as in process: a delay after each failure, then failed."""
    from celery.contrib.testing.worker import start_worker

    from garant.jobs.celery_app import celery_app

    garant = brokered  # the worker runs in a thread of this process, on the same clock
    garant.schedulers.clear()
    assert isinstance(garant.clock, FixedClock)
    calls: list[int] = []

    def flaky(context: JobContext) -> dict[str, Any]:
        calls.append(context.job_id)
        raise ValueError("remote system down")

    garant.jobs.register("test.flaky", flaky)
    dispatcher = Dispatcher(garant)
    app = celery_app(garant)
    app.conf.broker_heartbeat = 0  # else a threaded worker on AMQP takes 9 s to stop
    with start_worker(app, pool="solo", perform_ping_check=False):
        with garant.unit_of_work() as uow:
            job = enqueue(uow=uow, kind="test.flaky", key="flaky", max_attempts=2)
        wait_until(lambda: job_row(garant, job.id).attempts == 1 and len(calls) == 1, "try 1")
        wait_until(lambda: job_row(garant, job.id).status == "pending", "its retry")
        assert dispatcher.dispatch() == 0  # not due again before its delay
        garant.clock.advance(minutes=2)
        assert dispatcher.dispatch() == 1
        wait_until(lambda: job_row(garant, job.id).status == "failed", "the last attempt")
        garant.clock.advance(hours=3)
        assert dispatcher.dispatch() == 0  # failed for good: nothing left to publish

    failed = job_row(garant, job.id)
    assert (failed.attempts, len(calls)) == (2, 2)
    assert "remote system down" in (failed.error or "")
