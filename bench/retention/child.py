"""One measured run in its own process (so that its peak memory is its own).

    python -m bench.retention.child garant|sql KIND URL WORKSPACE ROWS
Prints JSON: seconds, peak RSS in MiB, rows left.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

from bench.retention.data import CUTOFF, TODAY, held_emails
from sqlalchemy import bindparam, create_engine, text


def hand_sql(url: str, rows: int) -> None:
    """The same change written by hand: children of due, unheld people, then the people."""
    held = held_emails(rows)
    due = (
        "SELECT id FROM people WHERE collected_at IS NOT NULL AND collected_at <= :cutoff"
        " AND lower(email) NOT IN :held"
    )
    engine = create_engine(url)
    params = {"cutoff": CUTOFF, "held": held}
    with engine.begin() as conn:
        conn.execute(
            text(f"DELETE FROM orders WHERE person_id IN ({due})").bindparams(
                bindparam("held", expanding=True)
            ),
            params,
        )
        conn.execute(
            text(
                "DELETE FROM people WHERE collected_at IS NOT NULL AND collected_at <= :cutoff"
                " AND lower(email) NOT IN :held"
            ).bindparams(bindparam("held", expanding=True)),
            params,
        )
    engine.dispose()


def garant_run(url: str, workspace: Path) -> float:
    """Open the workspace, then time the sweep itself (what the worker runs daily), gated
    like ``garant retention run`` and the daily job: the approval and share checks count."""
    from garant.app import Garant
    from garant.retention import sweep

    os.environ["BENCH_CRM_URL"] = url
    garant = Garant.open(workspace, as_of=TODAY)
    profile_to = os.environ.get("GARANT_BENCH_PROFILE")  # a cProfile of the sweep alone
    try:
        if profile_to:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        record = sweep.run(garant, gated=True)
        seconds = time.perf_counter() - start
        if profile_to:
            profiler.disable()
            profiler.dump_stats(profile_to)
        if record.status != "done":
            raise SystemExit(f"sweep {record.status}: {record.counts.get('waiting')}")
        return seconds
    finally:
        garant.close()


def main() -> None:
    mode, kind, url, workspace, rows = sys.argv[1:6]
    start = time.perf_counter()
    if mode == "garant":
        seconds = garant_run(url, Path(workspace))
    else:
        hand_sql(url, int(rows))
        seconds = time.perf_counter() - start
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"mode": mode, "kind": kind, "seconds": seconds, "total": total, "peak_mib": peak}
        )
    )


if __name__ == "__main__":
    main()
