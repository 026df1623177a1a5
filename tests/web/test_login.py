"""Login, sessions, CSRF and the shell's pages."""

from __future__ import annotations

from fastapi.testclient import TestClient

from garant.accounts.roles import Role
from garant.app import Garant
from garant.web.app import create_app
from tests.web.conftest import PASSWORD, csrf_of, login, staff_email


def test_login_opens_the_dashboard_and_logout_closes_it(client: TestClient) -> None:
    assert client.get("/admin", follow_redirects=False).headers["location"] == "/login?next=/admin"
    csrf = login(client, Role.DPO)
    page = client.get("/admin")
    assert page.status_code == 200 and "Dashboard" in page.text
    client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    response = client.post(
        "/login",
        data={"email": staff_email(Role.DPO), "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403 and "CSRF" in response.text


def test_wrong_password_says_so_without_saying_which(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"email": "nobody@staff.example", "password": "nope nope nope", "csrf_token": token},
    )
    assert response.status_code == 401 and "Wrong email or password" in response.text


def test_session_cookie_is_secure_httponly_and_samesite(staffed: Garant) -> None:
    staffed.settings.web.secure_cookies = True
    with TestClient(create_app(staffed), base_url="https://testserver") as client:
        login(client, Role.AUDITOR)
        cookie = next(c for c in client.cookies.jar if c.name == "garant_session")
        assert cookie.secure
        assert cookie.has_nonstandard_attr("HttpOnly") or "httponly" in str(cookie._rest).lower()


def test_login_redirect_never_leaves_the_site(client: TestClient) -> None:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={
            "email": staff_email(Role.DPO),
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/admin"


def test_openapi_schema_is_served(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Garant" and "/api/health" in schema["paths"]


def test_privacy_center_speaks_the_persons_language(client: TestClient) -> None:
    page = client.get("/privacy", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in page.text
    english = client.get("/privacy?lang=en")
    assert '<html lang="en">' in english.text
    assert client.cookies.get("garant_lang") == "en"
