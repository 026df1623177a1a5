"""AF-M1: signed one-click unsubscribe links bound to one person and one purpose."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from garant.app import Garant
from garant.consent import service, unsubscribe
from garant.consent.check import may_use
from garant.consent.models import ConsentEvent
from garant.jobs.worker import run_due
from garant.mail.models import OutboxMessage
from garant.web.app import create_app
from tests.conftest import SmtpSink, use_smtp

ANNE, BOB = ("email", "anne@example.org"), ("email", "bob@example.org")


def _consent(garant: Garant, *people: tuple[str, str]) -> None:
    with garant.unit_of_work() as uow:
        for person in people:
            service.record(
                uow=uow, identity=person, purpose="newsletter", given=True, source="form"
            )


def _token(garant: Garant, person: tuple[str, str], purpose: str = "newsletter") -> str:
    with garant.unit_of_work() as uow:
        return unsubscribe.make_token(uow, person, purpose)


def _events(garant: Garant) -> int:
    with garant.unit_of_work() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(ConsentEvent)) or 0)


def test_af_m1_get_changes_nothing_and_one_click_post_withdraws(sg: Garant) -> None:
    """AF-M1: a GET (mail scanners) only shows a button; the RFC 8058 POST withdraws at once,
    and a repeated click is harmless."""
    _consent(sg, ANNE)
    token = _token(sg, ANNE)
    client = TestClient(create_app(sg))
    before = _events(sg)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and '<form method="post"' in page.text
    assert _events(sg) == before
    with sg.unit_of_work() as uow:
        assert may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and 'id="result"' in done.text
    with sg.unit_of_work() as uow:
        decision = may_use(uow=uow, identity=ANNE, purpose="newsletter")
        assert not decision.allowed
        events = service.history(uow=uow, identity=ANNE)
        assert events[-1].source == "email_link" and events[-1].given is False
    again = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert _events(sg) == before + 1


def test_af_m1_forged_and_cross_person_tokens_are_refused(sg: Garant) -> None:
    """AF-M1: a token bound to Anne cannot unsubscribe Bob, nor another purpose."""
    _consent(sg, ANNE, BOB)
    anne, bob = _token(sg, ANNE), _token(sg, BOB)
    anne_ref, purpose, anne_sig = anne.split("~")
    bob_ref, _, bob_sig = bob.split("~")
    client = TestClient(create_app(sg))
    forged = [
        f"{bob_ref}~{purpose}~{anne_sig}",  # Anne's signature on Bob's hash
        f"{anne_ref}~image_rights~{anne_sig}",  # another purpose
        f"{anne_ref}~{purpose}~1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "garbage",
    ]
    for token in forged:
        assert client.post(f"/unsubscribe/{token}").status_code == 400
        assert client.get(f"/unsubscribe/{token}").status_code == 400
    with sg.unit_of_work() as uow:
        assert may_use(uow=uow, identity=BOB, purpose="newsletter").allowed
        assert may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed


def test_af_m1_campaign_mail_carries_link_and_headers(sg: Garant, smtp_server: SmtpSink) -> None:
    """AF-M1: every campaign mail has the link and both RFC 8058 headers; a person the
    check refuses gets no mail."""
    use_smtp(sg, smtp_server)
    _consent(sg, ANNE)
    with sg.unit_of_work() as uow:
        sent = unsubscribe.queue_campaign_mail(
            uow=uow,
            identity=ANNE,
            purpose="newsletter",
            template="consent_campaign",
            lang="fr",
            context={"subject": "Nouvelles", "body": "Bonjour", "organization": "Test"},
            key="campaign:1:anne",
        )
        refused = unsubscribe.queue_campaign_mail(
            uow=uow,
            identity=BOB,
            purpose="newsletter",
            template="consent_campaign",
            lang="fr",
            context={"subject": "Nouvelles", "body": "Bonjour", "organization": "Test"},
            key="campaign:1:bob",
        )
        assert sent is not None and refused is None
    run_due(sg)
    mail = smtp_server.wait_for(1)[0]
    url = mail["List-Unsubscribe"].strip("<>")
    assert "/unsubscribe/" in url and url in mail.get_content()
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "anne" not in url
    with sg.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
