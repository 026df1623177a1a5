"""Back-office pages and API routes of the accountability feature, with roles and CSRF."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from garant.accounts.roles import Role
from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.web.app import create_app
from tests.dpia.test_pia_roundtrip import PIA_EXAMPLE
from tests.web.conftest import PASSWORD, login, staff_email


@pytest.fixture
def staffed(make_garant: Callable[..., Garant], store_url: str) -> Garant:
    garant = make_garant(url=store_url)
    with garant.unit_of_work() as uow:
        for role in (Role.DPO, Role.FINANCE, Role.AUDITOR):
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
    return garant


def test_af_sec2_dpo_manages_processors_in_the_back_office(staffed: Garant) -> None:
    """AF-SEC2, DEF-SP1: a processor added through the form shows with its alerts."""
    with TestClient(create_app(staffed)) as client:
        csrf = login(client, Role.DPO)
        client.get("/admin/accountability/dossier?lang=en")  # the language cookie: English
        form = {"name": "Mailer", "service": "Newsletter", "countries": "US",
                "mechanism": "adequacy", "contract_signed": "2025-01-01",
                "clauses": ["documented_instructions", "confidentiality"],
                "breach_notice_hours": "24"}  # fmt: skip
        refused = client.post("/admin/accountability/processors", data=form,
                              follow_redirects=False)  # fmt: skip
        assert refused.status_code == 403  # no CSRF token
        sent = client.post("/admin/accountability/processors", data=form | {"csrf_token": csrf},
                           follow_redirects=False)  # fmt: skip
        assert sent.status_code == 303, sent.text
        page = client.get("/admin/accountability/processors").text
        assert "Mailer" in page and "EU-US Data Privacy Framework" in page
        assert "missing clause" in page
        audit_form = {"csrf_token": csrf, "audited_on": "2026-02-01", "auditor": "DPO",
                      "outcome": "satisfactory", "next_audit": "2027-02-01"}  # fmt: skip
        audit = client.post("/admin/accountability/processors/Mailer/audits", data=audit_form,
                            follow_redirects=False)  # fmt: skip
        assert audit.status_code == 303
        for path in ("dpias", "disclosures", "records", "check", "dossier"):
            assert client.get(f"/admin/accountability/{path}").status_code == 200, path
        run = client.post("/admin/accountability/check", data={"csrf_token": csrf},
                          follow_redirects=False)  # fmt: skip
        assert run.status_code == 303
        assert "Findings of the last run" in client.get("/admin/accountability/check").text


def test_roles_bound_what_each_may_do(staffed: Garant) -> None:
    """DEF-S2: finance reads processors but may not add one; the auditor exports the dossier."""
    with staffed.unit_of_work() as uow:
        tokens = {r: issue_token(uow=uow, email=staff_email(r), name="t")
                  for r in (Role.DPO, Role.FINANCE, Role.AUDITOR)}  # fmt: skip
    with TestClient(create_app(staffed)) as client:

        def call(role: Role, method: str, path: str, body: object = None) -> object:
            headers = {"Authorization": f"Bearer {tokens[role]}"}
            return client.request(method, path, headers=headers, json=body)

        body = {"name": "Hoster", "countries": ["FR"], "contract_signed": "2025-01-01"}
        assert call(Role.FINANCE, "POST", "/api/accountability/processors", body).status_code == 403
        assert call(Role.DPO, "POST", "/api/accountability/processors", body).status_code == 201
        assert call(Role.FINANCE, "GET", "/api/accountability/processors").status_code == 200
        bad = call(Role.DPO, "POST", "/api/accountability/processors", {"name": "X",
                   "mechanism": "teleport"})  # fmt: skip
        assert bad.status_code == 422
        imported = call(Role.DPO, "POST", "/api/accountability/dpias/import", PIA_EXAMPLE)
        assert imported.status_code == 201, imported.text
        dpia_id = imported.json()["id"]
        pia = call(Role.AUDITOR, "GET", f"/api/accountability/dpias/{dpia_id}/pia")
        assert pia.json()["pia"]["name"] == "Learner portal"
        assert call(Role.AUDITOR, "POST", "/api/accountability/dpias/screen",
                    {"title": "x"}).status_code == 403  # fmt: skip
        check = call(Role.AUDITOR, "POST", "/api/accountability/check")
        assert check.status_code == 200 and check.json()["total"] >= 1
        pdf = call(Role.AUDITOR, "GET", "/api/accountability/dossier.pdf")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert call(Role.FINANCE, "GET", "/api/accountability/dossier.pdf").status_code == 403
        disclosed = call(Role.DPO, "POST", "/api/accountability/disclosures", {
            "requester": "Court", "legal_basis": "court_order", "data_description": "Invoices",
            "approved_by": "DPO", "identity": "a@example.org"})  # fmt: skip
        assert disclosed.status_code == 201 and disclosed.json()["flagged"] is False
        assert "a@example.org" not in json.dumps(disclosed.json())
