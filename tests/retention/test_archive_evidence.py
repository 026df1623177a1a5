"""Archive evidence (issue 16): every archive.create event is matched by a live bundle or
a proper destruction; early destruction is refused unless documented."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, update

from garant.app import Garant
from garant.audit.service import recent_events
from garant.errors import Conflict
from garant.retention import archive, sweep
from garant.retention.archive_evidence import verify_archives
from garant.retention.models import ArchiveBundle
from garant.store.uow import Actor
from tests.retention.conftest import School, at
from tests.retention.test_cli import cli


def _archived(school: School) -> tuple[Garant, str]:
    """A contract moved to the archive on 2025-01-11, kept there until 2030 (DEF-R3)."""
    school.sql(
        "INSERT INTO contracts VALUES (1, 'C-1', 'c@example.org', 'Cara', 5000, '2022-01-10')"
    )
    garant = school.open("2025-01-11")
    sweep.run(garant)
    with garant.unit_of_work() as uow:
        (bundle,) = archive.list_bundles(uow=uow)
        return garant, bundle.id


def _report(garant: Garant) -> list[str]:
    with garant.unit_of_work(read_only=True) as uow:
        return verify_archives(uow=uow).problems


def test_a_live_archive_verifies(school: School) -> None:
    garant, _bid = _archived(school)
    assert _report(garant) == []


def test_a_removed_bundle_manifest_and_row_is_reported(school: School) -> None:
    """Issue 16: deleting a bundle, its manifest and its row gave '0 problems'."""
    garant, bid = _archived(school)
    folder = archive.archive_dir(garant)
    (folder / f"{bid}.bundle").unlink()
    (folder / f"{bid}.manifest.json").unlink()
    with garant.store.session() as session, session.begin():
        session.execute(delete(ArchiveBundle).where(ArchiveBundle.id == bid))
    (problem,) = _report(garant)
    assert bid in problem and "gone from the store" in problem
    if school.kind == "sqlite":  # the CLI after a sweep leaks a psycopg connection on PG
        code, out = cli(school, "archive", "verify")
        assert code == 1 and "gone from the store" in " ".join(out.split())


def test_an_archive_marked_destroyed_before_its_date_is_reported(school: School) -> None:
    """Issue 16: marking a bundle destroyed before its date gave '0 problems'."""
    garant, bid = _archived(school)
    folder = archive.archive_dir(garant)
    (folder / f"{bid}.bundle").unlink()
    (folder / f"{bid}.manifest.json").unlink()
    with garant.store.session() as session, session.begin():
        session.execute(
            update(ArchiveBundle)
            .where(ArchiveBundle.id == bid)
            .values(destroyed_at=at("2026-01-01"), destruction_proof={"bundle": bid})
        )
    problems = " ".join(_report(garant))
    assert "no archive.destroy event" in problems


def test_a_destruction_date_moved_earlier_is_reported(school: School) -> None:
    garant, bid = _archived(school)
    with garant.store.session() as session, session.begin():
        session.execute(
            update(ArchiveBundle).where(ArchiveBundle.id == bid).values(expires_at=at("2025-02-01"))
        )
    garant = school.open("2025-03-01")
    with garant.unit_of_work() as uow:
        assert archive.destroy_expired(uow=uow) == 1
    problems = " ".join(_report(garant))
    assert "destruction date was changed" in problems


def test_early_destruction_refused_unless_documented_then_proved(school: School) -> None:
    """DEF-R6 with issue 16: before its date only a documented override destroys an archive;
    the proof holds the bundle's hashes, the date, the actor and the reason."""
    garant, bid = _archived(school)
    with garant.unit_of_work() as uow, pytest.raises(Conflict, match="--override-reason"):
        archive.destroy_bundle(uow=uow, bundle_id=bid)
    if school.kind == "sqlite":
        code, out = cli(school, "archive", "destroy", bid, "--override-reason", "  ")
        assert code == 2 and "empty" in out
    with garant.unit_of_work(Actor("cli", "dpo@example.org", "dpo")) as uow:
        archive.destroy_bundle(uow=uow, bundle_id=bid, override_reason="CNIL decision 2025-07")
    proof = json.loads((archive.archive_dir(garant) / f"{bid}.destroyed.json").read_text())
    assert proof["override_reason"] == "CNIL decision 2025-07"
    assert proof["by"] == "cli:dpo@example.org" and proof["bundle_sha256"]
    assert proof["manifest_sha256"] and proof["destroyed_at"].startswith("2025-01-11")
    with garant.unit_of_work() as uow:
        (event,) = recent_events(uow.session, action="archive.destroy")
    assert event["details"]["early"] is True and event["details"]["proof_sha256"]
    assert _report(garant) == []
    if school.kind == "sqlite":
        code, out = cli(school, "archive", "verify")
        assert code == 0 and "0 problems" in out


def test_destruction_on_its_date_verifies_and_a_forged_proof_does_not(school: School) -> None:
    garant, bid = _archived(school)
    garant = school.open("2030-01-11")
    with garant.unit_of_work() as uow:
        archive.destroy_bundle(uow=uow, bundle_id=bid)
    assert _report(garant) == []
    with garant.store.session() as session, session.begin():
        session.execute(
            update(ArchiveBundle)
            .where(ArchiveBundle.id == bid)
            .values(destruction_proof={"bundle": bid, "by": "someone else"})
        )
    problems = " ".join(_report(garant))
    assert "does not match event" in problems
