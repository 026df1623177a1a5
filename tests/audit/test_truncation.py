"""Cutting the end of the chain: the MAC'd head, a seal for every day, anchors (issue 16)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from garant.app import Garant
from garant.audit import chain
from garant.audit.anchor import parse_anchor
from garant.audit.models import AuditEvent, AuditHead, AuditPayload, AuditSeal
from garant.audit.service import current_anchor, seal_today, verify_chain
from garant.clock import FixedClock
from garant.errors import IntegrityError, InvalidInput


def _write(garant: Garant, n: int) -> None:
    with garant.unit_of_work() as uow:
        for i in range(n):
            ref = uow.subject_ref("email", f"p{i}@x.org")
            uow.audit("test.action", "thing", i, subject_ref=ref, payload={"email": f"p{i}@x.org"})


def _verify(garant: Garant, anchor: object = None) -> chain.Verification:
    with garant.unit_of_work(read_only=True) as uow:
        return verify_chain(uow, anchor=anchor)  # type: ignore[arg-type]


def _head(garant: Garant) -> tuple[int, str, str | None]:
    with garant.unit_of_work(read_only=True) as uow:
        head = uow.session.get(AuditHead, 1)
        assert head is not None
        return head.seq, head.hash, head.mac


def _cut_after(garant: Garant, seq: int, head: tuple[int, str, str | None] | None) -> None:
    """What an attacker with the database does: delete the last events, their payloads and
    the seals, and rewind the head (to the cut's hash, or to an older copy of the row)."""
    with garant.store.session() as session, session.begin():
        session.execute(delete(AuditPayload).where(AuditPayload.seq > seq))
        session.execute(delete(AuditEvent).where(AuditEvent.seq > seq))
        session.execute(delete(AuditSeal).where(AuditSeal.head_seq > seq))
        row = session.get(AuditHead, 1)
        assert row is not None
        if head is None:
            last = session.get(AuditEvent, seq)
            assert last is not None
            row.seq, row.hash = seq, last.hash
        else:
            row.seq, row.hash, row.mac = head


def _advance(garant: Garant, days: int) -> None:
    assert isinstance(garant.clock, FixedClock)
    garant.clock.advance(days=days)


def test_truncation_with_a_rewound_head_is_detected_without_anchor(garant: Garant) -> None:
    """Issue 16: delete the last events and seals, rewind audit_head: not 'Chain intact'."""
    _write(garant, 3)
    with garant.unit_of_work() as uow:
        seal_today(uow)
    _write(garant, 4)
    assert _verify(garant).ok
    _cut_after(garant, 2, head=None)
    result = _verify(garant)
    assert not result.ok
    assert "does not carry a valid MAC" in (result.problem or "")


def test_a_head_row_removed_or_its_mac_blanked_is_detected(garant: Garant) -> None:
    _write(garant, 3)
    with garant.store.session() as session, session.begin():
        row = session.get(AuditHead, 1)
        assert row is not None
        row.mac = None
    assert "valid MAC" in (_verify(garant).problem or "")
    with garant.store.session() as session, session.begin():
        session.execute(delete(AuditHead))
    assert "head row is gone" in (_verify(garant).problem or "")


def test_a_rewound_head_is_never_sealed(garant: Garant) -> None:
    """The seal job must not certify a cut chain: it checks the head's MAC first."""
    _write(garant, 5)
    _cut_after(garant, 3, head=None)
    with pytest.raises(IntegrityError, match="nothing sealed"):
        with garant.unit_of_work() as uow:
            seal_today(uow)
    with garant.unit_of_work(read_only=True) as uow:
        assert uow.session.scalars(select(AuditSeal)).all() == []


def test_a_missing_seal_is_detected(garant: Garant) -> None:
    """Issue 16: every day from the first event's to yesterday has a seal, or verify says
    which day lacks one."""
    _write(garant, 2)  # 2026-03-02
    _advance(garant, 3)  # 2026-03-05: three completed days, none sealed
    result = _verify(garant)
    assert not result.ok and result.first_broken is None
    assert result.missing_seals == ["2026-03-02", "2026-03-03", "2026-03-04"]
    with garant.unit_of_work() as uow:  # the worker catches up the days it missed
        assert [d.isoformat() for d in seal_today(uow)] == [
            "2026-03-02",
            "2026-03-03",
            "2026-03-04",
            "2026-03-05",
        ]
    assert _verify(garant).ok
    with garant.store.session() as session, session.begin():
        session.execute(
            delete(AuditSeal).where(AuditSeal.day == garant.clock.now().date() - timedelta(days=2))
        )
    result = _verify(garant)
    assert not result.ok and result.missing_seals == ["2026-03-03"]
    assert "2026-03-03" in (result.problem or "")
    with garant.unit_of_work() as uow:  # a hole before the latest seal is never filled in
        assert seal_today(uow) == []
    assert _verify(garant).missing_seals == ["2026-03-03"]


def test_deleting_the_last_days_seals_is_detected(garant: Garant) -> None:
    _write(garant, 2)
    for _ in range(3):
        with garant.unit_of_work() as uow:
            seal_today(uow)
        _write(garant, 1)
        _advance(garant, 1)
    assert _verify(garant).ok
    with garant.store.session() as session, session.begin():
        last = session.scalar(select(AuditSeal.day).order_by(AuditSeal.day.desc()).limit(1))
        session.execute(delete(AuditSeal).where(AuditSeal.day == last))
    result = _verify(garant)
    assert not result.ok and len(result.missing_seals) == 1


def test_an_anchor_catches_a_cut_an_older_head_copy_hides(garant: Garant) -> None:
    """An attacker who kept a copy of an older head row can rewind to it with a valid MAC;
    the same day, no seal is missing yet. The anchor kept outside still sees the cut."""
    _write(garant, 3)
    old_head = _head(garant)
    _write(garant, 2)
    with garant.unit_of_work() as uow:
        seal_today(uow)
        anchor = current_anchor(uow)
    assert anchor.head_seq == 5
    _write(garant, 2)
    assert _verify(garant, anchor).ok

    _cut_after(garant, 3, head=old_head)
    assert _verify(garant).ok  # without the anchor, this cut is invisible
    result = _verify(garant, anchor)
    assert not result.ok
    assert "events 4 to 5 were cut" in (result.problem or "")


def test_an_anchor_read_back_must_carry_this_workspaces_mac(garant: Garant) -> None:
    _write(garant, 2)
    with garant.unit_of_work() as uow:
        seal_today(uow)
        anchor = current_anchor(uow)
    text = anchor.text()
    assert parse_anchor(text, "anchor.json", garant.keys) == anchor
    forged = text.replace('"head_seq": 2', '"head_seq": 1')
    with pytest.raises(InvalidInput, match="MAC does not verify"):
        parse_anchor(forged, "anchor.json", garant.keys)
    with pytest.raises(InvalidInput, match=r"anchor.json:1: not JSON"):
        parse_anchor("{oops", "anchor.json", garant.keys)
    with pytest.raises(InvalidInput, match="lacks head_hash"):
        parse_anchor(
            '{"format": "garant-audit-anchor/1", "day": "2026-03-02", "head_seq": 1,'
            '"key_version": 1, "mac": "x", "sealed_at": "x"}',
            "a.json",
            garant.keys,
        )


def test_a_seal_in_the_store_that_differs_from_the_anchor_is_reported(
    garant: Garant, tmp_path: Path
) -> None:
    _write(garant, 2)
    with garant.unit_of_work() as uow:
        seal_today(uow)
        anchor = current_anchor(uow)
    with garant.store.session() as session, session.begin():
        session.execute(delete(AuditSeal))
    result = _verify(garant, anchor)
    assert not result.ok and "gone from the store" in (result.problem or "")


def test_the_dossier_prints_the_latest_anchor(garant: Garant) -> None:
    """The anchor is kept outside the store by printing it on the accountability dossier."""
    from garant.accountability.dossier import build_html

    _write(garant, 2)
    with garant.unit_of_work() as uow:
        seal_today(uow)
        anchor = current_anchor(uow)
    html = build_html(garant)
    assert anchor.head_hash in html and anchor.mac in html


def test_the_api_exports_the_anchor_audited(garant: Garant) -> None:
    from tests.rights.helpers import api_client

    with api_client(garant) as client:
        assert client.get("/api/audit/anchor").status_code == 404  # no seal yet
        with garant.unit_of_work() as uow:
            seal_today(uow)
        answer = client.get("/api/audit/anchor")
        assert answer.status_code == 200, answer.text
        assert parse_anchor(answer.text, "api", garant.keys).day.isoformat() == "2026-03-02"
        assert client.get("/api/audit/verify").json()["ok"] is True
    with garant.unit_of_work(read_only=True) as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "audit.anchor")
        ).all()
    assert [e.actor for e in events] == ["api:dpo@ecole.example"]
