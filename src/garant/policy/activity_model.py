"""Processing activities (GDPR Art. 30(1)): one per purpose, each with its legal basis."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from garant.policy.common import Contact, Country, Element, Identifier, Text
from garant.policy.taxonomy import CATEGORIES

LegalBasis = Literal[
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
]
LEGAL_BASES: tuple[str, ...] = (
    "consent",
    "contract",
    "legal_obligation",
    "vital_interests",
    "public_task",
    "legitimate_interests",
)
Mechanism = Literal[
    "adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation", "none"
]
# GDPR Art. 9(2) (a) to (j): the condition that lifts the prohibition.
Art9Condition = Literal[
    "explicit_consent",
    "employment",
    "vital_interests",
    "non_profit_body",
    "made_public",
    "legal_claims",
    "substantial_public_interest",
    "health_care",
    "public_health",
    "archiving_research",
]

SUBJECT_CATEGORIES: dict[str, Text] = {
    k: Text(fr=fr, en=en)
    for k, fr, en in (
        ("customers", "Clients", "Customers"),
        ("prospects", "Prospects", "Prospects"),
        ("learners", "Apprenants", "Learners"),
        ("members", "Membres", "Members"),
        ("subscribers", "Abonnés", "Subscribers"),
        ("visitors", "Visiteurs du site", "Website visitors"),
        ("requesters", "Demandeurs", "People making a request"),
        ("employees", "Salariés", "Employees"),
        ("suppliers", "Fournisseurs et sous-traitants", "Suppliers and subcontractors"),
        ("partners", "Partenaires", "Partners"),
        ("participants", "Participants aux événements", "Event participants"),
        ("purchasers", "Acheteurs publics et privés", "Public and private buyers"),
    )
}


class Source(Element):
    """Where the data comes from (AF-C1, DEF-L1)."""

    kind: Literal["form", "automatic", "third_party", "direct"]
    form: Identifier | None = None
    label: Text


class Transfer(Element):
    """A transfer outside the EEA (GDPR Chapter V): country and safeguard."""

    country: Country
    recipient: str
    mechanism: Mechanism
    scc_module: Literal[1, 2, 3, 4] | None = None
    documents: list[str] = Field(default_factory=list)


class Recipient(Element):
    """A category of recipient (DEF-S3) named by activities."""

    id: Identifier
    kind: Literal["internal", "external", "processor", "authority"]
    label: Text


class Activity(Element):
    id: Identifier
    entity: Identifier | None = None
    name: Text
    purposes: list[Text] = Field(min_length=1)
    legal_basis: LegalBasis
    legitimate_interest: Text | None = None
    consent_purpose: Identifier | None = None
    compatible_with: list[Identifier] = Field(default_factory=list)
    """Activities whose data this one may reuse (AF-P2, GDPR Art. 6(4))."""
    data_subjects: list[str] = Field(min_length=1)
    data_categories: list[str] = Field(min_length=1)
    art9_condition: Art9Condition | None = None
    sources: list[Source] = Field(default_factory=list)
    forms: list[Identifier] = Field(default_factory=list)
    recipients: list[Identifier] = Field(default_factory=list)
    processors: list[Identifier] = Field(default_factory=list)
    transfers: list[Transfer] = Field(default_factory=list)
    automated_decisions: bool = False
    profiling: bool = False
    retention: Identifier | None = None
    category_retention: dict[str, Identifier] = Field(default_factory=dict)
    """Per data category, a rule other than ``retention`` (the register gives one per category)."""
    security_measures: list[Identifier] = Field(default_factory=list)
    system: str | None = None
    joint_controller: Contact | None = None
    created: date | None = None
    updated: date | None = None

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in CATEGORIES:
                raise ValueError(f'"{item}" is not a data category (see docs/policy.md)')
        return value

    @field_validator("data_subjects")
    @classmethod
    def _known_subjects(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in SUBJECT_CATEGORIES:
                known = ", ".join(SUBJECT_CATEGORIES)
                raise ValueError(f'"{item}" is not a category of persons (known: {known})')
        return value

    def retention_for(self, category: str) -> str | None:
        return self.category_retention.get(category, self.retention)
