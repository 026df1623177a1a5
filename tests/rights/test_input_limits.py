"""Input limits at the door of the public intake (issue 14): clear 4xx, never a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from garant.app import Garant
from garant.web.app import create_app

SUBMIT = "/api/public/rights/requests"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        (b'{"type": "access", "identities": {"email": "ada\\u0000@example.org"}}', "email"),
        (b'{"type": "access", "identities": {"email": "\\ud800@example.org"}}', "email"),
        (b'{"type": "access", "identities": {"\\ud83d": "x"}}', "identities"),
        (b'{"type": "access", "identities": {"email": "a@b.fr"}, "message": "\\u0000"}', "message"),
        (b'{"type": "access", "identities": {"email": "not an address"}}', "email address"),
        (b'{"type": "access", "identities": {"phone": "12"}}', "phone"),
        (
            b'{"type": "access", "identities": {"a": "1", "b": "2", "c": "3", "d": "4", '
            b'"e": "5", "f": "6"}}',
            "at most 5",
        ),  # fmt: skip
        (b'{"type": "access", "identities": {"Email Address!": "a@b.fr"}}', "kind"),
        (
            b'{"type": "access", "identities": {"email": "a@b.fr"}, "message": "'
            + b"x" * 5001
            + b'"}',
            "message",
        ),  # fmt: skip
        (b'{"type": "access", "identities": {"member_number": "' + b"9" * 201 + b'"}}', "200"),
        (b'{"type": "access", "identities": {"email": "a@b.fr"}, "reply_email": "x"}', "reply"),
        (b"\xff\xfe not utf-8", "UTF-8"),
        (b'{"type": "access", "identities": {"email": "a@b.fr"}', "JSON"),
    ],
)
def test_bad_input_is_a_clear_422(school_sqlite: Garant, body: bytes, where: str) -> None:
    with TestClient(create_app(school_sqlite)) as client:
        answer = client.post(SUBMIT, content=body, headers={"Content-Type": "application/json"})
    assert answer.status_code == 422, answer.text
    assert where in answer.json()["detail"]
    assert "\\u0000" not in answer.text and "x" * 100 not in answer.text  # nothing echoed


def test_a_huge_body_is_refused_before_it_is_read(school_sqlite: Garant) -> None:
    with TestClient(create_app(school_sqlite)) as client:
        answer = client.post(SUBMIT, content=b"{" + b" " * 70_000 + b"}")
    assert answer.status_code == 413


def test_a_nul_in_the_privacy_center_form_is_a_422(school_sqlite: Garant) -> None:
    import re

    with TestClient(create_app(school_sqlite), headers={"Accept-Language": "en"}) as client:
        page = client.get("/privacy/requests?type=access")
        token = re.findall(r'name="csrf_token" value="([^"]+)"', page.text)[0]
        answer = client.post(
            "/privacy/requests",
            data={"type": "access", "email": "ada\x00@example.org", "csrf_token": token},
        )
    assert answer.status_code == 422


def test_a_good_phone_and_an_email_pass_and_are_kept_as_given(school_sqlite: Garant) -> None:
    with TestClient(create_app(school_sqlite)) as client:
        answer = client.post(
            SUBMIT,
            json={
                "type": "access",
                "identities": {"email": "ada@example.org", "phone": "06 12 34 56 78"},
            },
        )
    assert answer.status_code == 201, answer.text
