"""Revision 0012 encrypts what earlier revisions kept in clear, on every backend."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from garant.app import Garant
from garant.audit import chain
from garant.audit.models import AuditPayload
from garant.audit.service import verify_chain
from garant.clock import FixedClock
from garant.keys.keyring import load_keyring
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.store.engine import Store
from garant.store.migrate import upgrade
from tests.conftest import write_workspace

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PAYLOAD = {"email": "old.person@example.org", "name": "Ancienne Personne"}


def _old_rows(store: Store, keys: object) -> None:
    """One audit event with a clear payload and one outbox message, as 0011 wrote them."""
    ring = keys  # a KeyRing
    payload_hash = ring.keyed_hash(chain.PAYLOAD_PURPOSE, chain.canonical(PAYLOAD))  # type: ignore[attr-defined]
    fields = {"seq": 1, "at": AT.isoformat(), "actor": "system:garant", "action": "old.action",
              "object_type": "thing", "object_id": "1", "subject_ref": "v1:ref",
              "details": {}, "payload_hash": payload_hash}  # fmt: skip
    digest = chain.event_digest(chain.GENESIS, fields)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (seq, at, actor, action, object_type, object_id,"
                " subject_ref, details, payload_hash, prev_hash, hash, mac) VALUES (1, :at,"
                " 'system:garant', 'old.action', 'thing', '1', 'v1:ref', '{}', :ph, :prev,"
                " :h, :mac)"
            ),
            {
                "at": AT,
                "ph": payload_hash,
                "prev": chain.GENESIS,
                "h": digest,
                "mac": ring.sign(chain.MAC_PURPOSE, digest),
            },  # type: ignore[attr-defined]  # fmt: skip
        )
        conn.execute(
            text("INSERT INTO audit_payloads (seq, subject_ref, data, created_at)"
                 " VALUES (1, 'v1:ref', :d, :at)"),
            {"d": json.dumps(PAYLOAD), "at": AT},
        )  # fmt: skip
        conn.execute(
            text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 1, :h)"), {"h": digest}
        )
        conn.execute(
            text(
                "INSERT INTO mail_outbox (idempotency_key, template, lang, recipient,"
                " recipient_ref, subject, body_text, body_html, headers, status, attempts,"
                " created_at) VALUES ('rights:1:code', 'rights_code', 'fr',"
                " 'old.person@example.org', 'v1:ref', 'Votre code', 'Code : 493817',"
                " NULL, :hd, 'sent', 1, :at)"
            ),
            {"hd": json.dumps({"List-Unsubscribe": "<https://x/unsubscribe/tok3n>"}), "at": AT},
        )


def test_upgrade_from_0011_encrypts_payloads_and_outbox(store_url: str, tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws")
    keys = load_keyring(file=root / "keys" / "garant-keys.json", env="GARANT_TEST_NO_KEYS_ENV",
                        demo=False)  # fmt: skip
    store = Store(store_url, keys=keys)
    try:
        upgrade(store, "0011_staff_sessions")
        _old_rows(store, keys)
        upgrade(store)
    finally:
        store.dispose()
    garant = Garant.open(root, clock=FixedClock(AT), database_url=store_url)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            payload = uow.session.get(AuditPayload, 1)
            assert payload is not None and payload.data is not None
            assert b"old.person" not in payload.data
            assert chain.open_payload(uow.keys, payload) == PAYLOAD
            message = uow.session.query(OutboxMessage).one()
            assert message.sealed is not None and b"493817" not in message.sealed
            clear = open_mail(uow.keys, message)
            assert clear.recipient == "old.person@example.org"
            assert clear.body_text == "Code : 493817"
            assert clear.headers == {"List-Unsubscribe": "<https://x/unsubscribe/tok3n>"}
            result = verify_chain(uow)
        assert result.ok, result.problem
    finally:
        garant.close()
