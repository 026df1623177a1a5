"""The commands, including a sweep killed mid-run and re-run, and a tampered archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from garant.accounts.service import add_user
from garant.cli.main import build_app
from garant.retention.archive import archive_dir
from garant.retention.wiring import attention
from tests.retention.conftest import School

runner = CliRunner()


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The commands run in this process and keep their Garant open: SQLite only here; the
    domain under them is tested on both backends, and the crash test runs both."""
    return f"sqlite:///{tmp_path / 'store.db'}"


def cli(school: School, *args: str, approved: bool = True) -> tuple[int, str]:
    """Run a command; ``approved``: the DPO has approved a forecast before a sweep."""
    if approved and args[:2] == ("retention", "run"):
        school.open("2026-03-02")
    env = {"GARANT_DATABASE_URL": school.store_url}
    result = runner.invoke(build_app(), [*args, "--workspace", str(school.root)], env=env)
    return result.exit_code, result.output


def _subscribers(school: School, count: int) -> None:
    values = ", ".join(
        f"({i}, 's{i}@example.org', '2020-01-10', NULL)" for i in range(1, count + 1)
    )
    school.sql(f"INSERT INTO subscribers VALUES {values}")


def test_plan_and_run_json_and_dry_run(school: School) -> None:
    _subscribers(school, 3)
    code, out = cli(school, "retention", "plan", "--as-of", "2026-03-02", "--json")
    assert code == 0, out
    rows = {(r["collection"], r["action"]): r for r in json.loads(out)}
    assert rows[("school.subscribers", "delete")]["due_now"] == 3
    code, out = cli(school, "retention", "plan", "--as-of", "2022-12-01", "--horizon", "90d")
    assert code == 0 and "due now" in out
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02", "--dry-run", "--json")
    assert json.loads(out)["counts"]["collections"]["school.subscribers"]["delete"] == 3
    assert len(school.ids("subscribers")) == 3
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02")
    assert code == 0 and "school.subscribers: delete 3" in out
    assert school.ids("subscribers") == []


def test_bad_horizon_and_bad_hold_are_clear_errors(school: School) -> None:
    code, out = cli(school, "retention", "plan", "--horizon", "soon")
    assert code == 2 and "is not a duration" in out and "Traceback" not in out
    code, out = cli(school, "hold", "add", "--identity", "nobody", "--reason", "x")
    assert code == 2 and "KIND=VALUE" in out


def test_def_r4_hold_commands(school: School) -> None:
    code, out = cli(school, "hold", "add", "--identity", "email=a@b.fr", "--reason", "lawsuit")
    assert code == 0, out
    code, out = cli(school, "hold", "list", "--json")
    (hold,) = json.loads(out)
    assert hold["reason"] == "lawsuit" and "a@b.fr" not in out
    code, out = cli(school, "hold", "add", "--collection", "school.contracts", "--reason", "audit")
    assert code == 0
    code, out = cli(school, "hold", "release", str(hold["id"]))
    assert code == 0
    code, out = cli(school, "hold", "list", "--json")
    assert [h["scope"] for h in json.loads(out)] == ["collection"]


def _archived(school: School) -> str:
    school.sql(
        "INSERT INTO contracts VALUES (1, 'C-1', 'c@example.org', 'Cara', 5000, '2020-01-10')"
    )
    code, out = cli(school, "retention", "run", "--as-of", "2024-03-02")
    assert code == 0, out
    code, out = cli(school, "archive", "list", "--json")
    (bundle,) = json.loads(out)
    return str(bundle["id"])


def test_def_r5_tampered_bundle_fails_verify(school: School) -> None:
    """DEF-R5: every hash is checked; a changed byte is reported and exits 1."""
    bid = _archived(school)
    code, out = cli(school, "archive", "verify")
    assert code == 0 and "0 problems" in out
    school.open("2024-03-02")
    assert school.garant is not None
    path = archive_dir(school.garant) / f"{bid}.bundle"
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF
    path.write_bytes(bytes(data))
    code, out = cli(school, "archive", "verify")
    assert code == 1 and "does not match its hash" in " ".join(out.split())


