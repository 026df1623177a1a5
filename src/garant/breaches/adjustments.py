"""The EDPB's adjustments to the ENISA score, each rule with its source.

EDPB Guidelines 9/2022 on personal data breach notification under the GDPR (version 2.0,
which keeps the risk factors of WP250 rev.01, section IV.B: type of breach, nature,
sensitivity and volume of data, ease of identification, severity of consequences, special
characteristics of the individuals, number of individuals) and the EDPB Guidelines
01/2021 on examples regarding personal data breach notification (cases cited by number).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from garant.breaches.assessment import (
    FRAUD_ENABLING,
    LARGE_SCALE,
    ORDER,
    RISK_OF_LEVEL,
    SENSITIVE,
    _,
    _Work,
    severity,
)
from garant.breaches.schemas import Assessment, Facts, Risk

Rule = Callable[[_Work], tuple[Risk, str, dict[str, Any]] | None]
NO: dict[str, Any] = {}


def _special_categories_exposed(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    if w.exposed and set(w.facts.data_categories) & SENSITIVE:
        return (
            "high",
            _(
                "Special categories of data may be in unauthorised hands: damage is to be "
                "considered likely (EDPB 9/2022, risk factors; EDPB 01/2021 cases 12 and 14)."
            ),
            NO,
        )
    return None


def _fraud_data_exposed(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    f = w.facts
    cats = set(f.data_categories)
    if f.passwords_strongly_hashed:
        cats.discard("credentials")
    if w.exposed and cats & FRAUD_ENABLING and not f.recovered_or_deleted:
        return (
            "high",
            _(
                "Financial, identity or login data may be misused for fraud or identity theft "
                "(EDPB 9/2022, severity of consequences; EDPB 01/2021 cases 04 and 07)."
            ),
            NO,
        )
    return None


def _large_scale_theft(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    f = w.facts
    if w.exposed and f.malicious and f.persons >= LARGE_SCALE and f.identifiability == "direct":
        return (
            "high",
            _(
                "Directly identifying data of %(persons)s persons taken with malicious intent "
                "(EDPB 9/2022, number of affected individuals; EDPB 01/2021 case 11)."
            ),
            {"persons": f.persons},
        )
    return None


def _critical_unavailability(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    f = w.facts
    sensitive = bool(set(f.data_categories) & SENSITIVE) or f.vulnerable_subjects
    if "availability" in f.nature and f.service_impact == "severe" and sensitive:
        return (
            "high",
            _(
                "Sensitive data of vulnerable persons unavailable with a severe effect on the "
                "service they receive (EDPB 01/2021 case 03: hospital ransomware)."
            ),
            NO,
        )
    return None


def _readable_disclosure(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    if w.exposed and w.facts.identifiability != "pseudonymized":
        return (
            "risk",
            _(
                "Identifiable data may have been disclosed and no mitigating factor makes it "
                "unintelligible: the breach is not 'unlikely to result in a risk' (Art. 33(1); "
                "EDPB 9/2022; EDPB 01/2021 case 08)."
            ),
            NO,
        )
    return None


def _lasting_unavailability(w: _Work) -> tuple[Risk, str, dict[str, Any]] | None:
    if w.availability_lasting:
        return (
            "risk",
            _(
                "Personal data lost or unavailable for long, without a quick restore from backup "
                "(EDPB 01/2021 case 02: ransomware without proper backup)."
            ),
            NO,
        )
    return None


FLOORS: tuple[Rule, ...] = (
    _special_categories_exposed,
    _fraud_data_exposed,
    _large_scale_theft,
    _critical_unavailability,
    _readable_disclosure,
    _lasting_unavailability,
)


def _cap(w: _Work) -> str | None:
    """Nothing readable got out, nothing was lost for long, nothing was altered."""
    f = w.facts
    if w.exposed or w.availability_lasting or "integrity" in f.nature:
        return None
    if w.confidentiality and w.contained:
        return _(
            "Mitigating factor: the data was unintelligible to whoever obtained it, or reached a "
            "trusted recipient; unlikely to result in a risk (EDPB 9/2022; EDPB 01/2021 cases "
            "01, 06, 09 and 10)."
        )
    return _(
        "Mitigating factor: no readable disclosure and no lasting loss (EDPB 01/2021 case 01)."
    )


def assess(facts: Facts) -> Assessment:
    """The risk of a breach and what it obliges to (Art. 33(1), Art. 34(1))."""
    work = _Work(facts)
    score, level = severity(work)
    risk: Risk = RISK_OF_LEVEL[level]
    cap = _cap(work)
    if cap is not None:
        risk = "none"
        work.add(cap)
    for rule in FLOORS:
        found = rule(work)
        if found is not None and ORDER[found[0]] > ORDER[risk]:
            risk = found[0]
            work.add(found[1], **found[2])
    inform = risk == "high" and not facts.encrypted_key_safe
    work.add(_conclusion(risk, inform))
    return Assessment(
        risk=risk,
        notify_authority=risk != "none",
        inform_persons=inform,
        reasons=work.reasons,
        explained=work.explained,
        severity=score,
        severity_level=level,
    )


def _conclusion(risk: Risk, inform: bool) -> str:
    if risk == "none":
        return _("Unlikely to result in a risk: record it in the register only (Art. 33(5)).")
    if not inform:
        return _("Likely to result in a risk: notify the authority within 72 hours (Art. 33(1)).")
    return _(
        "Likely to result in a high risk: notify the authority within 72 hours and inform the "
        "persons without undue delay (Art. 33(1), Art. 34(1))."
    )


def parse_facts(data: object) -> Facts:
    return Facts.model_validate(data)
