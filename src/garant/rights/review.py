"""Replies reviewed before they go: a reply to a request is held in the outbox until staff
release it, as written or edited (``[rights] review_replies``, on by default).

A reply tells a person what was done with their data and is the controller's answer under
Art. 12(3): it is checked by a person before it leaves, like a letter signed by the DPO.
The held message is an ordinary outbox row (sealed like every other) with status
``held`` and no send job; releasing it queues the job; editing re-seals the new text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from garant.errors import InvalidInput, NotFound
from garant.i18n import gettext as _
from garant.jobs.service import enqueue
from garant.mail.models import OutboxMessage
from garant.mail.sealed import ClearMail, open_mail, seal_mail
from garant.mail.service import SEND_JOB
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

HELD = "held"
REPLY_KEYS = "rights:{id}:reply:%"
MAX_TEXT = 20_000


@dataclass(frozen=True)
class HeldReply:
    message_id: int
    subject: str
    text: str


def _replies(uow: UnitOfWork, request_id: int) -> list[OutboxMessage]:
    return list(
        uow.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.idempotency_key.like(REPLY_KEYS.format(id=request_id)))
            .order_by(OutboxMessage.id.desc())
        )
    )


def held(uow: UnitOfWork, request_id: int) -> HeldReply | None:
    """The reply waiting for review, in clear for the reviewer (audited)."""
    message = next((m for m in _replies(uow, request_id) if m.status == HELD), None)
    if message is None:
        return None
    clear = open_mail(uow.keys, message)
    uow.audit("mail.read", "mail", message.id, subject_ref=message.recipient_ref,
              details={"template": message.template, "review": True})  # fmt: skip
    return HeldReply(message.id, clear.subject, clear.body_text or "")


def held_count(uow: UnitOfWork) -> int:
    query = select(func.count()).where(
        OutboxMessage.status == HELD, OutboxMessage.template == "rights_reply"
    )
    return int(uow.session.scalar(query) or 0)


def release(*, uow: UnitOfWork, request_id: int, text: str | None = None) -> int:
    """Send the held reply, with ``text`` instead of the drafted one when staff edited it."""
    message = next((m for m in _replies(uow, request_id) if m.status == HELD), None)
    if message is None:
        raise NotFound(f"request {request_id} has no reply waiting for review")
    edited = text is not None and text.strip() != ""
    if edited:
        assert text is not None
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"the reply is longer than {MAX_TEXT} characters")
        clear = open_mail(uow.keys, message)
        message.sealed = seal_mail(
            uow.keys,
            message.idempotency_key,
            ClearMail(clear.recipient, clear.subject, text.replace("\r\n", "\n"), None,
                      clear.headers),
        )  # fmt: skip
        message.key_version = uow.keys.current
    message.status = "queued"
    enqueue(uow=uow, kind=SEND_JOB, key=f"mail:{message.id}:released",
            payload={"message_id": message.id})  # fmt: skip
    uow.audit(
        "request.reply_release",
        "request",
        request_id,
        subject_ref=message.recipient_ref,
        details={"message": message.id, "edited": edited},
    )
    return message.id


def sent_answer(uow: UnitOfWork, request_id: int) -> str | None:
    """The reply as the person was sent it (edits included), for their status page; a held
    reply is not shown before staff release it."""
    message = next((m for m in _replies(uow, request_id) if m.status != HELD), None)
    if message is None or message.sealed is None:
        return None
    return open_mail(uow.keys, message).body_text


def dashboard(garant: Garant, uow: UnitOfWork) -> list[dict[str, Any]]:
    """Replies waiting for review top the dashboard: until staff send them, the person
    has no answer (Art. 12(3))."""
    rows = uow.session.execute(
        select(OutboxMessage.id, OutboxMessage.idempotency_key)
        .where(OutboxMessage.status == HELD, OutboxMessage.template == "rights_reply")
        .order_by(OutboxMessage.id)
    ).all()
    if not rows:
        return []
    items = []
    for _id, key in rows:
        request_id = key.split(":")[1]
        items.append(
            {
                "text": _("Request %(n)s") % {"n": request_id},
                "href": f"/admin/rights/{request_id}#reply",
            }
        )
    return [
        {
            "level": "due",
            "title": _("Replies waiting for your review"),
            "summary": _("These replies are written but not sent: read them, then send them."),
            "items": items,
        }
    ]
