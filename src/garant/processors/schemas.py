"""Input and output shapes of the processors register."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from garant.bounds import Day
from garant.errors import Conflict, InvalidInput
from garant.i18n import gettext as _
from garant.processors.rules import CLAUSES

Mechanism = Literal["adequacy", "scc", "bcr", "code_of_conduct", "certification", "derogation"]


def country_codes(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    codes = [v.strip().upper() for v in value if v.strip()]
    bad = [c for c in codes if not (c.isalpha() and 2 <= len(c) <= 3)]
    if bad:
        raise ValueError(
            _("country codes are ISO 3166 alpha-2 (or EPO): {codes}").format(codes=", ".join(bad))
        )
    return codes


def known_clauses(value: dict[str, bool] | None) -> dict[str, bool] | None:
    unknown = sorted(set(value or {}) - set(CLAUSES))
    if unknown:
        raise ValueError(
            _("unknown clause(s) {unknown}; known: {known}").format(
                unknown=", ".join(unknown), known=", ".join(CLAUSES)
            )
        )
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
    tia_date: Day | None = None
    contract_signed: Day | None = None
    contract_expires: Day | None = None
    clauses: dict[str, bool] = Field(default_factory=dict)
    breach_notice_hours: int | None = Field(default=None, ge=0, le=24 * 90)
    next_audit: Day | None = None
    parent: str | None = None
    notes: str | None = None

    _codes = field_validator("countries")(classmethod(lambda cls, v: country_codes(v)))
    _clauses = field_validator("clauses")(classmethod(lambda cls, v: known_clauses(v)))

    @field_validator("scc_module")
    @classmethod
    def _module_needs_scc(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value and "mechanism" in info.data and info.data["mechanism"] != "scc":
            raise ValueError(_("an SCC module is only meaningful with the mechanism scc"))
        return value

    @field_validator("contract_expires")
    @classmethod
    def _expires_after_signing(cls, value: date | None, info: ValidationInfo) -> date | None:
        signed = info.data.get("contract_signed")
        if value and signed and value < signed:
            raise ValueError(_("the contract cannot expire before it was signed"))
        return value


class ProcessorUpdate(BaseModel):
    """Fields to change; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    service: str | None = None
    activities: list[str] | None = None
    countries: list[str] | None = None
    mechanism: Mechanism | None = None
    scc_module: Literal["1", "2", "3", "4"] | None = None
    dpf_certified: bool | None = None
    derogation: str | None = None
    tia_date: Day | None = None
    contract_signed: Day | None = None
    contract_expires: Day | None = None
    clauses: dict[str, bool] | None = None
    breach_notice_hours: int | None = Field(default=None, ge=0, le=24 * 90)
    next_audit: Day | None = None
    notes: str | None = None

    _codes = field_validator("countries")(classmethod(lambda cls, v: country_codes(v)))
    _clauses = field_validator("clauses")(classmethod(lambda cls, v: known_clauses(v)))


class ProcessorEnd(BaseModel):
    """The end of a processor's engagement: the entry stays in the register as evidence."""

    model_config = ConfigDict(extra="forbid")

    ended_on: Day
    reason: str = Field(default="", max_length=2000)


class FieldInvalid(InvalidInput):
    """A value refused, naming the field it belongs to (forms show it beside the field)."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(message)


class NameTaken(Conflict):
    """Two entries of the register cannot share a name (the name is how they are found)."""

    field = "name"


class AuditCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    audited_on: Day
    auditor: str = Field(min_length=1)
    outcome: Literal["satisfactory", "findings", "unsatisfactory"]
    notes: str | None = None
    next_audit: Day | None = None


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
    ended_on: date | None
    end_reason: str | None
