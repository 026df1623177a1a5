"""Input and output shapes of the processors register."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from garant.processors.rules import CLAUSES

Mechanism = Literal["adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation"]


def country_codes(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    codes = [v.strip().upper() for v in value if v.strip()]
    bad = [c for c in codes if not (c.isalpha() and 2 <= len(c) <= 3)]
    if bad:
        raise ValueError(f"country codes are ISO 3166 alpha-2 (or EPO): {', '.join(bad)}")
    return codes


def known_clauses(value: dict[str, bool] | None) -> dict[str, bool] | None:
    unknown = sorted(set(value or {}) - set(CLAUSES))
    if unknown:
        raise ValueError(f"unknown clause(s) {', '.join(unknown)}; known: {', '.join(CLAUSES)}")
    return value


class ProcessorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    service: str = ""
    activities: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list)
    mechanism: Mechanism | None = None
    scc_module: Literal["1", "2", "3", "4"] | None = None
    dpf_certified: bool = False
    derogation: str | None = None
    tia_date: date | None = None
    contract_signed: date | None = None
    contract_expires: date | None = None
    clauses: dict[str, bool] = Field(default_factory=dict)
    breach_notice_hours: int | None = Field(default=None, ge=0, le=24 * 90)
    next_audit: date | None = None
    parent: str | None = None
    notes: str | None = None

    _codes = field_validator("countries")(classmethod(lambda cls, v: country_codes(v)))
    _clauses = field_validator("clauses")(classmethod(lambda cls, v: known_clauses(v)))

    @model_validator(mode="after")
    def _coherent(self) -> ProcessorCreate:
        if self.scc_module and self.mechanism != "scc":
            raise ValueError("scc_module is only meaningful with mechanism: scc")
        if (
            self.contract_expires
            and self.contract_signed
            and (self.contract_expires < self.contract_signed)
        ):
            raise ValueError("the contract cannot expire before it was signed")
        return self


class ProcessorUpdate(BaseModel):
    """Fields to change; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    service: str | None = None
    activities: list[str] | None = None
    countries: list[str] | None = None
    mechanism: Mechanism | None = None
    scc_module: Literal["1", "2", "3", "4"] | None = None
    dpf_certified: bool | None = None
    derogation: str | None = None
    tia_date: date | None = None
    contract_signed: date | None = None
    contract_expires: date | None = None
    clauses: dict[str, bool] | None = None
    breach_notice_hours: int | None = None
    next_audit: date | None = None
    notes: str | None = None

    _codes = field_validator("countries")(classmethod(lambda cls, v: country_codes(v)))
    _clauses = field_validator("clauses")(classmethod(lambda cls, v: known_clauses(v)))


class AuditCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audited_on: date
    auditor: str = Field(min_length=1)
    outcome: Literal["satisfactory", "findings", "unsatisfactory"]
    notes: str | None = None
    next_audit: date | None = None


class ProcessorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    service: str
    activities: list[str]
    countries: list[str]
    mechanism: str | None
    scc_module: str | None
    dpf_certified: bool
    derogation: str | None
    tia_date: date | None
    contract_signed: date | None
    contract_expires: date | None
    clauses: dict[str, Any]
    breach_notice_hours: int | None
    next_audit: date | None
    parent_id: int | None
    notes: str | None
