"""What the organization commits to beyond activities: security (versioned), breaches,
accountability records, sharing, hosting, special categories, versions, marketing."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from garant.policy.common import Country, DurationField, Element, Identifier, Text

MeasureCategory = Literal[
    "access_control",
    "traceability",
    "software_protection",
    "backup",
    "encryption",
    "processor_control",
    "physical",
    "network",
    "authentication",
    "organizational",
    "other",
]


class SecurityMeasure(Element):
    """A security measure; ``strength`` (1 to 5) and ``replaces`` let lint compare
    versions: a measure removed or weakened without a replacement is flagged (DEF-SEC2)."""

    id: Identifier
    category: MeasureCategory
    label: Text
    since: dt.date | None = None
    replaces: Identifier | None = None
    strength: int = Field(default=3, ge=1, le=5)


class BreachRegister(Element):
    fields: list[str] = Field(min_length=1)


class BreachAuthority(Element):
    hours: int = 72


class BreachSubjects(Element):
    when: Literal["high_risk"] = "high_risk"
    exemptions: list[
        Literal["unintelligible", "risk_no_longer_likely", "disproportionate_effort"]
    ] = Field(default_factory=list)


class Breaches(Element):
    violation_register: BreachRegister
    authority: BreachAuthority = Field(default_factory=BreachAuthority)
    subjects: BreachSubjects = Field(default_factory=BreachSubjects)


class Record(Element):
    """A document of accountability (AF-A1): procedure, charter, agreement, policy, DPIA."""

    id: Identifier
    kind: Literal[
        "procedure",
        "charter",
        "register",
        "confidentiality",
        "security_policy",
        "dpia",
        "training",
        "other",
    ]
    title: Text
    date: dt.date | None = None
    document: str | None = None


class Dpia(Element):
    id: Identifier
    activity: Identifier
    date: dt.date | None = None
    result: str | None = None
    next_review: dt.date | None = None


class Accountability(Element):
    records: list[Record] = Field(default_factory=list)
    dpias: list[Dpia] = Field(default_factory=list)


class Injunctions(Element):
    """Data given to authorities under an injunction, logged (DEF-S4)."""

    allowed: bool = True
    logged: bool = True


class Sharing(Element):
    exclusive_recipient: bool = False
    """"The organization remains the exclusive recipient of your data" (AF-S1)."""
    third_parties_need_consent: bool = False
    """The policy promises that no third party gets the data for its own purposes without
    consent (DEF-S1). Printed only when declared: the notice promises nothing by default."""
    injunctions: Injunctions | None = None


class Hosting(Element):
    country: Country
    transfers_need_safeguard: bool = True


class SpecialCategories(Element):
    processed: bool = False
    scan: bool = True
    """Discovery flags columns that look like Art. 9 data when ``processed`` is false."""


class Versioning(Element):
    notify_by: list[Literal["email", "online"]] = Field(min_length=1)


class Marketing(Element):
    unsubscribe_link: bool = True
    list_unsubscribe_header: bool = True


class Commitment(Element):
    """A statement of the policy that no other element carries, rendered in the notice."""

    id: Identifier
    text: Text


class DesignPrinciples(Element):
    """Privacy by design and by default (GDPR Art. 25), checked by lint (AF-PD1)."""

    principles: list[
        Literal[
            "minimization",
            "purpose_limitation",
            "integrity",
            "confidentiality",
            "limited_retention",
        ]
    ] = Field(default_factory=list)
    review_every: DurationField | None = None


__all__ = ["Identifier"]
