"""Tables of the accountability feature: disclosures, organizational records, check runs,
policy-change notices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class Disclosure(Base):
    """Data handed to an authority or a third party (DEF-S4). Names the person by keyed
    hash only; the identity itself sits in the erasable audit payload."""

    __tablename__ = "disclosure_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    requester: Mapped[str] = mapped_column(String(300))
    legal_basis: Mapped[str] = mapped_column(String(40))
    reference: Mapped[str | None] = mapped_column(String(200))
    data_description: Mapped[str] = mapped_column(Text)
    subject_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    disclosed_at: Mapped[datetime]
    approved_by: Mapped[str] = mapped_column(String(200))
    tell_subject: Mapped[bool] = mapped_column(default=True)
    secrecy_reason: Mapped[str | None] = mapped_column(Text)
    audit_seq: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]


class OrgRecord(Base):
    """A dated piece of the organization's accountability (AF-A1, DEF-S3): a training, a
    confidentiality agreement, a charter, an internal procedure."""

    __tablename__ = "org_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(300))
    holder: Mapped[str | None] = mapped_column(String(200))
    dated: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime]


class CheckRun(Base):
    """One run of the live compliance check: counts per check, for the trend."""

    __tablename__ = "org_check_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_at: Mapped[datetime] = mapped_column(index=True)
    total: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    measures: Mapped[list[str]] = mapped_column(JSON, default=list)
    """The security measures the policy declared at this run: the next run compares."""


class PolicyNotice(Base):
    """Who was told of a new policy version, when, by which message (DEF-V1)."""

    __tablename__ = "org_policy_notices"
    __table_args__ = (UniqueConstraint("version", "subject_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(60), index=True)
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)
    outbox_id: Mapped[int | None] = mapped_column(Integer)
    told_at: Mapped[datetime]
