"""Processors (GDPR Art. 28): contract and clauses, countries and transfer safeguards, audits."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from garant.policy.activity_model import Mechanism
from garant.policy.common import Country, Element, Identifier, Text

# GDPR Art. 28(3)(a) to (h): what the contract must stipulate.
Art28Clause = Literal[
    "documented_instructions",
    "confidentiality",
    "security",
    "sub_processors",
    "assist_rights",
    "assist_security",
    "delete_or_return",
    "audits",
]
ART28_CLAUSES: tuple[str, ...] = (
    "documented_instructions",
    "confidentiality",
    "security",
    "sub_processors",
    "assist_rights",
    "assist_security",
    "delete_or_return",
    "audits",
)


class ProcessorContract(Element):
    signed: date | None = None
    expires: date | None = None
    clauses: list[Art28Clause] = Field(default_factory=list)
    document: str | None = None


class SubProcessor(Element):
    name: str
    service: str
    country: Country


class ProcessorAudit(Element):
    date: date
    by: str
    result: str


class Processor(Element):
    id: Identifier
    name: str
    service: Text
    activities: list[Identifier] = Field(default_factory=list)
    countries: list[Country] = Field(min_length=1)
    transfer: Mechanism = "none"
    within_adequacy_scope: bool = False
    safeguard_url: str | None = None
    scc_module: Literal[1, 2, 3, 4] | None = None
    tia_date: date | None = None
    contract: ProcessorContract = Field(default_factory=ProcessorContract)
    breach_notice_hours: int | None = None
    sub_processors: list[SubProcessor] = Field(default_factory=list)
    audits: list[ProcessorAudit] = Field(default_factory=list)
    next_audit: date | None = None
