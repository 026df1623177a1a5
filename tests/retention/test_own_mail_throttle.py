"""Garant's own throttle hits and mail bodies under retention rules of Garant's own
(found after issues 14 and 16: neither table had one). Each run stands on a day given as
``--as-of`` (``Garant.open(as_of=...)``, what every command does with the option)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.consent import center
from garant.mail.models import OutboxMessage
from garant.mail.service import queue_mail
from garant.retention import own
from garant.throttle import rules, service
from garant.throttle.models import ThrottleHit
from tests.consent.policy import POLICY

HOURLY = rules.Rule("test.hourly", limit=5, window=timedelta(hours=1))
OTHER = rules.Rule("test.other", limit=5, window=timedelta(hours=1))
"""Another scope: a scope's new hit prunes its own old ones, never another scope's."""


def _as_of(garant: Garant, day: str) -> Garant:
    """The same workspace and store, opened as a command run with ``--as-of DAY``."""
    return Garant.open(garant.workspace, as_of=day, database_url=garant.store.url)


def _audited(garant: Garant, table: str) -> list[dict[str, object]]:
    with garant.unit_of_work(read_only=True) as uow:
        events = uow.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("retention.own.%"))
        ).all()
    return [e.details for e in events if e.details.get("table") == table]


def test_throttle_hits_deleted_a_day_after_the_longest_window(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    garant = make_garant(policy=POLICY, url=store_url)  # 2026-03-02 09:00 UTC
    service.hit(garant, HOURLY, "203.0.113.9")
    garant.clock.advance(days=1)  # type: ignore[attr-defined]
    service.hit(garant, OTHER, "203.0.113.9")
    longest = _as_of(garant, "2026-03-05")  # the first hit is three days old: kept
    try:
        assert own.apply_all(longest)["throttle_hits:throttle_hits"] == 0
    finally:
        longest.close()
    later = _as_of(garant, "2026-03-07")
    try:
        assert own.apply_all(later)["throttle_hits:throttle_hits"] == 1
        with later.unit_of_work(read_only=True) as uow:
            left = uow.session.scalars(select(ThrottleHit.at)).all()
        assert [at.date().isoformat() for at in left] == ["2026-03-03"]
        assert _audited(later, "throttle_hits") == [
            {"table": "throttle_hits", "rule": "throttle_hits", "rows": 1, "promise": None}
        ]
    finally:
        later.close()


def test_no_throttle_may_look_back_further_than_its_hits_are_kept() -> None:
    with pytest.raises(ValueError, match="3 days at most"):
        rules.Rule("test.week", limit=1, window=timedelta(days=7))
    assert own.throttle_hits_rule().default == "4 days"


def _mail_state(garant: Garant) -> dict[str, tuple[str, bool, bool]]:
    """template -> (status, content kept, marked erased)."""
    with garant.unit_of_work(read_only=True) as uow:
        rows = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return {
            r.idempotency_key: (r.status, r.sealed is not None, r.erased_at is not None)
            for r in rows
        }


def test_sent_mail_content_erased_after_30_days_unsent_after_180(
    make_garant: Callable[..., Garant], store_url: str
) -> None:
    garant = make_garant(policy=POLICY, url=store_url)  # 2026-03-02
    with garant.unit_of_work() as uow:
        assert center.send_code(uow=uow, email="anne@example.org", lang="en")
        held = queue_mail(
            uow=uow,
            to="bob@example.org",
            template="consent_verify",
            lang="en",
            context={"code": "123456", "minutes": 15, "organization": "Org"},
            key="held-reply",
            hold=True,
        )
        held_id = held.id
        sent = uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == "queued")
        ).one()
        sent.status, sent.sent_at = "sent", uow.now()  # as the send job marks it
        sent_key = sent.idempotency_key
    before = _mail_state(garant)
    assert before == {sent_key: ("sent", True, False), "held-reply": ("held", True, False)}

    day29 = _as_of(garant, "2026-03-31")
    try:
        own.apply_all(day29)
        assert _mail_state(day29) == before
    finally:
        day29.close()

    day32 = _as_of(garant, "2026-04-03")
    try:
        counts = own.apply_all(day32)
        assert counts["mail_outbox:mail_sent"] == 1 and counts["mail_outbox:mail_unsent"] == 0
        assert _mail_state(day32) == {
            sent_key: ("sent", False, True),  # the envelope stays: the proof a mail went
            "held-reply": ("held", True, False),
        }
        assert _audited(day32, "mail_outbox") == [
            {"table": "mail_outbox", "rule": "mail_sent", "rows": 1, "promise": None}
        ]
        assert own.apply_all(day32)["mail_outbox:mail_sent"] == 0  # a re-run changes nothing
    finally:
        day32.close()

    day182 = _as_of(garant, "2026-08-31")
    try:
        assert own.apply_all(day182)["mail_outbox:mail_unsent"] == 1
        state = _mail_state(day182)
        assert state["held-reply"] == ("held", False, True)
        with day182.unit_of_work(read_only=True) as uow:
            kept = uow.session.get(OutboxMessage, held_id)
            assert kept is not None and kept.template == "consent_verify"
    finally:
        day182.close()
