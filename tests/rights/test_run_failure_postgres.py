"""``garant request run --now`` when a step fails on PostgreSQL (issue 15): exit 1, one
scrubbed line, and no personal value on the terminal nor in ``jobs.error``.

PostgreSQL's own message is the risk here: a CHECK constraint the erasure's new value
breaks is reported with ``DETAIL: Failing row contains (...)``, the whole row, the
person's email and names included. A database that stops answering in the middle is the
other failure staff meet: the same one line, and the run resumes once it is back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

from garant.app import Garant
from tests.rights import shapes
from tests.rights.test_execution_shapes import _erasure_for, _jobs, _workspace, cli

SECRETS = (shapes.ADA, "Lovelace", "Ada", shapes.ADA_PHONE, "Countess")


def _no_secret(output: str, error: str | None) -> None:
    for secret in SECRETS:
        assert secret not in output, f"{secret!r} on the terminal"
        assert secret not in (error or ""), f"{secret!r} in jobs.error"


def _one_error_line(output: str, request_id: int) -> None:
    errors = [line for line in output.strip().splitlines() if line.startswith("error:")]
    assert len(errors) == 1, output
    assert errors[0].startswith(f"error: request {request_id}: step erase in shop.customer failed")
    assert "Traceback" not in output


def test_a_check_constraint_failing_row_is_not_printed(
    make_garant: Callable[..., Garant], pg_url: str
) -> None:
    """The pseudonym the draft proposes for ``first_name`` breaks a CHECK constraint:
    PostgreSQL's DETAIL names the whole row; Garant prints and stores neither of its
    values, exits 1, and the same job runs at once once the constraint is fixed."""
    shapes.build(pg_url)
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(
            text("ALTER TABLE customer ADD CONSTRAINT no_anon CHECK (first_name NOT LIKE 'anon-%')")
        )
    workspace = _workspace(make_garant, pg_url)
    request_id = _erasure_for(workspace, shapes.ADA)
    ran = cli(workspace, "request", "run", str(request_id), "--now", "--verbose")
    assert ran.exit_code == 1, ran.output
    _one_error_line(ran.output, request_id)
    assert "next attempt at" in ran.output
    job = next(j for j in _jobs(workspace) if j.kind == "rights.execute")
    assert job.status == "pending" and job.error
    _no_secret(ran.output, job.error)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE customer DROP CONSTRAINT no_anon"))
    engine.dispose()
    again = cli(workspace, "request", "run", str(request_id), "--now")
    assert again.exit_code == 0, again.output
    assert f"request {request_id}: answered" in again.output
    assert shapes.rows(pg_url, "SELECT email FROM customer WHERE customer_id = 1") == [(None,)]


def test_an_unreachable_database_is_refused_in_one_line_then_the_run_resumes(
    make_garant: Callable[..., Garant], pg_url: str, tmp_path: Path
) -> None:
    """The connected database refuses connections when the run is asked for (its URL
    points at a closed port): refused before anything starts (exit 2), in one line naming
    the system; back, the run completes."""
    shapes.build(pg_url)
    workspace = _workspace(make_garant, pg_url)
    request_id = _erasure_for(workspace, shapes.ADA)
    path = workspace / "datamap.yaml"
    good = path.read_text(encoding="utf-8")
    host = pg_url.split("@", 1)[1].split("/", 1)[0]
    path.write_text(good.replace(host, "127.0.0.1:9"), encoding="utf-8")
    ran = cli(workspace, "request", "run", str(request_id), "--now")
    assert ran.exit_code == 2, ran.output
    assert ran.output.strip().splitlines() == [ran.output.strip()], ran.output
    assert ran.output.startswith("error: shop: unreachable, nothing was changed:"), ran.output
    jobs = [j for j in _jobs(workspace) if j.kind == "rights.execute"]
    _no_secret(ran.output, jobs[0].error if jobs else None)
    path.write_text(good, encoding="utf-8")
    again = cli(workspace, "request", "run", str(request_id), "--now")
    assert again.exit_code == 0, again.output
    assert f"request {request_id}: answered" in again.output
