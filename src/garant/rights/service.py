"""Use cases of a request's life: open, read, list, extend, refuse, withdraw, close.

Identity checks live in ``identity.py``, decisions in ``decisions.py``, execution in
``execute.py``; each writes its audit event in the caller's transaction.
"""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select

from garant.clock import local_date
from garant.errors import Conflict, InvalidInput, NotFound
from garant.rights import deadlines, policy_view
from garant.rights.models import RequestDecision, RequestTask, RightsRequest
from garant.rights.rules import OPEN, RequestType, Status, check_requester, transition
from garant.rights.schemas import (
    DecisionRead,
    ErasureOutcome,
    OpenedRequest,
    RequestCreate,
    RequestRead,
)
from garant.store.uow import UnitOfWork

SEAL_PURPOSE = "rights.request"
FOLLOW_PURPOSE = "rights.follow"
IDENTITY_ORDER = ("email", "customer_number", "member_number", "phone")


# --- the sealed personal part ------------------------------------------------------------
def seal(uow: UnitOfWork, data: dict[str, Any], *, aad: str) -> bytes:
    return uow.keys.encrypt(SEAL_PURPOSE, json.dumps(data).encode(), aad.encode())


def unseal(uow: UnitOfWork, blob: bytes | None, *, aad: str) -> dict[str, Any]:
    if blob is None:
        return {}
    value: dict[str, Any] = json.loads(uow.keys.decrypt(SEAL_PURPOSE, blob, aad.encode()))
    return value


def personal(uow: UnitOfWork, req: RightsRequest) -> dict[str, Any]:
    """The request's personal values (identities, reply address, changes); {} once erased."""
    return unseal(uow, req.sealed, aad=f"request:{req.id}")


def set_personal(uow: UnitOfWork, req: RightsRequest, data: dict[str, Any]) -> None:
    req.sealed = seal(uow, data, aad=f"request:{req.id}")


def primary_identity(identities: dict[str, str]) -> tuple[str, str]:
    for kind in IDENTITY_ORDER:
        if kind in identities:
            return kind, identities[kind]
    kind = sorted(identities)[0]
    return kind, identities[kind]


def subject_refs(uow: UnitOfWork, identities: dict[str, str]) -> list[str]:
    """Every keyed hash of every identity given, under every key version."""
    refs: list[str] = []
    for kind, value in sorted(identities.items()):
        refs.extend(uow.subject_refs(kind, value))
    return refs


# --- dates ------------------------------------------------------------------------------
def today(uow: UnitOfWork) -> date:
    return local_date(uow.now(), uow.garant.timezone)


def _received_at(uow: UnitOfWork, data: RequestCreate) -> datetime:
    if data.received_at is not None:
        if data.received_at.tzinfo is None:
            return data.received_at.replace(tzinfo=uow.garant.timezone)
        return data.received_at
    if data.received_on is not None:
        if data.received_on > today(uow):
            raise InvalidInput(f"received {data.received_on}: a date in the future")
        return datetime.combine(data.received_on, time(9, 0), uow.garant.timezone)
    return uow.now()


def pauses_of(req: RightsRequest) -> list[tuple[date, date | None]]:
    return [
        (date.fromisoformat(a), date.fromisoformat(b) if b else None) for a, b in req.pauses or []
    ]


def refresh_due(uow: UnitOfWork, req: RightsRequest) -> deadlines.Deadline:
    """Recompute the due date from receipt, the stopped days and the extension (AF-X2)."""
    picture = deadlines.deadline(
        req.received_day,
        country=uow.garant.policy.country,
        today=today(uow),
        extended=req.extended,
        pauses=pauses_of(req),
    )
    req.due_day, req.original_due_day = picture.due, picture.original_due
    return picture


def pause(uow: UnitOfWork, req: RightsRequest) -> None:
    """The clock stops: Garant asked the person for information to confirm identity."""
    if not any(end is None for _, end in req.pauses or []):
        req.pauses = [*(req.pauses or []), [today(uow).isoformat(), None]]


def resume(uow: UnitOfWork, req: RightsRequest) -> None:
    req.pauses = [[a, b or today(uow).isoformat()] for a, b in req.pauses or []]
    refresh_due(uow, req)


