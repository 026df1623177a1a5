"""What staff see of a request: who asked and what they wrote, and the person's history.

The request's personal part is sealed (``service.personal``); opening it for a member of
staff is an access to personal data, recorded as ``request.read_personal`` (Art. 5(2),
Art. 32: who saw what, when). Only roles that may read subjects' data are given it (the
surface checks ``subject.read``); an auditor sees the workflow, not the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from garant.mail.models import OutboxMessage
from garant.rights import service
from garant.rights.models import RightsRequest
from garant.store.uow import UnitOfWork

HISTORY = 20


@dataclass(frozen=True)
class Requester:
    identities: dict[str, str]
    reply_email: str | None
    reply_address: str | None
    name: str | None
    message: str | None
    grounds: str | None
    changes: dict[str, str]
    destination_url: str | None
    erased: bool


@dataclass(frozen=True)
class PastRequest:
    id: int
    type: str
    status: str
    received_day: date


@dataclass(frozen=True)
class SentMail:
    id: int
    template: str
    status: str
    created_at: datetime


@dataclass(frozen=True)
class History:
    requests: list[PastRequest] = field(default_factory=list)
    mail: list[SentMail] = field(default_factory=list)


def requester(*, uow: UnitOfWork, req: RightsRequest) -> Requester:
    """The request's personal part in clear, its reading audited."""
    data: dict[str, Any] = service.personal(uow, req)
    uow.audit(
        "request.read_personal",
        "request",
        req.id,
        subject_ref=req.subject_ref,
        details={"fields": sorted(k for k, v in data.items() if v)},
    )
    return Requester(
        identities=dict(data.get("identities") or {}),
        reply_email=data.get("reply_email") or data.get("reply_asked"),
        reply_address=data.get("reply_address"),
        name=data.get("requester_name"),
        message=data.get("message"),
        grounds=data.get("grounds"),
        changes=dict(data.get("changes") or {}),
        destination_url=data.get("destination_url"),
        erased=not data,
    )


def history(*, uow: UnitOfWork, req: RightsRequest) -> History:
    """The person's other requests and the mail sent to them, newest first (matched by the
    keyed hash of their identity: no personal value is compared in clear)."""
    others = uow.session.scalars(
        select(RightsRequest)
        .where(RightsRequest.subject_ref == req.subject_ref, RightsRequest.id != req.id)
        .order_by(RightsRequest.id.desc())
        .limit(HISTORY)
    )
    mail = uow.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.recipient_ref == req.subject_ref)
        .order_by(OutboxMessage.id.desc())
        .limit(HISTORY)
    )
    return History(
        requests=[PastRequest(r.id, r.type, r.status, r.received_day) for r in others],
        mail=[SentMail(m.id, m.template, m.status, m.created_at) for m in mail],
    )
