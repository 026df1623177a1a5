"""Reading the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garant.audit import chain
from garant.audit.anchor import Anchor, from_seal, latest_seal
from garant.audit.models import AuditEvent
from garant.clock import local_date
from garant.errors import InvalidInput
from garant.store.uow import UnitOfWork


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


def verify_chain(uow: UnitOfWork, *, anchor: Anchor | None = None) -> chain.Verification:
    """The whole check as of the unit of work's day: links, MACs, the head, a seal for
    every completed day since the first event, and the anchor when one is given."""
    garant = uow.garant
    today = local_date(uow.now(), garant.timezone)
    return chain.verify(uow.session, uow.keys, today=today, tz=garant.timezone, anchor=anchor)


def seal_today(uow: UnitOfWork) -> list[date]:
    """Seal today and any day missed since the latest seal (late seals say so)."""
    garant = uow.garant
    today = local_date(uow.now(), garant.timezone)
    return chain.seal_through(
        uow.session, uow.keys, through=today, at=uow.now(), tz=garant.timezone
    )


def current_anchor(uow: UnitOfWork) -> Anchor:
    """The latest seal as an anchor to keep outside the store."""
    seal = latest_seal(uow.session)
    return from_seal(seal, organization=uow.garant.policy.controller.name, exported_at=uow.now())


def dpo_address(garant: Any) -> str:
    contacts = getattr(garant.policy, "contacts", None)
    dpo = getattr(contacts, "dpo", None)
    return str(garant.settings.mail.dpo_address or getattr(dpo, "email", None) or "")


def share_anchor(uow: UnitOfWork, *, mail: bool, to: str | None = None) -> Anchor:
    """The latest seal as an anchor; with ``mail``, queued to the DPO (or ``to``). Audited:
    who took which anchor out of the store, and where it went."""
    from garant.mail.service import queue_mail

    anchor = current_anchor(uow)
    address = ""
    if mail:
        address = to or dpo_address(uow.garant)
        if not address:
            raise InvalidInput(
                "no DPO address to mail the anchor to: set [mail] dpo_address in garant.toml, "
                "contacts.dpo.email in the policy, or give --to"
            )
        queue_mail(
            uow=uow,
            to=address,
            template="audit_anchor",
            lang=(uow.garant.policy.languages or ["fr"])[0],
            context={
                "day": anchor.day.isoformat(),
                "head_seq": anchor.head_seq,
                "organization": anchor.organization,
                "anchor": anchor.text(),
            },
            key=f"audit.anchor:{anchor.day}:{anchor.head_seq}:{uow.now().isoformat()}",
        )
    uow.audit(
        "audit.anchor",
        "audit_seal",
        anchor.day.isoformat(),
        details={"head_seq": anchor.head_seq, "mailed": bool(address)},
    )
    return anchor
