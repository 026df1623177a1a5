"""A worker killed mid-erasure is resumed without changing anything twice; the erasure
journal re-applies an erasure to a database restored from a backup."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.clock import FixedClock
from garant.connectors import close_connectors
from garant.retention import archive
from garant.rights import erasure
from garant.rights.models import ErasureJournal, RequestStep
from tests.rights.conftest import NOW, school_rows
from tests.rights.helpers import api_client, decide_and_run, run_requests, submit_verified

SCRIPT = Path(__file__).with_name("slow_rights_worker.py")
ADA = {"email": "ada@example.org"}


def _erasure_decided(garant: Garant) -> int:
    with api_client(garant) as client:
        rid = submit_verified(client, garant, {"type": "erasure", "identities": ADA})
        assert client.post(f"/api/rights/requests/{rid}/decide", json={"accept_proposals": True})
        assert client.post(f"/api/rights/requests/{rid}/run").status_code == 202
    return rid


def test_worker_killed_mid_erasure_resumes_and_changes_nothing_twice(
    school_sqlite: Garant, tmp_path: Path
) -> None:
    garant = school_sqlite
    rid = _erasure_decided(garant)
    marker = tmp_path / "erasing"
    url = str(garant.store.engine.url)
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), str(garant.workspace), url, NOW.isoformat(), str(marker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        assert marker.exists(), "the worker never reached the erase step"
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    first_place = marker.read_text()
    assert school_rows(garant.workspace, "select id from enrolments order by id") == [(11,), (12,)]
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=6)  # the dead worker's lease runs out
    assert run_requests(garant) == 1
    with garant.unit_of_work() as uow:
        steps = {s.step: s.result for s in uow.session.scalars(select(RequestStep))}
        assert steps[f"erase:{first_place}"]["changed"] == 0  # already done: not redone
        events = uow.session.scalars(
            select(AuditEvent.details).where(AuditEvent.action == "request.step")
        ).all()
        names = [e["step"] for e in events]
        assert len(names) == len(set(names))  # every step recorded exactly once
        journal = uow.session.scalars(select(ErasureJournal.key_hash)).all()
        # enrolment 10, learner, newsletter, 2 visits, and the invoice moved to the archive
        assert len(journal) == len(set(journal)) == 6
    assert school_rows(garant.workspace, "select id from visits") == [(42,)]
    with garant.unit_of_work() as uow:
        from garant.rights import service

        assert service.get(uow, rid).status == "answered"


def test_def_r3_worker_killed_while_archiving_resumes_with_each_bundle_recorded_once(
    school_sqlite: Garant, tmp_path: Path
) -> None:
    """DEF-R3: killed after writing the archive bundle, before recording it: the re-run
    writes the same bundle (same rows, same id), records it once, then removes the row
    from the live database; no bundle file is left unrecorded."""
    garant = school_sqlite
    _erasure_decided(garant)
    marker = tmp_path / "archiving"
    url = str(garant.store.engine.url)
    args = [str(garant.workspace), url, NOW.isoformat(), str(marker), "archive"]
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.1)
        assert marker.exists(), "the worker never reached the archive step"
    finally:
        proc.kill()
        proc.communicate(timeout=10)
    assert marker.read_text() == "school.invoices"
    folder = archive.archive_dir(garant)
    written = sorted(p.name for p in folder.glob("*.bundle"))
    assert len(written) == 1, "the bundle was written before the crash"
    assert school_rows(garant.workspace, "select id from invoices") == [(20,), (21,)]
    with garant.unit_of_work() as uow:
        assert archive.list_bundles(uow=uow) == [], "not recorded: the step never committed"
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(minutes=6)
    assert run_requests(garant) == 1
    assert school_rows(garant.workspace, "select id from invoices") == [(21,)]
    assert sorted(p.name for p in folder.glob("*.bundle")) == written
    with garant.unit_of_work() as uow:
        (bundle,) = archive.list_bundles(uow=uow)
        assert f"{bundle.id}.bundle" == written[0] and bundle.row_count == 1
        creates = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "archive.create")
        ).all()
        assert len(creates) == 1
        assert archive.verify_bundle(garant, bundle) == []


def test_erasure_replayed_after_database_restore(school_sqlite: Garant) -> None:
    garant = school_sqlite
    backup = garant.workspace / "school-backup.db"
    shutil.copy(garant.workspace / "school.db", backup)
    with api_client(garant) as client:
        rid = submit_verified(client, garant, {"type": "erasure", "identities": ADA})
        decide_and_run(client, garant, rid)
    close_connectors(garant)
    shutil.copy(backup, garant.workspace / "school.db")  # the backup is restored: Ada is back
    assert school_rows(garant.workspace, "select first_name from learners where id=1") == [("Ada",)]
    with garant.unit_of_work() as uow:
        counts = erasure.replay(uow=uow)
    assert counts["school.visits"] == 2 and counts["school.learners"] == 1
    assert school_rows(garant.workspace, "select first_name from learners order by id") == [
        (None,),
        ("Bob",),
    ]
    assert school_rows(garant.workspace, "select id from visits") == [(42,)]
    # DEF-R3: the restored invoice lives in the archive only, so it leaves the database again
    assert counts["school.invoices"] == 1
    assert school_rows(garant.workspace, "select id from invoices") == [(21,)]
    assert school_rows(garant.workspace, "select id from enrolments order by id") == [(11,), (12,)]
    with garant.unit_of_work() as uow:
        assert erasure.replay(uow=uow)["school.visits"] == 0  # a second replay changes nothing
