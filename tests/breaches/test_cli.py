"""The ``garant breach`` commands end to end on a workspace (AF-B1, AF-B2)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from garant.cli.main import build_app
from tests.breaches.conftest import POLICY_WITH_DPO
from tests.breaches.scenarios import CASES
from tests.conftest import write_workspace

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(build_app(), list(args))
    return result.exit_code, result.output


def test_af_b1_af_b2_record_list_assess_notify_export(tmp_path: Path) -> None:
    ws = str(write_workspace(tmp_path / "ws", policy=POLICY_WITH_DPO))
    code, out = run(
        "breach",
        "record",
        "-w",
        ws,
        "--title",
        "Stolen laptop",
        "--nature",
        "confidentiality",
        "--aware-at",
        "2026-03-06T18:00",
        "--occurred-at",
        "2026-03-06T09:00",
        "--processor-aware-at",
        "2026-03-06T12:00",
        "--reported-by",
        "IT desk",
        "--category",
        "identification",
        "--category",
        "contact",
        "--persons",
        "1200",
        "--records",
        "1500",
        "--person-category",
        "members",
        "--consequences",
        "Phishing",
        "--measures",
        "Remote wipe",
        "--json",
        "--as-of",
        "2026-03-06T18:30",
    )
    assert code == 0, out
    shown = json.loads(out)
    assert shown["reference"] == "B-2026-0001"
    assert shown["due_at"].startswith("2026-03-09T17:00")  # Monday 18:00 Paris, in UTC
    code, out = run("breach", "list", "-w", ws, "--as-of", "2026-03-09T19:00", "--json")
    assert code == 0 and json.loads(out)[0]["clock"] == "overdue"

    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(CASES["11"]["facts"]), encoding="utf-8")  # case 11
    code, out = run("breach", "assess", str(facts), "--json")
    assert code == 0 and json.loads(out)["risk"] == "high"
    english = json.loads(out)
    code, out = run("breach", "assess", str(facts), "--json", "--lang", "fr")
    french = json.loads(out)
    assert code == 0 and french["reason_codes"] == english["reason_codes"]
    assert french["reasons"] != english["reasons"] and len(french["reasons"]) == len(
        english["reasons"]
    )
    code, out = run("breach", "assess", str(facts), "--lang", "de")
    assert code == 2 and "--lang" in out
    code, out = run("breach", "assess", str(facts), "--breach", "B-2026-0001", "-w", ws)
    assert code == 0 and "inform the persons: yes" in out

    code, out = run(
        "breach", "notify", "B-2026-0001", "-w", ws, "--as-of", "2026-03-10T10:00", "--record"
    )
    assert code == 2 and "reasons for the delay" in out
    pdf = tmp_path / "notification.pdf"
    code, out = run(
        "breach",
        "notify",
        "B-2026-0001",
        "-w",
        ws,
        "--as-of",
        "2026-03-10T10:00",
        "--record",
        "--delay-reasons",
        "Police asked us to wait.",
        "--pdf",
        str(pdf),
    )
    assert code == 0, out
    assert "Notification initiale" in out and "Police asked us to wait." in out
    assert pdf.read_bytes().startswith(b"%PDF")

    code, out = run(
        "breach",
        "update",
        "B-2026-0001",
        "-w",
        ws,
        "--no-communication-reason",
        "Members told in person at the general assembly",
    )
    assert code == 0, out
    people = tmp_path / "people.txt"
    people.write_text("# affected members\nanne@example.org\nbob@example.org\n", encoding="utf-8")
    code, out = run(
        "breach", "communicate", "B-2026-0001", "-w", ws, "--identities", str(people), "--yes"
    )
    assert code == 0 and "2 message(s) queued" in out, out
    code, out = run("breach", "export", "-w", ws, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows[0]["reference"] == "B-2026-0001" and rows[0]["risk"] == "high"
    assert rows[0]["no_communication_reason"].startswith("Members told in person")
    for field in (
        "nature",
        "person_categories",
        "persons_approx",
        "data_categories",
        "records_approx",
        "likely_consequences",
        "measures_taken",
        "no_notification_reason",
        "no_communication_reason",
    ):
        assert field in rows[0]


def test_bad_facts_file_names_file_line_and_field(tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    facts.write_text(
        '{\n  "nature": ["confidentiality"],\n  "malicious": true,\n'
        '  "data_categories": ["shoe_size"],\n  "persons": 3,\n  "records": 3\n}\n',
        encoding="utf-8",
    )
    code, out = run("breach", "assess", str(facts))
    assert code == 2
    assert f"{facts}:4:" in out and "shoe_size" in out and "Traceback" not in out
