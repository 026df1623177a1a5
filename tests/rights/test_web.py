"""Back-office and privacy-center pages, through the ASGI app (roles, CSRF, forms)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.service import add_user
from garant.app import Garant
from garant.rights.models import IdentityCheck
from garant.web.app import create_app
from tests.rights.conftest import POLICY
from tests.rights.helpers import code_for, run_requests

PASSWORD = "a-long-enough-password-123"


def _csrf(client: TestClient, path: str) -> str:
    page = client.get(path)
    return re.findall(r'name="csrf_token" value="([^"]+)"', page.text)[0]


def _login(client: TestClient, email: str) -> None:
    token = _csrf(client, "/login")
    answer = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303


def test_person_and_dpo_through_the_pages(school_sqlite: Garant) -> None:
    garant = school_sqlite
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="dpo@ecole.example", role="dpo", password=PASSWORD)
        add_user(uow=uow, email="audit@ecole.example", role="auditor", password=PASSWORD)
    app = create_app(garant)
    with TestClient(app, headers={"Accept-Language": "en"}) as person:
        token = _csrf(person, "/privacy/requests?type=access")
        sent = person.post(
            "/privacy/requests",
            data={"type": "erasure", "email": "ada@example.org", "csrf_token": token},
            follow_redirects=False,
        )
        assert sent.status_code == 303
        status_url = sent.headers["location"]
        rid = int(re.findall(r"#(\d+)", person.get(status_url).text)[0])
        wrong = person.post(
            f"{status_url}/verify",
            data={"code": "nope", "csrf_token": token},
            follow_redirects=True,
        )
        assert "The code is not the one we sent" in wrong.text
        person.post(
            f"{status_url}/verify", data={"code": code_for(garant, rid), "csrf_token": token}
        )
        assert 'id="status">Identity checked' in person.get(status_url).text  # verified
    with TestClient(app, headers={"Accept-Language": "en"}) as auditor:
        _login(auditor, "audit@ecole.example")
        page = auditor.get(f"/admin/rights/{rid}")
        assert page.status_code == 200 and "Accept the proposed decisions" not in page.text
        token = _csrf(auditor, f"/admin/rights/{rid}")
        refused = auditor.post(f"/admin/rights/{rid}/decide", data={"csrf_token": token})
        assert refused.status_code == 403
    with TestClient(app, headers={"Accept-Language": "en"}) as dpo:
        _login(dpo, "dpo@ecole.example")
        listing = dpo.get("/admin/rights")
        assert f'href="/admin/rights/{rid}"' in listing.text
        assert (
            dpo.get("/admin/rights", params={"overdue": "true"}).text.count("/admin/rights/") == 0
        )
        token = _csrf(dpo, f"/admin/rights/{rid}")
        assert dpo.post(f"/admin/rights/{rid}/decide", data={}).status_code == 403  # no CSRF
        dpo.post(f"/admin/rights/{rid}/decide", data={"csrf_token": token})
        dpo.post(f"/admin/rights/{rid}/run", data={"csrf_token": token})
        run_requests(garant)
        page = dpo.get(f"/admin/rights/{rid}")
        assert 'id="status">Answered' in page.text and "request.answered" in page.text
        letter = dpo.get(f"/admin/rights/{rid}/letter")
        assert "CNIL" in letter.text
        assert "Code sent by email · Passed" in page.text  # the record of the identity check
        task = re.findall(rf"/admin/rights/{rid}/tasks/(\d+)/done", page.text)
        assert len(task) == 2  # Art. 19: the processor and the recipient
        dpo.post(f"/admin/rights/{rid}/tasks/{task[0]}/done", data={"csrf_token": token})
        assert len(re.findall(r"/tasks/\d+/done", dpo.get(f"/admin/rights/{rid}").text)) == 1


def test_def_d2_document_uploaded_in_the_privacy_center(make_garant, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """DEF-D2 / AF-R6: the document arrives encrypted and is gone once checked."""
    garant = make_garant(policy=POLICY.replace("identity_proof: code", "identity_proof: document"))
    with TestClient(create_app(garant), headers={"Accept-Language": "en"}) as person:
        token = _csrf(person, "/privacy/requests?type=access")
        sent = person.post(
            "/privacy/requests",
            data={"type": "access", "email": "ada@example.org", "csrf_token": token},
        )
        assert "Send a copy of an identity document" in sent.text
        status_url = str(sent.url)
        person.post(
            f"{status_url}/document",
            data={"document_type": "passport", "csrf_token": token},
            files={"document": ("id.png", b"\x89PNG\r\n\x1a\n fake passport", "image/png")},
        )
    with garant.unit_of_work() as uow:
        check = uow.session.scalars(select(IdentityCheck)).one()
        assert check.document is not None and b"fake passport" not in check.document
        assert check.document_type == "passport"
