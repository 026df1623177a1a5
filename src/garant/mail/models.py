from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from garant.store.base import Base


class OutboxMessage(Base):
    """A mail to send, then the record of what was sent to whom.

    The recipient, subject, bodies and headers (identity codes, signed download and
    unsubscribe links) are kept only in ``sealed``, encrypted with the keyring
    (``garant.mail.sealed``) and opened to send or for an audited reading; the row in
    clear holds the template, the keyed hash of the recipient and the delivery state.
    """

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    template: Mapped[str] = mapped_column(String(80), index=True)
    lang: Mapped[str] = mapped_column(String(5))
    recipient_ref: Mapped[str | None] = mapped_column(String(80), index=True)
    sealed: Mapped[bytes | None] = mapped_column(LargeBinary)
    key_version: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    message_id: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
