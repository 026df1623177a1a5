"""The Celery side of the transport: one app per Garant, one task, the worker's start.

The broker carries only "job N is due". The task takes that job through the same
conditional claim as the in-process worker, so a message delivered twice, or one for a
job already taken or done, runs nothing. Messages are acknowledged on receipt: a worker
that dies mid-job leaves its lease to run out, and the dispatcher publishes the job again
(the lease, not the broker, is what brings work back).
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

from celery import Celery
from celery.signals import worker_process_init

from garant.errors import ConfigError, InvalidInput
from garant.jobs import worker

if TYPE_CHECKING:
    from garant.app import Garant

TASK = "garant.run_job"
POOLS = ("prefork", "threads", "solo")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_APP = "garant.jobs.celery"
log = logging.getLogger("garant.jobs.celery")


def celery_app(garant: Garant) -> Any:
    """This Garant's Celery app (built once), or a ConfigError when no broker is set."""
    app = garant.extensions.get(_APP)
    if app is not None:
        return app
    url = garant.settings.worker.resolved_broker_url()
    if url is None:
        raise ConfigError(
            f"no broker configured: set {garant.settings.worker.broker_url_env} "
            "(redis://... or amqp://...) or [worker] broker_url in garant.toml"
        )
    app = Celery("garant", broker=url, set_as_current=False)
    app.conf.update(
        task_default_queue=garant.settings.worker.queue,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_acks_late=False,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        broker_connection_retry_on_startup=True,
        broker_connection_timeout=3,
        # Publishing happens inside a request or a commit hook: fail fast, the dispatcher
        # publishes the job again later.
        task_publish_retry_policy={
            "max_retries": 2,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
    )

    def run_job(job_id: int) -> bool | None:
        return worker.run_job(garant, int(job_id))

    # shared=False: a shared task would be bound into every later Celery app (of another
    # Garant opened in the same process) and run its jobs on this Garant.
    app.task(name=TASK, ignore_result=True, shared=False)(run_job)
    garant.extensions[_APP] = app
    return app


def close(garant: Garant) -> None:
    """Release the broker connections of this Garant's Celery app, if it has one."""
    app = garant.extensions.pop(_APP, None)
    if app is not None:
        app.close()


def send_wakeups(garant: Garant, job_ids: list[int]) -> None:
    """Publish one message per job on one connection; raises when the broker is down."""
    app = celery_app(garant)
    queue = garant.settings.worker.queue
    with app.producer_or_acquire() as producer:
        for job_id in job_ids:
            app.send_task(TASK, args=[job_id], queue=queue, producer=producer)


def run_worker(
    garant: Garant,
    *,
    pool: str = "prefork",
    concurrency: int | None = None,
    loglevel: str = "INFO",
    hostname: str | None = None,
) -> int:
    """Run a Celery worker for this workspace's queue until it is stopped."""
    if pool not in POOLS:
        raise InvalidInput(f"--pool {pool}: choose {', '.join(POOLS)}")
    if loglevel.upper() not in LOG_LEVELS:
        raise InvalidInput(f"--loglevel {loglevel}: choose {', '.join(LOG_LEVELS)}")
    if concurrency is not None and concurrency < 1:
        raise InvalidInput(f"--concurrency {concurrency}: at least 1")
    app = celery_app(garant)
    argv = [
        "worker",
        f"--pool={pool}",
        f"--loglevel={loglevel.upper()}",
        f"--queues={garant.settings.worker.queue}",
        f"--hostname={hostname or f'garant-{os.getpid()}@%h'}",
        "--without-gossip",
        "--without-mingle",
    ]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")

    def after_fork(**_: Any) -> None:
        # A forked child must not share the parent's database connections.
        garant.store.engine.dispose(close=False)

    worker_process_init.connect(after_fork, weak=False)
    log.info("Celery worker on queue %s, pool %s", garant.settings.worker.queue, pool)
    return int(app.start(argv=argv) or 0)
