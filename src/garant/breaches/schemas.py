"""What goes in and out of the breach register (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from garant.bounds import Count, Moment
from garant.policy.taxonomy import CATEGORIES

Nature = Literal["confidentiality", "integrity", "availability"]
Risk = Literal["none", "risk", "high"]
Exemption = Literal["unintelligible", "risk_no_longer_likely", "disproportionate_effort"]
Phase = Literal["initial", "follow_up"]


def _known_categories(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in CATEGORIES]
    if unknown:
        raise ValueError(
            f"unknown data categor{'y' if len(unknown) == 1 else 'ies'} {', '.join(unknown)} "
            f"(known: {', '.join(CATEGORIES)})"
        )
    return values


class Facts(BaseModel):
    """The facts the assessment reads, under exactly the issue's field names."""

    model_config = ConfigDict(extra="forbid")

    nature: list[Nature] = Field(min_length=1)
    malicious: bool
    data_categories: list[str] = Field(min_length=1)
    persons: Count
    records: Count
    vulnerable_subjects: bool = False
    identifiability: Literal["direct", "indirect", "pseudonymized"] = "direct"
    encrypted_key_safe: bool = False
    passwords_strongly_hashed: bool = False
    exfiltration: Literal["confirmed", "ruled_out", "unknown"] = "unknown"
    recipient_trusted: bool = False
    recipient_known: bool = False
    insider: bool = False
    recovered_or_deleted: bool = False
    backup_available: bool = False
    restore_hours: float | None = Field(default=None, ge=0)
    service_impact: Literal["none", "minor", "severe"] = "none"

    _categories = field_validator("data_categories")(_known_categories)


class Assessment(BaseModel):
    """The answer: the risk, the two duties, and every reason that led there."""

    risk: Risk
    notify_authority: bool
    inform_persons: bool
    reasons: list[str] = Field(
        description="One sentence per step of the method, each citing its source, in the "
        "request's language (?lang=fr|en, else Accept-Language, else the policy's first "
        "language). Read `reason_codes` to act on them: the sentences change with the "
        "language and the wording."
    )
    reason_codes: list[str] = Field(
        default_factory=list,
        description="A stable code for each entry of `reasons`, same order (e.g. "
        "`enisa.se`, `edpb.mitigating.unintelligible`, `edpb.high.fraud_data_exposed`, "
        "`conclusion.notify_and_inform`); the same in every language.",
    )
    explained: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Each reason as {code, msg, params}: the English template and its "
        "parameters, from which `reasons` is written in either language.",
    )
    severity: float
    severity_level: Literal["low", "medium", "high", "very_high"]
    method: str = "ENISA 2013 (DPC x EI + CB), adjusted per EDPB Guidelines 9/2022 and 01/2021"


class BreachCreate(BaseModel):
    """A breach as first recorded (AF-B1): the register's fields and the Art. 33(2) dates."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    nature: list[Nature] = Field(min_length=1)
    description: str = ""
    occurred_at: Moment | None = None
    processor_aware_at: Moment | None = None
    aware_at: Moment
    reported_by: str = ""
    systems: list[str] = Field(default_factory=list)
    person_categories: list[str] = Field(default_factory=list)
    persons_approx: Count | None = None
    data_categories: list[str] = Field(default_factory=list)
    records_approx: Count | None = None
    likely_consequences: str = ""
    measures_taken: str = ""
    no_notification_reason: str = ""
    no_communication_reason: str = ""

    _categories = field_validator("data_categories")(_known_categories)

    @field_validator("occurred_at", "processor_aware_at", "aware_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give a time zone (or use the CLI, which reads local time)")
        return value


class BreachUpdate(BaseModel):
    """Register fields that the DPO completes as the investigation goes on."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = None
    person_categories: list[str] | None = None
    persons_approx: Count | None = None
    data_categories: list[str] | None = None
    records_approx: Count | None = None
    likely_consequences: str | None = None
    measures_taken: str | None = None
    no_notification_reason: str | None = None
    no_communication_reason: str | None = None
    systems: list[str] | None = None

    @field_validator("data_categories")
    @classmethod
    def _cats(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _known_categories(value)


class BreachRead(BaseModel):
    """A register entry as the API and exports show it (AF-B1), with its clock."""

    reference: str
    title: str
    nature: list[str]
    description: str
    occurred_at: str | None
    processor_aware_at: str | None
    aware_at: str
    reported_by: str
    systems: list[str]
    person_categories: list[str]
    persons_approx: int | None
    data_categories: list[str]
    records_approx: int | None
    likely_consequences: str
    measures_taken: str
    no_notification_reason: str
    no_communication_reason: str
    risk: str | None
    notify_authority: bool | None
    inform_persons: bool | None
    override_reason: str | None
    due_at: str
    clock: str
    notifications: list[dict[str, object]]
    communications: list[dict[str, object]]
    status: str
    left: str | None = None
    timeline: list[dict[str, object]] | None = None


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    risk: Risk
    reason: str = Field(min_length=1)
    notify_authority: bool | None = None
    inform_persons: bool | None = None


class NotificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: Phase = "initial"
    lang: Literal["fr", "en"] = "fr"
    delay_reasons: str = ""
    authority_reference: str = ""
    notified_at: Moment | None = None


class CommunicationIn(BaseModel):
    """No identities: the persons are found through the data map (systems involved)."""

    model_config = ConfigDict(extra="forbid")

    identities: list[str] | None = None
    lang: Literal["fr", "en"] | None = None


class ExemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exemption: Exemption
    reason: str = Field(min_length=1)
    public_communication: str = ""


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
