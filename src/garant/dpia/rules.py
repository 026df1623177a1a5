"""DPIA screening and risk levels: pure rules.

Screening follows the EDPB-endorsed WP29 guidelines WP248 rev.01 (4 October 2017): nine
criteria; processing meeting two or more is presumed to need a DPIA (Art. 35(1)), and a
controller that decides otherwise must give its reasons. The CNIL's list adopted under
Art. 35(4) (délibération n° 2018-327 of 11 October 2018) names processing that always
needs one (14 items, as amended by 2019-011), délibération n° 2019-118 of 12 September
2019 processing that needs none (Art. 35(5)); Art. 35(3)(a)-(c) always require one.
Risk levels follow the CNIL's PIA method: severity and likelihood on four
levels (negligible, limited, significant, maximum).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from garant.i18n import gettext as _

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

# GDPR Art. 35(3): the three cases in which a DPIA "shall in particular be required". They
# can never be screened out with a reason (unlike the WP248 presumption).
ART35_3: dict[str, str] = {
    "art35_3_a": "Art. 35(3)(a): systematic and extensive evaluation based on automated "
    "processing, including profiling, with legal or similarly significant effects",
    "art35_3_b": "Art. 35(3)(b): processing on a large scale of special categories (Art. 9) or "
    "of data relating to criminal convictions and offences (Art. 10)",
    "art35_3_c": "Art. 35(3)(c): systematic monitoring of a publicly accessible area on a "
    "large scale",
}

# CNIL, délibération n° 2018-327 du 11 octobre 2018 (JORF 6 November 2018) as amended by
# délibération n° 2019-011: the 14 types of processing that always need a DPIA (Art. 35(4)).
# List dated 2026-12-06; wording from the published list as quoted by
# https://francoischarlet.ch/2018/gdpr-cnil-liste-traitements-analyse-impact-requise and
# https://virtua-legis.com/?p=4149 (read 2026-12-06). Alerts are two items (social and
# health; professional), not one.
CNIL_LIST: dict[str, str] = {
    "health_care": "Health data processed by health or medico-social establishments for the "
    "care of persons",
    "genetic_vulnerable": "Genetic data of so-called vulnerable persons (patients, employees, "
    "children, etc.)",
    "hr_profiling": "Profiling of natural persons for human resources management",
    "employee_monitoring": "Constant monitoring of the activity of the employees concerned",
    "social_health_alerts": "Management of alerts and reports in social and health matters",
    "professional_alerts": "Management of alerts and reports in professional matters",
    "health_registry": "Health data needed to build a data warehouse or a registry",
    "exclusion_profiling": "Profiling that may lead to exclusion from the benefit of a "
    "contract, or to its suspension or termination",
    "shared_breaches_files": "Pooled processing of established contract breaches that may lead "
    "to exclusion or suspension from the benefit of a contract",
    "external_profiling": "Profiling using data from external sources",
    "biometric_vulnerable": "Biometric data for recognising persons, among whom are so-called "
    "vulnerable persons (pupils, elderly persons, patients, asylum seekers, etc.)",
    "social_housing": "Examination of applications for, and management of, social housing",
    "social_support": "Social or medico-social support of persons",
    "large_scale_location": "Large-scale processing of location data",
}
# Before the split of the alerts (keys a stored screening may still hold).
LEGACY_CNIL = {"whistleblowing": "professional_alerts"}

# CNIL, délibération n° 2019-118 du 12 septembre 2019 (JORF 22 October 2019): processing for
# which no DPIA is required (Art. 35(5)). List dated 2026-12-06; items 1-10 as quoted by
# https://novatek-consulting.com/rgpd-liste-des-traitements-pour-lesquels-un-pia-nest-pas-obligatoire/
# and https://www.nextinpact.com/brief/rgpd---la-liste-des-traitements-qui-echappent-aux-etudes-d-impact-10065.htm
# (read 2026-12-06). Items 11 and 12, searched again 2026-12-06 (pages and docs corpora:
# "délibération 2019-118", "liste des types d'opérations de traitement pour lesquelles une
# analyse d'impact n'est pas requise", the items' wording): no copy of the délibération or
# of the full list was found (Légifrance and the CNIL's page are not in the corpora; the
# law-firm pages listing all twelve, e.g. baron-aidenbaum.com and bignonlebray.com, are
# cut before item 7 in what the search returns). Item 12 (breathalysers "lorsqu'il s'agit
# d'empêcher les conducteurs de conduire sous l'influence de l'alcool ou de stupéfiants")
# is confirmed by the nextinpact summary; item 11 (physical access control and working
# hours, without biometrics) rests on knowledge of the list only, no source read names it.
CNIL_EXEMPT: dict[str, str] = {
    "hr_small": "Human resources management only, for organisations of fewer than 250 "
    "employees, without profiling",
    "supplier_relations": "Management of supplier relations",
    "electoral_roll": "Management of the municipal electoral roll, as the texts provide",
    "works_council": "Management of the activities of works councils",
    "nonprofit_members": "Management of the members and donors of an association, foundation "
    "or non-profit institution in its usual activities, with no sensitive data",
    "individual_health_professional": "Health data for the care of a patient by a health "
    "professional practising individually (practice, pharmacy, medical laboratory)",
    "individual_lawyer": "Processing by lawyers practising individually",
    "commercial_court_clerks": "Processing by clerks of the commercial courts for their activity",
    "notaries": "Processing by notaries for their notarial activity and deeds",
    "school_services": "Processing by local authorities and public or private legal persons to "
    "manage school, after-school and early-childhood services",
    "access_control_time": "Physical access control and working hours for computing working "
    "time, without biometrics",
    "breathalysers": "Breathalysers to prevent driving under the influence of alcohol or drugs",
}

RISKS = ("illegitimate_access", "unwanted_change", "disappearance")
LEVELS = {1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}
PRESUMPTION_THRESHOLD = 2


@dataclass(frozen=True)
class Screening:
    required: bool
    presumed: bool
    reasons: list[str]
    imposed: bool = False
    """An Art. 35(3) case or an item of the CNIL's list: required whatever is reasoned."""


