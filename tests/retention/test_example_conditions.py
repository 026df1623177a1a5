"""AF-R1, DEF-R3: each example defines what its policy's retention conditions mean."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from garant.app import Garant
from garant.demo import build_demo_data
from garant.retention.conditions import load_config


@pytest.mark.parametrize("example", ["alliance-francaise", "def-network"])
def test_af_r1_every_condition_the_policy_names_is_defined_for_the_demo(
    make_garant: Callable[..., Garant], example: str
) -> None:
    """No rule of the examples keeps rows only because a condition was left undefined."""
    from garant.retention.sweep import plan

    garant = make_garant(example=example)
    build_demo_data(garant, example)
    garant.reload()
    assert load_config(garant.workspace).held_while
    report = plan(garant)
    reasons = " ".join(str(row) for row in report)
    assert "not defined" not in reasons
    if example == "alliance-francaise":
        learners = [r for r in report if r["collection"].endswith("learners") and r["held"]]
        assert learners and learners[0]["held_reasons"].get("active_learner", 0) > 0
