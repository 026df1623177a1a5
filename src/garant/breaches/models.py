"""Tables of the breaches feature: the register (AF-B1) and what was done about each breach.

No personal value of an affected person is kept here: who was told is a keyed hash
(``subject_ref``) beside the outbox message that carried the words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class Breach(Base):
    """One entry of the violation register, notified or not (Art. 33(5))."""

    __tablename__ = "breach_breaches"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    nature: Mapped[list[str]] = mapped_column(JSON, default=list)
    occurred_at: Mapped[datetime | None]
    processor_aware_at: Mapped[datetime | None]
    aware_at: Mapped[datetime] = mapped_column(index=True)
    reported_by: Mapped[str] = mapped_column(String(200), default="")
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    person_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    persons_approx: Mapped[int | None]
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    records_approx: Mapped[int | None]
    likely_consequences: Mapped[str] = mapped_column(Text, default="")
    measures_taken: Mapped[str] = mapped_column(Text, default="")
    no_notification_reason: Mapped[str] = mapped_column(Text, default="")
    no_communication_reason: Mapped[str] = mapped_column(Text, default="")
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    risk: Mapped[str | None] = mapped_column(String(10))
    notify_authority: Mapped[bool | None]
    inform_persons: Mapped[bool | None]
    override_reason: Mapped[str | None] = mapped_column(Text)
    override_by: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class BreachEvent(Base):
    """A step of a breach's timeline, in the words of whoever took it."""

    __tablename__ = "breach_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach_breaches.id"), index=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, default="")


class BreachNotification(Base):
    """A notification made to the supervisory authority: initial, then follow-ups (Art. 33(4))."""

    __tablename__ = "breach_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach_breaches.id"), index=True)
    phase: Mapped[str] = mapped_column(String(20))
    notified_at: Mapped[datetime]
    late: Mapped[bool] = mapped_column(default=False)
    delay_reasons: Mapped[str] = mapped_column(Text, default="")
    authority_reference: Mapped[str] = mapped_column(String(100), default="")
    lang: Mapped[str] = mapped_column(String(5), default="fr")
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_by: Mapped[str] = mapped_column(String(200))


class BreachCommunication(Base):
    """Telling the persons (Art. 34(1)), or why they were not told directly (Art. 34(3))."""

    __tablename__ = "breach_communications"

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach_breaches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # direct | exemption
    exemption: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")
    public_communication: Mapped[str] = mapped_column(Text, default="")
    recipients: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))


class BreachRecipient(Base):
    """One person told about a breach: their keyed hash and the message that told them."""

    __tablename__ = "breach_recipients"
    __table_args__ = (UniqueConstraint("breach_id", "subject_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breach_breaches.id"), index=True)
    communication_id: Mapped[int] = mapped_column(ForeignKey("breach_communications.id"))
    subject_ref: Mapped[str] = mapped_column(String(80))
    message_id: Mapped[int | None] = mapped_column(ForeignKey("mail_outbox.id"))
    lang: Mapped[str] = mapped_column(String(5))
    queued_at: Mapped[datetime]
