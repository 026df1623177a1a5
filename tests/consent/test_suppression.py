"""The suppression list: objection without reason, three years, erasure and key rotation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, select

from garant.app import Garant
from garant.consent import service, suppression
from garant.consent.check import may_use
from garant.consent.models import ConsentCurrent, ConsentEvent, SuppressionEntry
from garant.errors import ConfigError
from tests.consent.policy import POLICY

PAUL = ("email", "paul@example.org")


def test_af_d5_objection_to_prospecting_needs_no_reason(cg: Garant) -> None:
    """AF-D5: an objection to all prospecting (``*``) stops every prospecting purpose at once,
    but not a contract."""
    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=PAUL, purpose="customer_offers", given=True, source="form")
        suppression.add(uow=uow, identity=PAUL, purpose="*", reason="objection")
    with cg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=PAUL, purpose="customer_offers")
        assert not decision.allowed and decision.code == "suppressed"
        assert "objection" in decision.reason
        assert suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
        assert may_use(uow=uow, identity=PAUL, purpose="registration").allowed


def test_af_r7_entry_is_minimal_and_kept_three_years(cg: Garant) -> None:
    """AF-R7: a withdrawal leaves a hashed entry for three years, then the purge removes it."""
    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=PAUL, purpose="newsletter", given=True, source="form")
        service.record(uow=uow, identity=PAUL, purpose="newsletter", given=False, source="form")
    with cg.unit_of_work() as uow:
        entry = uow.session.scalars(select(SuppressionEntry)).one()
        assert entry.subject_ref == uow.subject_ref(*PAUL) and "paul" not in entry.subject_ref
        assert entry.reason == "withdrawal" and entry.purpose == "newsletter"
        assert entry.expires_at.year == entry.added_at.year + 3
    cg.clock.advance(days=3 * 365 - 2)  # type: ignore[attr-defined]
    with cg.unit_of_work() as uow:
        assert suppression.purge_expired(uow) == 0
        assert suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
    cg.clock.advance(days=3)  # type: ignore[attr-defined]
    with cg.unit_of_work() as uow:
        assert not suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
        assert suppression.purge_expired(uow) == 1


def test_af_r7_suppression_survives_erasure_of_the_person(cg: Garant) -> None:
    """AF-R7: after the person's consent records are erased and they are re-imported
    (a B2B list), the suppression list still stops the campaign."""
    with cg.unit_of_work() as uow:
        suppression.add(uow=uow, identity=PAUL, purpose="b2b_offers", reason="objection")
    with cg.unit_of_work() as uow:
        uow.session.execute(delete(ConsentCurrent))
        uow.session.execute(delete(ConsentEvent))
        service.record(uow=uow, identity=PAUL, purpose="b2b_offers", given=True, source="import")
    with cg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=PAUL, purpose="b2b_offers")
        assert not decision.allowed and decision.code == "suppressed"


def test_explicit_new_consent_lifts_a_withdrawal_entry(cg: Garant) -> None:
    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=PAUL, purpose="newsletter", given=False, source="form")
        assert suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
    cg.clock.advance(minutes=5)  # type: ignore[attr-defined]
    with cg.unit_of_work() as uow:
        service.record(uow=uow, identity=PAUL, purpose="newsletter", given=True, source="form")
        assert not suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
        assert may_use(uow=uow, identity=PAUL, purpose="newsletter").allowed


def test_key_rotation_keeps_the_list_working(
    make_garant: Callable[..., Garant],
) -> None:
    """Entries made under key version 1 still match after a rotation; v1 cannot be retired
    while they live."""
    garant = make_garant(policy=POLICY)
    with garant.unit_of_work() as uow:
        suppression.add(uow=uow, identity=PAUL, purpose="newsletter", reason="objection")
    garant.keys.rotate()
    with garant.unit_of_work() as uow:
        assert uow.subject_ref(*PAUL).startswith("v2:")
        assert suppression.is_suppressed(uow=uow, identity=PAUL, purpose="newsletter")
        assert may_use(uow=uow, identity=PAUL, purpose="newsletter").code == "suppressed"
    in_use: dict[str, int] = {}
    for probe in garant.key_usage_probes:
        in_use.update(probe(garant, 1))
    assert in_use["suppression entries"] == 1
    with pytest.raises(ConfigError, match="suppression entries: 1"):
        garant.keys.retire(1, in_use)
    # A renewed objection is re-keyed under the current version; v1 is then free.
    garant.clock.advance(days=1)  # type: ignore[attr-defined]
    with garant.unit_of_work() as uow:
        suppression.add(uow=uow, identity=PAUL, purpose="newsletter", reason="objection")
        entries = uow.session.scalars(select(SuppressionEntry)).all()
        assert len(entries) == 1 and entries[0].subject_ref.startswith("v2:")
    assert suppression.key_usage(garant, 1)["suppression entries"] == 0
