"""Breach scenarios written from the EDPB's worked examples, with the verdict the EDPB gives.

Source: EDPB Guidelines 01/2021 on examples regarding personal data breach notification,
version 2.0 adopted 14 December 2021,
https://www.edpb.europa.eu/system/files/2022-01/edpb_guidelines_012021_pdbnotification_adopted_en.pdf
Each case's table "Actions necessary based on the identified risks" gives: internal
documentation (always), notification to the SA, communication to data subjects.

What was checked against the guideline's own words (docs/breaches.md, "Scenarios"): the
copy of the guideline reachable from the development tools holds the introduction and
CASE No. 01 only (it stops after case 01's table). So:
- ``verified: True`` (case 01): facts and verdict read in the text; ``conclusion`` is the
  sentence of the text that gives the verdict, quoted word for word;
- ``verified: False`` (cases 02-04, 06-12, 14): the facts are Garant's condensation written
  from knowledge, not from the text; the verdict agrees with a third-party table of the
  18 cases' outcomes (notes in a public repository, not the EDPB's words); no quote.
Cases 05, 13, 15, 16, 17 and 18 are not encoded: without their text, their facts would
be invented (13 and 16 share a title and have different verdicts: the difference lies in
facts we cannot read).
"""

from __future__ import annotations

from typing import Any

GUIDELINES = "EDPB Guidelines 01/2021 (v2.0)"
UNVERIFIED = (
    "not checked against the guideline text (not available to the development tools); "
    "verdict as in a third-party table of the 18 cases' outcomes"
)

_SCENARIOS: list[dict[str, Any]] = [
    {
        "source": f"{GUIDELINES}, CASE No. 01: Ransomware with proper backup and without "
        "exfiltration",
        # Para. 17: "unlawful alteration and unauthorized access"; para. 21: the risks
        # "result from the lack of availability". Clients and employees, "a few dozen".
        "facts": {
            "nature": ["confidentiality", "integrity", "availability"],
            "malicious": True,
            "data_categories": ["identification", "contact", "professional"],
            "persons": 40,
            "records": 40,
            "identifiability": "direct",
            "encrypted_key_safe": True,
            "exfiltration": "ruled_out",
            "backup_available": True,
            "restore_hours": 4,
            "service_impact": "none",
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 02: Ransomware without proper backup",
        "facts": {
            "nature": ["availability"],
            "malicious": True,
            "data_categories": ["identification", "contact", "professional"],
            "persons": 40,
            "records": 40,
            "identifiability": "direct",
            "encrypted_key_safe": True,
            "exfiltration": "ruled_out",
            "backup_available": False,
            "restore_hours": 120,
            "service_impact": "minor",
        },
        "expected": {"risk": "risk", "notify_authority": True, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 03: Ransomware with backup and without "
        "exfiltration in a hospital",
        "facts": {
            "nature": ["availability"],
            "malicious": True,
            "data_categories": ["identification", "health"],
            "vulnerable_subjects": True,
            "persons": 1800,
            "records": 1800,
            "identifiability": "direct",
            "exfiltration": "ruled_out",
            "backup_available": True,
            "restore_hours": 48,
            "service_impact": "severe",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 04: Ransomware without backup and with exfiltration",
        "facts": {
            "nature": ["confidentiality", "availability"],
            "malicious": True,
            "data_categories": ["identification", "contact", "financial"],
            "persons": 100000,
            "records": 100000,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "backup_available": False,
            "service_impact": "severe",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 06: Exfiltration of hashed password from a website",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": True,
            "data_categories": ["credentials"],
            "persons": 1200,
            "records": 1200,
            "identifiability": "indirect",
            "passwords_strongly_hashed": True,
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 07: Credential stuffing attack on a banking website",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": True,
            "data_categories": ["identification", "financial", "credentials"],
            "persons": 2000,
            "records": 2000,
            "identifiability": "direct",
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 08: Exfiltration of business data by an employee",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": True,
            "data_categories": ["identification", "contact", "professional"],
            "persons": 500,
            "records": 500,
            "identifiability": "direct",
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "risk", "notify_authority": True, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 09: Accidental transmission of data to a trusted "
        "third party",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": False,
            "data_categories": ["identification", "contact", "purchases"],
            "persons": 30,
            "records": 30,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "recipient_trusted": True,
            "recovered_or_deleted": True,
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 10: Stolen material storing encrypted personal data",
        "facts": {
            "nature": ["confidentiality", "availability"],
            "malicious": True,
            "data_categories": ["identification", "contact", "health"],
            "persons": 300,
            "records": 300,
            "identifiability": "direct",
            "encrypted_key_safe": True,
            "exfiltration": "confirmed",
            "backup_available": True,
            "restore_hours": 2,
            "service_impact": "none",
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 11: Stolen material storing non-encrypted personal data",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": True,
            "data_categories": ["identification", "contact"],
            "persons": 100000,
            "records": 100000,
            "identifiability": "direct",
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 12: Stolen paper files with sensitive data",
        "facts": {
            "nature": ["confidentiality", "availability"],
            "malicious": True,
            "data_categories": ["identification", "health"],
            "vulnerable_subjects": True,
            "persons": 60,
            "records": 60,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "backup_available": False,
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 14: Highly confidential personal data sent by mail "
        "by mistake",
        "facts": {
            "nature": ["confidentiality"],
            "malicious": False,
            "data_categories": ["identification", "national_id", "health"],
            "persons": 1,
            "records": 1,
            "identifiability": "direct",
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
]


_CONCLUSIONS = {
    "01": (
        "In this case, following a detailed impact assessment and incident response process, "
        "the controller determined that the breach was unlikely to result in a risk to the "
        "rights and freedoms of natural persons, hence no communication to the data subjects "
        "is necessary, nor does the breach require a notification to the SA."
    ),
}


def _number(scenario: dict[str, Any]) -> str:
    return str(scenario["source"]).split("CASE No. ")[1][:2]


CASES: dict[str, dict[str, Any]] = {
    _number(s): s
    | {
        "case": _number(s),
        "verified": _number(s) in _CONCLUSIONS,
        "conclusion": _CONCLUSIONS.get(_number(s)),
        "verdict_source": "the guideline text, para. 25"
        if _number(s) in _CONCLUSIONS
        else UNVERIFIED,
    }
    for s in _SCENARIOS
}
SCENARIOS: list[dict[str, Any]] = list(CASES.values())
NOT_ENCODED = ("05", "13", "15", "16", "17", "18")
