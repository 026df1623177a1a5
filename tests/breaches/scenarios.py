"""Breach scenarios written from the EDPB's worked examples, with the verdict the EDPB gives.

Source: EDPB Guidelines 01/2021 on examples regarding personal data breach notification,
version 2.0 adopted 14 December 2021,
https://www.edpb.europa.eu/system/files/2022-01/edpb_guidelines_012021_pdbnotification_adopted_en.pdf
Each case's table "Actions necessary based on the identified risks" gives: internal
documentation (always), notification to the SA, communication to data subjects.
"""

from __future__ import annotations

from typing import Any

GUIDELINES = "EDPB Guidelines 01/2021 (v2.0)"

SCENARIOS: list[dict[str, Any]] = [
    {
        "source": f"{GUIDELINES}, CASE No. 01: Ransomware with proper backup and without "
        "exfiltration",
        "facts": {
            "nature": ["confidentiality", "availability"],
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
