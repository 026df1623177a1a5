"""Lint checks that follow the law rather than the file: a DPO where Art. 37 requires one,
a DPIA where Art. 35 does, statutes that bind this controller, minors' consent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from garant.policy.findings import Finding
from garant.policy.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from garant.policy.models import Activity, Policy

# Loi 78-17 art. 45 (GDPR Art. 8(1) as France set it): a minor consents alone to an
# information society service from 15; below, the minor and the holder(s) of parental
# authority consent jointly.
DIGITAL_CONSENT_AGE_FR = 15


def dpo_required(policy: Policy) -> Iterator[Finding]:
    """GDPR Art. 37(1): (a) a public authority or body; (b) core activities of regular and
    systematic monitoring on a large scale; (c) core activities of Art. 9 or 10 data on a
    large scale. Without a DPO declared in ``contacts.dpo``, an error."""
    if policy.contacts.dpo is not None:
        return
    why = None
    if policy.controller.kind == "public_body":
        why = "a public body must designate one (GDPR Art. 37(1)(a))"
    for a in policy.activities:
        if why is None and a.core_activity and a.large_scale:
            if a.monitoring != "none":
                why = f'activity "{a.id}" is a core activity of large-scale monitoring (37(1)(b))'
            elif any(CATEGORIES[c].art9 or CATEGORIES[c].art10 for c in a.data_categories):
                why = f'activity "{a.id}" is a core activity of Art. 9/10 data at scale (37(1)(c))'
    if why is not None:
        yield Finding(
            "error",
            "dpo-required",
            f"no data protection officer is declared (contacts.dpo) but {why}",
            ("contacts",),
        )


def dpia_screening(policy: Policy) -> Iterator[Finding]:
    """Art. 35: each activity screened from what it declares (``garant.dpia.from_policy``);
    a DPIA required and none recorded under ``accountability.dpias`` is an error for an
    Art. 35(3) case or a CNIL-list item, a warning for the WP248 presumption."""
    from garant.dpia.from_policy import screen_policy

    recorded = {d.activity for d in policy.accountability.dpias}
    for s in screen_policy(policy):
        if not s.result.required or s.activity in recorded:
            continue
        imposed = bool(s.art35_3) or any("CNIL list" in r for r in s.result.reasons)
        yield Finding(
            "error" if imposed else "warning",
            "dpia-required",
            f'activity "{s.activity}" needs a DPIA and none is recorded '
            f"(accountability.dpias): {'; '.join(s.result.reasons)}",
            ("activities", s.index),
        )


def statutes_apply(policy: Policy) -> Iterator[Finding]:
    """A statute binds only whom it names (CMF L561-12: the entities of L561-2), from the
    event it names (L561-12: the end of the relationship or the operation)."""
    for i, r in enumerate(policy.retention_rules):
        if r.archive is None:
            continue
        statute = policy.statute(r.archive.statute)
        name = r.label.en if r.label else r.id
        at = ("retention_rules", i, "archive", "statute")
        if statute.applies_to is not None and not _bound(policy, statute.id):
            yield Finding(
                "warning",
                "statute-not-applicable",
                f'rule "{name}" cites {statute.reference}, which binds only '
                f"{statute.applies_to.en}: declare controller.aml_obliged: true if the "
                "organization is one, else cite the statute that applies",
                at,
            )
        if statute.counted_from == "end_of_relationship" and r.start.latest == ["collected"]:
            yield Finding(
                "warning",
                "statute-start",
                f'rule "{name}": {statute.reference} runs from the end of the business '
                "relationship or from the operation, not from collection: start the rule there",
                ("retention_rules", i, "start"),
            )


def _bound(policy: Policy, statute_id: str) -> bool:
    return statute_id != "monetary_code_l561_12" or policy.controller.aml_obliged


def minors_consent(policy: Policy) -> Iterator[Finding]:
    """Loi 78-17 art. 45: below 15, consent to an online service is given jointly by the
    minor and the holder(s) of parental authority; the consent purpose must say so."""
    purposes = {p.id: p for p in policy.consent_purposes}
    for i, a in enumerate(policy.activities):
        purpose = purposes.get(a.consent_purpose or "")
        if a.legal_basis != "consent" or not _minors(policy, a) or purpose is None:
            continue
        if not purpose.minors_joint_consent:
            yield Finding(
                "warning",
                "minors-consent",
                f'activity "{a.id}" rests on consent and concerns minors: in France a minor '
                f"consents alone from {DIGITAL_CONSENT_AGE_FR} (Loi 78-17 art. 45); below, "
                "jointly with the holder of parental authority (set minors_joint_consent: "
                "true on the consent purpose once the form asks both)",
                ("activities", i, "consent_purpose"),
            )


def _minors(policy: Policy, a: Activity) -> bool:
    return "minors" in a.data_categories or any(
        policy.subject_flags(kind)[1] for kind in a.data_subjects
    )


def consent_alone(age: int) -> bool:
    """Whether a minor of ``age`` consents alone in France (Loi 78-17 art. 45)."""
    return age >= DIGITAL_CONSENT_AGE_FR
