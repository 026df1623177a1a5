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
from typing import Any

from garant.breaches.schemas import Assessment, Facts, Risk
from garant.i18n import translate
from garant.policy.taxonomy import ART9, ART10


def _(message: str) -> str:
    """Marks a reason for the French catalog; it is translated when shown (``explain``)."""
    return message


def explain(item: dict[str, Any], lang: str) -> str:
    """One reason in ``lang``: its template and its parameters (words among them too)."""
    params = {k: _word(lang, v) if isinstance(v, str) else v for k, v in item["params"].items()}
    return translate(lang, item["msg"]) % params


def _word(lang: str, value: str) -> str:
    """A parameter in ``lang``: a word through the catalog, a number with French's comma."""
    if lang == "fr" and value.replace(".", "", 1).isdigit():
        return value.replace(".", ",")
    return translate(lang, value)


def localized(result: Assessment, lang: str) -> Assessment:
    """The same assessment with its ``reasons`` in ``lang`` (French or English).

    The codes (``reason_codes``, ``explained[].code``) do not change with the language:
    machines read those; people read the sentences.
    """
    return result.model_copy(update={"reasons": [explain(i, lang) for i in result.explained]})


BEHAVIOURAL = frozenset({"personal_life", "communications", "location", "internet", "connection"})
# Data that lets someone steal an identity, an account or money: ENISA's "financial" level.
FRAUD_ENABLING = frozenset(
    {"financial", "payment_card", "credentials", "identity_document", "national_id"}
)
SENSITIVE = ART9 | ART10
EI = {"direct": 1.0, "indirect": 0.75, "pseudonymized": 0.5}
IDENTIFIABILITY = {
    "direct": _("directly identifiable"),
    "indirect": _("indirectly identifiable"),
    "pseudonymized": _("pseudonymized"),
}
LEVEL_WORDS = {
    "low": _("low"),
    "medium": _("medium"),
    "high": _("high"),
    "very_high": _("very high"),
}
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
    explained: list[dict[str, Any]] = field(default_factory=list)

    def add(self, code: str, message: str, **params: Any) -> None:
        """One step of the reasoning: a stable ``code`` for machines, a sentence for people."""
        self.explained.append({"code": code, "msg": message, "params": params})

    @property
    def reasons(self) -> list[str]:
        return [explain(item, "en") for item in self.explained]

    @property
    def codes(self) -> list[str]:
        return [item["code"] for item in self.explained]

    @property
    def confidentiality(self) -> bool:
        return "confidentiality" in self.facts.nature

    @property
    def contained(self) -> bool:
        """Whoever got the data cannot read or use it (EDPB 9/2022; Art. 34(3)(a))."""
        f = self.facts
        hashed_only = set(f.data_categories) <= {"credentials"} and f.passwords_strongly_hashed
        return f.encrypted_key_safe or hashed_only or f.recipient_trusted or self.misdelivered

    @property
    def simple_data(self) -> bool:
        """ENISA's "simple" context: no behavioural, fraud-enabling or sensitive data, no
        vulnerable persons or minors."""
        cats = set(self.facts.data_categories)
        risky = SENSITIVE | FRAUD_ENABLING | BEHAVIOURAL | {"minors"}
        return not cats & risky and not self.facts.vulnerable_subjects

    @property
    def misdelivered(self) -> bool:
        """Ordinary data sent by mistake to a known recipient who returned or deleted it.

        EDPB 01/2021 case 13 (a webshop's two parcels and packing slips swapped): no
        notification; the recipient is asked to return or delete. Not when the data says
        more than a purchase (case 16, an insurance policy with birth date and vehicle:
        notify the SA), nor with malicious intent.
        """
        f = self.facts
        return f.recipient_known and f.recovered_or_deleted and not f.malicious and self.simple_data

    @property
    def exposed(self) -> bool:
        """Readable personal data may be in unauthorised hands."""
        return (
            self.confidentiality and not self.contained and self.facts.exfiltration != "ruled_out"
        )

    @property
    def quickly_restored(self) -> bool:
        """Back from a backup within a day, with at most a minor effect on the service.

        EDPB 01/2021 case 01: a few hours of downtime restored from the backup, only a minor
        effect on the controller's service, is unlikely to result in a risk (the issue's
        legal review; a severe effect is case 03's).
        """
        f = self.facts
        quick = f.restore_hours is not None and f.restore_hours <= 24
        return f.backup_available and quick and f.service_impact != "severe"

    @property
    def integrity_lasting(self) -> bool:
        """Altered data that may have been used as correct, or not put back as it was.

        Ransomware's encryption (an alteration that also makes the data unavailable, so it is
        seen at once) restored from a backup within hours is no lasting alteration (EDPB
        01/2021 case 01, paras. 17, 21-22). A silent alteration (integrity without
        availability) stays an aggravating circumstance, however fast it was undone.
        """
        f = self.facts
        ransomware_like = "availability" in f.nature and self.quickly_restored
        return "integrity" in f.nature and not ransomware_like

    @property
    def availability_lasting(self) -> bool:
        f = self.facts
        return "availability" in f.nature and not self.quickly_restored


def _dpc(work: _Work) -> float:
    cats = set(work.facts.data_categories)
    if cats & SENSITIVE:
        base, why = 4.0, _("special categories (Art. 9/10)")
    elif cats & FRAUD_ENABLING:
        base, why = 3.0, _("financial or identity data")
    elif cats & BEHAVIOURAL:
        base, why = 2.0, _("behavioural data")
    else:
        base, why = 1.0, _("simple data")
    raised = (work.facts.vulnerable_subjects or "minors" in cats) and base < 4
    if raised:
        base += 1
        work.add(
            "enisa.dpc_raised",
            _(
                "ENISA data processing context DPC = %(dpc)s (%(why)s, raised by one for "
                "vulnerable persons or minors)."
            ),
            dpc=f"{base:g}",
            why=why,
        )
    else:
        work.add(
            "enisa.dpc",
            _("ENISA data processing context DPC = %(dpc)s (%(why)s)."),
            dpc=f"{base:g}",
            why=why,
        )
    return base


def _ei(work: _Work) -> float:
    f = work.facts
    if work.confidentiality and work.contained:
        work.add(
            "enisa.ei_negligible",
            _(
                "ENISA ease of identification EI = 0.25 (negligible): the data was unintelligible "
                "(state-of-the-art encryption with a safe key, strongly hashed passwords) or went "
                "to a trusted recipient bound by confidentiality."
            ),
        )
        return 0.25
    value = EI[f.identifiability]
    work.add(
        "enisa.ei",
        _("ENISA ease of identification EI = %(ei)s (%(how)s)."),
        ei=f"{value:g}",
        how=IDENTIFIABILITY[f.identifiability],
    )
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
    work.add(
        "enisa.cb",
        _(
            "ENISA circumstances of the breach CB = %(cb)s (confidentiality +%(c)s, integrity "
            "+%(i)s, availability +%(a)s, malicious intent +%(m)s)."
        ),
        cb=f"{total:g}",
        c=f"{parts['confidentiality']:g}",
        i=f"{parts['integrity']:g}",
        a=f"{parts['availability']:g}",
        m=f"{parts['malicious intent']:g}",
    )
    return total


def severity(work: _Work) -> tuple[float, str]:
    score = round(_dpc(work) * _ei(work) + _cb(work), 2)
    level = next((name for limit, name in LEVELS if score < limit), "very_high")
    work.add(
        "enisa.se",
        _("ENISA severity SE = DPC x EI + CB = %(se)s: %(level)s."),
        se=f"{score:g}",
        level=LEVEL_WORDS[level],
    )
    return score, level
