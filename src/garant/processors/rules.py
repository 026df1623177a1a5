"""Pure rules of the processors register: Art. 28(3) clauses, Chapter V transfers, alerts.

Nothing here reads the database or the clock: the caller passes the day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from garant.i18n import gettext as _
from garant.i18n.dates import format_date

DATA = Path(__file__).parent / "data" / "adequacy.yaml"

# Art. 28(3)(a)-(h): what the contract with a processor must stipulate.
CLAUSES: dict[str, str] = {
    "documented_instructions": "Art. 28(3)(a): processes only on documented instructions",
    "confidentiality": "Art. 28(3)(b): persons authorised are bound to confidentiality",
    "security": "Art. 28(3)(c): takes the Art. 32 security measures",
    "sub_processors": "Art. 28(3)(d) and 28(2),(4): sub-processors only with authorisation",
    "assist_rights": "Art. 28(3)(e): assists with data subjects' requests",
    "assist_security": "Art. 28(3)(f): assists with security, breaches, DPIAs (Art. 32-36)",
    "delete_or_return": "Art. 28(3)(g): deletes or returns the data at the end",
    "audits": "Art. 28(3)(h): makes information available and allows audits",
}

EEA = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "IS LI NO".split()
)
MECHANISMS = ("adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation")
SCC_MODULES = ("1", "2", "3", "4")
CONTRACT_WARNING = timedelta(days=60)
# The controller has 72 hours (Art. 33(1)); a processor that takes longer to tell leaves none.
BREACH_NOTICE_LIMIT_HOURS = 72


@dataclass(frozen=True)
class Adequacy:
    code: str
    name: str
    decision: str
    adopted: date
    scope: str
    effective: date | None = None
    condition: str | None = None
    note: str | None = None
    expires: date | None = None
    effect_source: str | None = None
    """Where ``effective`` comes from (the data file's header explains each kind)."""

    def scope_words(self) -> str:
        """The decision's scope in the reader's language (the data file's note is English)."""
        if self.scope == "full":
            return _("Whole country")
        return _condition_words().get(self.condition or "", self.note or _("Part of the country"))

    def decision_words(self) -> str:
        """The decision's title in the reader's language (the data file cites it as the
        Official Journal's English edition does: "Implementing Decision (EU) 2019/419")."""
        text = _DAY.sub(lambda m: _day_words(m.group(1), m.group(2)), self.decision)
        for english, words in _decision_words():
            text = text.replace(english, words)
        return text

    def country_name(self) -> str:
        from garant.policy.wording import country

        return country(self.code)

    def in_force(self, day: date) -> bool:
        """From its date of effect, not of adoption (Brazil: adopted 26 January 2026,
        published and in effect from 28 January 2026; a decision under Directive 95/46/EC
        from its notification to the Member States, Art. 297(2) TFEU), until it expires."""
        start = self.effective or self.adopted
        return start <= day and (self.expires is None or day <= self.expires)


def _condition_words() -> dict[str, str]:
    """The partial decisions' conditions (the notes of ``data/adequacy.yaml``), in words."""
    return {
        "commercial": _("Only recipients subject to PIPEDA (commercial organisations)"),
        "appi": _("Only business operators subject to the APPI and its Supplementary Rules"),
        "pipa": _("Not personal credit information processed by entities supervised by the FSC"),
        "dpf": _("Only recipients certified under the EU-US Data Privacy Framework"),
    }


_DAY = re.compile(r"\b(of|renewed) (\d{1,2} [A-Z][a-z]+ \d{4})\b")


def _day_words(word: str, day: str) -> str:
    moment = datetime.strptime(day, "%d %B %Y").date()
    if word == "of":
        return _("of {day}").format(day=format_date(moment))
    return _("renewed on {day}").format(day=format_date(moment))


def _decision_words() -> list[tuple[str, str]]:
    """The words of the decisions' titles, longest first (the French edition's wording)."""
    return [
        ("EU-US Data Privacy Framework", _("EU-US Data Privacy Framework")),
        ("Implementing Decision", _("Implementing Decision")),
        ("Decision", _("Decision")),
        ("(EU)", _("(EU)")),
        ("/EU", _("/EU")),
        ("/EC", _("/EC")),
    ]


@cache
def adequacy_decisions() -> dict[str, Adequacy]:
    """The Commission's decisions shipped with Garant (see the sources in the data file)."""
    raw = YAML(typ="safe").load(DATA.read_text(encoding="utf-8"))
    return {d["code"]: Adequacy(**d) for d in raw["decisions"]}


@dataclass(frozen=True)
class Alert:
    kind: str
    level: str  # late | risk | due
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "level": self.level, "message": self.message}


