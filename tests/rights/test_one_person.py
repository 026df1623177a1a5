"""One request, one person (issue 14): identities that disagree are never verified alone,
a third party's request still covers exactly one person, and only proven identities stay."""

from __future__ import annotations

import sqlite3

import pytest

from garant.app import Garant
from garant.errors import Conflict
from garant.rights import identity, intake, person, service
from garant.rights.schemas import RequestCreate
from tests.rights.helpers import mails


def _open(garant: Garant, identities: dict[str, str], public: bool = False, **extra: object) -> int:
    data = RequestCreate(type="access", identities=identities, lang="en", **extra)  # type: ignore[arg-type]
    with garant.unit_of_work() as uow:
        return int(intake.submit(uow=uow, data=data, public=public)[0].id)


def test_a_representative_with_two_persons_identities_must_keep_one(school: Garant) -> None:
    rid = _open(
        school,
        {"email": "ada@example.org", "member_number": "L-002"},
        requester_kind="representative",
        requester_proof="mandate signed by the person",
    )
    with school.unit_of_work() as uow:
        check = identity.pending_check(uow, service.get(uow, rid))
        assert check is not None and check.method == "staff"
        assert check.note == "identities disagree: email, member_number"
    with school.unit_of_work() as uow, pytest.raises(Conflict, match="identities disagree"):
        identity.staff_check(uow=uow, request_id=rid, accepted=True)
    with school.unit_of_work() as uow:
        identity.staff_check(uow=uow, request_id=rid, accepted=True, keep=["member_number"])
    with school.unit_of_work() as uow:
        req = service.get(uow, rid)
        data = service.personal(uow, req)
        assert req.status != "awaiting_identity"
        assert data["identities"] == {"member_number": "L-002"}
        assert data["unproven_kinds"] == ["email"]
    assert mails(school, "rights_code", rid) == []


def test_agreeing_identities_of_one_learner_and_an_unmatched_one(school: Garant) -> None:
    """Ada's email and number nest (the email also owns her newsletter row); a phone that
    leads nowhere is dropped once she is verified."""
    found = person.resolve(school, {"email": "ada@example.org", "member_number": "L-001"})
    assert not found.disagree and found.contact == "ada@example.org"
    ids = {"email": "ada@example.org", "member_number": "L-001", "phone": "+33699999999"}
    rid = _open(school, ids, public=True)
    code = [m for m in mails(school, "rights_code", rid)]
    assert [m.recipient for m in code] == ["ada@example.org"]
    from garant.store.uow import SYSTEM
    from tests.rights.helpers import code_for

    identity.try_code(school, SYSTEM, request_id=rid, code=code_for(school, rid))
    with school.unit_of_work() as uow:
        data = service.personal(uow, service.get(uow, rid))
    assert data["identities"] == {"email": "ada@example.org", "member_number": "L-001"}
    assert data["unproven_kinds"] == ["phone"]


def test_one_email_on_two_accounts_goes_to_staff(school: Garant) -> None:
    with sqlite3.connect(school.workspace / "school.db") as conn:
        conn.execute(
            "INSERT INTO learners VALUES (3, 'L-003', 'Eve', 'X', 'ada@example.org', NULL, "
            "NULL, NULL)"
        )
    found = person.resolve(school, {"email": "ada@example.org"})
    assert found.disagree
    rid = _open(school, {"email": "ada@example.org"}, public=True)
    assert mails(school, "rights_code", rid) == []


def test_codes_typed_while_staff_decide_are_refused_and_lock_nothing(school: Garant) -> None:
    """The page offers the same code form either way (no oracle); tries are counted and
    audited, but what staff will decide stays theirs."""
    from garant.errors import InvalidInput
    from garant.store.uow import Actor

    rid = _open(school, {"email": "bob@example.org", "member_number": "L-001"}, public=True)
    for _ in range(7):
        with pytest.raises((InvalidInput, Conflict)):
            identity.try_code(school, Actor("subject", "api"), request_id=rid, code="123456")
    with school.unit_of_work() as uow:
        check = identity.pending_check(uow, service.get(uow, rid))
        assert check is not None and check.method == "staff" and check.status == "pending"
        assert check.note == "identities disagree: email, member_number"
    with school.unit_of_work() as uow:
        identity.staff_check(uow=uow, request_id=rid, accepted=True, keep=["email"])
    with school.unit_of_work() as uow:
        data = service.personal(uow, service.get(uow, rid))
    assert data["identities"] == {"email": "bob@example.org"}
    assert data["reply_email"] == "bob@example.org"
