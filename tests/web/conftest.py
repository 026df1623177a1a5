"""A web client on a workspace with one staff member per role."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from garant.accounts.roles import Role
from garant.accounts.service import add_user, issue_token
from garant.app import Garant
from garant.web.app import create_app

PASSWORD = "correct horse battery"


def staff_email(role: Role | str) -> str:
    return f"{Role(role).value}@staff.example"


@pytest.fixture
def staffed(make_garant: Callable[..., Garant]) -> Garant:
    garant = make_garant()
    with garant.unit_of_work() as uow:
        for role in Role:
            add_user(uow=uow, email=staff_email(role), role=role.value, password=PASSWORD)
    return garant


@pytest.fixture
def tokens(staffed: Garant) -> dict[Role, str]:
    with staffed.unit_of_work() as uow:
        return {role: issue_token(uow=uow, email=staff_email(role), name="t") for role in Role}


def csrf_of(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def login(client: TestClient, role: Role | str) -> str:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={
            "email": staff_email(role),
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/admin",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_of(client, "/login")


@pytest.fixture
def client(staffed: Garant) -> Iterator[TestClient]:
    with TestClient(
        create_app(staffed), base_url="http://testserver", headers={"Accept-Language": "en"}
    ) as test_client:
        yield test_client
