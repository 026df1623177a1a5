"""Issue 16: under the 'self'-only Content-Security-Policy, the pages still work in a real
browser (Chromium): the cookie banner demo, the API docs (Swagger UI and ReDoc, served
locally), the sign-in, the second factor's enrolment; and the browser reports no
violation."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from garant.accounts.roles import Role
from garant.app import Garant
from tests.web.conftest import PASSWORD, staff_email

pytestmark = pytest.mark.browser


def _violations(page: Any) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


def test_the_cookie_banner_and_the_api_docs_work_under_the_csp(
    staffed: Garant, browser: Any, live_server: Any
) -> None:
    with live_server(staffed) as server:
        page = browser.new_page(locale="en-GB")
        violations = _violations(page)
        page.goto(f"{server.url}/cookies/demo")
        accept = page.locator("#garant-cookie-accept")
        accept.wait_for()
        assert "margin-right" in (accept.get_attribute("style") or "")  # styled via the CSSOM
        accept.click()
        expect(page.locator("#accepted")).not_to_have_text("…")
        page.locator("#reopen").click()
        page.locator("#garant-cookie-refuse").wait_for()
        page.goto(f"{server.url}/api/docs")
        page.locator(".swagger-ui .info").wait_for()
        page.goto(f"{server.url}/api/redoc")
        page.locator("redoc h1, [role=main] h1, .api-info h1").first.wait_for()
        # ReDoc's "powered by" logo is fetched from its CDN: the CSP blocks it, as it must
        assert [v for v in violations if "https://cdn.redoc.ly/" not in v] == []
        page.close()


def test_second_factor_enrolment_and_sign_in_in_the_browser(
    staffed: Garant, browser: Any, live_server: Any
) -> None:
    """[web] require_2fa: the DPO enrols at sign-in (key shown as text), then needs a code."""
    staffed.settings.web.require_2fa = True
    with live_server(staffed) as server:
        page = browser.new_page(locale="en-GB")
        violations = _violations(page)
        page.goto(f"{server.url}/login")
        page.get_by_label("Email").fill(staff_email(Role.DPO))
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/login/code")
        uri = page.get_by_label("Key as a link").input_value()
        secret = pyotp.parse_uri(uri).secret
        code = pyotp.TOTP(secret).at(staffed.clock.now())
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin")
        assert page.get_by_role("heading", name="Dashboard").is_visible()
        assert violations == []
        page.close()


def test_optional_second_factor_from_my_account_then_asked_at_sign_in(
    staffed: Garant, browser: Any, live_server: Any
) -> None:
    with live_server(staffed) as server:
        page = browser.new_page(locale="en-GB")
        violations = _violations(page)
        _sign_in(page, server.url, Role.PRIVACY)
        page.wait_for_url(f"{server.url}/admin")
        page.get_by_role("link", name="My account").click()
        page.get_by_role("button", name="Set up a second factor").click()
        secret = pyotp.parse_uri(page.get_by_label("Key as a link").input_value()).secret
        page.get_by_label("Code from your authenticator app").fill("000000")
        page.get_by_role("button", name="Confirm").click()
        assert page.get_by_role("alert").inner_text() == "Wrong code."
        code = pyotp.TOTP(secret).at(staffed.clock.now())
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_role("button", name="Confirm").click()
        assert page.get_by_text("A second factor protects this account").is_visible()
        page.get_by_role("button", name="Sign out").click()
        _sign_in(page, server.url, Role.PRIVACY)
        page.wait_for_url(f"{server.url}/login/code")
        assert page.get_by_label("Key as a link").count() == 0  # the key is never shown again
        later = pyotp.TOTP(secret).at(staffed.clock.now(), counter_offset=1)
        page.get_by_label("Code from your authenticator app").fill(later)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/admin")
        assert violations == []
        page.close()


def _sign_in(page: Any, url: str, role: Role) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(staff_email(role))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
