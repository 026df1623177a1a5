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


def test_documents_are_judged_by_their_bytes(school_sqlite: Garant) -> None:
    """PDF, JPEG and PNG only, by their first bytes; at most 10 MB."""
    from garant.errors import InvalidInput
    from garant.rights import documents, identity, intake
    from tests.rights.conftest import ada

    with school_sqlite.unit_of_work() as uow:
        rid = intake.submit(uow=uow, data=ada("access"))[0].id
        identity.ask_document(uow=uow, request_id=rid)
    refused = [
        b"GIF89a\x01\x00",
        b"<html><script>alert(1)</script>",
        b"%PDF",  # too short to be the signature
        b"%PDF-" + b"x" * documents.MAX_DOCUMENT_BYTES,
        b"",
    ]
    for content in refused:
        with school_sqlite.unit_of_work() as uow, pytest.raises(InvalidInput):
            documents.upload_document(
                uow=uow, request_id=rid, document_type="passport", content=content
            )
    assert documents.media_type(b"\xff\xd8\xff\xe0 jpeg") == "image/jpeg"
    with school_sqlite.unit_of_work() as uow:
        check = documents.upload_document(
            uow=uow, request_id=rid, document_type="passport", content=b"%PDF-1.7 scan"
        )
        assert check.document is not None and b"scan" not in check.document


def test_the_web_answer_is_the_same_whether_or_not_we_hold_data(school_sqlite: Garant) -> None:
    """The privacy center redirects both to a page with the same code form (no oracle)."""
    import re

    pages = []
    with TestClient(create_app(school_sqlite), headers={"Accept-Language": "en"}) as client:
        token = re.findall(
            r'name="csrf_token" value="([^"]+)"', client.get("/privacy/requests?type=access").text
        )[0]
        for email in ("ada@example.org", "nobody@example.org"):
            sent = client.post(
                "/privacy/requests",
                data={"type": "access", "email": email, "csrf_token": token},
                follow_redirects=False,
            )
            assert sent.status_code == 303
            follow = sent.headers["location"]
            page = client.get(follow).text
            pages.append(re.sub(r"#\d+|[\w-]{32}", "X", page.replace(follow, "URL")))
    assert pages[0] == pages[1]
    assert "Confirm your request" in pages[0]
