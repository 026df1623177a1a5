"""Reading the audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garant.audit.models import AuditEvent


def _row(e: AuditEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
        "subject_ref": e.subject_ref,
        "details": e.details,
    }


def recent_events(
    session: Session, *, limit: int = 50, action: str | None = None
) -> list[dict[str, Any]]:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    return [_row(e) for e in session.scalars(query)]


def events_for(session: Session, *, object_type: str, object_id: str | int) -> list[dict[str, Any]]:
    """An object's timeline, oldest first (a request's or a breach's history)."""
    query = (
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.seq)
    )
    return [_row(e) for e in session.scalars(query)]


def events_about(session: Session, *, subject_refs: list[str]) -> list[dict[str, Any]]:
    """Everything the log says about a person (their refs under every key version)."""
    query = (
        select(AuditEvent).where(AuditEvent.subject_ref.in_(subject_refs)).order_by(AuditEvent.seq)
    )
    return [_row(e) for e in session.scalars(query)]