def screen(criteria: list[str], cnil_list: list[str], exception_reason: str | None) -> Screening:
    """Art. 35(1),(3),(4),(5): is a DPIA required?

    An Art. 35(3) case (``criteria`` may hold ``art35_3_a``..``c``) or an item of the CNIL's
    list (2018-327) requires it, whatever the reason given. Otherwise two WP248 criteria
    presume it, unless the controller reasons an exception; an item of the CNIL's no-DPIA
    list (2019-118, in ``cnil_list``) exempts it.
    """
    cnil = [LEGACY_CNIL.get(item, item) for item in cnil_list]
    known = {*CRITERIA, *ART35_3}
    unknown = sorted(set(criteria) - known) + sorted(set(cnil) - {*CNIL_LIST, *CNIL_EXEMPT})
    if unknown:
        raise ValueError(f"unknown screening item(s): {', '.join(unknown)}")
    reasons = [_(ART35_3[item]) for item in criteria if item in ART35_3]
    reasons += [
        _("CNIL list: {item}").format(item=_(CNIL_LIST[item])) for item in cnil if item in CNIL_LIST
    ]
    edpb = set(criteria) & set(CRITERIA)
    presumed = len(edpb) >= PRESUMPTION_THRESHOLD
    if presumed:
        reasons.append(_("{n} of the nine EDPB criteria are met").format(n=len(edpb)))
    if reasons and (set(criteria) & set(ART35_3) or set(cnil) & set(CNIL_LIST)):
        return Screening(True, presumed, reasons, imposed=True)
    exempt = [item for item in cnil if item in CNIL_EXEMPT]
    if exempt:
        reasons += [
            _("CNIL no-DPIA list: {item}").format(item=_(CNIL_EXEMPT[item])) for item in exempt
        ]
        return Screening(False, presumed, reasons)
    if presumed and (exception_reason or "").strip():
        reasons.append(_("exception reasoned: {why}").format(why=exception_reason))
        return Screening(False, True, reasons)
    return Screening(presumed, presumed, reasons)


def cnil_label(item: str) -> str:
    """The label of an item of either CNIL list (a legacy key reads as its new item)."""
    item = LEGACY_CNIL.get(item, item)
    return CNIL_LIST.get(item) or CNIL_EXEMPT.get(item) or item


def is_high(risk: dict[str, Any]) -> bool:
    """A residual risk stays high when both severity and likelihood are significant or more."""
    severity = int(risk.get("severity") or 0)
    likelihood = int(risk.get("likelihood") or 0)
    return severity >= 3 and likelihood >= 3


def needs_prior_consultation(risks: dict[str, dict[str, Any]]) -> bool:
    """Art. 36(1): a high residual risk the measures do not bring down calls the authority."""
    return any(is_high(risks.get(name) or {}) for name in RISKS)
