"""The ``garant request``, ``garant erasure`` and ``garant directive`` commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.jobs.models import Job
from tests.rights.conftest import DATAMAP, POLICY, make_school_db, school_rows

AS_OF = "2026-03-02"


@pytest.fixture
def workspace(make_garant: Callable[..., Garant]) -> Path:
    garant = make_garant(policy=POLICY)
    (garant.workspace / "datamap.yaml").write_text(DATAMAP, encoding="utf-8")
    make_school_db(garant.workspace / "school.db")
    root: Path = garant.workspace
    garant.close()
    return root


def cli(workspace: Path, *args: str, as_of: str = AS_OF) -> Any:
    runner = CliRunner()
    result = runner.invoke(
        build_app(),
        [*args, "--workspace", str(workspace), "--as-of", as_of],
        catch_exceptions=False,
    )
    return result


def test_af_x1_letter_entered_by_staff_answered_from_the_cli(workspace: Path) -> None:
    """AF-X1: a letter with its received date, the right claimed and a reply address."""
    opened = cli(
        workspace,
        "request",
        "open",
        "--type",
        "access",
        "--identity",
        "email=ada@example.org",
        "--identity",
        "member_number=L-001",
        "--channel",
        "post",
        "--received",
        "2026-02-20",
        "--reply-address",
        "1 rue de Rivoli, Paris",
        "--letter",
        "scan-01.pdf",
        "--json",
    )
    assert opened.exit_code == 0, opened.output
    data = json.loads(opened.output)
    assert data["due_day"] == "2026-03-20" and data["status"] == "verified"
    rid = str(data["id"])
    assert cli(workspace, "request", "decide", rid, "--accept").exit_code == 0
    ran = cli(workspace, "request", "run", rid)
    assert ran.exit_code == 0 and "answered" in ran.output
    listed = json.loads(cli(workspace, "request", "list", "--json").output)
    assert [r["status"] for r in listed] == ["answered"]
    shown = cli(workspace, "request", "show", rid)
    assert "request.open" in shown.output and "request.answered" in shown.output
    letter = cli(workspace, "request", "letter", rid)
    assert "1 rue de Rivoli, Paris" in letter.output and "CNIL" in letter.output  # AF-D9
    assert "Notre réponse" in letter.output  # in the person's language (fr by default)
    assert cli(workspace, "request", "close", rid).exit_code == 0
    copy = cli(workspace, "request", "copy", rid, "--fee", "10", "--fee-reason", "third copy")
    assert copy.exit_code == 0, copy.output


def test_af_x2_extend_and_overdue_from_the_cli(workspace: Path) -> None:
    opened = cli(
        workspace,
        "request",
        "open",
        "--type",
        "erasure",
        "--identity",
        "email=ada@example.org",
        "--identity",
        "member_number=L-001",
        "--received",
        "2026-02-27",
        "--json",
    )
    rid = str(json.loads(opened.output)["id"])  # verified by the number: the clock runs
    extended = cli(workspace, "request", "extend", rid, "--reason", "Many systems to search")
    assert extended.exit_code == 0 and "2026-05-27" in extended.output
    again = cli(workspace, "request", "extend", rid, "--reason", "again")
    assert again.exit_code == 2 and "already extended" in again.output
    late = cli(workspace, "request", "list", "--overdue", "--json", as_of="2026-06-01")
    assert [r["id"] for r in json.loads(late.output)] == [int(rid)]


def test_bad_input_is_a_clear_error_not_a_traceback(workspace: Path) -> None:
    result = cli(workspace, "request", "open", "--type", "access", "--identity", "ada")
    assert result.exit_code == 2
    assert '"ada" is not KIND=VALUE' in result.output and "Traceback" not in result.output
    unknown = cli(workspace, "request", "show", "999")
    assert unknown.exit_code == 2 and "no request 999" in unknown.output
    wrong = cli(workspace, "request", "open", "--type", "teleport", "--identity", "email=a@b.fr")
    assert wrong.exit_code == 2 and "type" in wrong.output


def _erasure_accepted(workspace: Path) -> str:
    """Ada's erasure request, opened and accepted from the CLI (its id)."""
    opened = cli(
        workspace,
        "request",
        "open",
        "--type",
        "erasure",
        "--identity",
        "email=ada@example.org",
        "--identity",
        "member_number=L-001",
        "--json",
    )
    rid = str(json.loads(opened.output)["id"])
    assert cli(workspace, "request", "decide", rid, "--accept").exit_code == 0
    return rid


