"""A failed job's record and log hold what failed, never a personal value (issue 15).

Real drivers put the values they were given in their errors: PostgreSQL's ``DETAIL:
Key (email)=(...)`` and ``Failing row contains (...)``, MariaDB's ``Duplicate entry
'...'``, SQLAlchemy's ``[parameters: ...]``. The worker keeps the statement's shape and
the driver's words with every literal blanked.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.jobs.errors import JobFailed, scrub
from garant.jobs.models import Job
from garant.jobs.service import JobContext, enqueue
from garant.jobs.worker import run_one

SECRET = "ada.lovelace@example.org"


@pytest.fixture(params=["sqlite", "postgres", "mariadb"])
def people_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'people.db'}"
    return str(request.getfixturevalue("pg_url" if request.param == "postgres" else "mariadb_url"))


def _refused_insert(url: str) -> None:
    """Two statements a database refuses with the values in its message."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("CREATE TABLE people (id INTEGER PRIMARY KEY, email VARCHAR(80) UNIQUE)")
            )
            conn.execute(text("INSERT INTO people VALUES (1, :e)"), {"e": SECRET})
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO people VALUES (2, :e)"), {"e": SECRET})
    finally:
        engine.dispose()


def test_driver_errors_are_recorded_and_logged_without_values(
    garant: Garant, people_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    def insert_twice(context: JobContext) -> dict[str, Any]:
        try:
            _refused_insert(people_url)
        except Exception as exc:
            raise JobFailed("step insert in crm.people failed") from exc
        return {}

    garant.jobs.register("test.insert", insert_twice)
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="test.insert", key="i")
    with caplog.at_level(logging.WARNING, logger="garant.worker"):
        assert run_one(garant) is False
    with garant.unit_of_work() as uow:
        job = uow.session.scalars(select(Job)).one()
    assert job.error is not None
    first, _, detail = job.error.partition("\n")
    assert first == "step insert in crm.people failed"
    assert "IntegrityError" in detail or "UniqueViolation" in detail, detail
    assert "INSERT INTO people" in detail  # the statement's shape, with placeholders
    assert SECRET not in job.error and "lovelace" not in job.error.lower()
    assert SECRET not in caplog.text and "step insert in crm.people failed" in caplog.text


@pytest.mark.parametrize(
    ("raw", "kept", "gone"),
    [
        (
            'duplicate key value violates unique constraint "people_email_key"\n'
            f"DETAIL:  Key (email)=({SECRET}) already exists.",
            'unique constraint "people_email_key"',
            SECRET,
        ),
        (
            'null value in column "name" of relation "people" violates not-null constraint\n'
            f"DETAIL:  Failing row contains (2, {SECRET}, null).",
            'column "name"',
            SECRET,
        ),
        (f"(1062, \"Duplicate entry '{SECRET}' for key 'email'\")", "Duplicate entry", SECRET),
        (
            f"UPDATE people SET email=? [parameters: ('{SECRET}', 2)]\n(Background on this "
            "error at: https://sqlalche.me/e/20/gkpj)",
            "UPDATE people SET email=?",
            SECRET,
        ),
    ],
)
def test_scrub_keeps_the_words_and_drops_the_values(raw: str, kept: str, gone: str) -> None:
    cleaned = scrub(raw)
    assert kept in cleaned and gone not in cleaned


def test_worker_once_only_runs_that_kind_and_schedules_nothing(garant: Garant) -> None:
    """``garant worker --once --only KIND`` retries one kind of job; the day's sweep and
    the other schedulers do not run (``--once`` alone runs them: docs/platform.md)."""
    ran: list[str] = []
    garant.jobs.register("test.mine", lambda ctx: ran.append("mine") or {})
    garant.jobs.register("test.other", lambda ctx: ran.append("other") or {})
    with garant.unit_of_work() as uow:
        enqueue(uow=uow, kind="test.mine", key="m")
        enqueue(uow=uow, kind="test.other", key="o")
    scheduled = len(garant.schedulers)
    from garant.jobs.worker import run_due

    summary = run_due(garant, kinds=["test.mine"])
    assert (summary.done, ran) == (1, ["mine"])
    with garant.unit_of_work() as uow:
        kinds = sorted(j.kind for j in uow.session.scalars(select(Job)))
    assert kinds == ["test.mine", "test.other"], "a scheduler ran"
    assert scheduled == len(garant.schedulers)


def test_worker_once_only_refuses_an_unknown_kind(garant: Garant) -> None:
    result = CliRunner().invoke(
        build_app(),
        ["worker", "--once", "--only", "rights.exec", "--workspace", str(garant.workspace)],
    )
    assert result.exit_code == 2
    assert "--only rights.exec: no such job kind" in result.output
    assert "rights.execute" in result.output
