"""Access and portability packages of demo persons (AF-D1, AF-D4, DEF-D3, DEF-D4, DEF-S2)."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from garant.audit.service import events_about
from garant.store.uow import Actor
from garant.subjects.export import export_subject
from garant.subjects.rules import Identity
from tests.subjects.conftest import DemoFactory

STAFF = Actor("staff", "dpo@example.org", "dpo")


def run_export(garant: Any, email: str, out: Path, **kw: Any) -> zipfile.ZipFile:
    with garant.unit_of_work(STAFF) as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=out,
                       purpose=kw.pop("purpose", "access request"), **kw)  # fmt: skip
    return zipfile.ZipFile(out)


def person_with(truth: dict[str, Any], *collections: str) -> dict[str, Any]:
    return next(p for p in truth["persons"] if all(c in p["owned"] for c in collections))


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_af_d1_export_holds_exactly_the_generated_rows(
    demo: DemoFactory, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    url = None if backend == "sqlite" else str(request.getfixturevalue(backend))
    garant, truth = demo("alliance-francaise", url, persons=15)
    person = person_with(truth, "orders")
    archive = run_export(garant, person["identities"]["email"], tmp_path / "p.zip", lang="en")
    manifest = json.loads(archive.read("manifest.json"))
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    for collection, ids in person["owned"].items():
        body = json.loads(archive.read(f"af/{collection}.json"))
        own = [r for r in body["records"] if r["relation"] == "own"]
        assert len(own) == len(ids), collection
    learners = json.loads(archive.read("af/learners.json"))
    assert learners["records"][0]["email"] == person["identities"]["email"]
    header = next(csv.reader(io.StringIO(archive.read("af/learners.csv").decode("utf-8-sig"))))
    assert "Email address" in header  # readable labels, in the person's language
    assert manifest["policy_version"] and manifest["generated_at"].startswith("2026-03-02")
    page = archive.read("index.html").decode()
    assert "Your personal data" in page and "Learners" in page


def test_af_d1_index_in_french_and_password_hash_excluded(
    demo: DemoFactory, tmp_path: Path
) -> None:
    garant, truth = demo("alliance-francaise")
    person = person_with(truth, "member_accounts")
    archive = run_export(garant, person["identities"]["email"], tmp_path / "p.zip", lang="fr")
    page = archive.read("index.html").decode()
    assert 'lang="fr"' in page and "Apprenants" in page
    accounts = json.loads(archive.read("af/member_accounts.json"))
    assert all("password_hash" not in r for r in accounts["records"])
    manifest = json.loads(archive.read("manifest.json"))
    assert any(e["field"] == "password_hash" for e in manifest["excluded"])


@pytest.mark.parametrize("backend", ["sqlite", "pg_url", "mariadb_url"])
def test_def_d4_confidential_and_secret_data_left_out_with_reason(
    demo: DemoFactory, tmp_path: Path, backend: str, request: pytest.FixtureRequest
) -> None:
    """DEF-D4: confidential notes and Defence-secret annexes never leave; the reason is listed."""
    url = None if backend == "sqlite" else str(request.getfixturevalue(backend))
    garant, truth = demo("def-network", url, persons=30)
    person = person_with(truth, "tender_answers", "customer_notes")
    archive = run_export(garant, person["identities"]["email"], tmp_path / "p.zip", lang="en")
    names = archive.namelist()
    assert "crm/customer_notes.json" not in names
    tenders = json.loads(archive.read("crm/tender_answers.json"))
    assert tenders["records"] and all(
        "classified_annex" not in r and "evaluation_notes" not in r for r in tenders["records"]
    )
    everything = b"".join(archive.read(n) for n in names).decode("utf-8-sig")
    assert "DR annex" not in everything and "internal scoring" not in everything
    excluded = json.loads(archive.read("manifest.json"))["excluded"]
    reasons = {(e["collection"], e["field"]): e["reason"] for e in excluded}
    assert "Defence secret" in reasons[("tender_answers", "classified_annex")]
    assert "Confidential" in reasons[("customer_notes", None)]
    assert "Defence secret" in archive.read("index.html").decode()


def test_def_o1_every_exported_record_names_its_entity(demo: DemoFactory, tmp_path: Path) -> None:
    garant, truth = demo("def-network")
    person = person_with(truth, "orders")
    archive = run_export(garant, person["identities"]["email"], tmp_path / "p.zip")
    orders = json.loads(archive.read("crm/orders.json"))
    assert orders["records"] and all(r["entity"].startswith("def-") for r in orders["records"])


def test_af_d4_def_d3_portable_copy_keeps_only_portable_fields(
    demo: DemoFactory, tmp_path: Path
) -> None:
    """AF-D4: portable fields only, of activities on consent or contract (documented JSON)."""
    garant, truth = demo("alliance-francaise")
    person = person_with(truth, "orders", "enrolments")
    archive = run_export(garant, person["identities"]["email"], tmp_path / "p.zip", portable=True)
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["kind"] == "portability"
    for name in archive.namelist():
        if name.endswith(".json") and name != "manifest.json":
            body = json.loads(archive.read(name))
            assert body["format"] == "garant.export/1"
            assert body["legal_basis"] in ("consent", "contract")
            assert all(r["relation"] == "own" for r in body["records"])
    enrolments = json.loads(archive.read("af/enrolments.json"))
    assert "result" not in enrolments["fields"][0] and all(
        "result" not in r for r in enrolments["records"]
    )
    assert "af/invoices.json" not in archive.namelist()  # accounting: a legal obligation


def test_def_s2_every_access_is_audited_with_its_purpose(demo: DemoFactory, tmp_path: Path) -> None:
    """DEF-S2: who accessed whose data, when and why, in the log and in the person's export."""
    garant, truth = demo("alliance-francaise")
    email = truth["persons"][0]["identities"]["email"]
    run_export(garant, email, tmp_path / "a.zip", purpose="complaint follow-up")
    archive = run_export(garant, email, tmp_path / "b.zip", lang="en")
    with garant.unit_of_work(STAFF) as uow:
        events = events_about(uow.session, subject_refs=uow.subject_refs("email", email))
    purposes = [e["details"]["purpose"] for e in events if e["action"] == "subject.export"]
    assert purposes == ["complaint follow-up", "access request"]
    assert email not in json.dumps([e["details"] for e in events])
    assert "complaint follow-up" in archive.read("index.html").decode()


def test_def_s2_no_package_outlives_a_unit_of_work_that_did_not_commit(
    demo: DemoFactory, tmp_path: Path
) -> None:
    """DEF-S2: every access is audited; if the unit of work holding the export's audit
    event does not commit, the package is removed, so no export exists unrecorded."""
    from sqlalchemy import select

    from garant.audit.models import AuditEvent

    garant, truth = demo("alliance-francaise", None, persons=5)
    email = truth["persons"][0]["identities"]["email"]
    out = tmp_path / "p.zip"
    with pytest.raises(RuntimeError), garant.unit_of_work(STAFF) as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=out,
                       purpose="access request")  # fmt: skip
        assert out.exists()
        raise RuntimeError("the request step failed after the export")
    assert not out.exists() and not out.with_name(out.name + ".part").exists()
    with garant.unit_of_work(read_only=True) as uow:
        actions = uow.session.scalars(select(AuditEvent.action)).all()
    assert "subject.export" not in actions
    run_export(garant, email, out)
    assert out.exists(), "a unit of work that commits keeps its package"
