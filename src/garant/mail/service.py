"""Queue mail in the caller's transaction; a job sends it, once."""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from garant.jobs.service import JobContext, enqueue
from garant.mail.models import OutboxMessage
from garant.mail.sealed import ClearMail, open_mail, seal_mail
from garant.store.uow import UnitOfWork

if TYPE_CHECKING:
    from garant.app import Garant

SEND_JOB = "mail.send"


def queue_mail(
    *,
    uow: UnitOfWork,
    to: str,
    template: str,
    lang: str,
    context: dict[str, Any],
    key: str,
    headers: dict[str, str] | None = None,
    recipient_ref: str | None = None,
    hold: bool = False,
) -> OutboxMessage:
    """Render and queue a mail; the same ``key`` never queues a second one."""
    existing = uow.session.scalar(select(OutboxMessage).where(OutboxMessage.idempotency_key == key))
    if existing is not None:
        return existing
    rendered = uow.garant.mail_templates.render(template, lang, context)
    clear = ClearMail(to, rendered.subject, rendered.text, rendered.html, dict(headers or {}))
    message = OutboxMessage(
        idempotency_key=key,
        template=template,
        lang=lang,
        recipient_ref=recipient_ref or uow.subject_ref("email", to),
        sealed=seal_mail(uow.keys, key, clear),
        key_version=uow.keys.current,
        status="held" if hold else "queued",
        attempts=0,
        created_at=uow.now(),
    )
    uow.session.add(message)
    uow.session.flush()
    if not hold:  # a held message waits for staff (garant.rights.review.release)
        enqueue(
            uow=uow, kind=SEND_JOB, key=f"mail:{message.id}", payload={"message_id": message.id}
        )
    uow.audit(
        "mail.queue",
        "mail",
        message.id,
        subject_ref=message.recipient_ref,
        details={"template": template, "lang": lang},
    )
    return message


def decrypted(*, uow: UnitOfWork, message: OutboxMessage) -> ClearMail:
    """A message in clear, for a reader that audits what it shows (``mail.viewer``)."""
    return open_mail(uow.keys, message)


def _build(garant: Garant, message: OutboxMessage) -> EmailMessage:
    settings = garant.settings.mail
    clear = open_mail(garant.keys, message)
    email = EmailMessage()
    email["From"] = settings.sender
    email["To"] = clear.recipient or ""
    email["Subject"] = clear.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = message.message_id or make_msgid(domain=settings.sender.split("@")[-1])
    email["Content-Language"] = message.lang
    for name, value in clear.headers.items():
        email[name] = value
    email.set_content(clear.body_text or "")
    if clear.body_html:
        email.add_alternative(clear.body_html, subtype="html")
    return email


class SmtpUnreachable(ConnectionError):
    """The configured SMTP server did not answer; the message names its host and port."""


def deliver(garant: Garant, email: EmailMessage) -> None:
    settings = garant.settings.mail
    smtp_class = smtplib.SMTP_SSL if settings.ssl else smtplib.SMTP
    try:
        connection = smtp_class(settings.host, settings.port, timeout=settings.timeout_seconds)
    except OSError as exc:
        raise SmtpUnreachable(
            f"cannot reach the SMTP server {settings.host}:{settings.port} "
            f"({exc.strerror or exc}): check [mail] host and port in garant.toml"
        ) from exc
    with connection as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username_env:
            smtp.login(
                garant.settings.secret(settings.username_env),
                garant.settings.secret(settings.password_env or ""),
            )
        smtp.send_message(email)


def without_address(text: str, address: str) -> str:
    """An SMTP error as it may be stored: the recipient's address replaced (the outbox
    keeps addresses only encrypted)."""
    if not address:
        return text
    return re.sub(re.escape(address), "<recipient>", text, flags=re.IGNORECASE)


def send_job(context: JobContext) -> dict[str, Any]:
    """Send one queued mail. A message already marked sent is not sent again."""
    garant = context.garant
    message_id = int(context.payload["message_id"])
    with garant.store.session() as session, session.begin():
        message = session.get(OutboxMessage, message_id)
        if message is None or message.status in ("sent", "held"):
            return {"skipped": True}
        if message.sealed is None:  # erased before it went out: nothing left to send
            return {"skipped": True, "erased": True}
        if message.message_id is None:
            message.message_id = make_msgid(domain=garant.settings.mail.sender.split("@")[-1])
        message.attempts += 1
        email = _build(garant, message)
    try:
        deliver(garant, email)
    except (OSError, smtplib.SMTPException) as exc:
        reason = without_address(str(exc), str(email["To"] or ""))
        with garant.store.session() as session, session.begin():
            failed = session.get(OutboxMessage, message_id)
            if failed is not None:
                failed.error = reason[:2000]
        if reason == str(exc):
            raise
        # a refusal quoting the address ("550 <ada@...> unknown") is kept without it, in
        # the outbox and in the job's error alike
        raise smtplib.SMTPException(reason) from None
    with garant.unit_of_work() as uow:
        sent = uow.session.get(OutboxMessage, message_id)
        assert sent is not None
        sent.status, sent.sent_at, sent.error = "sent", uow.now(), None
        uow.audit(
            "mail.sent",
            "mail",
            sent.id,
            subject_ref=sent.recipient_ref,
            details={"template": sent.template, "message_id": sent.message_id},
        )
    return {"message_id": email["Message-ID"]}
