"""The store file holds no identity code, download link or address in clear (issue 16).

A real rights request on a SQLite store: the person gets a confirmation code, then a reply
with a signed download link. Every byte of the store file (and its WAL) is then searched
for them: the outbox and the audit payloads keep them only encrypted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from garant.app import Garant
from garant.audit.models import AuditPayload
from garant.audit.service import verify_chain
from garant.mail.viewer import read_message
from tests.rights.conftest import school_sqlite  # noqa: F401  (the fixture)
from tests.rights.helpers import api_client, code_for, decide_and_run, mails, submit_verified

ADDRESS = "ada@example.org"


def _store_bytes(garant: Garant) -> bytes:
    database = Path(garant.store.engine.url.database or "")
    files = [database, database.with_name(database.name + "-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_store_file_holds_no_clear_code_link_or_identity(school_sqlite: Garant) -> None:  # noqa: F811
    garant = school_sqlite
    with api_client(garant) as client:
        rid = submit_verified(
            client, garant, {"type": "access", "identities": {"email": ADDRESS}, "lang": "en"}
        )
        code = code_for(garant, rid)
        shown = decide_and_run(client, garant, rid)
    assert shown["status"] == "answered"
    reply = mails(garant, "rights_reply", rid)[-1]
    links = re.findall(r"https?://\S+/privacy/requests/download/(\S+)", reply.body_text or "")
    assert links, reply.body_text
    token = links[0].rstrip(".")
    with garant.unit_of_work() as uow:
        assert uow.session.query(AuditPayload).count() > 0  # the request's proof is there
        message = read_message(uow=uow, message_id=reply.id)  # the audited reading opens it
        assert token in message.body_text and message.summary.recipient == ADDRESS

    raw = _store_bytes(garant)
    assert len(raw) > 10_000
    for secret in (code, token, ADDRESS, ADDRESS.upper(), "/privacy/requests/download/"):
        assert secret.encode() not in raw, f"{secret!r} is in the store file in clear"
    with garant.unit_of_work(read_only=True) as uow:
        assert verify_chain(uow).ok


class _Refusing:
    """An SMTP server that refuses every recipient, quoting the address as servers do."""

    async def handle_RCPT(
        self, server: object, session: object, envelope: object, address: str, options: object
    ) -> str:
        return f"550 5.1.1 <{address}>: Recipient address rejected"


def test_a_refusal_quoting_the_address_is_stored_without_it(make_garant: Any) -> None:
    from aiosmtpd.controller import Controller
    from sqlalchemy import select

    from garant.jobs.models import Job
    from garant.jobs.worker import run_due
    from garant.mail.models import OutboxMessage
    from garant.mail.service import queue_mail
    from tests.conftest import free_port

    garant: Garant = make_garant()
    port = free_port()
    controller = Controller(_Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        garant.settings.mail.host, garant.settings.mail.port = "127.0.0.1", port
        with garant.unit_of_work() as uow:
            queue_mail(uow=uow, to="Refused.Person@example.org", template="test", lang="en",
                       context={"organization": "Org"}, key="test:refused")  # fmt: skip
        assert run_due(garant).failed == 1
    finally:
        controller.stop()
    with garant.unit_of_work(read_only=True) as uow:
        message = uow.session.scalars(select(OutboxMessage)).one()
        jobs = [j.error or "" for j in uow.session.scalars(select(Job))]
    assert message.error and "<recipient>" in message.error and "550" in message.error
    for text in (message.error, *jobs):
        assert "refused.person@example.org" not in text.lower()
