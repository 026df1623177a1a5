"""The audit chain: every change recorded, tampering found, erasure possible."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update

from garant.app import Garant
from garant.audit import chain
from garant.audit.models import AuditEvent, AuditHead, AuditPayload


def _write(garant: Garant, n: int) -> None:
    with garant.unit_of_work() as uow:
        for i in range(n):
            uow.audit(
                "test.action",
                "thing",
                i,
                subject_ref=uow.subject_ref("email", f"p{i}@x.org"),
                details={"i": i},
                payload={"email": f"p{i}@x.org"},
            )


def _verify(garant: Garant) -> chain.Verification:
    with garant.unit_of_work() as uow:
        return chain.verify(uow.session, uow.keys)


def test_intact_chain_verifies_with_events_and_seals(garant: Garant) -> None:
    _write(garant, 5)
    with garant.unit_of_work() as uow:
        chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
    _write(garant, 2)
    result = _verify(garant)
    assert result.ok, result.problem
    assert (result.events, result.seals) == (7, 1)


def test_events_hold_no_personal_values_only_keyed_refs(garant: Garant) -> None:
    _write(garant, 1)
    with garant.unit_of_work() as uow:
        event = uow.session.scalars(select(AuditEvent)).one()
        assert "p0@x.org" not in str(event.details) + str(event.subject_ref)
        assert event.subject_ref and event.subject_ref.startswith("v1:")
        record = uow.session.get(AuditPayload, event.seq)
        assert record is not None and b"p0@x.org" not in (record.data or b"")
        assert chain.open_payload(uow.keys, record) == {"email": "p0@x.org"}


def test_rewritten_event_with_recomputed_hashes_still_fails(garant: Garant) -> None:
    """A forger who rewrites an event and recomputes every later hash is still caught."""
    _write(garant, 6)
    with garant.unit_of_work() as uow:
        chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
    with garant.store.session() as session, session.begin():
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        events[2].details = {"i": 999}
        prev = events[1].hash
        for event in events[2:]:
            event.prev_hash = prev
            event.hash = chain.event_digest(prev, chain._fields(event))
            prev = event.hash
        head = session.get(AuditHead, 1)
        assert head is not None
        head.hash = prev
    result = _verify(garant)
    assert not result.ok
    assert result.first_broken == 3


def test_forger_without_key_cannot_reseal(garant: Garant) -> None:
    _write(garant, 3)
    with garant.unit_of_work() as uow:
        chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
    with garant.store.session() as session, session.begin():
        session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(action="forged"))
    result = _verify(garant)
    assert not result.ok and result.first_broken == 3
    assert "changed" in (result.problem or "")


def test_deleted_tail_after_seal_is_found(garant: Garant) -> None:
    _write(garant, 4)
    with garant.unit_of_work() as uow:
        chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
    with garant.store.session() as session, session.begin():
        session.query(AuditPayload).filter(AuditPayload.seq == 4).delete()
        session.query(AuditEvent).filter(AuditEvent.seq == 4).delete()
        head = session.get(AuditHead, 1)
        assert head is not None
        head.seq, head.hash = 3, session.get(AuditEvent, 3).hash  # type: ignore[union-attr]
    result = _verify(garant)
    assert not result.ok and "gone" in (result.problem or "")


def test_erasing_payloads_keeps_the_chain_valid(garant: Garant) -> None:
    _write(garant, 3)
    with garant.unit_of_work() as uow:
        ref = uow.subject_ref("email", "P1@x.org ")
        erased = chain.erase_payloads(
            uow.session, subject_refs=[ref], at=uow.now(), reason="erasure"
        )
    assert erased == 1
    with garant.unit_of_work() as uow:
        payloads = {
            p.seq: chain.open_payload(uow.keys, p)
            for p in uow.session.scalars(select(AuditPayload))
        }
    assert payloads == {1: {"email": "p0@x.org"}, 2: None, 3: {"email": "p2@x.org"}}
    assert _verify(garant).ok


def test_changed_payload_is_found(garant: Garant) -> None:
    _write(garant, 2)
    with garant.store.session() as session, session.begin():
        forged = chain.seal_payload(garant.keys, 2, {"email": "other@x.org"})
        session.execute(update(AuditPayload).where(AuditPayload.seq == 2).values(data=forged))
    result = _verify(garant)
    assert not result.ok and result.first_broken == 2


def test_a_failed_transaction_writes_no_event(garant: Garant) -> None:
    try:
        with garant.unit_of_work() as uow:
            uow.audit("test.action", "thing", 1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert _verify(garant).events == 0


def test_one_seal_per_day(garant: Garant) -> None:
    _write(garant, 1)
    with garant.unit_of_work() as uow:
        first = chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
        second = chain.seal(uow.session, uow.keys, day=date(2026, 3, 1), at=uow.now())
    assert first is not None and second is None
