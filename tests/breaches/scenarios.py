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
- ``verified: False`` (every other case): the facts are Garant's condensation written from
  knowledge of the guideline, not from its text; the verdict agrees with third-party
  summaries of the 18 cases' outcomes, not the EDPB's words; no quote.

Cases 05, 13, 15, 16, 17 and 18 (re-searched 6 December 2026, docs and pages corpora:
"EDPB guidelines 01/2021 case no. 15", ransomware, exfiltration of business data,
mistakenly sent, credential stuffing, social engineering identity theft, email
exfiltration; and the code index for phrases of the narratives) were found in summaries
only:
- the outcomes table in a public repository's notes (code index; a table "| # | Case |
  Type | Document | Authority | People |", "Source: [edpb-1-2021] · Read: 2026-09-02"):
  05 SA+persons, 13 neither, 15 neither, 16 SA only, 17 SA+persons, 18 SA+persons. It is
  the only summary found that speaks of case 15;
- the partner blog https://ije.be/nl/news/partnerblog/examples-of-when-to-notify-data-breaches
  (read 6 December 2026), "Unintentional internal errors": its rows are case 09 (trusted
  third party: no, no), WP250 Annex B's open distribution list (cc instead of bcc: SA and
  persons if many recipients or sensitive data), case 13 (webshop orders to the wrong
  customer: no, no), case 14 (sensitive data by e-mail: yes, yes) and case 16 (motor
  insurance policy misposted: SA yes, persons no). It has no row for case 15: the
  disagreement on case 15 noted earlier came from reading its cc/bcc row as case 15;
- law-firm notes naming the case titles (Hunton, Arthur Cox), without outcomes.
No narrative of these cases was read: their facts are condensed from the titles, the
summaries' one-line descriptions and knowledge of the guideline.
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
            "service_impact": "minor",
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
        "source": f"{GUIDELINES}, CASE No. 05: Exfiltration of job application data from a website",
        # A web form's data (identity, contact, CVs) skimmed by malicious code.
        "facts": {
            "nature": ["confidentiality"],
            "malicious": True,
            "data_categories": ["identification", "contact", "professional", "education"],
            "persons": 213,
            "records": 213,
            "identifiability": "direct",
            "exfiltration": "confirmed",
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
            "insider": True,
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
        "source": f"{GUIDELINES}, CASE No. 13: Postal mail mistake",
        # Two orders of a webshop packed with each other's packing slip: each customer got
        # the other's name, address and purchase; each was asked to return or destroy it.
        "facts": {
            "nature": ["confidentiality"],
            "malicious": False,
            "data_categories": ["identification", "contact", "purchases"],
            "persons": 2,
            "records": 2,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "recipient_known": True,
            "recovered_or_deleted": True,
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
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
    {
        "source": f"{GUIDELINES}, CASE No. 15: Personal data sent by mail by mistake",
        # A course's participant list (names, e-mail addresses) sent by mistake to former
        # participants, who were asked to delete it and did. Verdict (neither) from the
        # outcomes table, the only summary found for this case (see the module's
        # docstring). Not encoded: the recollection, not checked against any text, that
        # the list also gave two participants' food preferences (lactose intolerance, i.e.
        # health data); with it Garant answers "high" (special categories exposed), so the
        # case must be re-read before that fact is added.
        "facts": {
            "nature": ["confidentiality"],
            "malicious": False,
            "data_categories": ["identification", "contact"],
            "persons": 15,
            "records": 15,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "recipient_known": True,
            "recovered_or_deleted": True,
        },
        "expected": {"risk": "none", "notify_authority": False, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 16: Postal mail mistake",
        # An insurer's enveloping machine put two policyholders' letters in one envelope:
        # name, address, birth date, vehicle registration, mileage (no payment data).
        "facts": {
            "nature": ["confidentiality"],
            "malicious": False,
            "data_categories": ["identification", "contact", "personal_life"],
            "persons": 1,
            "records": 1,
            "identifiability": "direct",
            "exfiltration": "confirmed",
            "recipient_known": True,
        },
        "expected": {"risk": "risk", "notify_authority": True, "inform_persons": False},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 17: Identity theft",
        # A caller posing as a customer had the contact e-mail changed and received the
        # customer's invoices (identity, contact, billing and bank details).
        "facts": {
            "nature": ["confidentiality", "integrity"],
            "malicious": True,
            "data_categories": ["identification", "contact", "financial"],
            "persons": 1,
            "records": 1,
            "identifiability": "direct",
            "exfiltration": "confirmed",
        },
        "expected": {"risk": "high", "notify_authority": True, "inform_persons": True},
    },
    {
        "source": f"{GUIDELINES}, CASE No. 18: Email exfiltration",
        # Mailbox rules forwarded every e-mail about invoices and bank details to an outside
        # address for months; a supplier's bank details were changed to the attacker's.
        "facts": {
            "nature": ["confidentiality", "integrity"],
            "malicious": True,
            "data_categories": ["identification", "contact", "financial", "communications"],
            "persons": 99,
            "records": 99,
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
NOT_ENCODED: tuple[str, ...] = ()
