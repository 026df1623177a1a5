"""The EDPB's adjustments to the ENISA score, each rule with its source.

EDPB Guidelines 9/2022 on personal data breach notification under the GDPR (version 2.0,
which keeps the risk factors of WP250 rev.01, section IV.B: type of breach, nature,
sensitivity and volume of data, ease of identification, severity of consequences, special
characteristics of the individuals, number of individuals) and the EDPB Guidelines
01/2021 on examples regarding personal data breach notification (cases cited by number).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

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


class Finding(NamedTuple):
    """A floor a rule puts under the risk, with its stable code and its sentence."""

    risk: Risk
    code: str
    message: str
    params: dict[str, Any]


Rule = Callable[[_Work], Finding | None]
NO: dict[str, Any] = {}


def _special_categories_exposed(w: _Work) -> Finding | None:
    if w.exposed and set(w.facts.data_categories) & SENSITIVE:
        return Finding(
            "high",
            "edpb.high.special_categories_exposed",
            _(
                "Special categories of data may be in unauthorised hands: damage is to be "
                "considered likely (EDPB 9/2022, risk factors; EDPB 01/2021 cases 12 and 14)."
            ),
            NO,
        )
    return None


def _fraud_data_exposed(w: _Work) -> Finding | None:
    f = w.facts
    cats = set(f.data_categories)
    if f.passwords_strongly_hashed:
        cats.discard("credentials")
    if w.exposed and cats & FRAUD_ENABLING and not f.recovered_or_deleted:
        return Finding(
            "high",
            "edpb.high.fraud_data_exposed",
            _(
                "Financial, identity or login data may be misused for fraud or identity theft "
                "(EDPB 9/2022, severity of consequences; EDPB 01/2021 cases 04 and 07)."
            ),
            NO,
        )
    return None


def _large_scale_theft(w: _Work) -> Finding | None:
    f = w.facts
    if w.exposed and f.malicious and f.persons >= LARGE_SCALE and f.identifiability == "direct":
        return Finding(
            "high",
            "edpb.high.large_scale_theft",
            _(
                "Directly identifying data of %(persons)s persons taken with malicious intent "
                "(EDPB 9/2022, number of affected individuals; EDPB 01/2021 case 11)."
            ),
            {"persons": f.persons},
        )
    return None


def _taken_for_abuse(w: _Work) -> Finding | None:
    """EDPB 01/2021 case 05: identity and contact data (with CVs) skimmed from a web form by
    an outside attacker are high risk for the persons: taken on purpose, they serve phishing
    and identity fraud. An insider taking a customer list for their next job (case 08) is
    not this rule's."""
    f = w.facts
    cats = set(f.data_categories)
    outside_theft = f.malicious and not f.insider and f.exfiltration == "confirmed"
    profile = {"identification", "contact"} <= cats and f.identifiability == "direct"
    if w.exposed and outside_theft and profile and not f.recovered_or_deleted:
        return Finding(
            "high",
            "edpb.high.taken_for_abuse",
            _(
                "Identity and contact data taken by an outside attacker, to be abused for "
                "phishing or identity fraud (EDPB 9/2022, severity of consequences; EDPB "
                "01/2021 case 05)."
            ),
            NO,
        )
    return None


def _critical_unavailability(w: _Work) -> Finding | None:
    f = w.facts
    sensitive = bool(set(f.data_categories) & SENSITIVE) or f.vulnerable_subjects
    if "availability" in f.nature and f.service_impact == "severe" and sensitive:
        return Finding(
            "high",
            "edpb.high.critical_unavailability",
            _(
                "Sensitive data of vulnerable persons unavailable with a severe effect on the "
                "service they receive (EDPB 01/2021 case 03: hospital ransomware)."
            ),
            NO,
        )
    return None


