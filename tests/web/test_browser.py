"""A person at the keyboard: log in, see the dashboard, be refused a page the role may not open."""

from __future__ import annotations

from typing import Any

import pytest

from garant.accounts.roles import Role
from garant.app import Garant
from tests.web.conftest import PASSWORD, staff_email

pytestmark = pytest.mark.browser


def _login(page: Any, url: str, role: Role) -> None:
    page.goto(f"{url}/admin")
    assert "/login" in page.url
    page.get_by_label("Email").fill(staff_email(role))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{url}/admin")


def test_login_dashboard_and_a_refused_page(
    staffed: Garant, browser: Any, live_server: Any
) -> None:
    with live_server(staffed) as server:
        page = browser.new_page(locale="en-GB")
        _login(page, server.url, Role.AUDITOR)
        assert page.get_by_role("heading", name="Dashboard").is_visible()
        assert page.get_by_role("link", name="Audit log").is_visible()
        assert page.get_by_role("link", name="Staff").count() == 0  # not offered to an auditor
        response = page.goto(f"{server.url}/admin/users")
        assert response is not None and response.status == 403
        assert page.get_by_role("heading", name="Not allowed").is_visible()
        page.close()


def test_the_back_office_speaks_french(staffed: Garant, browser: Any, live_server: Any) -> None:
    with live_server(staffed) as server:
        page = browser.new_page(locale="fr-FR")
        page.goto(f"{server.url}/login")
        assert page.locator("html").get_attribute("lang") == "fr"
        page.get_by_label("Courriel").fill(staff_email(Role.ADMIN))
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{server.url}/admin")
        assert page.get_by_role("heading", name="Tableau de bord").is_visible()
        page.close()
