"""Killed at random points (``kill -9`` of a subprocess), a resumed sweep ends in the same
state as an uninterrupted one: the same live rows, the same archived rows, no batch left
pending, nothing changed twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

import garant
from garant.retention import archive, sweep
from garant.retention.models import RetentionBatch
from tests.conftest import REPO
from tests.safety.checker import Snapshot, snapshot
from tests.safety.conftest import Lab, examples
from tests.safety.world import TODAY, World, worlds

SOURCES = os.pathsep.join([str(Path(garant.__file__).resolve().parents[1]), str(REPO)])
"""The killed process imports the very ``garant`` this test runs (not whichever checkout an
installed package points at), and this repository's ``tests``."""


def _archived(lab: Lab) -> list[tuple[str, str]]:
    garant = lab.garant
    assert garant is not None
    with garant.unit_of_work() as uow:
        bundles = archive.list_bundles(uow=uow)
    rows = [
        (b.collection, repr(sorted(r.items())))
        for b in bundles
        for r in archive._decrypt(garant, b.id)
    ]
    return sorted(rows)


def _whole(lab: Lab, world: World) -> tuple[Snapshot, list[tuple[str, str]]]:
    garant = lab.open(world)
    lab.place_holds(world)
    sweep.run(garant)
    return snapshot(world, lab.engine), _archived(lab)


def _killed(lab: Lab, world: World, batch: int, point: str) -> tuple[Snapshot, list[Any], int]:
    lab.open(world)
    lab.place_holds(world)
    assert lab.garant is not None
    workspace = str(lab.garant.workspace)
    lab.garant.close()
    lab.garant = None
    env = {**os.environ, "PYTHONPATH": SOURCES}
    args = [sys.executable, "-m", "tests.safety.killer", workspace, TODAY.isoformat()]
    done = subprocess.run(
        [*args, str(batch), point], env=env, cwd=REPO, capture_output=True, timeout=120
    )
    assert done.returncode in (0, -9), done.stderr.decode()[-2000:]
    garant = lab.reopen()
    sweep.run(garant)
    with garant.unit_of_work() as uow:
        pending = uow.session.scalars(
            select(RetentionBatch).where(RetentionBatch.status == "pending")
        ).all()
    return snapshot(world, lab.engine), _archived(lab), len(pending)


KILL_EXAMPLES = {"sqlite": 2, "postgresql": 1, "mysql": 1}


def test_killed_sweep_resumes_to_the_uninterrupted_state(lab: Lab) -> None:
    @examples(lab, KILL_EXAMPLES)
    @given(
        world=worlds(),
        batch=st.integers(1, 6),
        point=st.sampled_from(["before", "inside", "after"]),
    )
    def killed_world(world: World, batch: int, point: str) -> None:
        whole, bundles = _whole(lab, world)
        resumed, resumed_bundles, pending = _killed(lab, world, batch, point)
        assert pending == 0, "a batch left pending after the resume"
        assert resumed == whole, f"killed at batch {batch} ({point}): state differs"
        assert resumed_bundles == bundles, f"killed at batch {batch} ({point}): archive differs"

    killed_world()
