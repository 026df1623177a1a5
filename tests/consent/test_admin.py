"""The back-office consent page: counts, a check, an objection, an audience upload."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from garant.accounts.service import add_user
from garant.app import Garant
from garant.consent import service, suppression
from garant.web.app import create_app

PASSWORD = "a long password!"


def _login(garant: Garant, role: str) -> tuple[TestClient, str]:
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email=f"{role}@example.org", role=role, password=PASSWORD)
    client = TestClient(create_app(garant))
    page = client.get("/login?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    client.post(
        "/login",
        data={
            "csrf_token": token.group(1),
            "email": f"{role}@example.org",
            "password": PASSWORD,
            "next": "/admin/consent",
        },
        follow_redirects=False,
    )
    page = client.get("/admin/consent")
    assert page.status_code == 200
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return client, found.group(1)


def test_af_d5_staff_records_an_objection_and_filters_an_audience(sg: Garant) -> None:
    """AF-D5: staff record an objection with no reason; the audience upload says why not."""
    with sg.unit_of_work() as uow:
        for who in ("a@example.org", "b@example.org"):
            service.record(
                uow=uow, identity=("email", who), purpose="newsletter", given=True, source="form"
            )
    client, csrf = _login(sg, "privacy")
    assert "Newsletter" in client.get("/admin/consent").text
    client.post(
        "/admin/consent/suppression", data={"csrf_token": csrf, "identity": "b@example.org"}
    )
    with sg.unit_of_work() as uow:
        assert suppression.is_suppressed(
            uow=uow, identity=("email", "b@example.org"), purpose="newsletter"
        )
    checked = client.post(
        "/admin/consent/check",
        data={"csrf_token": csrf, "identity": "a@example.org", "purpose": "newsletter"},
    )
    assert 'id="decision"' in checked.text and "Allowed" in checked.text
    uploaded = client.post(
        "/admin/consent/audience",
        data={"csrf_token": csrf, "purpose": "newsletter"},
        files={"file": ("list.txt", b"a@example.org\nb@example.org\n")},
    )
    assert "1 of 2 may be contacted" in uploaded.text
    assert "suppression list" in uploaded.text
    wrong = client.post(
        "/admin/consent/check",
        data={"csrf_token": csrf, "identity": "a@example.org", "purpose": "nope"},
    )
    assert wrong.status_code == 422 and "unknown purpose" in wrong.text


def test_communications_may_filter_but_not_record_objections(sg: Garant) -> None:
    client, csrf = _login(sg, "communications")
    refused = client.post(
        "/admin/consent/suppression", data={"csrf_token": csrf, "identity": "b@example.org"}
    )
    assert refused.status_code == 403