def test_def_r5_restore_needs_archivist_and_reason(school: School, tmp_path: Path) -> None:
    bid = _archived(school)
    garant = school.open("2024-03-02")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@example.org", role="dpo", password="x" * 16)
        add_user(uow=uow, email="arch@example.org", role="archivist", password="x" * 16)
    out_file = tmp_path / "rows.json"
    code, out = cli(
        school,
        "archive",
        "restore",
        bid,
        "--reason",
        "court",
        "--out",
        str(out_file),
        "--actor",
        "dpo@example.org",
    )
    assert code == 2 and "archivist" in out and not out_file.exists()
    code, out = cli(
        school,
        "archive",
        "restore",
        bid,
        "--reason",
        "court order 12",
        "--out",
        str(out_file),
        "--actor",
        "arch@example.org",
    )
    assert code == 0, out
    rows = json.loads(out_file.read_text())
    (row,) = rows
    assert sorted(row) == ["amount", "executed_on", "id", "reference"], "only the duty's fields"
    assert (row["reference"], float(row["amount"]), row["executed_on"]) == (
        "C-1",
        5000,
        "2020-01-10",
    )
    from garant.audit.service import recent_events

    with garant.unit_of_work() as uow:
        (event,) = recent_events(uow.session, action="archive.restore")
    assert event["actor"] == "cli:arch@example.org"
    code, out = cli(school, "archive", "destroy", bid)
    assert code == 2 and "cannot be destroyed before" in " ".join(out.split())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_summary_templates_render(school: School, lang: str) -> None:
    garant = school.open("2026-03-02")
    mail = garant.mail_templates.render(
        "retention_summary",
        lang,
        {"day": "2026-03-02", "run": 1, "lines": ["a: delete 2"], "destroyed": 0, "recovered": 0},
    )
    day = {"fr": "2 mars 2026", "en": "2 March 2026"}[lang]  # the day in words, not ISO
    assert day in mail.subject and "a: delete 2" in mail.text


def test_new_workspace_sweep_waits_for_approval_then_runs(school: School) -> None:
    """No surprise destruction: a workspace never approved sweeps nothing and says how to
    go on (exit 1, one line); once the DPO approves the forecast, the sweep runs."""
    _subscribers(school, 3)
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02", approved=False)
    assert code == 1
    assert "garant retention approve" in out
    assert len(school.ids("subscribers")) == 3, "nothing changed before the approval"
    garant = school.open("2026-03-02", approved=False)
    with garant.unit_of_work() as uow:
        titles = [a["title"] for a in attention(garant, uow)]
    assert "Retention sweeps wait for your approval" in titles
    code, out = cli(school, "retention", "approve", "--as-of", "2026-03-02", "--json")
    assert code == 0, out
    assert json.loads(out)["forecast"]["school.subscribers delete"] == 3
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02", approved=False)
    assert code == 0, out
    assert school.ids("subscribers") == []


def test_sweep_removing_more_than_the_share_stops_and_asks(school: School) -> None:
    """A sweep that would remove more than max_share of a collection stops before any
    change until an approval of that day covers that many rows."""
    config = school.root / "retention.yaml"
    config.write_text(config.read_text().replace("max_share: 1", "max_share: 0.2"))
    _subscribers(school, 5)
    school.sql("INSERT INTO subscribers VALUES (6, 'new@example.org', '2026-01-10', NULL)")
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02")
    assert code == 1
    assert "school.subscribers: delete 5 of 6 rows (83 % > 20 %) waits for approval" in out
    assert len(school.ids("subscribers")) == 6
    assert cli(school, "retention", "approve", "--as-of", "2026-03-02")[0] == 0
    code, out = cli(school, "retention", "run", "--as-of", "2026-03-02")
    assert code == 0, out
    assert school.ids("subscribers") == [6]
