"""Reading the outbox: what was sent to whom, for the DPO and the demo's mail viewer.

The outbox is the record of the mail Garant sends (Art. 5(2) accountability: the code,
the reply and the link each person was sent). Reading a message shows personal data, so
each opening is an audited ``mail.read`` event; the list shows no body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from garant.errors import NotFound
from garant.mail.models import OutboxMessage
from garant.mail.sealed import ClearMail
from garant.mail.service import decrypted
from garant.store.uow import UnitOfWork

PAGE = 50


@dataclass(frozen=True)
class MailSummary:
    id: int
    template: str
    lang: str
    recipient: str | None
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    erased: bool


@dataclass(frozen=True)
class MailMessage:
    summary: MailSummary
    body_text: str
    body_html: str | None
    headers: dict[str, str]
    message_id: str | None
    error: str | None


def _readable(uow: UnitOfWork, message: OutboxMessage) -> ClearMail:
    """The message in clear: the outbox keeps it sealed (``garant.mail.sealed``)."""
    return decrypted(uow=uow, message=message)


def _summary(message: OutboxMessage, recipient: str | None, subject: str) -> MailSummary:
    return MailSummary(
        id=message.id,
        template=message.template,
        lang=message.lang,
        recipient=recipient,
        subject=subject,
        status=message.status,
        created_at=message.created_at,
        sent_at=message.sent_at,
        erased=message.erased_at is not None or message.sealed is None,
    )


def list_messages(
    *, uow: UnitOfWork, recipient: str | None = None, limit: int = PAGE, offset: int = 0
) -> tuple[list[MailSummary], int]:
    """The newest messages first, with the total; ``recipient`` keeps one person's mail
    (matched by keyed hash, so it works on encrypted rows too)."""
    query = select(OutboxMessage)
    if recipient:
        refs = uow.subject_refs("email", recipient.strip())
        query = query.where(OutboxMessage.recipient_ref.in_(refs))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(
        query.order_by(OutboxMessage.id.desc()).limit(limit).offset(offset)
    ).all()
    summaries = []
    for row in rows:
        clear = _readable(uow, row)
        summaries.append(_summary(row, clear.recipient, clear.subject))
    uow.audit("mail.list", "mail", None, details={"count": len(summaries)})
    return summaries, int(total)


def read_message(*, uow: UnitOfWork, message_id: int) -> MailMessage:
    """One message as it was sent, its opening audited (the reader saw personal data)."""
    message = uow.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound(f"no mail {message_id}")
    clear = _readable(uow, message)
    uow.audit(
        "mail.read",
        "mail",
        message.id,
        subject_ref=message.recipient_ref,
        details={"template": message.template},
    )
    return MailMessage(
        summary=_summary(message, clear.recipient, clear.subject),
        body_text=clear.body_text or "",
        body_html=clear.body_html,
        headers=dict(clear.headers),
        message_id=message.message_id,
        error=message.error,
    )
