"""The restriction blocker asked about many people at once (the audience filter) answers as
the one-person blocker does (AF-D6), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from garant.app import Garant
from garant.consent import service
from garant.consent.audience import filter_audience
from garant.rights import restriction
from garant.rights.models import Restriction, RestrictionRef
from tests.consent.policy import POLICY

PEOPLE = [f"r{i}@example.org" for i in range(60)]
PURPOSES = ["newsletter", "registration", "b2b_offers", "member_area"]
# (person index, ground, activities, status)
RESTRICTIONS: list[tuple[int, str, list[str] | None, str]] = [
    (1, "accuracy_contested", None, "active"),
    (2, "accuracy_contested", ["registration"], "active"),
    (3, "unlawful", ["newsletter"], "active"),  # the activity behind the consent purpose
    (4, "objection", ["b2b_prospecting"], "active"),
    (5, "no_longer_needed", None, "lifted"),
    (6, "legal_claims", ["registration"], "active"),
    (6, "objection", None, "active"),  # two at once: the older one's reason, as blocker
    (7, "unlawful", ["events"], "active"),
]


@pytest.fixture
def restricted(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    garant = make_garant(policy=POLICY, url=store_url)
    started = datetime(2026, 1, 5, tzinfo=UTC)
    with garant.unit_of_work() as uow:
        for n, (person, ground, activities, status) in enumerate(RESTRICTIONS, 1):
            uow.session.add(
                Restriction(
                    id=n,
                    request_id=100 + n,
                    ground=ground,
                    activities=activities,
                    status=status,
                    started_at=started,
                )
            )
            uow.session.flush()
            for ref in uow.subject_refs("email", PEOPLE[person]):
                uow.session.add(RestrictionRef(restriction_id=n, subject_ref=ref))
    return garant


def _agree(garant: Garant) -> dict[str, dict[int, str]]:
    answers: dict[str, dict[int, str]] = {}
    with garant.unit_of_work(read_only=True) as uow:
        refs = {i: uow.subject_refs("email", p) for i, p in enumerate(PEOPLE)}
        every = [r for person in refs.values() for r in person]
        for purpose in PURPOSES:
            found = restriction.many(uow, every, purpose)
            answers[purpose] = {}
            for i, person in refs.items():
                one = restriction.blocker(uow, person, purpose)
                many = next((found[r] for r in person if r in found), None)
                assert many == one, (purpose, i)
                if one is not None:
                    answers[purpose][i] = one
    return answers


def _expected() -> dict[str, dict[int, str]]:
    objection = "objection upheld (request {}, Art. 21)"
    restricted = "processing restricted: {} (request {}, Art. 18)"
    return {
        "newsletter": {
            1: restricted.format("accuracy_contested", 101),
            3: restricted.format("unlawful", 103),
            6: objection.format(107),
        },
        "registration": {
            1: restricted.format("accuracy_contested", 101),
            2: restricted.format("accuracy_contested", 102),
            6: restricted.format("legal_claims", 106),
        },
        "b2b_offers": {
            1: restricted.format("accuracy_contested", 101),
            4: objection.format(104),
            6: objection.format(107),
        },
        "member_area": {1: restricted.format("accuracy_contested", 101), 6: objection.format(107)},
    }


def test_af_d6_many_agrees_with_the_one_person_blocker(restricted: Garant) -> None:
    """AF-D6: batched look-up by hash; lifted restrictions and other activities don't block."""
    assert _agree(restricted) == _expected()


def test_af_d6_many_agrees_when_reading_every_active_restriction(
    restricted: Garant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A campaign-sized list reads the active restrictions once instead of looking up hashes."""
    monkeypatch.setattr(restriction, "MANY_SCAN_ABOVE", 10)
    monkeypatch.setattr(restriction, "MANY_BATCH", 7)
    assert _agree(restricted) == _expected()


def test_af_d6_audience_filter_asks_restriction_in_bulk(
    restricted: Garant, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audience filter uses ``many`` (one query), never the one-person blocker."""
    assert restriction.blocker in restricted.use_blockers
    with restricted.unit_of_work() as uow:
        for person in PEOPLE[:8]:
            service.record(
                uow=uow, identity=("email", person), purpose="newsletter", given=True, source="form"
            )
    calls: list[Any] = []
    monkeypatch.setattr(restriction, "active_for", lambda *a: calls.append(a) or [])
    with restricted.unit_of_work() as uow:
        result = filter_audience(uow=uow, purpose="newsletter", identities=PEOPLE)
    assert calls == []
    codes = {PEOPLE.index(v): d.code for v, d in result.rows if d.code != "no_consent"}
    blocked = {1, 3, 6}
    assert codes == {i: "blocked" if i in blocked else "consent" for i in range(8)}
    reasons = {PEOPLE.index(v): d.reason for v, d in result.rows if d.code == "blocked"}
    assert reasons == _expected()["newsletter"]
