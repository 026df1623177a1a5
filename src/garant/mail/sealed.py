"""Mail at rest: what a message says is encrypted in the outbox, opened only to send it
or for an audited reading.

A message carries identity codes, signed download links and unsubscribe tokens: in clear
in the store, anyone with a copy of the database could act as the person. The sealed blob
is AES-256-GCM under the keyring (purpose ``mail.outbox``), bound to the message's
idempotency key, so a blob copied onto another row does not open.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from garant.keys.keyring import KeyRing
from garant.mail.models import OutboxMessage

PURPOSE = "mail.outbox"


@dataclass(frozen=True)
class ClearMail:
    recipient: str | None
    subject: str
    body_text: str | None
    body_html: str | None
    headers: dict[str, str] = field(default_factory=dict)


ERASED = ClearMail(recipient=None, subject="", body_text=None, body_html=None)


def seal_mail(keys: KeyRing, key: str, mail: ClearMail) -> bytes:
    plain = json.dumps(asdict(mail), ensure_ascii=False, separators=(",", ":")).encode()
    return keys.encrypt(PURPOSE, plain, key.encode())


def open_mail(keys: KeyRing, message: OutboxMessage) -> ClearMail:
    """The message in clear; an erased one (``sealed`` removed) comes back empty.

    Callers that show it to a person audit the reading (``garant.mail.viewer``); the send
    job opens it only to hand it to the SMTP server.
    """
    if message.sealed is None:
        return ERASED
    plain = keys.decrypt(PURPOSE, bytes(message.sealed), message.idempotency_key.encode())
    body: dict[str, Any] = json.loads(plain)
    return ClearMail(
        recipient=body.get("recipient"),
        subject=str(body.get("subject", "")),
        body_text=body.get("body_text"),
        body_html=body.get("body_html"),
        headers=dict(body.get("headers") or {}),
    )
