"""How serious is a breach: ENISA's severity score, then the EDPB's adjustments.

Step 1, ENISA, "Recommendations for a methodology of the assessment of severity of
personal data breaches" (2013): SE = DPC x EI + CB.
  DPC  data processing context, 1 simple / 2 behavioural / 3 financial / 4 sensitive,
       raised by one (max 4) for vulnerable persons;
  EI   ease of identification, 0.25 negligible ... 1 maximum;
  CB   circumstances of the breach: loss of confidentiality, integrity, availability
       (0 / 0.25 / 0.5 each) and malicious intent (+0.5).
  SE < 2 low, < 3 medium, < 4 high, else very high.
Step 2, the mitigating and aggravating factors of the EDPB Guidelines 9/2022 on personal
data breach notification (ex-WP250) and the worked cases of the EDPB Guidelines 01/2021
on examples regarding personal data breach notification. Each rule applied is a reason.

Pure: no database, no clock. ``docs/breaches.md`` explains every number.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from garant.breaches.schemas import Facts, Risk
from garant.policy.taxonomy import ART9, ART10

BEHAVIOURAL = frozenset({"personal_life", "communications", "location", "internet", "connection"})
# Data that lets someone steal an identity, an account or money: ENISA's "financial" level.
FRAUD_ENABLING = frozenset(
    {"financial", "payment_card", "credentials", "identity_document", "national_id"}
)
SENSITIVE = ART9 | ART10
EI = {"direct": 1.0, "indirect": 0.75, "pseudonymized": 0.5}
LARGE_SCALE = 10_000
LEVELS = ((2.0, "low"), (3.0, "medium"), (4.0, "high"))
RISK_OF_LEVEL: dict[str, Risk] = {
    "low": "none",
    "medium": "risk",
    "high": "high",
    "very_high": "high",
}
ORDER: dict[Risk, int] = {"none": 0, "risk": 1, "high": 2}


@dataclass
class _Work:
    facts: Facts
    reasons: list[str] = field(default_factory=list)

    @property
    def confidentiality(self) -> bool:
        return "confidentiality" in self.facts.nature

    @property
    def contained(self) -> bool:
        """Whoever got the data cannot read or use it (EDPB 9/2022; Art. 34(3)(a))."""
        f = self.facts
        hashed_only = set(f.data_categories) <= {"credentials"} and f.passwords_strongly_hashed
        return f.encrypted_key_safe or hashed_only or f.recipient_trusted

    @property
    def exposed(self) -> bool:
        """Readable personal data may be in unauthorised hands."""
        return (
            self.confidentiality and not self.contained and self.facts.exfiltration != "ruled_out"
        )

    @property
    def availability_lasting(self) -> bool:
        f = self.facts
        if "availability" not in f.nature:
            return False
        slow = f.restore_hours is None or f.restore_hours > 24
        return not f.backup_available or slow or f.service_impact != "none"


def _dpc(work: _Work) -> float:
    cats = set(work.facts.data_categories)
    if cats & SENSITIVE:
        base, why = 4.0, "special categories (Art. 9/10)"
    elif cats & FRAUD_ENABLING:
        base, why = 3.0, "financial or identity data"
    elif cats & BEHAVIOURAL:
        base, why = 2.0, "behavioural data"
    else:
        base, why = 1.0, "simple data"
    if (work.facts.vulnerable_subjects or "minors" in cats) and base < 4:
        base, why = base + 1, why + ", raised by one for vulnerable persons or minors"
    work.reasons.append(f"ENISA data processing context DPC = {base:g} ({why}).")
    return base


def _ei(work: _Work) -> float:
    f = work.facts
    if work.confidentiality and work.contained:
        work.reasons.append(
            "ENISA ease of identification EI = 0.25 (negligible): the data was unintelligible "
            "(state-of-the-art encryption with a safe key, strongly hashed passwords) or went "
            "to a trusted recipient bound by confidentiality."
        )
        return 0.25
    value = EI[f.identifiability]
    work.reasons.append(f"ENISA ease of identification EI = {value:g} ({f.identifiability}).")
    return value


def _cb_confidentiality(work: _Work) -> float:
    f = work.facts
    if not work.confidentiality or work.contained or f.exfiltration == "ruled_out":
        return 0.0
    if f.recovered_or_deleted or f.exfiltration == "unknown":
        return 0.25
    return 0.5


def _cb_availability(work: _Work) -> float:
    f = work.facts
    if "availability" not in f.nature:
        return 0.0
    if not f.backup_available or f.service_impact == "severe":
        return 0.5
    return 0.25 if work.availability_lasting else 0.0


def _cb(work: _Work) -> float:
    f = work.facts
    parts = {
        "confidentiality": _cb_confidentiality(work),
        "integrity": (0.25 if f.backup_available else 0.5) if "integrity" in f.nature else 0.0,
        "availability": _cb_availability(work),
        "malicious intent": 0.5 if f.malicious else 0.0,
    }
    total = sum(parts.values())
    shown = ", ".join(f"{k} +{v:g}" for k, v in parts.items() if v)
    work.reasons.append(f"ENISA circumstances of the breach CB = {total:g} ({shown or 'none'}).")
    return total


def severity(work: _Work) -> tuple[float, str]:
    score = round(_dpc(work) * _ei(work) + _cb(work), 2)
    level = next((name for limit, name in LEVELS if score < limit), "very_high")
    work.reasons.append(
        f"ENISA severity SE = DPC x EI + CB = {score:g}: {level.replace('_', ' ')}."
    )
    return score, level
