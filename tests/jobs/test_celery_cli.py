"""`garant worker` and `garant celery-worker`, run as an operator runs them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest
from sqlalchemy import select

from garant.app import Garant
from garant.jobs.models import Job
from tests.jobs.conftest import Broker

GARANT = [sys.executable, "-m", "garant"]


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("GARANT_DATABASE_URL",)}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*GARANT, *args], capture_output=True, text=True, env=_env(), timeout=120)


def statuses(garant: Garant) -> dict[str, str]:
    with garant.unit_of_work(read_only=True) as uow:
        return {job.kind: job.status for job in uow.session.scalars(select(Job))}


def test_without_a_broker_garant_worker_once_runs_the_jobs_itself(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant()
    done = run("worker", "--once", "--workspace", str(garant.workspace))
    assert done.returncode == 0, done.stderr
    assert "job(s) done, 0 failed" in done.stdout
    assert statuses(garant) and set(statuses(garant).values()) == {"done"}


def test_celery_worker_runs_the_jobs_that_garant_worker_dispatches(
    make_garant: Callable[..., Garant], broker: Broker
) -> None:
    garant = make_garant()
    toml = garant.workspace / "garant.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + broker.toml())
    ws = str(garant.workspace)

    dispatched = run("worker", "--once", "--workspace", ws)
    assert dispatched.returncode == 0, dispatched.stderr
    assert set(statuses(garant).values()) == {"pending"}  # nothing ran in the dispatcher
    assert f"{len(statuses(garant))} due job(s) published to the broker" in dispatched.stdout

    log = garant.workspace / "celery-worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [*GARANT, "celery-worker", "--workspace", ws, "--pool", "solo"],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(),
        )
    try:
        deadline = time.monotonic() + 60
        while set(statuses(garant).values()) != {"done"}:
            if worker.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"jobs not done: {statuses(garant)}\n{log.read_text()[-3000:]}")
            time.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=15)
    assert "audit.seal" in statuses(garant)  # the engines' real handlers ran there


def test_transport_local_runs_jobs_here_even_with_a_broker_set(
    make_garant: Callable[..., Garant], broker: Broker
) -> None:
    garant = make_garant()
    toml = garant.workspace / "garant.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + broker.toml())
    done = run("worker", "--once", "--transport", "local", "--workspace", str(garant.workspace))
    assert done.returncode == 0, done.stderr
    assert set(statuses(garant).values()) == {"done"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["worker", "--once", "--transport", "carrier-pigeon"], "choose local or celery"),
        (["celery-worker"], "no broker configured: set GARANT_BROKER_URL"),
        (["worker", "--transport", "celery"], "no broker configured: set GARANT_BROKER_URL"),
        (["celery-worker", "--pool", "gevent"], "--pool gevent: choose prefork, threads, solo"),
    ],
)
def test_worker_commands_refuse_what_they_cannot_do_with_a_clear_message(
    make_garant: Callable[..., Garant], args: list[str], expected: str
) -> None:
    garant = make_garant()
    if "--pool" in args:
        toml = garant.workspace / "garant.toml"
        toml.write_text(toml.read_text() + '[worker]\nbroker_url = "redis://127.0.0.1:1/0"\n')
    refused = run(*args, "--workspace", str(garant.workspace))
    assert refused.returncode == 2
    assert expected in refused.stderr and "Traceback" not in refused.stderr