def _readable_disclosure(w: _Work) -> Finding | None:
    if w.exposed and w.facts.identifiability != "pseudonymized":
        return Finding(
            "risk",
            "edpb.risk.readable_disclosure",
            _(
                "Identifiable data may have been disclosed and no mitigating factor makes it "
                "unintelligible: the breach is not 'unlikely to result in a risk' (Art. 33(1); "
                "EDPB 9/2022; EDPB 01/2021 case 08)."
            ),
            NO,
        )
    return None


def _lasting_unavailability(w: _Work) -> Finding | None:
    if w.availability_lasting:
        return Finding(
            "risk",
            "edpb.risk.lasting_unavailability",
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
    _taken_for_abuse,
    _critical_unavailability,
    _readable_disclosure,
    _lasting_unavailability,
)


def _cap(w: _Work) -> tuple[str, str] | None:
    """Nothing readable got out, nothing was lost or altered for long (restored from a backup
    within a day with no effect on the service counts as not for long: EDPB 01/2021 case 01)."""
    if w.exposed or w.availability_lasting or w.integrity_lasting:
        return None
    if w.confidentiality and w.contained:
        return "edpb.mitigating.unintelligible", _(
            "Mitigating factor: the data was unintelligible to whoever obtained it, or reached a "
            "trusted recipient; unlikely to result in a risk (EDPB 9/2022; EDPB 01/2021 cases "
            "01, 06, 09 and 10)."
        )
    return "edpb.mitigating.no_lasting_loss", _(
        "Mitigating factor: no readable disclosure, no lasting loss or alteration (EDPB "
        "01/2021 case 01)."
    )


def assess(facts: Facts) -> Assessment:
    """The risk of a breach and what it obliges to (Art. 33(1), Art. 34(1)).

    The reasons are in English; ``assessment.localized`` gives them in another language.
    """
    work = _Work(facts)
    score, level = severity(work)
    risk: Risk = RISK_OF_LEVEL[level]
    cap = _cap(work)
    if cap is not None:
        risk = "none"
        work.add(*cap)
    for rule in FLOORS:
        found = rule(work)
        if found is not None and ORDER[found.risk] > ORDER[risk]:
            risk = found.risk
            work.add(found.code, found.message, **found.params)
    inform = risk == "high" and not _encryption_waiver(work)
    if risk == "high" and facts.encrypted_key_safe and inform:
        work.add(
            "art34.encryption_no_waiver",
            _(
                "The encryption of the data does not waive informing the persons: it protects "
                "confidentiality only, not a loss of availability or integrity (Art. 34(3)(a))."
            ),
        )
    work.add(*_conclusion(risk, inform))
    return Assessment(
        risk=risk,
        notify_authority=risk != "none",
        inform_persons=inform,
        reasons=work.reasons,
        reason_codes=work.codes,
        explained=work.explained,
        severity=score,
        severity_level=level,
    )


def _encryption_waiver(w: _Work) -> bool:
    """GDPR Art. 34(3)(a): no communication when measures "render the personal data
    unintelligible to any person who is not authorised to access it, such as encryption".
    Unintelligibility answers a loss of confidentiality only: a hospital's records encrypted
    at rest and locked by ransomware (care delayed) still call for informing the persons."""
    return w.facts.encrypted_key_safe and not (w.availability_lasting or w.integrity_lasting)


def _conclusion(risk: Risk, inform: bool) -> tuple[str, str]:
    if risk == "none":
        return "conclusion.register_only", _(
            "Unlikely to result in a risk: record it in the register only (Art. 33(5))."
        )
    if not inform:
        return "conclusion.notify_authority", _(
            "Likely to result in a risk: notify the authority within 72 hours (Art. 33(1))."
        )
    return "conclusion.notify_and_inform", _(
        "Likely to result in a high risk: notify the authority within 72 hours and inform the "
        "persons without undue delay (Art. 33(1), Art. 34(1))."
    )


def parse_facts(data: object) -> Facts:
    return Facts.model_validate(data)
