"""The live compliance check on a demo database seeded with one gap of each kind."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from garant.app import Garant
from tests.accountability.cli import run_cli
from tests.accountability.demo import POLICY, seed_gaps, write_demo


def _demo(make_garant: Callable[..., Garant], store_url: str, tmp_path: Path) -> Garant:
    garant = make_garant(policy=POLICY, url=store_url)
    write_demo(garant.workspace)
    garant.reload()
    seed_gaps(garant)
    return garant


def test_def_c4_af_sec2_def_sec2_check_finds_each_gap_and_nothing_else(
    make_garant: Callable[..., Garant], store_url: str, tmp_path: Path
) -> None:
    """DEF-C4, AF-SEC2, DEF-SP1, DEF-SEC2, DEF-A1: every seeded gap, with its evidence."""
    garant = _demo(make_garant, store_url, tmp_path)
    code, out = run_cli(garant, "check", "--json", "--as-of", "2026-03-02")
    assert code == 1, out
    report = json.loads(out)
    found = sorted(
        (f["check"], json.dumps(f["evidence"], sort_keys=True)) for f in report["findings"]
    )
    kinds = sorted(f["check"] for f in report["findings"])
    assert kinds == [
        "breach_late",
        "consent_missing",
        "processor_contract",
        "request_overdue",
        "retention_overdue",
        "security_measure",
        "special_category",
        "unmapped_column",
    ], found
    by_kind = {f["check"]: f for f in report["findings"]}
    assert by_kind["unmapped_column"]["evidence"]["column"] == "mobile_phone"
    assert by_kind["special_category"]["evidence"]["column"] == "health_condition"
    assert by_kind["consent_missing"]["evidence"] == {
        "activity": "newsletter", "purpose": "newsletter", "persons": 1,
    }  # fmt: skip
    assert by_kind["request_overdue"]["evidence"]["request_id"] == 41
    assert by_kind["security_measure"]["evidence"]["measure"] == "backups"
    assert "DEF-C4" in by_kind["special_category"]["promises"]
    assert "eve@example.org" not in out and "alice@example.org" not in out
    assert by_kind["breach_late"]["evidence"]["breach_id"] == 7
    assert by_kind["retention_overdue"]["evidence"]["rows"] == 1  # eve, subscribed in 2021
    assert set(report["status"].values()) <= {"ok", "1 finding(s)"}


def test_check_runs_make_a_trend_on_the_dashboard(
    make_garant: Callable[..., Garant], store_url: str, tmp_path: Path
) -> None:
    garant = _demo(make_garant, store_url, tmp_path)
    assert run_cli(garant, "check")[0] == 1
    assert run_cli(garant, "check")[0] == 1
    from garant.accountability.check_runner import trend
    from garant.accountability.wiring import dashboard

    with garant.unit_of_work() as uow:
        runs = trend(uow=uow)
        sections = dashboard(garant, uow)
    assert [r["total"] for r in runs] == [8, 8]
    titles = [s["title"] for s in sections]
    assert "Live compliance check" in titles and "Processors" in titles


def test_check_on_an_empty_workspace_reports_nothing_and_does_not_fail(garant: Garant) -> None:
    code, out = run_cli(garant, "check", "--json", "--as-of", "2026-03-02")
    report = json.loads(out)
    assert code == 0 and report["total"] == 0
    assert report["status"]["processor_contracts"] == "ok"


def test_af_t1_def_t1_transfer_declared_without_safeguard_is_found(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-T1, DEF-T1: a transfer outside the EU needs adequacy or an appropriate safeguard."""
    transfers = (
        "    transfers:\n"
        "      - {country: US, recipient: CRM vendor, mechanism: none}\n"
        "      - {country: IN, recipient: Support desk, mechanism: scc, scc_module: 2}\n"
        "      - {country: CH, recipient: Swiss hosting, mechanism: adequacy}\n"
    )
    policy = POLICY.replace("    security_measures: [access_control]\n",
                            "    security_measures: [access_control]\n" + transfers)  # fmt: skip
    garant = make_garant(policy=policy)
    code, out = run_cli(garant, "check", "--json", "--as-of", "2026-03-02", "--no-store")
    findings = [f for f in json.loads(out)["findings"] if f["check"] == "transfer"]
    assert [f["evidence"]["country"] for f in findings] == ["US"], out
    assert "AF-T1" in findings[0]["promises"]
