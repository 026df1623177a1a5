"""Red-team pass of issue 14: guesses and submissions aimed at one person are counted per
person, not per request or per spelling.

Before: each public request for a victim (one per identity spelling: email, member number,
``06 12 34 56 78``, ``+33 6 12 34 56 78``...) mailed a fresh code with five more guesses,
and two spellings of one phone number had their own submission limits.
"""

from __future__ import annotations

import pytest

from garant.app import Garant
from garant.errors import Conflict, InvalidInput, TooManyRequests
from garant.rights import codes, identity, intake
from garant.rights.schemas import RequestCreate
from garant.store.uow import Actor
from tests.rights.helpers import code_for

PERSON = Actor("subject", "api")


def _public(garant: Garant, identities: dict[str, str]) -> int:
    data = RequestCreate(type="access", identities=identities, lang="en")
    with garant.unit_of_work(PERSON) as uow:
        return intake.submit(uow=uow, data=data, public=True)[0].id


def test_guesses_at_the_codes_of_one_mailbox_are_capped_across_requests(
    school_sqlite: Garant,
) -> None:
    garant = school_sqlite
    # one request per spelling that leads to Ada (email, member number, phone...)
    spellings = [{"email": "ada@example.org"}, {"email": "ADA@example.org"}] * 3
    requests = [_public(garant, ids) for ids in spellings]
    per_request = codes.TRIES_PER_ADDRESS.limit // codes.MAX_ATTEMPTS
    for rid in requests[:per_request]:
        bad = "000000" if code_for(garant, rid) != "000000" else "111111"
        for _ in range(codes.MAX_ATTEMPTS):
            with pytest.raises(InvalidInput):
                identity.try_code(garant, PERSON, request_id=rid, code=bad)
    last = requests[per_request]
    with pytest.raises(Conflict, match="no longer be used"):  # even the right code
        identity.try_code(garant, PERSON, request_id=last, code=code_for(garant, last))


def test_a_phone_number_has_one_submission_limit_however_it_is_written(
    school_sqlite: Garant,
) -> None:
    spellings = ["+33612345678", "06 12 34 56 78", "0033 6 12 34 56 78", "06.12.34.56.78"]
    for i in range(intake.PER_IDENTITY.limit):
        phone = spellings[i % len(spellings)]
        intake.admit(school_sqlite, client=f"10.0.0.{i}", identities={"phone": phone})
    with pytest.raises(TooManyRequests):
        intake.admit(school_sqlite, client="10.0.1.1", identities={"phone": "+33 6 12 34 56 78"})


def _mailed_to(garant: Garant, address: str) -> int:
    from sqlalchemy import select

    from garant.mail.models import OutboxMessage
    from garant.mail.sealed import open_mail

    with garant.unit_of_work() as uow:
        messages = uow.session.scalars(select(OutboxMessage)).all()
        return sum(open_mail(uow.keys, m).recipient == address for m in messages)


@pytest.mark.parametrize(
    "other",
    [
        {"member_number": "L-001"},  # Ada's
        {"member_number": "L-999"},  # nobody's
    ],
)
def test_my_address_beside_a_number_tells_me_nothing_of_the_number(
    school_sqlite: Garant, other: dict[str, str]
) -> None:
    """Before, ``{email: mine, member_number: X}`` mailed the code (and the
    acknowledgement) to me when X was nobody's and to the learner on file when it was
    someone's: the mail's arrival told whether X is on file. Now I receive nothing either
    way (a number found nowhere goes to staff); the reply address the same."""
    mine = "curious@attacker.example.net"
    _public(garant=school_sqlite, identities={"email": mine} | other)
    data = RequestCreate(
        type="access", identities=other, reply_email="reply@attacker.example.net", lang="en"
    )
    with school_sqlite.unit_of_work(PERSON) as uow:
        intake.submit(uow=uow, data=data, public=True)
    assert _mailed_to(school_sqlite, mine) == 0
    assert _mailed_to(school_sqlite, "reply@attacker.example.net") == 0
