"""The retention API and back-office page, with roles, CSRF and the audit of a restore."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from garant.accounts.roles import Role
from garant.accounts.service import add_user, issue_token
from garant.web.app import create_app
from tests.retention.conftest import School
from tests.web.conftest import PASSWORD, login, staff_email


@pytest.fixture
def web(school: School) -> Iterator[tuple[TestClient, dict[Role, str], School]]:
    school.sql(
        "INSERT INTO contracts VALUES (1, 'C-1', 'c@example.org', 'Cara', 5000, '2020-01-10')"
    )
    garant = school.open("2024-03-02")
    with garant.unit_of_work() as uow:
        for role in Role:
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
        tokens = {r: issue_token(uow=uow, email=staff_email(r), name="t") for r in Role}
    with TestClient(create_app(garant), headers={"Accept-Language": "en"}) as client:
        yield client, tokens, school


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_plan_run_archive_restore(web: tuple[TestClient, dict[Role, str], School]) -> None:
    """DEF-R5: the API archives through a run; only an archivist restores, with a reason."""
    client, tokens, school = web
    dpo = _auth(tokens[Role.DPO])
    plan = client.get("/api/retention/plan", headers=dpo).json()
    row = next(
        r
        for r in plan["rows"]
        if r["collection"] == "school.contracts" and r["action"] == "archive"
    )
    assert row["due_now"] == 1
    assert any("NOT anonymous" in w for w in plan["warnings"]), "DEF-R5 said plainly"
    assert (
        client.post("/api/retention/runs", json={}, headers=_auth(tokens[Role.FINANCE])).status_code
        == 403
    )
    run = client.post("/api/retention/runs", json={"dry_run": False}, headers=dpo).json()
    assert run["counts"]["collections"]["school.contracts"]["archive"] == 1
    assert school.ids("contracts") == []
    (bundle,) = client.get("/api/retention/archives", headers=dpo).json()
    assert client.get("/api/retention/archives/verify", headers=dpo).json()["ok"] is True
    path = f"/api/retention/archives/{bundle['id']}/restore"
    assert client.post(path, json={"reason": "court"}, headers=dpo).status_code == 403
    archivist = _auth(tokens[Role.ARCHIVIST])
    assert client.post(path, json={"reason": ""}, headers=archivist).status_code == 422
    rows = client.post(path, json={"reason": "court order"}, headers=archivist).json()
    assert rows[0]["reference"] == "C-1"
    early = client.post(f"/api/retention/archives/{bundle['id']}/destroy", headers=dpo)
    assert early.status_code == 409


def test_api_holds(web: tuple[TestClient, dict[Role, str], School]) -> None:
    """DEF-R4 over the API: placed and released by a role holding HOLD_MANAGE."""
    client, tokens, _ = web
    privacy = _auth(tokens[Role.PRIVACY])
    made = client.post(
        "/api/retention/holds",
        json={"reason": "lawsuit", "identity": "email=c@example.org"},
        headers=privacy,
    )
    assert made.status_code == 201, made.text
    assert (
        client.post("/api/retention/holds", json={"reason": "x"}, headers=privacy).status_code
        == 422
    )
    hold_id = made.json()["id"]
    refused = client.post(
        f"/api/retention/holds/{hold_id}/release", headers=_auth(tokens[Role.FINANCE])
    )
    assert refused.status_code == 403
    assert (
        client.post(f"/api/retention/holds/{hold_id}/release", headers=privacy).status_code == 200
    )
    assert client.get("/api/retention/holds", headers=privacy).json() == []


def test_admin_page_and_hold_form(web: tuple[TestClient, dict[Role, str], School]) -> None:
    client, _, _ = web
    csrf = login(client, Role.DPO)
    page = client.get("/admin/retention")
    assert page.status_code == 200 and "school.contracts" in page.text
    refused = client.post(
        "/admin/retention/holds", data={"target": "school.contracts", "reason": "audit"}
    )
    assert refused.status_code == 403, "no CSRF token"
    done = client.post(
        "/admin/retention/holds",
        data={"target": "school.contracts", "reason": "tax audit", "csrf_token": csrf},
        follow_redirects=True,
    )
    assert done.status_code == 200 and "tax audit" in done.text
    bad = client.post(
        "/admin/retention/holds", data={"target": "nowhere.x", "reason": "r", "csrf_token": csrf}
    )
    assert bad.status_code == 422 and "nowhere" in bad.text


def test_privacy_page_lists_periods_in_the_persons_language(
    web: tuple[TestClient, dict[Role, str], School],
) -> None:
    """AF-R1, AF-R2, DEF-R3 told to the person: periods, start events, archive statute."""
    client, _, _ = web
    page = client.get("/privacy/retention", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    assert "Combien de temps nous conservons vos données" in page.text
    assert "14 mois" in page.text and "Code de commerce" in page.text
    english = client.get("/privacy/retention", headers={"Accept-Language": "en"})
    assert "14 months" in english.text
