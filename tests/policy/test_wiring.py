"""The dashboard shows the policy's health: lint errors as a risk, an unpublished policy."""

from __future__ import annotations

from collections.abc import Callable

from garant.app import Garant
from garant.policy import versions
from garant.policy.wiring import policy_health


def test_def_r3_lint_errors_are_a_risk_on_the_dashboard(
    make_garant: Callable[..., Garant],
) -> None:
    garant = make_garant(example="def-network")
    with garant.unit_of_work() as uow:
        sections = policy_health(garant, uow)
    risk = next(s for s in sections if s["level"] == "risk")
    assert risk["summary"] == "6 error(s) in the policy"
    assert any("L213-1" in item["text"] for item in risk["items"])
    info = next(s for s in sections if s["level"] == "info")
    assert info["summary"] == "No version has been published yet."


def test_a_published_clean_policy_adds_nothing(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(example="alliance-francaise")
    with garant.unit_of_work() as uow:
        versions.publish(uow=uow, path=garant.policy_path)
    with garant.unit_of_work() as uow:
        assert policy_health(garant, uow) == []


def test_a_policy_that_does_not_load_is_late(make_garant: Callable[..., Garant]) -> None:
    garant = make_garant(policy="controller: {name: X}\nactivities: oops\n")
    with garant.unit_of_work() as uow:
        sections = policy_health(garant, uow)
    assert sections[0]["level"] == "late"
    assert sections[0]["summary"].startswith("policy.yaml:2:")
