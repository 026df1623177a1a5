"""Run the rights job in its own process, pausing inside the first step of a kind (crash test).

python slow_rights_worker.py WORKSPACE DATABASE_URL AS_OF MARKER [KIND]

KIND is ``erase`` (default) or ``archive`` (DEF-R3: bundles written, not yet recorded).
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
    kind = sys.argv[5] if len(sys.argv) > 5 else "erase"
    garant = Garant.open(
        Path(workspace), clock=FixedClock(datetime.fromisoformat(as_of)), database_url=url
    )
    step = execute.STEPS[kind]

    def slow_step(uow: Any, req: Any, place: str) -> dict[str, Any]:
        result = step(uow, req, place)  # the connected database or the archive is written...
        Path(marker).write_text(place)
        time.sleep(60)  # ...and the worker dies before Garant records the step as done
        return result

    execute.STEPS[kind] = slow_step
    print("outcome", run_one(garant, kinds=[execute.JOB]), flush=True)


if __name__ == "__main__":
    main()
