"""DPIA screening and risk levels: pure rules.

Screening follows the EDPB-endorsed WP29 guidelines WP248 rev.01 (4 October 2017): nine
criteria; processing meeting two or more is presumed to need a DPIA (Art. 35(1)), and a
controller that decides otherwise must give its reasons. The CNIL's list adopted under
Art. 35(4) (délibération n° 2018-327 of 11 October 2018) names processing that always
needs one. Risk levels follow the CNIL's PIA method: severity and likelihood on four
levels (negligible, limited, significant, maximum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

CRITERIA: dict[str, str] = {
    "evaluation_scoring": "Evaluation or scoring, including profiling and predicting",
    "automated_decision": "Automated decision-making with legal or similarly significant effect",
    "systematic_monitoring": "Systematic monitoring",
    "sensitive_data": "Sensitive data or data of a highly personal nature",
    "large_scale": "Data processed on a large scale",
    "matching_datasets": "Matching or combining datasets",
    "vulnerable_subjects": "Data concerning vulnerable data subjects",
    "innovative_use": "Innovative use or new technological or organisational solutions",
    "prevents_rights": "Processing that prevents exercising a right or using a service or contract",
}

CNIL_LIST: dict[str, str] = {
    "health_care": "Health data processed by health or medico-social establishments for care",
    "genetic_vulnerable": "Genetic data of vulnerable persons (patients, employees, children)",
    "hr_profiling": "Profiling of persons for human resources management",
    "employee_monitoring": "Constant monitoring of employees' activity",
    "whistleblowing": "Management of professional and social alerts (whistleblowing)",
    "health_registry": "Health data needed to build a data warehouse or a registry",
    "exclusion_profiling": "Profiling that may exclude persons from a contract or end it",
    "shared_breaches_files": "Shared files of contract breaches that may exclude from a contract",
    "external_profiling": "Profiling using data from external sources",
    "biometric_vulnerable": "Biometric recognition of persons including vulnerable persons",
    "social_housing": "Processing of social housing applications and management",
    "social_support": "Social or medico-social support of persons",
    "large_scale_location": "Large-scale processing of location data",
}

RISKS = ("illegitimate_access", "unwanted_change", "disappearance")
LEVELS = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}
PRESUMPTION_THRESHOLD = 2


@dataclass(frozen=True)
class Screening:
    required: bool
    presumed: bool
    reasons: list[str]


def screen(criteria: list[str], cnil_list: list[str], exception_reason: str | None) -> Screening:
    """Art. 35(1),(4): is a DPIA required? Two criteria presume it; the CNIL list imposes it."""
    unknown = sorted(set(criteria) - set(CRITERIA)) + sorted(set(cnil_list) - set(CNIL_LIST))
    if unknown:
        raise ValueError(f"unknown screening item(s): {', '.join(unknown)}")
    reasons = [f"CNIL list: {CNIL_LIST[item]}" for item in cnil_list]
    presumed = len(set(criteria)) >= PRESUMPTION_THRESHOLD
    if presumed:
        reasons.append(f"{len(set(criteria))} of the nine EDPB criteria are met")
    if cnil_list:
        return Screening(True, presumed, reasons)
    if presumed and (exception_reason or "").strip():
        reasons.append(f"exception reasoned: {exception_reason}")
        return Screening(False, True, reasons)
    return Screening(presumed, presumed, reasons)


def is_high(risk: dict[str, Any]) -> bool:
    """A residual risk stays high when both severity and likelihood are significant or more."""
    severity = int(risk.get("severity") or 0)
    likelihood = int(risk.get("likelihood") or 0)
    return severity >= 3 and likelihood >= 3


def needs_prior_consultation(risks: dict[str, dict[str, Any]]) -> bool:
    """Art. 36(1): a high residual risk the measures do not bring down calls the authority."""
    return any(is_high(risks.get(name) or {}) for name in RISKS)
