"""A backup made before revision 0012 (payloads and mail in clear) restores encrypted."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

from garant.app import Garant
from garant.audit import chain
from garant.audit.models import AuditPayload
from garant.audit.service import verify_chain
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.mail.service import queue_mail
from garant.store import backup as backups
from garant.store.uow import SYSTEM


def _as_before_0012(garant: Garant, path: Path) -> None:
    """Rewrite a backup file as an older Garant wrote it: clear payloads and mail."""
    manifest, records = backups._read(garant, path)
    for record in records:
        row = record["r"]
        if record["t"] == "audit_payloads":
            payload = AuditPayload(seq=row["seq"], data=backups._decode(row["data"]))
            row["data"] = chain.open_payload(garant.keys, payload)
            row.pop("key_version")
        elif record["t"] == "mail_outbox":
            message = OutboxMessage(idempotency_key=row["idempotency_key"],
                                    sealed=backups._decode(row.pop("sealed")))  # fmt: skip
            row.pop("key_version")
            clear = open_mail(garant.keys, message)
            row.update(recipient=clear.recipient, subject=clear.subject,
                       body_text=clear.body_text, body_html=clear.body_html,
                       headers=clear.headers)  # fmt: skip
    body = "\n".join(json.dumps(r) for r in records).encode()
    manifest["sha256"] = hashlib.sha256(body).hexdigest()
    head = json.dumps(manifest).encode()
    sealed = garant.keys.encrypt(backups.PURPOSE, gzip.compress(body), head)
    path.write_bytes(head + b"\n" + sealed)


def test_a_backup_from_before_0012_restores_with_its_rows_encrypted(
    garant: Garant, tmp_path: Path
) -> None:
    with garant.unit_of_work() as uow:
        uow.audit("test.action", "thing", 1, payload={"email": "old@example.org"})
        queue_mail(uow=uow, to="old@example.org", template="test", lang="en",
                   context={"organization": "Org"}, key="test:legacy")  # fmt: skip
    file = tmp_path / "old.bak"
    backups.backup(garant, file, actor=SYSTEM)
    _as_before_0012(garant, file)
    assert b"old@example.org" not in file.read_bytes()  # the backup itself is encrypted
    backups.restore(garant, file, actor=SYSTEM)
    with garant.unit_of_work(read_only=True) as uow:
        payload = uow.session.query(AuditPayload).filter(AuditPayload.seq == 1).one()
        assert chain.open_payload(uow.keys, payload) == {"email": "old@example.org"}
        message = uow.session.query(OutboxMessage).one()
        assert open_mail(uow.keys, message).recipient == "old@example.org"
        assert verify_chain(uow).ok
