"""The privacy center's consent code goes to one address, checked by email-validator.

Found in the red-team pass of issue 14: ``a@x.test,b@y.test`` (one code mailed to a list,
past the per-address limit), ``a@x.test\\r\\nBcc:c@y.test`` and ``a@b@c`` were queued.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from garant.app import Garant
from garant.consent import center
from garant.mail.models import OutboxMessage
from garant.web.app import create_app


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.mark.parametrize(
    "address",
    [
        "a@evil.test,b@evil.test,c@evil.test",
        "a@evil.test;b@evil.test",
        "a@evil.test\r\nBcc:x@evil.test",
        "a@evil.test\nX-Injected:1",
        "a@b@evil.test",
        "<script>@evil.test",
    ],
)
def test_a_list_a_header_or_a_malformed_address_gets_no_code(sg: Garant, address: str) -> None:
    client = TestClient(create_app(sg))
    token = _csrf(client.get("/privacy/consents?lang=en").text)
    answer = client.post("/privacy/consents/code", data={"csrf_token": token, "email": address})
    assert answer.status_code == 422
    assert "not an email address" in answer.text
    assert "evil.test" not in answer.text  # the value is not echoed
    with sg.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_a_real_address_still_gets_its_code_as_typed(sg: Garant) -> None:
    client = TestClient(create_app(sg))
    token = _csrf(client.get("/privacy/consents?lang=en").text)
    answer = client.post(
        "/privacy/consents/code", data={"csrf_token": token, "email": " Anne@Example.org "}
    )
    assert answer.status_code == 200
    with sg.unit_of_work() as uow:
        assert uow.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_one_client_asks_ten_codes_an_hour_at_most_whatever_the_addresses(sg: Garant) -> None:
    """Before, the form mailed codes to any number of addresses from one client (five an
    hour per address only)."""
    client = TestClient(create_app(sg))
    token = _csrf(client.get("/privacy/consents?lang=en").text)
    for i in range(center.PER_CLIENT.limit):
        sent = client.post(
            "/privacy/consents/code", data={"csrf_token": token, "email": f"p{i}@example.org"}
        )
        assert sent.status_code == 200
    refused = client.post(
        "/privacy/consents/code", data={"csrf_token": token, "email": "last@example.org"}
    )
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    with sg.unit_of_work() as uow:
        count = uow.session.scalar(select(func.count()).select_from(OutboxMessage))
    assert count == center.PER_CLIENT.limit
