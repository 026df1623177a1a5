"""The accountability dossier as a PDF an inspector can read, every section present."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from garant.app import Garant
from tests.accountability.cli import run_cli
from tests.accountability.demo import POLICY, seed_gaps, write_demo

SECTIONS = [
    "Register of processing activities",
    "Policy versions",
    "Security measures and their history",
    "Processors and transfers",
    "Data protection impact assessments",
    "Breach register",
    "Rights requests",
    "Retention runs and archive destructions",
    "Disclosures to authorities and third parties",
    "Organizational records",
    "Live compliance check",
    "Audit-chain verification",
]


def test_af_a1_def_a1_dossier_pdf_has_every_section(
    make_garant: Callable[..., Garant], store_url: str, tmp_path: Path
) -> None:
    """AF-A1, DEF-A1, DEF-S4, DEF-S3: the dossier renders to pages with each section."""
    garant = make_garant(policy=POLICY, url=store_url)
    write_demo(garant.workspace)
    garant.reload()
    seed_gaps(garant)
    assert (
        run_cli(
            garant,
            "record",
            "add",
            "training",
            "GDPR awareness",
            "--dated",
            "2025-01-10",
            "--valid-until",
            "2026-01-10",
            "--holder",
            "Staff",
        )[0]
        == 0
    )
    assert (
        run_cli(
            garant,
            "disclosure",
            "log",
            "--requester",
            "Tribunal judiciaire de Paris",
            "--basis",
            "court_order",
            "--data",
            "Invoices 2025",
            "--approved-by",
            "DPO",
            "--identity",
            "alice@example.org",
            "--reference",
            "RG 26/0001",
        )[0]
        == 0
    )
    assert run_cli(garant, "dpia", "screen", "Scoring", "--criterion", "evaluation_scoring",
                   "--criterion", "large_scale")[0] == 0  # fmt: skip
    # the worker seals every day; the days since this workspace's first event are sealed now
    from garant.audit.service import seal_today

    today = Garant.open(garant.workspace, database_url=garant.store.url)
    with today.unit_of_work() as uow:
        seal_today(uow)
    today.close()
    pdf = tmp_path / "dossier.pdf"
    code, out = run_cli(garant, "dossier", "export", "--out", str(pdf))
    assert code == 0, out
    assert pdf.read_bytes().startswith(b"%PDF")

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= len(SECTIONS)  # one section a page at least
    assert all(p.stat().st_size > 1000 for p in pages)

    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    for title in SECTIONS:
        assert title in text, title
    flat = " ".join(text.split())
    assert "Tribunal judiciaire de Paris" in flat and "Court order" in flat
    assert "GDPR awareness" in flat and "lapsed" in flat
    assert "NoContract" in flat and "no signed Art. 28 contract" in flat
    assert "(#41)" in flat  # the overdue request is named by its record number
    assert "The chain is intact." in flat
    assert "alice@example.org" not in flat  # a person appears by keyed hash only


def test_dossier_on_an_empty_workspace_says_no_records(garant: Garant, tmp_path: Path) -> None:
    html = tmp_path / "dossier.html"
    code, out = run_cli(garant, "dossier", "export", "--out", str(html))
    assert code == 0, out
    page = html.read_text(encoding="utf-8")
    assert page.count("Aucun enregistrement.") >= 8  # the policy's first language is French
    code, out = run_cli(garant, "dossier", "export", "--out", str(tmp_path / "d.docx"))
    assert code == 2 and ".pdf or .html" in out
