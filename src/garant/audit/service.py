"""Reading the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from garant.audit import chain
from garant.audit.anchor import Anchor, from_seal, latest_seal
from garant.audit.models import AuditEvent
from garant.clock import local_date
from garant.errors import IntegrityError, InvalidInput
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


def stamp_anchor(garant: Any, anchor: Anchor) -> Anchor:
    """The anchor with an RFC 3161 time stamp when ``[audit] timestamp_url`` is set (a
    network call: made outside any unit of work)."""
    from dataclasses import replace

    from garant.audit.timestamp import request_stamp

    settings = garant.settings.audit
    if not settings.timestamp_url:
        return anchor
    stamp = request_stamp(
        anchor,
        url=settings.timestamp_url,
        root=timestamp_root(garant),
        timeout=settings.timestamp_timeout_seconds,
    )
    return replace(anchor, timestamp=stamp)


def timestamp_root(garant: Any) -> Path | None:
    name = garant.settings.audit.timestamp_root_cert
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else garant.workspace / path


def share_anchor(
    uow: UnitOfWork, *, mail: bool, to: str | None = None, anchor: Anchor | None = None
) -> Anchor:
    """The latest seal (or ``anchor``, made from it and stamped) as an anchor; with
    ``mail``, queued to the DPO (or ``to``). Audited: who took which anchor out of the
    store, and where it went."""
    from garant.mail.service import queue_mail

    anchor = anchor or current_anchor(uow)
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
        details={
            "head_seq": anchor.head_seq,
            "mailed": bool(address),
            "stamped": anchor.timestamp is not None,
        },
    )
    return anchor


@dataclass(frozen=True)
class StampCheck:
    ok: bool
    text: str


def anchor_stamp(garant: Any, anchor: Anchor) -> StampCheck | None:
    """The anchor's RFC 3161 time stamp checked against ``[audit] timestamp_root_cert``."""
    from garant.audit.timestamp import check_stamp

    if anchor.timestamp is None:
        return None
    root = timestamp_root(garant)
    if root is None:
        return StampCheck(True, "The anchor's time stamp was not checked: set "
                                "[audit] timestamp_root_cert to check it.")  # fmt: skip
    try:
        at = check_stamp(anchor, root)
    except IntegrityError as exc:
        return StampCheck(False, f"The anchor's time stamp does not verify: {exc.message}")
    return StampCheck(True, f"Time-stamped by {anchor.timestamp.get('tsa')} at {at}.")
