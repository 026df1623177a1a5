"""The vectorised audience filter decides every person as the one-person check does: consent,
withdrawal, a changed purpose, the suppression list, a restriction, invalid addresses and
hashes from before a key rotation; by hash look-up (a short list) and by scanning the
purpose while the list is hashed (a campaign), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from garant.app import Garant
from garant.clock import FixedClock
from garant.consent import audience_read, service, suppression
from garant.consent.audience import filter_audience
from garant.consent.check import may_use
from garant.consent.models import ConsentCurrent
from garant.rights.models import Restriction, RestrictionRef

PEOPLE = [f"a{i}@example.org" for i in range(14)] + ["not-an-address", "  a0@example.org "]
PURPOSES = ["newsletter", "registration", "b2b_offers", "image_rights"]


def _record(garant: Garant, who: int, purpose: str, given: bool, source: str = "form") -> None:
    with garant.unit_of_work() as uow:
        service.record(
            uow=uow, identity=("email", PEOPLE[who]), purpose=purpose, given=given, source=source
        )


def _later(garant: Garant, minutes: int = 5) -> None:
    assert isinstance(garant.clock, FixedClock)
    garant.clock = FixedClock(garant.clock.now() + timedelta(minutes=minutes))


def _object(garant: Garant, who: int, purpose: str = "*") -> None:
    with garant.unit_of_work() as uow:
        suppression.add(
            uow=uow, identity=("email", PEOPLE[who]), purpose=purpose, reason="objection"
        )


def _people(garant: Garant) -> None:
    _record(garant, 0, "newsletter", True)
    _record(garant, 1, "newsletter", True)
    _record(garant, 1, "newsletter", False)
    _record(garant, 2, "newsletter", True)
    _record(garant, 3, "b2b_offers", True, "import")
    _later(garant)
    _object(garant, 2)  # consent, then an objection: refused
    _object(garant, 3, "b2b_offers")
    _object(garant, 4)
    _later(garant)
    _record(garant, 4, "newsletter", True)  # an objection, then an explicit consent
    _record(garant, 5, "newsletter", True)
    _record(garant, 6, "image_rights", True)
    with garant.unit_of_work() as uow:  # consent given for an older version of the text
        ref = uow.subject_ref("email", PEOPLE[7])
        uow.session.add(
            ConsentCurrent(
                subject_ref=ref,
                purpose="newsletter",
                given=True,
                basis="consent",
                purpose_version="0",
                at=uow.now(),
                event_id=0,
            )
        )
        uow.session.add(
            Restriction(
                id=1, request_id=9, ground="unlawful", status="active", started_at=uow.now()
            )
        )
        for r in uow.subject_refs("email", PEOPLE[5]):
            uow.session.add(RestrictionRef(restriction_id=1, subject_ref=r))


def _rotate(garant: Garant) -> None:
    """Hashes made before the rotation keep deciding, the newest state winning."""
    _record(garant, 8, "newsletter", True)
    _record(garant, 9, "newsletter", True)
    _object(garant, 10)
    _record(garant, 11, "b2b_offers", True, "import")
    garant.keys.rotate()
    _later(garant)
    _record(garant, 9, "newsletter", False)
    _record(garant, 10, "newsletter", True)
    _object(garant, 11)


def _check_all(garant: Garant) -> None:
    for purpose in PURPOSES:
        with garant.unit_of_work() as uow:
            result = filter_audience(uow=uow, purpose=purpose, identities=PEOPLE)
        with garant.unit_of_work() as uow:
            for value, decision in result.rows:
                if value == "not-an-address":
                    assert decision.code == "invalid"
                    continue
                one = may_use(uow=uow, identity=("email", value), purpose=purpose)
                if one.code == "blocked" and decision.code != "blocked":
                    # blockers are asked only about people still allowed: refused either way
                    assert not decision.allowed
                    continue
                assert (decision.allowed, decision.code) == (one.allowed, one.code), (
                    purpose,
                    PEOPLE.index(value),
                    decision,
                    one,
                )
                if decision.code != "suppressed":
                    assert decision.reason == one.reason
        assert result.summary()["total"] == len(PEOPLE)


@pytest.mark.parametrize("scan", [False, True])
def test_af_r7_af_d5_audience_agrees_with_the_check(
    cg: Garant, scan: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """AF-R7, AF-D5, AF-D6: the same answer as ``may_use`` for every person, before and
    after a key rotation."""
    if scan:
        monkeypatch.setattr(audience_read, "SCAN_ABOVE", 3)
    monkeypatch.setattr(audience_read, "BATCH", 4)
    _people(cg)
    _check_all(cg)
    _rotate(cg)
    _check_all(cg)
    with cg.unit_of_work() as uow:
        result = filter_audience(uow=uow, purpose="newsletter", identities=PEOPLE)
    codes = [d.code for _, d in result.rows]
    withdrawn = "suppressed"  # a withdrawal leaves a suppression entry (AF-R7)
    assert codes[:12] == [
        "consent",
        withdrawn,
        "suppressed",
        "no_consent",  # only a B2B basis
        "consent",  # an explicit consent after the objection
        "blocked",  # restricted
        "no_consent",  # image rights only
        "stale",
        "consent",  # hashed under the older key version
        withdrawn,  # given before the rotation, withdrawn after
        "consent",
        "suppressed",
    ]
    assert codes[-2:] == ["invalid", "consent"]
