"""A sweep killed mid-run (SIGKILL) and run again completes the work, changing nothing twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from garant.clock import FixedClock
from garant.jobs.models import Job
from garant.jobs.worker import run_due
from garant.retention import archive, sweep
from garant.retention.models import RetentionBatch, RetentionRun
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
    # The killed command's job keeps its lease for 5 minutes, then the worker takes it up.
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=6)
    run_due(garant)
    assert school.ids("subscribers") == []
    with garant.unit_of_work() as uow:
        jobs = uow.session.scalars(select(Job).where(Job.kind == "retention.sweep")).all()
        assert {j.status for j in jobs} == {"done"}
        killed = next(j for j in jobs if j.idempotency_key.startswith("retention.sweep:run:"))
        assert killed.attempts == 2, "the killed run's job was taken up again"
        record = uow.session.get(RetentionRun, killed.result["run"])
        assert record is not None
    with garant.unit_of_work() as uow:
        batches = list(uow.session.scalars(select(RetentionBatch)))
    applied = sum(b.applied or 0 for b in batches if b.status == "done")
    settled = [b for b in batches if b.status in ("recovered", "rolled_back")]
    recovered = sum(b.planned for b in settled if b.status == "recovered")
    assert applied + recovered == 300, "every row removed exactly once"
    assert all(b.status != "pending" for b in batches)
    assert record.counts["recovered"] == len(settled)


def test_def_r5_archive_killed_mid_run_registers_every_bundle_once(school: School) -> None:
    """DEF-R5 across a crash: every archived row is in exactly one verified bundle."""
    values = ", ".join(
        f"({i}, 'C-{i}', 'c{i}@example.org', 'Client {i}', 100, '2020-01-10')"
        for i in range(1, 201)
    )
    school.sql(f"INSERT INTO contracts VALUES {values}")
    garant = school.open("2024-03-02")
    env = {**os.environ, "GARANT_DATABASE_URL": school.store_url}
    args = ["-m", "garant", "retention", "run", "--workspace", str(school.root)]
    proc = subprocess.Popen(
        [sys.executable, *args, "--as-of", "2024-03-02", "--json"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    started = 0
    while time.monotonic() < deadline and started < 8:
        with garant.unit_of_work() as uow:
            started = uow.session.scalar(select(func.count()).select_from(RetentionBatch)) or 0
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < len(school.ids("contracts")) < 200
    sweep.run(garant)
    assert school.ids("contracts") == []
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    assert sum(b.row_count for b in bundles) == 200
    assert all(archive.verify_bundle(garant, b) == [] for b in bundles)
    files = list(archive.archive_dir(garant).glob("*.bundle"))
    assert len(files) == len(bundles), "no orphan bundle left on the medium"
