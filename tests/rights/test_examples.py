"""Erasure on the Alliance Française example: invoices and the current course stay (AF-D3).

The example's demo database is generated; ``retention.yaml`` declares what "active learner"
means there (as a deployment would), so the erasure sees the contract in progress.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from garant.app import Garant
from garant.demo.generate import generate_database
from garant.retention import archive
from tests.rights.conftest import NOW
from tests.rights.helpers import api_client, decide_and_run, mails, submit_verified

CONDITIONS = """\
held_while:
  - condition: active_learner
    system: af
    collection: learners
    exists: {collection: enrolments, where: [{column: status, equals: active}]}
  - condition: active_learner
    system: af
    collection: enrolments
    where: [{column: status, equals: active}]
"""


def _rows(db: Path, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, params))


def test_af_d3_erasure_on_the_example_keeps_invoices_and_current_course(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """AF-D3 / DEF-D5: a learner's erasure; invoices (Code de commerce L123-22) and the
    current course are kept and the reply says why; everything else of theirs is erased."""
    garant = make_garant(example="alliance-francaise", url=store_url, now=NOW)
    db = garant.workspace / "demo" / "alliance-francaise.db"
    db.parent.mkdir(exist_ok=True)
    generate_database("alliance-francaise", f"sqlite:///{db}", persons=14, seed=4, record=False)
    (garant.workspace / "retention.yaml").write_text(CONDITIONS, encoding="utf-8")
    learner, email = _rows(
        db,
        "SELECT l.id, l.email FROM learners l JOIN orders o ON o.learner_id = l.id "
        "JOIN invoices i ON i.order_id = o.id WHERE (SELECT count(*) FROM enrolments e "
        "WHERE e.learner_id = l.id) >= 2 ORDER BY l.id LIMIT 1",
    )[0]
    enrolments = [
        r[0]
        for r in _rows(db, "SELECT id FROM enrolments WHERE learner_id = :l ORDER BY id", l=learner)
    ]
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE enrolments SET status = 'completed' WHERE learner_id = :l", {"l": learner}
        )
        conn.execute("UPDATE enrolments SET status = 'active' WHERE id = :e", {"e": enrolments[-1]})
    invoices_before = _rows(db, "SELECT count(*) FROM invoices")[0][0]
    theirs = _rows(
        db,
        "SELECT count(*) FROM invoices i JOIN orders o ON i.order_id = o.id "
        "WHERE o.learner_id = :l",
        l=learner,
    )[0][0]
    others_before = _rows(db, "SELECT count(*) FROM enrolments WHERE learner_id != :l", l=learner)

    with api_client(garant) as client:
        rid = submit_verified(
            client, garant, {"type": "erasure", "identities": {"email": email}, "lang": "en"}
        )
        shown = decide_and_run(client, garant, rid)

    assert shown["status"] == "answered"
    by = {d["activity"]: d for d in shown["decisions"]}
    assert by["accounting"]["ground"] == "art17_3_b"
    assert by["registration"]["decision"] == "erase"
    # DEF-R3 / AF-R0: their invoices left the live database for the archive (no longer
    # kept live with art17_3_b); everyone else's are untouched
    assert _rows(db, "SELECT count(*) FROM invoices")[0][0] == invoices_before - theirs
    with garant.unit_of_work() as uow:
        moved = [b for b in archive.list_bundles(uow=uow) if b.collection == "invoices"]
        assert sum(b.row_count for b in moved) == theirs and all(
            b.reason == "erasure" for b in moved
        )
    left = [r[0] for r in _rows(db, "SELECT id FROM enrolments WHERE learner_id = :l", l=learner)]
    assert left == [enrolments[-1]]  # the current course stays, the past ones are erased
    assert (
        _rows(db, "SELECT count(*) FROM enrolments WHERE learner_id != :l", l=learner)
        == others_before
    )
    assert _rows(db, "SELECT count(*) FROM newsletter_subscribers WHERE email = :e", e=email) == [
        (0,)
    ]
    reply = mails(garant, "rights_reply", rid)[-1].body_text or ""
    assert "What we kept, and why" in reply
    assert "a current course" in reply and "legal obligation" in reply
    assert "moved to the archive" in reply


def test_def_d2_def_network_asks_for_an_identity_document(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    """DEF-D2: a written request with a copy of an identity document, per entity; the
    privacy center is not one of DEF's channels (email and post), so staff enter it."""
    from garant.rights import identity, intake
    from garant.rights.schemas import RequestCreate

    garant = make_garant(example="def-network", url=store_url, now=NOW)
    data = RequestCreate(
        type="access",
        identities={"email": "client@example.com"},
        channel="email",
        entity="def-training",
        lang="fr",
    )
    with garant.unit_of_work() as uow:
        req, _ = intake.submit(uow=uow, data=data)
        assert req.status == "awaiting_identity"
        check = identity.pending_check(uow, req)
        assert check is not None and check.method == "document"
        assert req.pauses and req.pauses[0][1] is None  # the clock stands still meanwhile
        rid = req.id
    assert mails(garant, "rights_document", rid)
    with api_client(garant) as client:
        refused = client.post(
            "/api/public/rights/requests",
            json={"type": "access", "identities": {"email": "a@b.fr"}},
        )
    assert refused.status_code == 422 and "email or post" in refused.json()["detail"]
