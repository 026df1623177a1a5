"""A sweep killed mid-run (SIGKILL) and run again completes the work, changing nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from garant.retention import sweep
from garant.retention.models import RetentionBatch
from tests.retention.conftest import School


def _subscribers(school: School, count: int) -> None:
    values = ", ".join(
        f"({i}, 's{i}@example.org', '2020-01-10', NULL)" for i in range(1, count + 1)
    )
    school.sql(f"INSERT INTO subscribers VALUES {values}")


def test_sweep_killed_mid_run_and_rerun_changes_nothing_twice(school: School) -> None:
    """AF-R2 enforced even across a crash: a killed sweep is completed by the next run."""
    _subscribers(school, 300)
    garant = school.open("2026-03-02")
    env = {**os.environ, "GARANT_DATABASE_URL": school.store_url}
    args = ["-m", "garant", "retention", "run", "--workspace", str(school.root)]
    proc = subprocess.Popen(
        [sys.executable, *args, "--as-of", "2026-03-02", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and done < 10:
        with garant.unit_of_work() as uow:
            done = uow.session.scalar(select(func.count()).select_from(RetentionBatch)) or 0
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    left = len(school.ids("subscribers"))
    assert 0 < left < 300, f"the kill should land mid-run ({left} left)"
    record = sweep.run(garant)
    assert school.ids("subscribers") == []
    with garant.unit_of_work() as uow:
        batches = list(uow.session.scalars(select(RetentionBatch)))
    applied = sum(b.applied or 0 for b in batches if b.status == "done")
    settled = [b for b in batches if b.status in ("recovered", "rolled_back")]
    recovered = sum(b.planned for b in settled if b.status == "recovered")
    assert applied + recovered == 300, "every row removed exactly once"
    assert all(b.status != "pending" for b in batches)
    assert record.counts["recovered"] == len(settled)
