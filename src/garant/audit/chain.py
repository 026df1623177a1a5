"""Writing to the chain, sealing it and verifying it end to end."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from garant.audit.models import AuditEvent, AuditHead, AuditPayload, AuditSeal
from garant.keys.keyring import KeyRing

GENESIS = "0" * 64
MAC_PURPOSE = "audit.event"
SEAL_PURPOSE = "audit.seal"
PAYLOAD_PURPOSE = "audit.payload"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)


def event_digest(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode()).hexdigest()


def _fields(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject_ref": event.subject_ref,
        "details": event.details,
        "payload_hash": event.payload_hash,
    }


def _lock_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditHead(id=1, seq=0, hash=GENESIS)
        session.add(head)
        session.flush()
    return head


def append(
    session: Session,
    keys: KeyRing,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | None = None,
    subject_ref: str | None = None,
    details: dict[str, Any] | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction."""
    head = _lock_head(session)
    payload_hash = keys.keyed_hash(PAYLOAD_PURPOSE, canonical(payload)) if payload else None
    event = AuditEvent(
        seq=head.seq + 1,
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_ref=subject_ref,
        details=details or {},
        payload_hash=payload_hash,
        prev_hash=head.hash,
    )
    event.hash = event_digest(head.hash, _fields(event))
    event.mac = keys.sign(MAC_PURPOSE, event.hash)
    session.add(event)
    if payload:
        session.flush()
        session.add(
            AuditPayload(seq=event.seq, subject_ref=subject_ref, data=payload, created_at=at)
        )
    head.seq, head.hash = event.seq, event.hash
    return event


def seal(session: Session, keys: KeyRing, *, day: date, at: datetime) -> AuditSeal | None:
    """Seal the head for ``day``; one seal a day, a second call that day does nothing."""
    existing = session.execute(select(AuditSeal).where(AuditSeal.day == day)).scalar_one_or_none()
    if existing is not None:
        return None
    head = _lock_head(session)
    message = f"{day.isoformat()}|{head.seq}|{head.hash}"
    record = AuditSeal(
        day=day,
        head_seq=head.seq,
        head_hash=head.hash,
        key_version=keys.current,
        mac=keys.sign(SEAL_PURPOSE, message),
        sealed_at=at,
    )
    session.add(record)
    return record


def erase_payloads(session: Session, *, subject_refs: list[str], at: datetime, reason: str) -> int:
    """Blank the personal values kept as proof; the chain keeps their keyed hashes."""
    if not subject_refs:
        return 0
    result = session.execute(
        update(AuditPayload)
        .where(AuditPayload.subject_ref.in_(subject_refs), AuditPayload.erased_at.is_(None))
        .values(data=None, erased_at=at, erase_reason=reason)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass
class Verification:
    events: int
    seals: int
    first_broken: int | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream(
    session: Session, batch: int = 5000
) -> Iterator[tuple[AuditEvent, AuditPayload | None]]:
    last = 0
    while True:
        rows = session.execute(
            select(AuditEvent, AuditPayload)
            .outerjoin(AuditPayload, AuditPayload.seq == AuditEvent.seq)
            .where(AuditEvent.seq > last)
            .order_by(AuditEvent.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from ((event, payload) for event, payload in rows)
        last = rows[-1][0].seq
        session.expunge_all()


def _check_event(
    event: AuditEvent, payload: AuditPayload | None, prev: str, expected_seq: int, keys: KeyRing
) -> str | None:
    if event.seq != expected_seq:
        return f"event {expected_seq} is missing (next is {event.seq})"
    if event.prev_hash != prev:
        return f"event {event.seq} does not follow event {event.seq - 1}"
    if event_digest(prev, _fields(event)) != event.hash:
        return f"event {event.seq} was changed after it was written"
    if not keys.verify_signature(MAC_PURPOSE, event.hash, event.mac):
        return f"event {event.seq} carries a hash the audit key did not sign"
    if payload is not None and payload.data is not None:
        if not keys.verify_hash(PAYLOAD_PURPOSE, canonical(payload.data), event.payload_hash or ""):
            return f"the payload of event {event.seq} was changed"
    return None


def verify(session: Session, keys: KeyRing) -> Verification:
    """Recompute every link and MAC, then check each seal against the chain."""
    prev, count, hashes_at_seals = GENESIS, 0, {}
    seals = list(session.execute(select(AuditSeal).order_by(AuditSeal.day)).scalars())
    wanted = {s.head_seq for s in seals}
    for event, payload in _stream(session):
        problem = _check_event(event, payload, prev, count + 1, keys)
        if problem:
            return Verification(count, len(seals), event.seq, problem)
        if event.seq in wanted:
            hashes_at_seals[event.seq] = event.hash
        prev, count = event.hash, count + 1
    for s in seals:
        message = f"{s.day.isoformat()}|{s.head_seq}|{s.head_hash}"
        if not keys.verify_signature(SEAL_PURPOSE, message, s.mac):
            return Verification(count, len(seals), s.head_seq, f"the seal of {s.day} is forged")
        if s.head_seq > count:
            return Verification(
                count, len(seals), count + 1, f"events after {count} sealed on {s.day} are gone"
            )
        if s.head_seq and hashes_at_seals.get(s.head_seq) != s.head_hash:
            return Verification(
                count,
                len(seals),
                s.head_seq,
                f"event {s.head_seq} differs from what was sealed on {s.day}",
            )
    head = session.get(AuditHead, 1)
    if head is not None and (head.seq != count or (count and head.hash != prev)):
        return Verification(count, len(seals), count + 1, "the chain head does not match the chain")
    return Verification(count, len(seals), None, None)
