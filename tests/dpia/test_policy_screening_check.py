"""`garant check` screens the policy's activities for a DPIA (Art. 35), as `policy check`
does: an activity whose declarations require one and has none recorded is a finding."""

from __future__ import annotations

from collections.abc import Callable

from garant.accountability.check_runner import run_checks
from garant.app import Garant
from tests.conftest import EXAMPLES


def test_garant_check_flags_an_activity_screened_as_needing_a_dpia(
    make_garant: Callable[..., Garant],
) -> None:
    """GDPR Art. 35(3)(b): health data of minors on a large scale. The public-body example
    records its DPIAs in the policy; without them the live check names each activity."""
    text = (EXAMPLES / "public-body" / "policy.yaml").read_text(encoding="utf-8")
    without = text.split("\naccountability:")[0] + "\n"
    garant = make_garant(policy=without)
    with garant.unit_of_work() as uow:
        report = run_checks(uow=uow, store=False)
    found = [f for f in report.findings if f.check == "dpia" and "activity" in f.evidence]
    assert {f.evidence["activity"] for f in found} == {"requests", "cdaph", "pch"}
    assert all(f.level == "late" and "Art. 35(3)(b)" in f.message for f in found)
    recorded = make_garant(policy=text, name="with")
    with recorded.unit_of_work() as uow:
        again = run_checks(uow=uow, store=False)
    assert not [f for f in again.findings if f.check == "dpia" and "criteria" in f.evidence]
