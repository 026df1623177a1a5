"""Run one worker pass in its own process, with a test handler (for the crash test).

python slow_worker.py WORKSPACE DATABASE_URL AS_OF SLEEP_SECONDS
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from garant.app import Garant
from garant.clock import FixedClock
from garant.jobs.service import JobContext
from garant.jobs.worker import run_one


def main() -> None:
    workspace, url, as_of, pause = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    garant = Garant.open(
        Path(workspace), clock=FixedClock(datetime.fromisoformat(as_of)), database_url=url
    )

    def slow(context: JobContext) -> dict[str, Any]:
        (Path(workspace) / f"started-{context.job_id}").write_text("started")
        time.sleep(pause)
        with context.garant.unit_of_work() as uow:
            uow.audit("test.job_effect", "job", context.job_id)
        return {"ok": True}

    garant.jobs.register("test.slow", slow)
    print("outcome", run_one(garant), flush=True)


if __name__ == "__main__":
    main()
