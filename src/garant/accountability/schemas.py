"""Input and output shapes of disclosures and organizational records."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from garant.bounds import Day, Moment

LegalBasis = Literal[
    "injunction", "court_order", "legal_obligation", "authority_request", "consent", "other"
]
# Bases under which the law compels the disclosure (DEF-S4); any other is outside the
# policy's recipients and is flagged (AF-S1, DEF-S1).
COMPELLED = ("injunction", "court_order", "legal_obligation", "authority_request")
RecordKind = Literal["training", "confidentiality", "charter", "procedure", "security_policy"]


class DisclosureCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requester: str = Field(min_length=1, max_length=300)
    legal_basis: LegalBasis
    reference: str | None = None
    data_description: str = Field(min_length=1)
    identity_kind: str = "email"
    identity: str | None = None
    disclosed_at: Moment | None = None
    approved_by: str = Field(min_length=1, max_length=200)
    tell_subject: bool = True
    secrecy_reason: str | None = None

    @model_validator(mode="after")
    def _secrecy_needs_reason(self) -> DisclosureCreate:
        if not self.tell_subject and not (self.secrecy_reason or "").strip():
            raise ValueError(
                "keeping a disclosure from the person needs the legal reason (secrecy_reason)"
            )
        return self


class DisclosureRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    requester: str
    legal_basis: str
    reference: str | None
    data_description: str
    disclosed_at: datetime
    approved_by: str
    tell_subject: bool
    secrecy_reason: str | None


class RecordCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: RecordKind
    title: str = Field(min_length=1, max_length=300)
    holder: str | None = None
    dated: Day
    valid_until: Day | None = None
    document: str | None = None

    @model_validator(mode="after")
    def _order(self) -> RecordCreate:
        if self.valid_until is not None and self.valid_until < self.dated:
            raise ValueError("valid_until cannot be before the record's date")
        return self


class RecordRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    title: str
    holder: str | None
    dated: date
    valid_until: date | None
    document: str | None
