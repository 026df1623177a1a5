"""Consent codes (issue 14): every wrong try counts, in its own transaction, across processes."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import func, select

from garant.app import Garant
from garant.audit.models import AuditEvent
from garant.consent import center
from garant.mail.models import OutboxMessage
from garant.mail.sealed import open_mail
from garant.store.uow import Actor

PERSON = Actor("subject", "privacy-center")


def _code(garant: Garant) -> str:
    with garant.unit_of_work() as uow:
        msg = uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
        assert msg is not None
        return re.findall(r"\b(\d{6})\b", open_mail(uow.keys, msg).body_text or "")[0]


def test_five_wrong_codes_burn_it_even_from_two_app_instances(
    cg: Garant, make_garant: Callable[..., Garant]
) -> None:
    other = make_garant(url=cg.store.url, name=cg.workspace.name)
    with cg.unit_of_work() as uow:
        center.send_code(uow=uow, email="anne@example.org", lang="en")
    good = _code(cg)
    bad = "000000" if good != "000000" else "111111"
    for i in range(center.MAX_ATTEMPTS):
        app = cg if i % 2 else other
        assert center.check_code(app, PERSON, email="anne@example.org", code=bad) is False
    assert center.check_code(cg, PERSON, email="anne@example.org", code=good) is False
    with cg.unit_of_work() as uow:
        wrong = uow.session.scalar(
            select(func.count()).where(AuditEvent.action == "consent.code.wrong")
        )
    assert wrong == center.MAX_ATTEMPTS


def test_the_right_code_still_works_after_a_few_wrong_ones(sg: Garant) -> None:
    with sg.unit_of_work() as uow:
        center.send_code(uow=uow, email="anne@example.org", lang="en")
    good = _code(sg)
    bad = "000000" if good != "000000" else "111111"
    for _ in range(center.MAX_ATTEMPTS - 1):
        assert not center.check_code(sg, PERSON, email="anne@example.org", code=bad)
    assert center.check_code(sg, PERSON, email="anne@example.org", code=good)
