"""A sweep or an erasure that kills itself (SIGKILL, no clean-up) at a chosen point.

    python -m tests.safety.killer WORKSPACE DAY BATCH POINT
    python -m tests.safety.killer erasure WORKSPACE MOMENT REQUEST_ID N POINT

Sweep ``POINT``: ``before`` (between batches: the batch is not announced), ``inside``
(announced, its transaction in the connected database not committed), ``after``
(committed there, not closed in the store).

Erasure (``garant request run ID --now --as-of MOMENT``, the command staff type), killed
at the ``N``-th of: ``before`` (a step of the request's job about to start: the steps
before it recorded done), ``inside`` (a statement of a step executed in the connected
database, its transaction not committed; or an archive bundle written, not recorded),
``after`` (the step's change committed in the connected database, the step not recorded
done in the store). The safety test then resumes with an ordinary ``request run --now``
once the dead run's lease has run out.
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


def _die_after(n: int, wrapped: Any) -> Any:
    """``wrapped`` runs, then the process dies (its effect done, nothing after it)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        result = wrapped(*args, **kwargs)
        SEEN["n"] += 1
        if SEEN["n"] >= n:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

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


def erasure(workspace: str, moment: str, request_id: int, n: int, point: str) -> None:
    from garant.cli.main import build_app
    from garant.connectors.sql import SqlConnector
    from garant.retention import erasure as retention_erasure
    from garant.rights import execute

    if point == "before":
        execute._run_step = _die_at(n, execute._run_step)  # type: ignore[assignment]
    elif point == "inside":
        # the statements run inside a transaction the step commits after them
        SqlConnector.delete = _die_after(n, SqlConnector.delete)  # type: ignore[method-assign]
        SqlConnector.update = _die_after(n, SqlConnector.update)  # type: ignore[method-assign]
        retention_erasure.delete_rows = _die_after(n, retention_erasure.delete_rows)  # type: ignore[assignment]
        retention_erasure.write_archive = _die_after(n, retention_erasure.write_archive)  # type: ignore[assignment]
    else:
        for name, fn in list(execute.STEPS.items()):
            execute.STEPS[name] = _die_after(n, fn)
    args = ["request", "run", str(request_id), "--now", "--workspace", workspace]
    build_app()([*args, "--as-of", moment], standalone_mode=False)


if __name__ == "__main__":
    if sys.argv[1] == "erasure":
        erasure(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])
