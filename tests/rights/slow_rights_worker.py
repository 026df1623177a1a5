"""Run the rights job in its own process, pausing inside the first erase step (crash test).

python slow_rights_worker.py WORKSPACE DATABASE_URL AS_OF MARKER
"""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from garant.app import Garant
from garant.clock import FixedClock
from garant.jobs.worker import run_one
from garant.rights import execute


def main() -> None:
    workspace, url, as_of, marker = sys.argv[1:5]
    garant = Garant.open(
        Path(workspace), clock=FixedClock(datetime.fromisoformat(as_of)), database_url=url
    )
    erase = execute.STEPS["erase"]

    def slow_erase(uow: Any, req: Any, place: str) -> dict[str, Any]:
        result = erase(uow, req, place)  # the connected database is changed and committed...
        Path(marker).write_text(place)
        time.sleep(60)  # ...and the worker dies before Garant records the step as done
        return result

    execute.STEPS["erase"] = slow_erase
    print("outcome", run_one(garant, kinds=[execute.JOB]), flush=True)


if __name__ == "__main__":
    main()
