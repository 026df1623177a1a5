"""Processing activities (GDPR Art. 30(1)): one per purpose, each with its legal basis."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, field_validator

from garant.policy.common import Contact, Country, Element, Identifier, Text
from garant.policy.taxonomy import CATEGORIES
from garant.policy.vocabulary_model import LegalReference

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
        ("minors", "Mineurs", "Minors"),
        ("guardians", "Représentants légaux", "Parents and legal guardians"),
        ("beneficiaries", "Bénéficiaires", "Beneficiaries"),
        ("students", "Étudiants", "Students"),
        ("patients", "Patients", "Patients"),
        ("applicants", "Candidats", "Applicants"),
        ("agents", "Agents", "Staff"),
        ("residents", "Habitants", "Residents"),
    )
}
# Built-in kinds that are vulnerable persons (WP248 criterion 7) or minors (Loi 78-17
# art. 45); a policy's own ``subject_kinds`` say it for theirs.
VULNERABLE_SUBJECTS = frozenset({"minors", "patients", "employees", "agents"})
MINOR_SUBJECTS = frozenset({"minors"})


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
    # GDPR Art. 45(1): partial-scope decisions (US: DPF-certified recipients only).
    within_adequacy_scope: bool = False
    # Art. 13(1)(f): "the means by which to obtain a copy of them or where they have been
    # made available": the safeguard's public document.
    safeguard_url: str | None = None


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
    legal_references: list[LegalReference] = Field(default_factory=list)
    """The texts behind a public task or a legal obligation (GDPR Art. 6(3))."""
    large_scale: bool = False
    """Processing on a large scale (Art. 35(3)(b),(c); Art. 37(1)(b),(c); WP248 criterion 5)."""
    monitoring: Literal["none", "systematic", "public_area"] = "none"
    """Regular and systematic monitoring of persons; of a publicly accessible area."""
    core_activity: bool = False
    """Among the controller's core activities (Art. 37(1)(b),(c): a DPO is required when
    they consist of large-scale monitoring or Art. 9/10 data)."""
    dpia_cnil_list: list[str] = Field(default_factory=list)
    """Items of the CNIL's DPIA lists (2018-327, 2019-118) this processing falls under."""
    dpia_exception: str | None = None
    """Why no DPIA although two WP248 criteria are met (never for an Art. 35(3) case)."""

    @field_validator("data_categories")
    @classmethod
    def _known_categories(cls, value: list[str]) -> list[str]:
        for item in value:
            if item not in CATEGORIES:
                raise ValueError(f'"{item}" is not a data category (see docs/policy.md)')
        return value

    def retention_for(self, category: str) -> str | None:
        return self.category_retention.get(category, self.retention)
