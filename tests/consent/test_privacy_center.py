"""The privacy center: verify an address by a mailed code, then see and change consents."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from garant.app import Garant
from garant.consent import service
from garant.consent.check import may_use
from garant.jobs.worker import run_due
from garant.web.app import create_app
from tests.conftest import SmtpSink, use_smtp

ANNE = ("email", "anne@example.org")


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


def test_af_d7_person_verifies_email_then_withdraws_in_the_privacy_center(
    sg: Garant, smtp_server: SmtpSink
) -> None:
    """AF-D7: withdrawal through the privacy center, after proving the address is theirs."""
    use_smtp(sg, smtp_server)
    with sg.unit_of_work() as uow:
        service.record(uow=uow, identity=ANNE, purpose="newsletter", given=True, source="form")
    client = TestClient(create_app(sg))
    page = client.get("/privacy/consents?lang=fr")
    assert "Envoyez-moi un code" in page.text
    token = _csrf(page.text)
    # Changing anything before the address is verified is refused.
    refused = client.post(
        "/privacy/consents", data={"csrf_token": token, "purpose": "newsletter", "given": "0"}
    )
    assert refused.status_code == 403
    sent = client.post(
        "/privacy/consents/code", data={"csrf_token": token, "email": "Anne@Example.org"}
    )
    assert sent.status_code == 200
    run_due(sg)
    mail = smtp_server.wait_for(1)[0]
    code = re.search(r"\b(\d{6})\b", mail.get_content())
    assert code is not None and mail["To"] == "Anne@Example.org"
    wrong = client.post(
        "/privacy/consents/verify",
        data={"csrf_token": token, "code": "000000" if code.group(1) != "000000" else "111111"},
    )
    assert wrong.status_code == 422
    client.post("/privacy/consents/verify", data={"csrf_token": token, "code": code.group(1)})
    listing = client.get("/privacy/consents")
    assert "Lettre d&#39;information" in listing.text and "Retirer" in listing.text
    client.post(
        "/privacy/consents", data={"csrf_token": token, "purpose": "newsletter", "given": "0"}
    )
    with sg.unit_of_work() as uow:
        assert not may_use(uow=uow, identity=ANNE, purpose="newsletter").allowed
        assert service.history(uow=uow, identity=ANNE)[-1].source == "privacy_center"
    client.post(
        "/privacy/consents", data={"csrf_token": token, "purpose": "image_rights", "given": "1"}
    )
    with sg.unit_of_work() as uow:
        assert may_use(uow=uow, identity=ANNE, purpose="image_rights").allowed
