"""Issue 16: the back office's Staff page (admin role) deactivates, activates, changes a
role or a password and revokes a token, each audited; an admin cannot lock themselves out."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from garant.accounts.models import ApiToken, StaffUser
from garant.accounts.roles import Role
from garant.app import Garant
from garant.audit.models import AuditEvent
from tests.web.conftest import login, staff_email


def _post(client: TestClient, csrf: str, path: str, **form: str) -> int:
    data = {"csrf_token": csrf, **form}
    return client.post(f"/admin/users/{path}", data=data, follow_redirects=False).status_code


def test_the_staff_page_runs_the_whole_lifecycle(
    client: TestClient, staffed: Garant, tokens: dict[Role, str]
) -> None:
    csrf = login(client, Role.ADMIN)
    page = client.get("/admin/users")
    assert page.status_code == 200 and staff_email(Role.PRIVACY) in page.text
    target = staff_email(Role.PRIVACY)
    assert _post(client, csrf, "deactivate", email=target) == 303
    assert _post(client, csrf, "activate", email=target) == 303
    assert _post(client, csrf, "role", email=target, role="auditor") == 303
    assert _post(client, csrf, "password", email=target, password="a new long password") == 303
    assert _post(client, csrf, "password", email=target, password="short") == 422
    with staffed.unit_of_work(read_only=True) as uow:
        token_id = uow.session.scalars(
            select(ApiToken.id).join(StaffUser).where(StaffUser.email == target)
        ).one()
    assert _post(client, csrf, "revoke-token", token_id=str(token_id)) == 303
    again = client.post(
        "/admin/users/revoke-token",
        data={"csrf_token": csrf, "token_id": str(token_id)},
    )
    assert again.status_code == 409 and "already revoked" in again.text
    mine = staff_email(Role.ADMIN)
    refused = client.post("/admin/users/deactivate", data={"csrf_token": csrf, "email": mine})
    assert refused.status_code == 409 and "your own account" in refused.text
    with staffed.unit_of_work(read_only=True) as uow:
        user = uow.session.scalars(select(StaffUser).where(StaffUser.email == target)).one()
        assert (user.role, user.active) == ("auditor", True)
        actions = set(uow.session.scalars(select(AuditEvent.action)))
    assert {"user.deactivate", "user.activate", "user.role", "user.password"} <= actions
    assert "token.revoke" in actions


def test_only_the_admin_role_reaches_the_staff_page(client: TestClient) -> None:
    csrf = login(client, Role.DPO)
    assert client.get("/admin/users").status_code == 403
    status = _post(client, csrf, "deactivate", email=staff_email(Role.PRIVACY))
    assert status == 403
