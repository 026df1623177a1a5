"""The subjects API and the data-map page: permissions, audit, the package as a zip (DEF-S2)."""

from __future__ import annotations

import io
import json
import zipfile

from fastapi.testclient import TestClient

from garant.accounts.service import add_user, issue_token
from garant.audit.service import recent_events
from garant.web.app import create_app
from tests.subjects.conftest import DemoFactory


def client_for(garant: object, role: str) -> tuple[TestClient, dict[str, str]]:
    with garant.unit_of_work() as uow:  # type: ignore[attr-defined]
        add_user(uow=uow, email=f"{role}@staff.example", role=role, password="x" * 16)
        token = issue_token(uow=uow, email=f"{role}@staff.example", name="t")
    return TestClient(create_app(garant)), {"Authorization": f"Bearer {token}"}  # type: ignore[arg-type]


def test_def_s2_find_and_export_need_their_permission_and_are_audited(demo: DemoFactory) -> None:
    garant, truth = demo("alliance-francaise")
    email = truth["persons"][1]["identities"]["email"]
    body = {"identities": [{"kind": "email", "value": email}], "purpose": "access request"}
    client, privacy = client_for(garant, "privacy")
    found = client.post("/api/subjects/find", json=body, headers=privacy)
    assert found.status_code == 200
    owned = {c["collection"]: c["owned"] for c in found.json()["collections"] if c["owned"]}
    assert owned == {k: len(v) for k, v in truth["persons"][1]["owned"].items()}
    package = client.post("/api/subjects/export", json=body | {"lang": "en"}, headers=privacy)
    assert package.status_code == 200 and package.headers["content-type"] == "application/zip"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package.content)).read("manifest.json"))
    assert manifest["language"] == "en"
    _, finance = client_for(garant, "finance")
    assert client.post("/api/subjects/find", json=body, headers=finance).status_code == 403
    assert client.post("/api/subjects/find", json=body).status_code == 401
    no_purpose = {"identities": body["identities"]}
    assert client.post("/api/subjects/find", json=no_purpose, headers=privacy).status_code == 422
    with garant.unit_of_work() as uow:
        events = recent_events(uow.session, action="subject.")
    assert [e["action"] for e in events] == ["subject.export", "subject.find"]
    assert all(e["actor"] == "api:privacy@staff.example" for e in events)
    assert all(e["details"]["purpose"] == "access request" for e in events)


def test_datamap_page_and_api_for_readers(demo: DemoFactory) -> None:
    garant, _ = demo("def-network")
    client, auditor = client_for(garant, "auditor")
    body = client.get("/api/datamap", headers=auditor).json()
    assert [s["id"] for s in body["systems"]] == ["crm"]
    _, comms = client_for(garant, "communications")
    assert client.get("/api/datamap", headers=comms).status_code == 403


def test_admin_datamap_page_reads_the_map(demo: DemoFactory) -> None:
    from tests.web.conftest import PASSWORD, login

    garant, _ = demo("def-network")
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="auditor@staff.example", role="auditor", password=PASSWORD)
    client = TestClient(create_app(garant))
    login(client, "auditor")
    page = client.get("/admin/datamap?lang=en")
    assert page.status_code == 200
    assert "Tender answers" in page.text and "Defence secret" in page.text
    assert "immutable" in page.text and "shared by several people" in page.text


def test_def_s2_back_office_find_and_download_with_a_purpose(demo: DemoFactory) -> None:
    from tests.web.conftest import PASSWORD, csrf_of, login

    garant, truth = demo("alliance-francaise")
    person = truth["persons"][2]
    with garant.unit_of_work() as uow:
        add_user(uow=uow, email="privacy@staff.example", role="privacy", password=PASSWORD)
    client = TestClient(create_app(garant))
    login(client, "privacy")
    token = csrf_of(client, "/admin/subjects")
    form = {"kind": "email", "value": person["identities"]["email"], "purpose": "phone call #7"}
    page = client.post("/admin/subjects?lang=en", data=form | {"csrf_token": token})
    assert page.status_code == 200 and "Learners" in page.text
    assert "Download their data" in page.text
    refused = client.post("/admin/subjects", data=form)
    assert refused.status_code == 403  # no CSRF token
    package = client.post("/admin/subjects/export", data=form | {"csrf_token": token})
    assert package.headers["content-type"] == "application/zip"
    with garant.unit_of_work() as uow:
        events = recent_events(uow.session, action="subject.")
    assert [e["details"]["purpose"] for e in events] == ["phone call #7", "phone call #7"]
