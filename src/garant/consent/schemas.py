"""Input and output of the consent surfaces (API and CLI JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class IdentityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(default="email", examples=["email"])
    value: str = Field(examples=["anne@example.org"])


class ConsentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    identity: IdentityIn
    purpose: str
    given: bool
    source: str = "api"
    basis: Literal["consent", "soft_opt_in", "opt_out_b2b"] | None = None
    notice_version: str | None = None
    text_hash: str | None = None
    lang: str = "fr"


class ConsentRead(BaseModel):
    id: int
    purpose: str
    given: bool
    basis: str
    source: str
    purpose_version: str | None
    notice_version: str | None
    text_hash: str | None
    at: datetime


class DecisionRead(BaseModel):
    allowed: bool
    reason: str
    code: str
    purpose: str


class SuppressionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    identity: IdentityIn
    purpose: str = "*"
    reason: Literal["objection", "withdrawal", "staff", "bounce", "complaint"] = "objection"


class AudienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: str
    kind: str = "email"
    identities: list[str] = Field(max_length=100_000)


class AudienceRow(BaseModel):
    identity: str
    allowed: bool
    reason: str
    code: str


class AudienceRead(BaseModel):
    purpose: str
    allowed: int
    refused: int
    by_reason: dict[str, int]
    rows: list[AudienceRow]
