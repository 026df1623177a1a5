"""A sweep that kills itself (SIGKILL, no clean-up) at a chosen point of a chosen batch.

    python -m tests.safety.killer WORKSPACE DAY BATCH POINT

``POINT``: ``before`` (between batches: the batch is not announced), ``inside`` (announced,
its transaction in the connected database not committed), ``after`` (committed there,
not closed in the store). The safety test then resumes with an ordinary run.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

from garant.app import Garant
from garant.clock import FixedClock
from garant.retention import steps, sweep
from tests.retention.conftest import at

SEEN = {"n": 0}


def _die_at(batch: int, wrapped: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        SEEN["n"] += 1
        if SEEN["n"] >= batch:
            os.kill(os.getpid(), signal.SIGKILL)
        return wrapped(*args, **kwargs)

    return call


def main(workspace: str, day: str, batch: int, point: str) -> None:
    if point == "before":
        sweep.apply_batch = _die_at(batch, sweep.apply_batch)  # type: ignore[assignment]
    elif point == "inside":
        sweep.delete_rows = _die_at(batch, steps.delete_rows)  # type: ignore[assignment]
        sweep.anonymize_rows = _die_at(batch, steps.anonymize_rows)  # type: ignore[assignment]
    else:
        sweep._close = _die_at(batch, sweep._close)  # type: ignore[assignment]
    garant = Garant.open(workspace, clock=FixedClock(at(day)))
    sweep.run(garant)
    garant.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
