"""Tables of the processors register (Art. 28 and Chapter V GDPR)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class Processor(Base):
    """A processor or sub-processor: what it does, where, under which contract and safeguard."""

    __tablename__ = "processor_processors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    service: Mapped[str] = mapped_column(String(400), default="")
    activities: Mapped[list[str]] = mapped_column(JSON, default=list)
    countries: Mapped[list[str]] = mapped_column(JSON, default=list)
    mechanism: Mapped[str | None] = mapped_column(String(30))
    scc_module: Mapped[str | None] = mapped_column(String(10))
    dpf_certified: Mapped[bool] = mapped_column(default=False)
    derogation: Mapped[str | None] = mapped_column(String(400))
    tia_date: Mapped[date | None] = mapped_column(Date)
    contract_signed: Mapped[date | None] = mapped_column(Date)
    contract_expires: Mapped[date | None] = mapped_column(Date)
    clauses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    breach_notice_hours: Mapped[int | None] = mapped_column(Integer)
    next_audit: Mapped[date | None] = mapped_column(Date)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("processor_processors.id"), index=True)
    notes: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)
    """The day the processor stopped processing for us; the entry stays as evidence."""
    end_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ProcessorAudit(Base):
    """One audit of a processor (Art. 28(3)(h)): the controller's right, exercised."""

    __tablename__ = "processor_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    processor_id: Mapped[int] = mapped_column(ForeignKey("processor_processors.id"), index=True)
    audited_on: Mapped[date] = mapped_column(Date)
    auditor: Mapped[str] = mapped_column(String(200))
    outcome: Mapped[str] = mapped_column(String(30))
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
