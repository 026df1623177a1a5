"""A real Celery worker on a test workspace, with test handlers (run as a subprocess).

python celery_worker.py WORKSPACE POOL CONCURRENCY

The store is the one GARANT_DATABASE_URL names; PAUSE is how long ``test.slow`` sleeps.
Every wake-up message the worker handles adds a line ``job_id outcome`` to
``WORKSPACE/wakeups.log`` (outcome: True done, False failed, None nothing to take), so a
test can wait until every message it published was handled.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from celery.signals import task_postrun

from garant.app import Garant
from garant.jobs.celery_app import run_worker
from garant.jobs.service import JobContext


def main() -> None:
    workspace, pool, concurrency = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    garant = Garant.open(workspace)
    pause = float(os.environ.get("PAUSE", "0"))

    def counted(context: JobContext) -> dict[str, Any]:
        time.sleep(float(context.payload.get("seconds", 0)))
        with context.garant.unit_of_work() as uow:
            uow.audit("test.job_effect", "job", context.job_id)
        return {"ok": True}

    def slow(context: JobContext) -> dict[str, Any]:
        context.heartbeat({"pid": os.getpid()})
        (workspace / f"started-{context.job_id}-{os.getpid()}").write_text("started")
        time.sleep(pause)
        return counted(context)

    garant.jobs.register("test.counted", counted)
    garant.jobs.register("test.slow", slow)

    def noted(args: Any = None, retval: Any = None, **_: Any) -> None:
        with (workspace / "wakeups.log").open("a", encoding="utf-8") as log:
            log.write(f"{args[0]} {retval}\n")

    task_postrun.connect(noted, weak=False)
    sys.exit(run_worker(garant, pool=pool, concurrency=concurrency, loglevel="WARNING"))


if __name__ == "__main__":
    main()