def test_erasure_and_replay_from_the_cli(workspace: Path) -> None:
    rid = _erasure_accepted(workspace)
    assert "answered" in cli(workspace, "request", "run", rid).output
    assert school_rows(workspace, "select count(*) from visits") == [(1,)]
    with __import__("sqlite3").connect(workspace / "school.db") as conn:
        conn.execute("insert into visits values (40, 1, '/courses', '2024-01-05', null)")
    replay = cli(workspace, "erasure", "replay", "--json")
    assert json.loads(replay.output)["school.visits"] == 1
    assert school_rows(workspace, "select count(*) from visits") == [(1,)]


def test_af_d8_directives_from_the_cli(workspace: Path) -> None:
    defined = cli(
        workspace,
        "directive",
        "define",
        "--identity",
        "email=ada@example.org",
        "--text",
        "Close everything",
        "--executor",
        "Charles",
        "--action",
        "erase",
    )
    assert defined.exit_code == 2 and "specific consent" in defined.output
    defined = cli(
        workspace,
        "directive",
        "define",
        "--identity",
        "email=ada@example.org",
        "--text",
        "Close everything",
        "--executor",
        "Charles",
        "--action",
        "erase",
        "--consent",
    )
    assert defined.exit_code == 0 and "directive 1 v1" in defined.output
    assert "v2" in cli(workspace, "directive", "modify", "1", "--text", "Erase it all").output
    death = cli(
        workspace, "directive", "death", "--identity", "email=ada@example.org", "--proof", "c-1"
    )
    assert death.exit_code == 0 and "post_mortem" in death.output
    late = cli(workspace, "directive", "revoke", "1")
    assert late.exit_code == 2 and "already applied" in late.output


def _erasure_queued(workspace: Path) -> tuple[str, int]:
    """An accepted erasure whose execution job is queued, not run (its id)."""
    rid = _erasure_accepted(workspace)
    assert cli(workspace, "request", "run", rid, "--queue").exit_code == 0
    garant = Garant.open(workspace, as_of=AS_OF)
    try:
        with garant.store.session() as session:
            job_id = session.scalar(
                select(Job.id).where(Job.idempotency_key == f"rights.execute:{rid}")
            )
    finally:
        garant.close()
    assert job_id is not None
    return rid, job_id


def _held_by_a_dead_worker(workspace: Path, job_id: int, until: datetime) -> None:
    """The job as a worker killed mid-run leaves it: running, leased until ``until``."""
    garant = Garant.open(workspace, as_of=AS_OF)
    try:
        with garant.store.session() as session, session.begin():
            session.execute(
                update(Job)
                .where(Job.id == job_id)
                .values(status="running", leased_by="dead", leased_until=until, attempts=1)
            )
    finally:
        garant.close()


def test_run_now_takes_over_a_job_whose_dead_holder_s_lease_ran_out(workspace: Path) -> None:
    """A worker killed mid-run: once its lease has run out, ``request run --now`` takes the
    job over at once (it used to wait a whole lease, then say "running" with exit 0)."""
    rid, job_id = _erasure_queued(workspace)
    _held_by_a_dead_worker(workspace, job_id, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    ran = cli(workspace, "request", "run", rid)
    assert ran.exit_code == 0, ran.output
    assert f"request {rid}: answered" in ran.output


def test_run_now_while_another_worker_holds_the_job_is_no_success(workspace: Path) -> None:
    """The job is held by another worker past the wait: nothing finished here, so the
    command exits 1 with one line saying until when, never "running" with exit 0."""
    rid, job_id = _erasure_queued(workspace)
    (workspace / "garant.toml").write_text(
        (workspace / "garant.toml").read_text() + "\n[worker]\nlease_seconds = 1\n"
    )
    _held_by_a_dead_worker(workspace, job_id, datetime(2026, 3, 2, 23, 0, tzinfo=UTC))
    ran = cli(workspace, "request", "run", rid)
    assert ran.exit_code == 1
    assert "still running in another worker, which holds it until 2026-03-03" in ran.output
    assert school_rows(workspace, "select count(*) from visits") != [(0,)]
