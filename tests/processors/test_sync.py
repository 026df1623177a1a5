"""The processors declared in the example policies, brought into the register."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from garant.app import Garant
from tests.accountability.cli import run_cli


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_def_o2_af_t1_processors_of_the_policy_with_their_activities(
    make_garant: Callable[..., Garant], store_url: str, example: str
) -> None:
    """DEF-O2: each activity's processors, with contract, clauses, sub-processors, transfers."""
    garant = make_garant(example=example, url=store_url)
    code, out = run_cli(garant, "processor", "sync")
    assert code == 0, out
    assert run_cli(garant, "processor", "sync")[0] == 0  # idempotent
    code, out = run_cli(garant, "processor", "list", "--json")
    listed = {p["name"]: p for p in json.loads(out)}
    declared = garant.policy.processors
    assert {p.name for p in declared} <= set(listed)
    for p in declared:
        assert listed[p.name]["activities"] == list(p.activities)
        assert listed[p.name]["countries"] == list(p.countries)
        assert len(listed[p.name]["audits"]) == len(p.audits)
        for sub in p.sub_processors:
            assert listed[sub.name]["parent"] == p.name
    served = {a for p in declared for a in p.activities}
    assert served <= {a.id for a in garant.policy.activities}


def test_af_t1_sub_processor_in_the_us_needs_a_mechanism(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-T1: Brevo's delivery runs on AWS in the US; adequacy covers DPF participants only."""
    garant = make_garant(example="alliance-francaise")
    assert run_cli(garant, "processor", "sync")[0] == 0
    code, out = run_cli(garant, "processor", "alerts", "--json", "--as-of", "2026-03-02")
    transfers = [a for a in json.loads(out) if a["kind"] == "transfer_invalid"]
    assert [a["processor"] for a in transfers] == ["Amazon Web Services"]
    assert "US" in transfers[0]["message"]


def test_af_t1_check_sees_declared_processors_before_any_sync(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-T1: the live check evaluates the policy's processors even before they are synced."""
    garant = make_garant(example="alliance-francaise")
    code, out = run_cli(garant, "check", "--json", "--no-store", "--as-of", "2026-03-02")
    transfers = [f for f in json.loads(out)["findings"] if f["check"] == "transfer"]
    assert any("Amazon Web Services" in f["message"] for f in transfers), out


def test_def_o2_a_processor_serves_activities_of_the_register(
    make_garant: Callable[..., Garant],
) -> None:
    """DEF-O2: the activities a processor serves are the policy's."""
    garant = make_garant(example="def-network")
    code, out = run_cli(garant, "processor", "add", "Printer", "--activity", "astrology")
    assert code == 2 and "astrology" in out
    activity = garant.policy.activities[0].id
    assert run_cli(garant, "processor", "add", "Printer", "--activity", activity)[0] == 0
