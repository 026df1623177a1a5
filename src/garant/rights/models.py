"""Tables of the rights feature.

Personal values a request needs (the identities given, the reply address, the
requester's name, a rectification's new values) are kept encrypted in ``sealed``
(``garant.keys``, purpose ``rights.request``), so that a database dump shows only the
keyed hash ``subject_ref`` and the workflow, and erasing the blob erases the person.

Child tables name their request by id without a foreign key: each follows its own
retention rule over Garant's own data (AF-R5, AF-R6), so none may block another's deletion.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class RightsRequest(Base):
    __tablename__ = "rights_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    requester_kind: Mapped[str] = mapped_column(String(30), default="person")
    lang: Mapped[str] = mapped_column(String(5), default="fr")
    entity: Mapped[str | None] = mapped_column(String(80))
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Non-personal parameters: restriction ground, activities or purposes objected to,
    export format, portability destination kind."""
    received_at: Mapped[datetime]
    received_day: Mapped[date] = mapped_column(Date)
    due_day: Mapped[date] = mapped_column(Date, index=True)
    original_due_day: Mapped[date] = mapped_column(Date)
    pauses: Mapped[list[Any]] = mapped_column(JSON, default=list)
    extended: Mapped[bool] = mapped_column(default=False)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    extension_told_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verification_method: Mapped[str | None] = mapped_column(String(30))
    found: Mapped[bool | None]
    outcome: Mapped[str | None] = mapped_column(String(30))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    fee_cents: Mapped[int | None] = mapped_column(Integer)
    fee_reason: Mapped[str | None] = mapped_column(Text)
    follow_token_hash: Mapped[str | None] = mapped_column(String(80), index=True)
    reminded: Mapped[list[Any]] = mapped_column(JSON, default=list)
    replied_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class RequestDecision(Base):
    """One decision on one activity (or purpose) of a request, with its legal reason."""

    __tablename__ = "request_decisions"
    __table_args__ = (
        UniqueConstraint("request_id", "activity", name="uq_request_decisions_activity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    activity: Mapped[str] = mapped_column(String(120))
    decision: Mapped[str] = mapped_column(String(30))
    ground: Mapped[str | None] = mapped_column(String(60))
    explanation: Mapped[str] = mapped_column(Text)
    proposed: Mapped[bool] = mapped_column(default=True)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime]


class IdentityCheck(Base):
    """How a requester's identity was confirmed (AF-R6: the record is kept one year).

    A document image lives encrypted in ``document`` only until the check is decided,
    then it is deleted; the record keeps its type, who checked and when.
    """

    __tablename__ = "identity_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    method: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    code_hash: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None]
    document_type: Mapped[str | None] = mapped_column(String(40))
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    document_deleted_at: Mapped[datetime | None]
    checked_by: Mapped[str | None] = mapped_column(String(200))
    checked_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)


class RequestStep(Base):
    """One unit of a request's execution; a step done is never done again (resumable)."""

    __tablename__ = "request_steps"
    __table_args__ = (UniqueConstraint("request_id", "step", name="uq_request_steps_step"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    step: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done_at: Mapped[datetime | None]


class RequestTask(Base):
    """A follow-up owed to someone else: a processor or recipient told to do the same
    (Art. 19), or a portability transfer to another organization with its receipt (AF-D4)."""

    __tablename__ = "request_tasks"
    __table_args__ = (
        UniqueConstraint("request_id", "kind", "target", name="uq_request_tasks_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="open")
    receipt: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(200))


class RequestPackage(Base):
    """An access or portability export, encrypted, offered through a signed expiring link."""

    __tablename__ = "request_packages"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    copy_number: Mapped[int] = mapped_column(default=1)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    manifest: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime]
    downloaded_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    """Its signed link stopped before it expired (``garant.rights.package.revoke``)."""
    revoke_reason: Mapped[str | None] = mapped_column(String(20))


class ErasureJournal(Base):
    """What an erasure did, by keyed hash of each row's key: replayed after a restore."""

    __tablename__ = "erasure_journal"
    __table_args__ = (
        UniqueConstraint(
            "request_id", "system", "collection", "key_hash", name="uq_erasure_journal_row"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    system: Mapped[str] = mapped_column(String(80))
    collection: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(20))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    erased_at: Mapped[datetime]
    replayed_at: Mapped[datetime | None]


class Restriction(Base):
    """A restriction of processing (Art. 18, AF-D6) with its ground, until lifted."""

    __tablename__ = "rights_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int | None] = mapped_column(Integer, index=True)
    ground: Mapped[str] = mapped_column(String(40))
    """One of the four grounds of Art. 18(1), or ``objection`` once an objection is upheld."""
    activities: Mapped[list[Any] | None] = mapped_column(JSON)
    """The activities it covers; ``None``: every processing of the person's data."""
    status: Mapped[str] = mapped_column(String(20), default="active")
    started_at: Mapped[datetime]
    lift_notice_at: Mapped[datetime | None]
    lifted_at: Mapped[datetime | None]
    lifted_by: Mapped[str | None] = mapped_column(String(200))


class RestrictionRef(Base):
    """The person's keyed hashes (every identity, every key version) a restriction covers."""

    __tablename__ = "rights_restriction_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    restriction_id: Mapped[int] = mapped_column(Integer, index=True)
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)


class RequestCorrection(Base):
    """A correction of a row that may not be rewritten (``immutable`` in the data map): the
    row stays as it was and this appended record says what is right (Art. 16)."""

    __tablename__ = "request_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(Integer, index=True)
    system: Mapped[str] = mapped_column(String(80))
    collection: Mapped[str] = mapped_column(String(120))
    key_hash: Mapped[str] = mapped_column(String(80), index=True)
    field: Mapped[str] = mapped_column(String(120))
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Encrypted: the corrected value."""
    created_at: Mapped[datetime]


class Directive(Base):
    """Post-mortem directives (Loi 78-17 art. 85, AF-D8): what to do with the data after death."""

    __tablename__ = "rights_directives"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    """Encrypted: the identities, the directive's text, who carries it out."""
    actions: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    consent_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    modified_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    death_recorded_at: Mapped[datetime | None]
    applied_at: Mapped[datetime | None]
