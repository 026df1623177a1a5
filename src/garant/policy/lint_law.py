"""Lint checks that follow the law rather than the file: a DPO where Art. 37 requires one,
a DPIA where Art. 35 does, statutes that bind this controller, minors' consent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from garant.i18n import current_language
from garant.i18n import gettext as _
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
        why = _("a public body must designate one (GDPR Art. 37(1)(a))")
    for a in policy.activities:
        if why is None and a.core_activity and a.large_scale:
            if a.monitoring != "none":
                why = _(
                    'activity "{id}" is a core activity of large-scale monitoring (37(1)(b))'
                ).format(id=a.id)
            elif any(CATEGORIES[c].art9 or CATEGORIES[c].art10 for c in a.data_categories):
                why = _(
                    'activity "{id}" is a core activity of Art. 9/10 data at scale (37(1)(c))'
                ).format(id=a.id)
    if why is not None:
        yield Finding(
            "error",
            "dpo-required",
            _("no data protection officer is declared (contacts.dpo) but {why}").format(why=why),
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
        imposed = bool(s.art35_3) or s.result.imposed
        yield Finding(
            "error" if imposed else "warning",
            "dpia-required",
            _(
                'activity "{id}" needs a DPIA and none is recorded (accountability.dpias): '
                "{reasons}"
            ).format(id=s.activity, reasons="; ".join(s.result.reasons)),
            ("activities", s.index),
        )


def statutes_apply(policy: Policy) -> Iterator[Finding]:
    """A statute binds only whom it names (CMF L561-12: the entities of L561-2), from the
    event it names (L561-12: the end of the relationship or the operation)."""
    for i, r in enumerate(policy.retention_rules):
        if r.archive is None:
            continue
        statute = policy.statute(r.archive.statute)
        name = r.label.get(current_language()) if r.label else r.id
        at = ("retention_rules", i, "archive", "statute")
        if statute.applies_to is not None and not _bound(policy, statute.id):
            yield Finding(
                "warning",
                "statute-not-applicable",
                _(
                    'rule "{rule}" cites {reference}, which binds only {whom}: declare '
                    "controller.aml_obliged: true if the organization is one, else cite the "
                    "statute that applies"
                ).format(
                    rule=name,
                    reference=statute.reference,
                    whom=statute.applies_to.get(current_language()),
                ),
                at,
            )
        if statute.counted_from == "end_of_relationship" and r.start.latest == ["collected"]:
            yield Finding(
                "warning",
                "statute-start",
                _(
                    'rule "{rule}": {reference} runs from the end of the business relationship '
                    "or from the operation, not from collection: start the rule there"
                ).format(rule=name, reference=statute.reference),
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
                _(
                    'activity "{id}" rests on consent and concerns minors: in France a minor '
                    "consents alone from {age} (Loi 78-17 art. 45); below, jointly with the "
                    "holder of parental authority (set minors_joint_consent: true on the "
                    "consent purpose once the form asks both)"
                ).format(id=a.id, age=DIGITAL_CONSENT_AGE_FR),
                ("activities", i, "consent_purpose"),
            )


def _minors(policy: Policy, a: Activity) -> bool:
    return "minors" in a.data_categories or any(
        policy.subject_flags(kind)[1] for kind in a.data_subjects
    )


def consent_alone(age: int) -> bool:
    """Whether a minor of ``age`` consents alone in France (Loi 78-17 art. 45)."""
    return age >= DIGITAL_CONSENT_AGE_FR
