"""The ledger: append-only history with proof, the three prospecting bases, stale consent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from garant.app import Garant
from garant.audit.chain import open_payload
from garant.audit.models import AuditEvent, AuditPayload
from garant.consent import service
from garant.consent.check import may_use
from garant.consent.models import ConsentEvent
from garant.errors import InvalidInput

ANNE = ("email", "anne@example.org")


def test_af_l2_give_withdraw_give_again_keeps_the_whole_history(cg: Garant) -> None:
    """AF-L2: a withdrawal appends; the earlier consent stays in the history as proof."""
    clock = cg.clock
    for given in (True, False, True):
        with cg.unit_of_work() as uow:
            service.record(
                uow=uow,
                identity=ANNE,
                purpose="newsletter",
                given=given,
                source="form",
                notice_version="2026-01",
                ip="203.0.113.7",
                user_agent="Firefox",
            )
            decision = may_use(uow=uow, identity=ANNE, purpose="newsletter")
            assert decision.allowed is given
        clock.advance(days=1)  # type: ignore[attr-defined]
    with cg.unit_of_work() as uow:
        events = service.history(uow=uow, identity=("email", " Anne@Example.org "))
        assert [e.given for e in events] == [True, False, True]
        assert all(e.purpose == "newsletter" and e.source == "form" for e in events)
        assert all(e.notice_version == "2026-01" and len(e.text_hash or "") == 64 for e in events)
        assert events[0].at < events[1].at < events[2].at
        # The IP and the user agent are proof in the erasable audit payload, not in the ledger.
        payload = uow.session.get(AuditPayload, events[0].audit_seq)
        assert payload is not None and open_payload(uow.keys, payload) == {
            "ip": "203.0.113.7",
            "user_agent": "Firefox",
        }
        audit = uow.session.get(AuditEvent, events[1].audit_seq)
        assert audit is not None and audit.action == "consent.withdraw"
        assert "anne" not in str(audit.details)


def test_af_l2_withdrawal_does_not_rewrite_earlier_events(cg: Garant) -> None:
    """AF-L2: the row of a consent is never updated by a later withdrawal."""
    with cg.unit_of_work() as uow:
        first = service.record(
            uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form"
        )
        first_id, first_at = first.id, first.at
    with cg.unit_of_work() as uow:
        service.withdraw_all(uow=uow, identity=ANNE, source="privacy_center")
    with cg.unit_of_work() as uow:
        row = uow.session.get(ConsentEvent, first_id)
        assert row is not None and row.given is True and row.at == first_at
        assert uow.session.scalar(select(func.count()).select_from(ConsentEvent)) == 2


def test_af_d7_withdraw_all_withdraws_every_given_purpose(cg: Garant) -> None:
    """AF-D7: one withdrawal covers every consent the person gave, and only those."""
    with cg.unit_of_work() as uow:
        for purpose in ("newsletter", "image_rights"):
            service.record(uow=uow, identity=ANNE, purpose=purpose, given=True, source="form")
    with cg.unit_of_work() as uow:
        withdrawn = service.withdraw_all(uow=uow, identity=ANNE, source="api")
        assert sorted(e.purpose for e in withdrawn) == ["image_rights", "newsletter"]
        assert service.withdraw_all(uow=uow, identity=ANNE, source="api") == []
        for purpose in ("newsletter", "image_rights"):
            decision = may_use(uow=uow, identity=ANNE, purpose=purpose)
            assert not decision.allowed and decision.code in ("withdrawn", "suppressed")


def test_three_prospecting_bases(cg: Garant) -> None:
    """French prospecting: consent, soft opt-in (customers), B2B opt-out (professionals)."""
    customer, pro = ("email", "client@example.org"), ("email", "buyer@company.example")
    with cg.unit_of_work() as uow:
        # A soft opt-in cannot stand for the newsletter, which needs consent.
        with pytest.raises(InvalidInput, match="needs consent"):
            service.record(
                uow=uow,
                identity=customer,
                purpose="newsletter",
                given=True,
                source="form",
                basis="soft_opt_in",
            )
        with pytest.raises(InvalidInput, match="opt_out_b2b is not enough"):
            service.record(
                uow=uow,
                identity=customer,
                purpose="customer_offers",
                given=True,
                source="form",
                basis="opt_out_b2b",
            )
        service.record(
            uow=uow, identity=customer, purpose="customer_offers", given=True, source="form"
        )
        service.record(uow=uow, identity=pro, purpose="b2b_offers", given=True, source="import")
    with cg.unit_of_work() as uow:
        soft = may_use(uow=uow, identity=customer, purpose="customer_offers")
        assert soft.allowed and soft.code == "soft_opt_in" and "customer" in soft.reason
        b2b = may_use(uow=uow, identity=pro, purpose="b2b_offers")
        assert b2b.allowed and b2b.code == "opt_out_b2b" and "profession" in b2b.reason
        assert may_use(uow=uow, identity=pro, purpose="newsletter").code == "no_consent"
        # The activity relying on the soft opt-in answers the same way.
        assert may_use(uow=uow, identity=customer, purpose="offers").allowed
        # Objecting is enough to stop an opt-out basis, no reason asked (AF-D5).
        service.record(
            uow=uow, identity=pro, purpose="b2b_offers", given=False, source="email_link"
        )
        assert not may_use(uow=uow, identity=pro, purpose="b2b_offers").allowed


def test_consent_before_a_material_change_is_stale(cg: Garant) -> None:
    """A new version of the purpose's text makes earlier consents stale: ask again."""
    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
    policy = cg.policy_path.read_text().replace('version: "1"', 'version: "2"')
    cg.policy_path.write_text(policy)
    cg.reload()
    with cg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=ANNE, purpose="newsletter")
        assert not decision.allowed and decision.code == "stale"
        assert "ask again" in decision.reason
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
        assert may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed


def test_unknown_purposes_are_a_clear_error(cg: Garant) -> None:
    with cg.unit_of_work() as uow:
        with pytest.raises(InvalidInput, match='unknown consent purpose "newsleter".*newsletter'):
            service.record(uow=uow, identity=ANNE, purpose="newsleter", given=True, source="form")
        with pytest.raises(InvalidInput, match='unknown purpose "nope"'):
            may_use(uow=uow, identity=ANNE, purpose="nope")
        with pytest.raises(InvalidInput, match="source"):
            service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="x")
        with pytest.raises(InvalidInput, match="not an email"):
            service.record(
                uow=uow,
                identity=("email", "nobody"),
                purpose="newsletter",
                given=True,
                source="form",
            )


def test_dashboard_lists_stale_consents_to_ask_again(cg: Garant) -> None:
    from garant.consent.wiring import dashboard

    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
        assert dashboard(cg, uow) == []
    cg.policy_path.write_text(cg.policy_path.read_text().replace('version: "1"', 'version: "2"'))
    cg.reload()
    with cg.unit_of_work() as uow:
        sections = dashboard(cg, uow)
        assert sections[0]["level"] == "due" and sections[0]["items"][0]["text"] == "Newsletter: 1"
