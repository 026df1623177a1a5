"""The two seed organizations' consent promises, on their example policies."""

from __future__ import annotations

from collections.abc import Callable

from garant.app import Garant
from garant.consent import cookies, service
from garant.consent.check import may_disclose, may_use
from garant.consent.rules import MEASUREMENT_DATA_MAX, measurement_data_expiry

ANNE = ("email", "anne@example.org")
PRO = ("email", "achats@entreprise.example")


def test_af_p2_registration_data_reused_only_where_compatible(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-P2 on the Alliance Française policy: improving services reuses registration data
    (declared compatible); the newsletter does not without prior consent."""
    af = make_garant(example="alliance-francaise")
    with af.unit_of_work() as uow:
        assert may_use(
            uow=uow, identity=ANNE, purpose="service_improvement", collected_for="registration"
        ).allowed
        refused = may_use(
            uow=uow, identity=ANNE, purpose="newsletter", collected_for="registration"
        )
        assert not refused.allowed and refused.code == "incompatible_purpose"
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
        assert may_use(
            uow=uow, identity=ANNE, purpose="newsletter", collected_for="registration"
        ).allowed


def test_af_c3_af_r4_af_cookie_categories_and_lifetimes(
    make_garant: Callable[..., Garant],
) -> None:
    """AF-C3: the banner offers the policy's categories, audience measurement gated by
    consent; AF-R4: a choice lasts 13 months; measurement data 25 months at most."""
    af = make_garant(example="alliance-francaise")
    with af.unit_of_work() as uow:
        config = cookies.banner_config(uow, lang="fr")
        assert {c["id"]: c["required"] for c in config["categories"]} == {
            "necessary": True,
            "audience": False,
        }
        assert config["categories"][1]["label"] == "Mesure d'audience"
        choice = cookies.record_choice(uow=uow, accepted=["audience"])
        assert (choice.expires_at.year, choice.expires_at.month) == (2027, 4)
    start = af.clock.now()
    assert measurement_data_expiry(start) == start + MEASUREMENT_DATA_MAX
    assert (measurement_data_expiry(start).year, measurement_data_expiry(start).month) == (2028, 4)


def test_def_l1_def_c2_def_s1_on_the_def_network_policy(
    make_garant: Callable[..., Garant],
) -> None:
    """DEF-L1: customer files on the contract; DEF-C2: event photos only with image rights;
    DEF-S1: sharing with a partner for its own offers only with formal consent; B2B
    newsletters on the professional opt-out."""
    dfn = make_garant(example="def-network")
    with dfn.unit_of_work() as uow:
        contract = may_use(uow=uow, identity=PRO, purpose="customers")
        assert contract.allowed and "contract" in contract.reason
        assert not may_use(uow=uow, identity=PRO, purpose="image_rights").allowed
        service.record(uow=uow, identity=PRO, purpose="image_rights", given=True, source="form")
        assert may_use(uow=uow, identity=PRO, purpose="image_rights").allowed
        service.record(
            uow=uow,
            identity=PRO,
            purpose="newsletter",
            given=True,
            source="import",
            basis="opt_out_b2b",
        )
        assert may_use(uow=uow, identity=PRO, purpose="newsletter").code == "opt_out_b2b"
        assert not may_disclose(
            uow=uow, identity=PRO, purpose="third_party_sharing", recipient="partner"
        ).allowed
        service.record(
            uow=uow, identity=PRO, purpose="third_party_sharing", given=True, source="form"
        )
        assert may_disclose(
            uow=uow, identity=PRO, purpose="third_party_sharing", recipient="partner"
        ).allowed
