"""A withdrawal is honoured by every later check in every process within one second."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from garant.app import Garant
from garant.consent import service
from garant.consent.check import cache_for, may_use
from tests.conftest import REPO, write_workspace
from tests.consent.policy import POLICY

ANNE = ("email", "anne@example.org")


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_af_d7_withdrawal_seen_by_another_process_within_one_second(
    tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """AF-D7, AF-L2: process B caches "allowed"; process A withdraws; B refuses within 1 s."""
    root = write_workspace(tmp_path / "ws", policy=POLICY)
    url = (
        f"sqlite:///{tmp_path / 'shared.db'}"
        if backend == "sqlite"
        else str(request.getfixturevalue("pg_url"))
    )
    garant = Garant.open(root, database_url=url)  # the system clock: caches on here too
    try:
        with garant.unit_of_work() as uow:
            service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
        checker = subprocess.Popen(
            [
                sys.executable,
                str(Path(__file__).with_name("checker.py")),
                str(root),
                url,
                ANNE[1],
                "newsletter",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        try:
            assert checker.stdout is not None
            assert checker.stdout.readline().strip() == "ready"
            with garant.unit_of_work() as uow:  # warm this process's cache as well
                assert may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
            assert cache_for(garant) is not None
            with garant.unit_of_work() as uow:
                service.record(
                    uow=uow,
                    identity=ANNE,
                    purpose="newsletter",
                    given=False,
                    source="privacy_center",
                )
            committed = time.time()
            with garant.unit_of_work() as uow:  # this process: at once
                assert not may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
            line = checker.stdout.readline().split()
            checker.wait(timeout=20)
        finally:
            if checker.poll() is None:
                checker.kill()
            checker.wait(timeout=20)
            if checker.stdout is not None:
                checker.stdout.close()
        assert line[0] == "refused", line
        assert float(line[1]) - committed < 1.0
        assert line[2] in ("withdrawn", "suppressed")
    finally:
        garant.close()
