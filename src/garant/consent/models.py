"""Tables of the consent feature: the ledger, its derived state, suppression, cookies.

Identities are never stored here: a person is a keyed hash (``subject_ref``) under the key
version current when the row was written; the proof that holds personal values (IP, user
agent) lives in the audit payload, which retention and erasure can blank.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class ConsentEvent(Base):
    """One line of the append-only ledger (AF-L2): never updated, never deleted by Garant."""

    __tablename__ = "consent_events"
    __table_args__ = (Index("ix_consent_events_ref_purpose", "subject_ref", "purpose", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(80))
    purpose: Mapped[str] = mapped_column(String(100), index=True)
    given: Mapped[bool]
    basis: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    purpose_version: Mapped[str | None] = mapped_column(String(40))
    notice_version: Mapped[str | None] = mapped_column(String(40))
    text_hash: Mapped[str | None] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(index=True)
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)


class ConsentCurrent(Base):
    """The latest event per person and purpose: a projection of the ledger, rebuildable."""

    __tablename__ = "consent_current"
    # Covering: the audience filter reads a purpose's whole state from the index alone.
    __table_args__ = (
        Index(
            "ix_consent_current_purpose",
            "purpose",
            "subject_ref",
            "given",
            "basis",
            "purpose_version",
            "at",
        ),
    )

    subject_ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(100), primary_key=True)
    given: Mapped[bool]
    basis: Mapped[str] = mapped_column(String(20))
    purpose_version: Mapped[str | None] = mapped_column(String(40))
    at: Mapped[datetime]
    event_id: Mapped[int] = mapped_column(BigInteger)


class SuppressionEntry(Base):
    """A minimal trace that keeps an objection or a withdrawal effective (AF-D5, AF-R7).

    Only a keyed hash, the purpose and dates: it outlives the person's erasure on purpose.
    """

    __tablename__ = "suppression_entries"
    __table_args__ = (Index("ix_suppression_entries_ref_purpose", "subject_ref", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(80))
    purpose: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(String(30))
    added_at: Mapped[datetime]
    # No index on expires_at: the planner would prefer it to the hash index for checks;
    # the daily purge scans the table instead.
    expires_at: Mapped[datetime]
    lifted_at: Mapped[datetime | None]


class CookieChoice(Base):
    """A visitor's cookie choice: anonymous, identified by a random token kept in the browser."""

    __tablename__ = "cookie_choices"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    accepted: Mapped[list[str]] = mapped_column(JSON)
    refused: Mapped[list[str]] = mapped_column(JSON)
    cookie_version: Mapped[str] = mapped_column(String(64))
    gpc: Mapped[bool]
    chosen_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    ask_again_at: Mapped[datetime]
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)


class ConsentEmailCode(Base):
    """A one-time code mailed to prove a person holds an address (privacy center)."""

    __tablename__ = "consent_email_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_ref: Mapped[str] = mapped_column(String(80), index=True)
    code_hash: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
