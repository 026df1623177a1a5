"""The assessment against the EDPB's worked examples (AF-B1, AF-B2, AF-B3)."""

from __future__ import annotations

from typing import Any

import pytest

from garant.breaches.adjustments import assess
from garant.breaches.schemas import Facts
from tests.breaches.scenarios import SCENARIOS


@pytest.mark.parametrize(
    "scenario", SCENARIOS, ids=[s["source"].split(", ")[1][:12] for s in SCENARIOS]
)
def test_af_b2_af_b3_assessment_matches_the_edpb_verdict(scenario: dict[str, Any]) -> None:
    """AF-B2/AF-B3: notify the authority and inform persons exactly when the EDPB says so."""
    result = assess(Facts.model_validate(scenario["facts"]))
    got = {k: getattr(result, k) for k in ("risk", "notify_authority", "inform_persons")}
    assert got == scenario["expected"], (scenario["source"], result.reasons)
    assert result.reasons and "ENISA" in result.reasons[0]


def test_every_scenario_cites_its_case() -> None:
    assert all("CASE No." in s["source"] for s in SCENARIOS)
    assert len(SCENARIOS) >= 10


def test_unknown_category_and_field_are_refused() -> None:
    base = SCENARIOS[0]["facts"]
    with pytest.raises(ValueError, match="unknown data category"):
        Facts.model_validate(base | {"data_categories": ["shoe_size"]})
    with pytest.raises(ValueError, match="extra"):
        Facts.model_validate(base | {"severity": 3})