def _adequacy_problem(country: str, dpf_certified: bool, day: date) -> str | None:
    decision = adequacy_decisions().get(country)
    if decision is None or not decision.in_force(day):
        return _("{country}: no adequacy decision in force on {day}").format(
            country=country, day=format_date(day)
        )
    if decision.condition == "dpf" and not dpf_certified:
        return _(
            "{country}: adequacy covers only recipients certified under the EU-US Data "
            "Privacy Framework, and this processor is not"
        ).format(country=country)
    return None


def transfer_problems(p: Any, day: date) -> list[str]:
    """Chapter V: every country outside the EEA needs a valid mechanism (Art. 44-49)."""
    problems: list[str] = []
    for country in p.countries or []:
        if country in EEA:
            continue
        mechanism = p.mechanism
        if mechanism in (None, "adequacy"):
            problem = _adequacy_problem(country, p.dpf_certified, day)
            if problem:
                problems.append(
                    problem
                    if mechanism
                    else _("{problem}, and no other mechanism").format(problem=problem)
                )
        elif mechanism == "scc" and p.scc_module not in SCC_MODULES:
            problems.append(
                _("{country}: standard contractual clauses without their module").format(
                    country=country
                )
            )
        elif mechanism == "scc" and p.tia_date is None:
            problems.append(
                _("{country}: SCC without a transfer impact assessment").format(country=country)
            )
        elif mechanism == "derogation" and not (p.derogation or "").strip():
            problems.append(
                _("{country}: derogation without the Art. 49 ground").format(country=country)
            )
    return problems


def missing_clauses(clauses: dict[str, Any] | None) -> list[str]:
    present = clauses or {}
    return [key for key in CLAUSES if not present.get(key)]


def _contract_alerts(p: Any, day: date) -> list[Alert]:
    if p.contract_signed is None:
        return [Alert("contract_missing", "late", _("no signed Art. 28 contract"))]
    if p.contract_expires is not None:
        if p.contract_expires < day:
            when = format_date(p.contract_expires)
            expired = _("the contract expired on {day}").format(day=when)
            return [Alert("contract_expired", "late", expired)]
        if p.contract_expires - day <= CONTRACT_WARNING:
            when = format_date(p.contract_expires)
            expiring = _("the contract expires on {day}").format(day=when)
            return [Alert("contract_expiring", "due", expiring)]
    return []


def alerts(p: Any, day: date) -> list[Alert]:
    """Every alert for one processor as of ``day`` (AF-SEC2, DEF-SP1, AF-T1, DEF-T1).

    A sub-processor's contract binds it to its processor (Art. 28(4)), not to the
    controller: only its transfers are checked here. An ended processor has none.
    """
    ended = getattr(p, "ended_on", None)
    if ended is not None and ended <= day:
        return []  # the engagement is over: nothing left to keep in order
    if getattr(p, "parent_id", None) is not None:
        return [Alert("transfer_invalid", "late", t) for t in transfer_problems(p, day)]
    found = _contract_alerts(p, day)
    if p.contract_signed is not None:
        for key in missing_clauses(p.clauses):
            missing = _("missing clause: {clause}").format(clause=_(CLAUSES[key]))
            found.append(Alert("clause_missing", "risk", missing))
    if p.next_audit is not None and p.next_audit < day:
        overdue = _("audit due on {day} not done").format(day=format_date(p.next_audit))
        found.append(Alert("audit_overdue", "late", overdue))
    for problem in transfer_problems(p, day):
        found.append(Alert("transfer_invalid", "late", problem))
    if p.breach_notice_hours is None:
        missing = _("no breach notification delay agreed")
        found.append(Alert("breach_notice_missing", "risk", missing))
    elif p.breach_notice_hours > BREACH_NOTICE_LIMIT_HOURS:
        found.append(
            Alert(
                "breach_notice_too_long",
                "risk",
                _(
                    "the processor tells of a breach within {hours} hours, "
                    "longer than the controller's 72"
                ).format(hours=p.breach_notice_hours),
            )
        )
    return found
