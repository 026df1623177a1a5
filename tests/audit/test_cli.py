"""`garant audit seal`, `anchor` and `verify --anchor`, run as a user runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.test_platform_cli import run
from tests.conftest import write_workspace


def test_anchor_written_then_verify_catches_a_cut_after_it(tmp_path: Path) -> None:
    """Issue 16: `garant audit verify --anchor FILE` proves nothing was cut after it."""
    ws = write_workspace(tmp_path / "ws")
    day = ["--as-of", "2026-03-02T10:00"]
    env = {"GARANT_NEW_PASSWORD": "a long passphrase"}
    for i in range(2):
        added = run("user", "add", f"u{i}@org.example", "--role", "dpo", "-w", str(ws),
                    cwd=tmp_path, env=env)  # fmt: skip
        assert added.returncode == 0, added.stderr
    sealed = run("audit", "seal", "-w", str(ws), *day, cwd=tmp_path)
    assert sealed.returncode == 0 and "Sealed 2026-03-02" in sealed.stdout, sealed.stderr
    anchor = tmp_path / "anchor.json"
    done = run("audit", "anchor", "--out", str(anchor), "-w", str(ws), *day, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    body = json.loads(anchor.read_text())
    assert body["format"] == "garant-audit-anchor/1" and body["day"] == "2026-03-02"
    seq = body["head_seq"]
    ok = run("audit", "verify", "--anchor", str(anchor), "-w", str(ws), *day, cwd=tmp_path)
    assert ok.returncode == 0 and "Chain intact" in ok.stdout, ok.stdout + ok.stderr

    # cut the sealed events and the seal, rewind the head to a copy taken earlier
    db = sqlite3.connect(ws / "garant.db")
    with db:
        old = db.execute("SELECT hash FROM audit_events WHERE seq = ?", (seq - 1,)).fetchone()
        db.execute("DELETE FROM audit_payloads WHERE seq >= ?", (seq - 1,))
        db.execute("DELETE FROM audit_events WHERE seq >= ?", (seq - 1,))
        db.execute("DELETE FROM audit_seals")
        db.execute("UPDATE audit_head SET seq = ?, hash = ?", (seq - 2, old[0]))
    db.close()
    cut = run("audit", "verify", "--anchor", str(anchor), "-w", str(ws), *day, cwd=tmp_path)
    assert cut.returncode == 1, cut.stdout + cut.stderr
    assert "Chain broken" in cut.stdout and "Traceback" not in cut.stderr

    forged = tmp_path / "forged.json"
    forged.write_text(anchor.read_text().replace(body["mac"], "1.AAAA"))
    refused = run("audit", "verify", "--anchor", str(forged), "-w", str(ws), cwd=tmp_path)
    assert refused.returncode == 2 and "MAC does not verify" in refused.stderr


def test_anchor_without_any_seal_says_what_to_do(tmp_path: Path) -> None:
    ws = write_workspace(tmp_path / "ws")
    done = run("audit", "anchor", "-w", str(ws), cwd=tmp_path)
    assert done.returncode == 2 and "garant audit seal" in done.stderr
    assert "Traceback" not in done.stderr


def test_anchor_mailed_to_the_dpo(tmp_path: Path) -> None:
    """`garant audit anchor --to ADDRESS` queues the anchor by mail (encrypted in the outbox)."""
    from garant.app import Garant
    from garant.mail.models import OutboxMessage
    from garant.mail.sealed import open_mail

    ws = write_workspace(tmp_path / "ws")
    assert run("audit", "seal", "-w", str(ws), cwd=tmp_path).returncode == 0
    done = run("audit", "anchor", "--to", "dpo@org.example", "-w", str(ws), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    garant = Garant.open(ws)
    try:
        with garant.unit_of_work(read_only=True) as uow:
            message = uow.session.query(OutboxMessage).one()
            clear = open_mail(uow.keys, message)
    finally:
        garant.close()
    assert message.template == "audit_anchor" and clear.recipient == "dpo@org.example"
    assert '"format": "garant-audit-anchor/1"' in (clear.body_text or "")