# --- use cases ----------------------------------------------------------------------------
def open_request(
    *, uow: UnitOfWork, data: RequestCreate, public: bool = False
) -> tuple[RightsRequest, str]:
    """Record a request as received (AF-X1) and compute its due date (AF-X2).

    ``public``: submitted by the person (privacy center, public API). Its reply address is
    then not trusted: answers go to the address proven by the identity check, and a
    different reply address waits for its own code (``reply_asked``)."""
    check_requester(data.requester_kind, data.type, data.requester_proof)
    if data.type == "restriction" and data.restriction_ground is None:
        raise InvalidInput("restriction: give restriction_ground (one of the four of Art. 18(1))")
    if data.type == "rectification" and not data.changes:
        raise InvalidInput("rectification: give the changes (collection.field=correct value)")
    received = _received_at(uow, data)
    day = deadlines.receipt_day(received, uow.garant.timezone)
    token = secrets.token_urlsafe(24)
    now = uow.now()
    req = RightsRequest(
        type=data.type.value,
        status=Status.RECEIVED.value,
        channel=data.channel.value,
        requester_kind=data.requester_kind.value,
        lang=data.lang if data.lang in ("fr", "en") else "fr",
        entity=data.entity,
        subject_ref=uow.subject_ref(*primary_identity(data.identities)),
        scope=_scope(data) | ({"public": True} if public else {}),
        received_at=received,
        received_day=day,
        due_day=day,
        original_due_day=day,
        pauses=[],
        reminded=[],
        follow_token_hash=uow.keys.keyed_hash(FOLLOW_PURPOSE, token),
        created_by=uow.actor.label,
        created_at=now,
        updated_at=now,
    )
    refresh_due(uow, req)
    uow.session.add(req)
    uow.session.flush()
    set_personal(uow, req, _personal_part(data, public=public))
    uow.audit(
        "request.open",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"type": req.type, "channel": req.channel, "requester": req.requester_kind},
        payload={"identities": data.identities, "reply_email": data.reply_email},
    )
    return req, token


def _scope(data: RequestCreate) -> dict[str, Any]:
    return {
        "restriction_ground": data.restriction_ground.value if data.restriction_ground else None,
        "activities": data.activities,
        "prospecting": data.prospecting,
        "export_format": data.export_format,
        "destination": bool(data.destination_url),
        "letter_reference": data.letter_reference,
        "has_grounds": bool(data.grounds),
    }


def _personal_part(data: RequestCreate, *, public: bool) -> dict[str, Any]:
    reply_email = data.reply_email or data.identities.get("email")
    return {
        "identities": data.identities,
        "reply_email": None if public else reply_email,
        "reply_asked": data.reply_email if public else None,
        "reply_address": data.reply_address,
        "requester_name": data.requester_name,
        "requester_proof": data.requester_proof,
        "message": data.message,
        "changes": data.changes,
        "grounds": data.grounds,
        "destination_url": data.destination_url,
    }


def get(uow: UnitOfWork, request_id: int) -> RightsRequest:
    req = uow.session.get(RightsRequest, request_id)
    if req is None:
        raise NotFound(f"no request {request_id}")
    return req


def by_follow_token(uow: UnitOfWork, token: str) -> RightsRequest:
    """The privacy center's view of a request: only with the token given at submission."""
    digest = uow.keys.keyed_hash(FOLLOW_PURPOSE, token)
    req = uow.session.scalar(select(RightsRequest).where(RightsRequest.follow_token_hash == digest))
    if req is None:
        raise NotFound("no request matches this link")
    return req


def read(uow: UnitOfWork, req: RightsRequest) -> RequestRead:
    picture = deadlines.deadline(
        req.received_day,
        country=uow.garant.policy.country,
        today=today(uow),
        extended=req.extended,
        pauses=pauses_of(req),
    )
    running = req.status in OPEN
    decisions = uow.session.scalars(
        select(RequestDecision)
        .where(RequestDecision.request_id == req.id)
        .order_by(RequestDecision.id)
    )
    tasks = uow.session.scalars(select(RequestTask).where(RequestTask.request_id == req.id))
    return RequestRead(
        id=req.id,
        type=req.type,
        status=req.status,
        channel=req.channel,
        requester_kind=req.requester_kind,
        lang=req.lang,
        entity=req.entity,
        received_day=req.received_day,
        due_day=req.due_day,
        original_due_day=req.original_due_day,
        days_left=picture.days_left,
        overdue=running and picture.overdue,
        extended=req.extended,
        extension_reason=req.extension_reason,
        paused_days=picture.paused,
        verified=req.verified_at is not None,
        found=req.found,
        outcome=req.outcome,
        refusal_reason=req.refusal_reason,
        fee_cents=req.fee_cents,
        scope=req.scope or {},
        decisions=[
            DecisionRead(
                activity=d.activity,
                decision=d.decision,
                ground=d.ground,
                explanation=d.explanation,
                proposed=d.proposed,
            )
            for d in decisions
        ],
        tasks=[
            {
                "id": t.id,
                "kind": t.kind,
                "target": t.target,
                "status": t.status,
                "receipt": t.receipt,
            }
            for t in tasks
        ],
        erasure=_erasure(uow, req),
        closed=req.closed_at is not None,
        attention=_attention(uow, req) if running else None,
    )


