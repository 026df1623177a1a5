"""DPIA screening read from the policy itself: each activity's criteria derived from what
it declares (categories, persons, scale, monitoring, profiling), then ``rules.screen``.

WP248 rev.01 criteria derived: evaluation_scoring (profiling), automated_decision,
systematic_monitoring, sensitive_data (Art. 9/10 categories, the NIR, data about minors),
large_scale, vulnerable_subjects (minors, patients, employees, a policy's own vulnerable
kinds). Art. 35(3)(a) profiling with automated decisions; (b) Art. 9/10 data on a large
scale; (c) monitoring of a publicly accessible area on a large scale. The activity may name
items of the CNIL's lists (``dpia_cnil_list``) and reason an exception (``dpia_exception``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from garant.dpia.rules import Screening, screen
from garant.policy.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from garant.policy.models import Activity, Policy


@dataclass(frozen=True)
class ActivityScreening:
    activity: str
    index: int
    criteria: list[str]
    result: Screening

    @property
    def art35_3(self) -> list[str]:
        return [c for c in self.criteria if c.startswith("art35_3_")]


def _sensitive(a: Activity) -> bool:
    return any(CATEGORIES[c].sensitive or c == "minors" for c in a.data_categories)


def _special(a: Activity) -> bool:
    return any(CATEGORIES[c].art9 or CATEGORIES[c].art10 for c in a.data_categories)


def _vulnerable(policy: Policy, a: Activity) -> bool:
    return "minors" in a.data_categories or any(
        policy.subject_flags(kind)[0] for kind in a.data_subjects
    )


def criteria_of(policy: Policy, a: Activity) -> list[str]:
    """The WP248 criteria and Art. 35(3) cases an activity's declarations meet."""
    met = {
        "evaluation_scoring": a.profiling,
        "automated_decision": a.automated_decisions,
        "systematic_monitoring": a.monitoring != "none",
        "sensitive_data": _sensitive(a),
        "large_scale": a.large_scale,
        "vulnerable_subjects": _vulnerable(policy, a),
        "art35_3_a": a.profiling and a.automated_decisions,
        "art35_3_b": a.large_scale and _special(a),
        "art35_3_c": a.large_scale and a.monitoring == "public_area",
    }
    return [name for name, yes in met.items() if yes]


def screen_policy(policy: Policy) -> list[ActivityScreening]:
    """Every activity screened; the caller decides what to say about each."""
    found = []
    for i, a in enumerate(policy.activities):
        criteria = criteria_of(policy, a)
        result = screen(criteria, list(a.dpia_cnil_list), a.dpia_exception)
        found.append(ActivityScreening(a.id, i, criteria, result))
    return found


def unrecorded(policy: Policy, recorded: set[str]) -> list[ActivityScreening]:
    """Activities the policy's own declarations call a DPIA for (Art. 35(1),(3),(4)) with
    none recorded, neither in the policy (``accountability.dpias``) nor in the store."""
    have = recorded | {d.activity for d in policy.accountability.dpias}
    return [s for s in screen_policy(policy) if s.result.required and s.activity not in have]
