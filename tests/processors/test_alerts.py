"""Processors register: Art. 28 contracts and clauses, audits, Chapter V transfers."""

from __future__ import annotations

import json
from pathlib import Path

from garant.app import Garant
from garant.processors.rules import CLAUSES, adequacy_decisions
from tests.accountability.cli import run_cli

ALL_CLAUSES = "\n".join(f"    {c}: true" for c in CLAUSES)
REGISTER = f"""\
- name: Mailer
  service: newsletter sending
  activities: [newsletter]
  countries: [FR]
  contract_signed: 2025-01-10
  contract_expires: 2026-04-15
  clauses:
{ALL_CLAUSES}
  breach_notice_hours: 24
  next_audit: 2026-06-01
- name: CloudUS
  service: hosting
  countries: [US]
  mechanism: adequacy
  dpf_certified: false
  contract_signed: 2024-02-01
  clauses: {{documented_instructions: true, confidentiality: true}}
  breach_notice_hours: 96
  next_audit: 2026-02-01
- name: Helpdesk
  countries: [IN]
  mechanism: scc
  scc_module: "2"
  tia_date: 2025-09-01
  contract_signed: 2025-09-01
  clauses:
{ALL_CLAUSES}
  breach_notice_hours: 48
  parent: CloudUS
- name: Unsigned
  countries: [BR]
"""


def _cli(garant: Garant, *args: str) -> tuple[int, str]:
    return run_cli(garant, *args)


def _alerts(garant: Garant, as_of: str) -> list[dict[str, str]]:
    code, out = _cli(garant, "processor", "alerts", "--json", "--as-of", as_of)
    assert code == 0, out
    return list(json.loads(out))


def test_af_sec2_def_sp1_processor_alerts_follow_the_clock(garant: Garant, tmp_path: Path) -> None:
    """AF-SEC2, DEF-SP1, AF-T1, DEF-T1: alerts evaluated on the day given with --as-of."""
    register = tmp_path / "processors.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    code, out = _cli(garant, "processor", "import", str(register))
    assert code == 0, out

    early = {(a["processor"], a["kind"]) for a in _alerts(garant, "2026-01-15")}
    assert ("Mailer", "contract_expiring") not in early
    assert ("CloudUS", "audit_overdue") not in early
    assert ("CloudUS", "transfer_invalid") in early  # US adequacy needs DPF certification
    assert ("CloudUS", "clause_missing") in early
    assert ("CloudUS", "breach_notice_too_long") in early
    assert ("Unsigned", "contract_missing") in early
    # Brazil's adequacy decision dates from 27 January 2026: not yet in force on the 15th.
    assert ("Unsigned", "transfer_invalid") in early
    assert not any(p == "Helpdesk" for p, _ in early)

    later = {(a["processor"], a["kind"]) for a in _alerts(garant, "2026-03-01")}
    assert ("Mailer", "contract_expiring") in later  # 45 days before the end
    assert ("CloudUS", "audit_overdue") in later
    assert ("Unsigned", "transfer_invalid") not in later

    expired = {(a["processor"], a["kind"]) for a in _alerts(garant, "2026-05-01")}
    assert ("Mailer", "contract_expired") in expired


def test_af_t1_audit_recorded_moves_the_next_audit(garant: Garant, tmp_path: Path) -> None:
    register = tmp_path / "processors.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    assert _cli(garant, "processor", "import", str(register))[0] == 0
    code, out = _cli(
        garant, "processor", "audit", "CloudUS", "--on", "2026-02-20", "--auditor", "DPO",
        "--outcome", "findings", "--next-audit", "2027-02-20",
    )  # fmt: skip
    assert code == 0, out
    assert ("CloudUS", "audit_overdue") not in {
        (a["processor"], a["kind"]) for a in _alerts(garant, "2026-03-01")
    }
    code, out = _cli(garant, "processor", "list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    assert listed["CloudUS"]["audits"][0]["outcome"] == "findings"
    assert listed["CloudUS"]["sub_processors"] == ["Helpdesk"]
    assert listed["Helpdesk"]["parent"] == "CloudUS"


def test_bad_register_names_file_and_line(garant: Garant, tmp_path: Path) -> None:
    register = tmp_path / "bad.yaml"
    register.write_text("- name: A\n  countries: [FR]\n- name: B\n  mechanism: teleport\n")
    code, out = _cli(garant, "processor", "import", str(register))
    assert code == 2
    assert f"{register}:3" in out and "mechanism" in out
    assert "Traceback" not in out


def test_adequacy_list_has_the_commissions_decisions_with_dates() -> None:
    decisions = adequacy_decisions()
    assert {"AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY",
            "US", "EPO", "BR"} <= set(decisions)  # fmt: skip
    assert decisions["US"].condition == "dpf"
    assert decisions["KR"].adopted.isoformat() == "2021-12-17"
