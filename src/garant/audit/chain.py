"""Writing to the chain, sealing it and verifying it end to end.

Three keyed MACs (keys outside the store) make the chain's end hard to cut silently: each
event's hash, the head row (``seq|hash``) and the daily seals. Cutting the last events
means rewinding the head, which needs the key; deleting the last seals leaves days without
a seal, which :func:`verify` reports. What a copy of an older head could still hide, an
anchor kept outside (``garant.audit.anchor``) reveals.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from garant.audit.models import AuditEvent, AuditHead, AuditPayload, AuditSeal
from garant.clock import local_date
from garant.errors import IntegrityError
from garant.keys.keyring import KeyRing

GENESIS = "0" * 64
MAC_PURPOSE = "audit.event"
SEAL_PURPOSE = "audit.seal"
HEAD_PURPOSE = "audit.head"
PAYLOAD_PURPOSE = "audit.payload"
PAYLOAD_CIPHER_PURPOSE = "audit.payload.cipher"
MAX_CATCH_UP_DAYS = 3660


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


def head_message(seq: int, digest: str) -> str:
    return f"{seq}|{digest}"


def seal_message(day: date, seq: int, digest: str) -> str:
    return f"{day.isoformat()}|{seq}|{digest}"


def seal_payload(keys: KeyRing, seq: int, payload: dict[str, Any]) -> bytes:
    """AES-GCM under the keyring, bound to its event by the seq (associated data)."""
    return keys.encrypt(PAYLOAD_CIPHER_PURPOSE, canonical(payload).encode(), str(seq).encode())


def open_payload(keys: KeyRing, record: AuditPayload) -> dict[str, Any] | None:
    """The payload in clear, or ``None`` once erased; ``IntegrityError`` if altered."""
    if record.data is None:
        return None
    clear = keys.decrypt(PAYLOAD_CIPHER_PURPOSE, bytes(record.data), str(record.seq).encode())
    return dict(json.loads(clear))


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
            AuditPayload(
                seq=event.seq,
                subject_ref=subject_ref,
                data=seal_payload(keys, event.seq, payload),
                key_version=keys.current,
                created_at=at,
            )
        )
    head.seq, head.hash = event.seq, event.hash
    head.mac = keys.sign(HEAD_PURPOSE, head_message(event.seq, event.hash))
    return event


def head_problem(head: AuditHead | None, keys: KeyRing) -> str | None:
    """Why the head row cannot be trusted (rewound, forged, MAC removed), or ``None``."""
    if head is None or (head.seq == 0 and head.hash == GENESIS):
        return None
    if not head.mac or not keys.verify_signature(
        HEAD_PURPOSE, head_message(head.seq, head.hash), head.mac
    ):
        return (
            f"the chain head (event {head.seq}) does not carry a valid MAC: "
            "it was rewound or rewritten, events may have been cut"
        )
    return None


def seal(session: Session, keys: KeyRing, *, day: date, at: datetime) -> AuditSeal | None:
    """Seal the head for ``day``; one seal a day, a second call that day does nothing.

    A head whose MAC does not verify is never sealed: sealing it would certify a cut chain.
    """
    existing = session.execute(select(AuditSeal).where(AuditSeal.day == day)).scalar_one_or_none()
    if existing is not None:
        return None
    head = _lock_head(session)
    problem = head_problem(head, keys)
    if problem:
        raise IntegrityError(f"nothing sealed: {problem} (run `garant audit verify`)")
    message = seal_message(day, head.seq, head.hash)
    record = AuditSeal(
        day=day,
        head_seq=head.seq,
        head_hash=head.hash,
        key_version=keys.current,
        mac=keys.sign(SEAL_PURPOSE, message),
        sealed_at=at,
    )
    session.add(record)
    session.flush()
    return record


def first_day(session: Session, tz: tzinfo) -> date | None:
    """The local day of the first event: seals are due from that day on."""
    first = session.scalar(select(AuditEvent.at).order_by(AuditEvent.seq).limit(1))
    return None if first is None else local_date(first, tz)


def seal_through(
    session: Session, keys: KeyRing, *, through: date, at: datetime, tz: tzinfo
) -> list[date]:
    """Seal every day after the latest seal (or from the first event's day) to ``through``.

    A worker that did not run for some days catches up: each late seal holds the head at
    the time it is written, and its ``sealed_at`` shows it was late. Days before the latest
    seal are never filled in: a seal missing there stays a problem for :func:`verify`.
    """
    latest = session.scalar(select(func.max(AuditSeal.day)))
    if latest is not None:
        start = latest + timedelta(days=1)
    else:
        start = min(first_day(session, tz) or through, through)
    start = max(start, through - timedelta(days=MAX_CATCH_UP_DAYS))
    sealed: list[date] = []
    day = start
    while day <= through:
        if seal(session, keys, day=day, at=at) is not None:
            sealed.append(day)
        day += timedelta(days=1)
    return sealed


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
    missing_seals: list[str] = field(default_factory=list)

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
        try:
            clear = open_payload(keys, payload)
        except IntegrityError:
            return f"the payload of event {event.seq} was changed"
        if not keys.verify_hash(PAYLOAD_PURPOSE, canonical(clear), event.payload_hash or ""):
            return f"the payload of event {event.seq} was changed"
    return None


@dataclass
class _Walk:
    count: int
    last_hash: str
    hashes: dict[int, str]
    broken: Verification | None


def _walk(session: Session, keys: KeyRing, wanted: set[int], seals: int) -> _Walk:
    prev, count = GENESIS, 0
    hashes: dict[int, str] = {}
    for event, payload in _stream(session):
        problem = _check_event(event, payload, prev, count + 1, keys)
        if problem:
            return _Walk(count, prev, hashes, Verification(count, seals, event.seq, problem))
        if event.seq in wanted:
            hashes[event.seq] = event.hash
        prev, count = event.hash, count + 1
    return _Walk(count, prev, hashes, None)


def _seal_problem(seals: list[AuditSeal], walk: _Walk, keys: KeyRing) -> tuple[int, str] | None:
    count, last_seq = walk.count, 0
    for s in seals:
        if not keys.verify_signature(
            SEAL_PURPOSE, seal_message(s.day, s.head_seq, s.head_hash), s.mac
        ):
            return s.head_seq, f"the seal of {s.day} is forged"
        if s.head_seq > count:
            return count + 1, f"events after {count} sealed on {s.day} are gone"
        if s.head_seq and walk.hashes.get(s.head_seq) != s.head_hash:
            return s.head_seq, f"event {s.head_seq} differs from what was sealed on {s.day}"
        if s.head_seq < last_seq:
            return s.head_seq, f"the seal of {s.day} holds an older head than the seal before it"
        last_seq = s.head_seq
    return None


def missing_seal_days(
    session: Session, seals: list[AuditSeal], *, today: date, tz: tzinfo
) -> list[date]:
    """Completed days (first event's day to yesterday) that have no seal."""
    start = first_day(session, tz)
    if start is None:
        return []
    have = {s.day for s in seals}
    days, day = [], start
    while day < today:
        if day not in have:
            days.append(day)
        day += timedelta(days=1)
    return days


def verify(
    session: Session,
    keys: KeyRing,
    *,
    today: date | None = None,
    tz: tzinfo | None = None,
    anchor: Any = None,
) -> Verification:
    """Recompute every link and MAC, check each seal against the chain, the head's MAC,
    (with ``today`` and ``tz``) that every completed day since the first event has its
    seal, and (with an ``anchor``, see ``garant.audit.anchor``) that the chain still holds
    what the anchor saw."""
    seals = list(session.execute(select(AuditSeal).order_by(AuditSeal.day)).scalars())
    wanted = {s.head_seq for s in seals} | ({anchor.head_seq} if anchor is not None else set())
    walk = _walk(session, keys, wanted, len(seals))
    if walk.broken is not None:
        return walk.broken
    count, n = walk.count, len(seals)
    found = _seal_problem(seals, walk, keys)
    if found:
        return Verification(count, n, found[0], found[1])
    head = session.get(AuditHead, 1)
    if count and head is None:
        return Verification(count, n, count + 1, "the chain head row is gone")
    if head is not None and (head.seq != count or (count and head.hash != walk.last_hash)):
        return Verification(count, n, count + 1, "the chain head does not match the chain")
    problem = head_problem(head, keys)
    if problem:
        return Verification(count, n, count + 1, problem)
    if anchor is not None:
        problem = anchor.problem(seals, count, walk.hashes)
        if problem:
            return Verification(count, n, min(anchor.head_seq, count + 1), problem)
    missing = missing_seal_days(session, seals, today=today, tz=tz) if today and tz else []
    if missing:
        listed = ", ".join(d.isoformat() for d in missing[:5])
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        return Verification(
            count,
            n,
            None,
            f"{len(missing)} day(s) without a seal: {listed}{more} "
            "(a seal must exist for every day since the first event)",
            [d.isoformat() for d in missing],
        )
    return Verification(count, n, None, None)
