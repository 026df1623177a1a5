"""The use check: legal basis, consent, compatibility, blockers and disclosures."""

from __future__ import annotations

from garant.app import Garant
from garant.consent import service
from garant.consent.check import may_disclose, may_use
from garant.store.uow import UnitOfWork

ANNE = ("email", "anne@example.org")


def test_def_l1_contract_basis_allows_without_consent(cg: Garant) -> None:
    """DEF-L1: the check answers from the activity's legal basis (here the contract)."""
    with cg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=ANNE, purpose="registration")
        assert decision.allowed and decision.code == "legal_basis"
        assert "contract" in decision.reason
        # An activity that relies on consent follows its consent purpose.
        assert may_use(uow=uow, identity=ANNE, purpose="newsletter").code == "no_consent"


def test_def_c2_photo_bound_to_image_rights_consent(cg: Garant) -> None:
    """DEF-C2: a photo is used only while the image-rights consent stands."""
    with cg.unit_of_work() as uow:
        assert not may_use(uow=uow, identity=ANNE, purpose="events").allowed
        service.record(uow=uow, identity=ANNE, purpose="image_rights", given=True, source="form")
        assert may_use(uow=uow, identity=ANNE, purpose="events").allowed
        assert may_use(uow=uow, identity=ANNE, purpose="image_rights").allowed
        service.record(uow=uow, identity=ANNE, purpose="image_rights", given=False, source="staff")
        decision = may_use(uow=uow, identity=ANNE, purpose="events")
        assert not decision.allowed and "image_rights" in decision.reason


def test_af_p2_incompatible_purpose_needs_prior_consent(cg: Garant) -> None:
    """AF-P2: data collected at registration is not used for the newsletter without consent;
    a purpose the policy declares compatible is allowed."""
    with cg.unit_of_work() as uow:
        compatible = may_use(
            uow=uow, identity=ANNE, purpose="member_area", collected_for="registration"
        )
        assert compatible.allowed
        refused = may_use(
            uow=uow, identity=ANNE, purpose="newsletter", collected_for="registration"
        )
        assert not refused.allowed and refused.code == "incompatible_purpose"
        assert "AF-P2" in refused.reason
        no_consent_purpose = may_use(
            uow=uow, identity=ANNE, purpose="registration", collected_for="newsletter"
        )
        assert not no_consent_purpose.allowed
        assert no_consent_purpose.code == "incompatible_purpose"
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
        assert may_use(
            uow=uow, identity=ANNE, purpose="newsletter", collected_for="registration"
        ).allowed


def test_every_registered_blocker_is_asked(cg: Garant) -> None:
    """A restriction (registered by the rights feature) stops even a contract-based use."""
    asked: list[tuple[list[str], str]] = []

    def restricted(uow: UnitOfWork, refs: list[str], purpose: str) -> str | None:
        asked.append((refs, purpose))
        return "restricted: accuracy contested (AF-D6)"

    cg.use_blockers.append(restricted)
    with cg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=ANNE, purpose="registration")
        assert not decision.allowed and decision.code == "blocked"
        assert "accuracy contested" in decision.reason
        assert asked[0][1] == "registration" and asked[0][0] == uow.subject_refs(*ANNE)


def test_def_s1_disclosure_to_third_party_needs_formal_consent(cg: Garant) -> None:
    """DEF-S1: never passed to a third party for its own purposes without formal consent."""
    with cg.unit_of_work() as uow:
        refused = may_disclose(
            uow=uow, identity=ANNE, purpose="partner_sharing", recipient="partner-a"
        )
        assert not refused.allowed
        # A soft opt-in for offers is not formal consent to sharing.
        service.record(uow=uow, identity=ANNE, purpose="customer_offers", given=True, source="form")
        assert not may_disclose(
            uow=uow, identity=ANNE, purpose="customer_offers", recipient="partner-a"
        ).allowed
        service.record(uow=uow, identity=ANNE, purpose="partner_sharing", given=True, source="form")
        assert may_disclose(
            uow=uow, identity=ANNE, purpose="partner_sharing", recipient="partner-a"
        ).allowed


def test_cached_answers_expire_spread_over_the_second_half_of_their_age() -> None:
    """Answers cached in one burst must not all expire in the same instant (the store would
    have to answer them all at once): each lives between half and all of the maximum age,
    and an expired one is not served."""
    import time

    from garant.consent import check
    from garant.consent.rules import Decision

    lives = [check.expiry_after() for _ in range(2_000)]
    assert min(lives) >= check.MAX_AGE_SECONDS / 2 and max(lives) <= check.MAX_AGE_SECONDS
    assert max(lives) - min(lives) > check.MAX_AGE_SECONDS / 4, "spread, not one instant"
    cache = check.DecisionCache()
    decision = Decision(True, "consent given", "consent")
    cache.put(("a",), decision)
    assert cache.get(("a",)) == decision
    cache.entries[("a",)] = (time.monotonic() - 0.001, decision)
    assert cache.get(("a",)) is None
