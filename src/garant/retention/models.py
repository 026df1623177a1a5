"""Tables of the retention feature: sweep runs and their batches, legal holds, archives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class RetentionRun(Base):
    """One sweep: when, as of which day, and what it changed (counts, never values)."""

    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    as_of: Mapped[datetime]
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")
    dry_run: Mapped[bool] = mapped_column(default=False)
    actor: Mapped[str] = mapped_column(String(200))
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class RetentionBatch(Base):
    """A batch announced before it touches a connected database, closed after.

    A batch left ``pending`` by a crash is settled by the next run: its key range is
    checked in the connected database to tell whether its transaction committed.
    """

    __tablename__ = "retention_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("retention_runs.id"), index=True)
    target: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    key_low: Mapped[str | None] = mapped_column(Text)
    key_high: Mapped[str] = mapped_column(Text)
    """Typed JSON (``retention.keys``): a key of any columns and types."""
    planned: Mapped[int] = mapped_column(Integer)
    applied: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), index=True, default="pending")
    bundle_id: Mapped[str | None] = mapped_column(Text)
    """The batch's bundles, space-separated: one per destruction date."""
    created_at: Mapped[datetime]


class RetentionApproval(Base):
    """The DPO's go-ahead for sweeps, given after reading a forecast.

    A workspace never swept waits for a first one; a sweep that would remove more than the
    configured share of a collection stops until an approval covers that many rows.
    """

    __tablename__ = "retention_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    approved_at: Mapped[datetime]
    approved_by: Mapped[str] = mapped_column(String(200))
    day: Mapped[str] = mapped_column(String(10))
    """The local day of the forecast the DPO saw (ISO)."""
    forecast: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Rows due per ``collection action``: the most a sweep may remove on that day."""


class Hold(Base):
    """A legal hold (DEF-R4): on a person (by identity) or on a whole collection.

    The identity is kept as a keyed hash for look-ups and encrypted (AES-GCM) so that the
    sweep can match it against the connected databases; releasing the hold erases it.
    """

    __tablename__ = "hold_holds"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    identity_kind: Mapped[str | None] = mapped_column(String(60))
    subject_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    identity_sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    system: Mapped[str | None] = mapped_column(String(100))
    collection: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    released_at: Mapped[datetime | None]
    released_by: Mapped[str | None] = mapped_column(String(200))


class ArchiveBundle(Base):
    """An encrypted extract on the archive medium (DEF-R5), until destroyed (DEF-R6)."""

    __tablename__ = "archive_bundles"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    system: Mapped[str] = mapped_column(String(100))
    collection: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(100))
    statute: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    row_count: Mapped[int] = mapped_column(Integer)
    manifest_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(40), default="retention")
    destroyed_at: Mapped[datetime | None]
    destruction_proof: Mapped[dict[str, Any] | None] = mapped_column(JSON)
