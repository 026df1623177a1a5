"""Garant's own records in an export (the subject_records hook) and the CLI surface."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from garant.cli.main import build_app
from garant.i18n import gettext
from garant.store.uow import SYSTEM, UnitOfWork
from garant.subjects.export import export_subject
from garant.subjects.rules import Identity
from tests.subjects.conftest import DemoFactory


def test_af_d1_other_features_add_their_records_to_the_export(
    demo: DemoFactory, tmp_path: Path
) -> None:
    garant, truth = demo("alliance-francaise")
    email = truth["persons"][0]["identities"]["email"]
    seen: list[list[str]] = []

    def consents(uow: UnitOfWork, refs: list[str]) -> list[dict[str, Any]]:
        seen.append(refs)
        return [{"title": gettext("Purpose"), "rows": [{"newsletter": "given 2025-01-02"}]}]

    garant.extensions.setdefault("subject_records", []).append(consents)
    out = tmp_path / "p.zip"
    with garant.unit_of_work(SYSTEM) as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=out,
                       purpose="access request", lang="fr")  # fmt: skip
        expected_refs = uow.subject_refs("email", email)
    assert seen == [expected_refs]
    with zipfile.ZipFile(out) as archive:
        page = archive.read("index.html").decode()
        manifest = json.loads(archive.read("manifest.json"))
    assert "Finalité" in page and "given 2025-01-02" in page  # in the person's language
    assert {"title": "Finalité", "rows": 1} in manifest["garant_records"]


def test_cli_find_json_and_clear_errors(demo: DemoFactory) -> None:
    garant, truth = demo("def-network")
    person = truth["persons"][0]
    runner = CliRunner()
    args = ["subject", "find", "-w", str(garant.workspace), "--json"]
    number = f"customer_number={person['identities']['customer_number']}"
    result = runner.invoke(build_app(), [*args, "-i", number])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    owned = {c["collection"]: c["owned"] for c in body["collections"] if c["owned"]}
    assert owned["customers"] == 1
    bad = runner.invoke(build_app(), [*args, "-i", "email"])
    assert bad.exit_code == 2 and "expected KIND=VALUE" in bad.output
    assert "Traceback" not in bad.output


def test_cli_export_writes_the_zip(demo: DemoFactory, tmp_path: Path) -> None:
    garant, truth = demo("alliance-francaise")
    email = truth["persons"][0]["identities"]["email"]
    out = tmp_path / "out" / "p.zip"
    result = CliRunner().invoke(
        build_app(),
        [
            "subject",
            "export",
            "-w",
            str(garant.workspace),
            "-i",
            f"email={email}",
            "--out",
            str(out),
            "--lang",
            "en",
            "--purpose",
            "access request #12",
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(out).read("manifest.json")
    assert not out.with_name("p.zip.part").exists()


def test_unknown_identity_kind_is_a_clear_error_and_nobody_gets_an_empty_page(
    demo: DemoFactory, tmp_path: Path
) -> None:
    from garant.errors import InvalidInput
    from garant.subjects.service import find_subject

    garant, _ = demo("alliance-francaise")
    with (
        garant.unit_of_work(SYSTEM) as uow,
        pytest.raises(InvalidInput, match="emial is not in the data map"),
    ):
        find_subject(uow=uow, identities=[Identity("emial", "a@b.c")], purpose="x")
    out = tmp_path / "nobody.zip"
    with garant.unit_of_work(SYSTEM) as uow:
        export_subject(uow=uow, identities=[Identity("email", "nobody@nowhere.example")],
                       out=out, purpose="access request", lang="en")  # fmt: skip
    page = zipfile.ZipFile(out).read("index.html").decode()
    assert "We hold no data about you" in page


def test_a_failed_export_leaves_nothing_half_written(demo: DemoFactory, tmp_path: Path) -> None:
    garant, truth = demo("alliance-francaise")

    def broken(uow: UnitOfWork, refs: list[str]) -> list[dict[str, Any]]:
        raise RuntimeError("provider down")

    garant.extensions.setdefault("subject_records", []).append(broken)
    email = truth["persons"][0]["identities"]["email"]
    out = tmp_path / "exports" / "p.zip"
    with pytest.raises(RuntimeError), garant.unit_of_work(SYSTEM) as uow:
        export_subject(
            uow=uow, identities=[Identity("email", email)], out=out, purpose="access request"
        )
    assert list(out.parent.iterdir()) == []


def test_def_s2_the_export_lists_earlier_staff_access_with_date_and_purpose(
    demo: DemoFactory, tmp_path: Path
) -> None:
    """DEF-S2: the package shows when the person's data was reached before, what was done,
    by which kind of actor and why (the audit events about them that carry a purpose)."""
    from garant.subjects.service import find_subject

    garant, truth = demo("alliance-francaise")
    email = truth["persons"][0]["identities"]["email"]
    with garant.unit_of_work(SYSTEM) as uow:
        find_subject(uow=uow, identities=[Identity("email", email)], purpose="complaint #7")
        from garant.i18n.dates import datetime_formatter

        # shown in words, in the policy's time zone (issue 18), not as stored
        at = datetime_formatter("en", garant.timezone)(uow.now().replace(microsecond=0))
    out = tmp_path / "p.zip"
    with garant.unit_of_work(SYSTEM) as uow:
        export_subject(uow=uow, identities=[Identity("email", email)], out=out,
                       purpose="access request", lang="en")  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        page = archive.read("index.html").decode()
        manifest = json.loads(archive.read("manifest.json"))
    assert {"title": "Access to your data by our staff", "rows": 1} in manifest["garant_records"]
    assert "Search for your data" in page and "complaint #7" in page and at in page
    assert "access request" not in page  # the export's own event is written after its page
