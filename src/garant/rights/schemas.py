"""Input and output of the rights feature (shared by the API, the CLI and the web)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from garant.rights.rules import (
    Channel,
    Decision,
    RequesterKind,
    RequestType,
    RestrictionGround,
)


class RequestCreate(BaseModel):
    """A request as received, on any channel (AF-X1: the right claimed, a reply address)."""

    model_config = ConfigDict(extra="forbid")

    type: RequestType
    identities: dict[str, str] = Field(min_length=1)
    """Identity kind (email, customer_number, member_number, phone...) -> value."""
    channel: Channel = Channel.API
    received_at: datetime | None = None
    received_on: date | None = None
    """Staff entry of a letter or email: the day it arrived."""
    reply_email: str | None = None
    reply_address: str | None = None
    lang: str = "fr"
    entity: str | None = None
    requester_kind: RequesterKind = RequesterKind.PERSON
    requester_name: str | None = None
    requester_proof: str | None = None
    message: str | None = None
    changes: dict[str, str] = Field(default_factory=dict)
    """Rectification or completion: ``collection.field`` -> the correct value."""
    restriction_ground: RestrictionGround | None = None
    activities: list[str] = Field(default_factory=list)
    """Objection or withdrawal: the activities or consent purposes concerned (empty: all)."""
    prospecting: bool = False
    """Objection to direct marketing: absolute, no reason needed (Art. 21(3), AF-D5)."""
    grounds: str | None = None
    """Objection under Art. 21(1): the person's particular situation."""
    export_format: str = "json"
    destination_url: str | None = None
    """Portability sent straight to another organization's endpoint (Art. 20(2), AF-D4)."""
    letter_reference: str | None = None
    """Staff entry: where the scanned letter is filed."""

    @field_validator("identities")
    @classmethod
    def _non_empty_values(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned = {k.strip().lower(): v.strip() for k, v in value.items() if v and v.strip()}
        if not cleaned:
            raise ValueError("give at least one identity (for example email=...)")
        return cleaned

    @field_validator("destination_url")
    @classmethod
    def _destination(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("destination_url must be an http(s) URL")
        return value

    @field_validator("export_format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value not in ("json", "csv", "paper"):
            raise ValueError("export_format is json, csv or paper (DEF-D3)")
        return value


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activity: str
    decision: Decision
    ground: str | None = None
    explanation: str | None = None


class DecideIn(BaseModel):
    """Staff decisions; with ``refuse_reason`` the whole request is refused (Art. 12(5))."""

    model_config = ConfigDict(extra="forbid")

    decisions: list[DecisionIn] = Field(default_factory=list)
    accept_proposals: bool = False
    refuse_reason: str | None = None
    fee_cents: int | None = Field(default=None, ge=0)
    fee_reason: str | None = None
    fee_paid: bool = False


class DecisionRead(BaseModel):
    activity: str
    decision: str
    ground: str | None
    explanation: str
    proposed: bool


class ErasureOutcome(BaseModel):
    """One collection of an erasure: erased, moved to the archive (DEF-R3), kept live."""

    place: str
    erased: int
    archived: int
    kept: int
    why: str | None
    statute: str | None = None
    until: list[date] = Field(default_factory=list)
    """Destruction dates of the archive bundles (planned ones until the move has run)."""
    done: bool = False


class RequestRead(BaseModel):
    id: int
    type: str
    status: str
    channel: str
    requester_kind: str
    lang: str
    entity: str | None
    received_day: date
    due_day: date
    original_due_day: date
    days_left: int
    overdue: bool
    extended: bool
    extension_reason: str | None
    paused_days: int
    verified: bool
    found: bool | None
    outcome: str | None
    refusal_reason: str | None
    fee_cents: int | None
    scope: dict[str, Any]
    decisions: list[DecisionRead] = Field(default_factory=list)
    tasks: list[dict[str, Any]] = Field(default_factory=list)
    erasure: list[ErasureOutcome] = Field(default_factory=list)
    closed: bool


class OpenedRequest(BaseModel):
    id: int
    due_day: date
    status: str
    follow_token: str
    """Given once to the person: with it the privacy center shows the request's status."""
