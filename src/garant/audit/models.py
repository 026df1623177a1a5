"""Audit tables: the chain, its erasable payloads, the head row and the daily seals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class AuditEvent(Base):
    """One link of the chain. Holds references and keyed hashes, never personal values."""

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str] = mapped_column(String(60), index=True)
    object_id: Mapped[str | None] = mapped_column(String(200), index=True)
    subject_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    payload_hash: Mapped[str | None] = mapped_column(String(80))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(80))


class AuditPayload(Base):
    """Personal values kept as proof, encrypted with the keyring (purpose ``audit.payload``,
    the event's seq as associated data); erasure and retention blank ``data``, never the
    hash in the chain."""

    __tablename__ = "audit_payloads"

    seq: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("audit_events.seq"), primary_key=True, autoincrement=False
    )
    subject_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    key_version: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    erased_at: Mapped[datetime | None]
    erase_reason: Mapped[str | None] = mapped_column(Text)


class AuditHead(Base):
    """A single row locked by every writer, so that the chain has one order.

    ``mac`` is an HMAC of ``seq|hash`` under a key outside the store: rewinding the head
    after cutting the last events cannot be done without the key.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str | None] = mapped_column(String(80))


class AuditSeal(Base):
    """The head of the chain at the end of a day, under an HMAC with a key outside the store."""

    __tablename__ = "audit_seals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date, unique=True)
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    key_version: Mapped[int]
    mac: Mapped[str] = mapped_column(String(80))
    sealed_at: Mapped[datetime]
