"""Input and output shapes of DPIAs, following the CNIL's PIA method."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

CONTEXT_KEYS = ("overview", "responsibilities", "standards", "data", "lifecycle", "supports")
PRINCIPLE_KEYS = (
    "purposes",
    "legal_basis",
    "minimisation",
    "accuracy",
    "retention",
    "information",
    "consent",
    "access_portability",
    "rectification_erasure",
    "restriction_objection",
    "processors",
    "transfers",
)


class RiskAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    impacts: list[str] = Field(default_factory=list)
    threats: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    severity: int | None = Field(default=None, ge=1, le=4)
    severity_note: str = ""
    likelihood: int | None = Field(default=None, ge=1, le=4)
    likelihood_note: str = ""


class Measure(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    content: str = ""


class Validation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    author: str = ""
    evaluator: str = ""
    validator: str = ""
    dpo_names: str = ""
    dpo_status: int | None = None
    dpo_opinion: str = ""
    people_names: str = ""
    people_searched: bool = False
    people_status: int | None = None
    people_opinion: str = ""
    decision: Literal["", "validated", "rejected", "to_correct"] = ""


class DpiaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    activity: str | None = None
    criteria: list[str] = Field(default_factory=list)
    cnil_list: list[str] = Field(default_factory=list)
    exception_reason: str | None = None


class DpiaAssessment(BaseModel):
    """The assessment part: context, principles, the three risks, measures, validation."""

    model_config = ConfigDict(extra="forbid")

    context: dict[str, str] = Field(default_factory=dict)
    principles: dict[str, str] = Field(default_factory=dict)
    risks: dict[
        Literal["illegitimate_access", "unwanted_change", "disappearance"], RiskAssessment
    ] = Field(default_factory=dict)
    measures: list[Measure] = Field(default_factory=list)
    validation: Validation = Field(default_factory=Validation)
    prior_consultation: bool | None = None