def _attention(uow: UnitOfWork, req: RightsRequest) -> str | None:
    from garant.rights import attention

    return attention.failure(uow, req.id)


def _erasure(uow: UnitOfWork, req: RightsRequest) -> list[ErasureOutcome]:
    if req.type not in (RequestType.ERASURE, RequestType.POST_MORTEM):
        return []
    from garant.rights import archiving

    return [ErasureOutcome.model_validate(o) for o in archiving.outcomes(uow, req)]


def list_requests(
    *,
    uow: UnitOfWork,
    overdue: bool = False,
    status: str | None = None,
    type: str | None = None,
    open_only: bool = False,
) -> list[RequestRead]:
    """Requests, soonest due first; ``overdue`` keeps only open ones past their due date."""
    query = select(RightsRequest).order_by(RightsRequest.due_day, RightsRequest.id)
    if status:
        query = query.where(RightsRequest.status == status)
    if type:
        query = query.where(RightsRequest.type == type)
    if overdue or open_only:
        query = query.where(RightsRequest.status.in_([s.value for s in OPEN]))
    if overdue:
        # the stored due day never runs later than the live one (a pause only adds days)
        query = query.where(RightsRequest.due_day < today(uow))
    rows = [read(uow, r) for r in uow.session.scalars(query)]
    return [r for r in rows if r.overdue] if overdue else rows


def extend(*, uow: UnitOfWork, request_id: int, reason: str) -> RightsRequest:
    """Art. 12(3): once, to three months from receipt, with a reason told before month one ends."""
    from garant.rights import reply

    req = get(uow, request_id)
    if not reason.strip():
        raise InvalidInput("--reason: the extension's reason is told to the person; give it")
    if req.extended:
        raise Conflict(f"request {req.id} was already extended (Art. 12(3) allows one extension)")
    if req.status not in OPEN:
        raise Conflict(f"request {req.id} is {req.status}: nothing left to extend")
    if not deadlines.may_extend(
        today(uow),
        req.received_day,
        country=uow.garant.policy.country,
        paused=deadlines.paused_days(pauses_of(req), today(uow)),
    ):
        raise Conflict(
            f"request {req.id}: the first month ended on {req.original_due_day}; an extension "
            "must be told to the person within one month of receipt (Art. 12(3))"
        )
    req.extended, req.extension_reason, req.extension_told_at = True, reason.strip(), uow.now()
    refresh_due(uow, req)
    reply.send_extension(uow=uow, req=req)
    uow.audit(
        "request.extend",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"due": req.due_day.isoformat()},
    )
    return req


def refuse(*, uow: UnitOfWork, request_id: int, reason: str) -> RightsRequest:
    """Art. 12(4)-(5): a refusal (manifestly unfounded or excessive, identity unconfirmed)
    always gives its reasons and the right to complain and to a judicial remedy."""
    from garant.rights import holds, reply

    req = get(uow, request_id)
    if not reason.strip():
        raise InvalidInput("a refusal must give its reasons (Art. 12(4))")
    transition(req, Status.REFUSED)
    req.refusal_reason, req.outcome = reason.strip(), "refused"
    holds.release(uow, req)
    req.updated_at = uow.now()
    reply.send_reply(uow=uow, req=req)
    uow.audit("request.refuse", "request", req.id, subject_ref=req.subject_ref)
    return req


def withdraw(*, uow: UnitOfWork, request_id: int) -> RightsRequest:
    from garant.rights import holds, package

    req = get(uow, request_id)
    transition(req, Status.WITHDRAWN)
    req.outcome, req.updated_at = "withdrawn", uow.now()
    holds.release(uow, req)
    package.revoke_all(uow=uow, reason="withdrawn", request_id=req.id)
    uow.audit("request.withdraw", "request", req.id, subject_ref=req.subject_ref)
    return req


def close(*, uow: UnitOfWork, request_id: int) -> RightsRequest:
    """Closed requests are kept, then archived five years (AF-R5)."""
    req = get(uow, request_id)
    transition(req, Status.CLOSED)
    req.closed_at = req.updated_at = uow.now()
    uow.audit("request.close", "request", req.id, subject_ref=req.subject_ref)
    return req


def opened(req: RightsRequest, token: str) -> OpenedRequest:
    return OpenedRequest(id=req.id, due_day=req.due_day, status=req.status, follow_token=token)


def identity_proof_for(uow: UnitOfWork, req: RightsRequest) -> str:
    return policy_view.identity_proof(uow.garant.policy, req.entity)
