"""The audience filter: who may be contacted, why not the others, set-based."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from garant.app import Garant
from garant.cli.main import build_app
from garant.consent import service, suppression
from garant.consent.audience import filter_audience
from garant.consent.models import ConsentCurrent, ConsentEvent
from garant.store.uow import UnitOfWork


def test_af_r7_audience_honours_blockers_and_suppression_after_erasure(cg: Garant) -> None:
    """AF-R7, AF-D5: an objector erased and re-imported is still filtered out; a restricted
    person too (found by asking the blocker about groups, not one query per person)."""
    people = [f"p{i}@example.org" for i in range(1200)]
    with cg.unit_of_work() as uow:
        for email in people[:3]:
            service.record(
                uow=uow,
                identity=("email", email),
                purpose="b2b_offers",
                given=True,
                source="import",
            )
        suppression.add(uow=uow, identity=("email", people[1]), purpose="*", reason="objection")
        uow.session.execute(delete(ConsentCurrent))  # erasure of the person's records
        uow.session.execute(delete(ConsentEvent))
        for email in people[:3]:  # ...then the same list imported again
            service.record(
                uow=uow,
                identity=("email", email),
                purpose="b2b_offers",
                given=True,
                source="import",
            )
    restricted = set()
    with cg.unit_of_work() as uow:
        restricted.update(uow.subject_refs("email", people[2]))
    calls: list[int] = []

    def restriction(uow: UnitOfWork, refs: list[str], purpose: str) -> str | None:
        calls.append(len(refs))
        return "restricted (AF-D6)" if restricted & set(refs) else None

    cg.use_blockers.append(restriction)
    with cg.unit_of_work() as uow:
        result = filter_audience(uow=uow, purpose="b2b_offers", identities=people)
    codes = [d.code for _, d in result.rows[:4]]
    assert codes == ["opt_out_b2b", "suppressed", "blocked", "no_consent"]
    assert result.summary()["allowed"] == 1 and result.summary()["total"] == 1200
    assert len(calls) < 40  # groups of hashes, split only where a restriction hides


def test_audience_cli_reads_a_csv_and_writes_why_not(
    sg: Garant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with sg.unit_of_work() as uow:
        service.record(
            uow=uow,
            identity=("email", "a@example.org"),
            purpose="newsletter",
            given=True,
            source="form",
        )
    source = tmp_path / "list.csv"
    source.write_text("name,mail\nA,a@example.org\nB,b@example.org\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    monkeypatch.setenv("GARANT_DATABASE_URL", sg.store.url)
    runner = CliRunner()
    ws = ["--workspace", str(sg.workspace)]
    done = runner.invoke(
        build_app(),
        [
            "audience",
            "filter",
            str(source),
            "-p",
            "newsletter",
            "--column",
            "mail",
            "--out",
            str(out),
            *ws,
        ],
    )
    assert done.exit_code == 0, done.output
    assert "1 of 2 may be contacted" in done.output
    lines = out.read_text().splitlines()
    assert lines[1].startswith("a@example.org,1,consent")
    assert lines[2].startswith("b@example.org,0,no_consent")
    wrong = runner.invoke(
        build_app(),
        ["audience", "filter", str(source), "-p", "newsletter", "--column", "email", *ws],
    )
    assert wrong.exit_code == 2
    assert "list.csv:1: no column 'email'" in " ".join(wrong.output.split())
    check = runner.invoke(
        build_app(), ["consent", "check", "a@example.org", "-p", "newsletter", *ws]
    )
    assert check.exit_code == 0 and "allowed" in check.output
    refused = runner.invoke(
        build_app(), ["consent", "check", "b@example.org", "-p", "newsletter", *ws]
    )
    assert refused.exit_code == 1 and "no consent" in refused.output
    unknown = runner.invoke(build_app(), ["consent", "check", "b@example.org", "-p", "nope", *ws])
    assert unknown.exit_code == 2 and "unknown purpose" in unknown.output
